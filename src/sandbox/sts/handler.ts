import { AwsError } from '../aws-error.js';
import type { QueryParams } from '../query-params.js';
import { el, isoTime } from '../xml.js';
import type { Principal, StsEngine } from './sts-engine.js';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function respond(action: string, requestId: string, result: string): string {
  return `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

/**
 * STS over the Query protocol (botocore sts/2011-06-15: `"protocol":"query"`).
 * GetCallerIdentity names the caller: a user, or with AssumeRole's credentials the
 * assumed-role session (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`, UserId
 * `<roleId>:<session>`: IAM User Guide, reference_policies_variables, "aws:userid").
 */
export function handleSts(sts: StsEngine, action: string, p: QueryParams, requestId: string, caller: Principal): string {
  switch (action) {
    case 'GetCallerIdentity':
      return respond(action, requestId, el('Arn', caller.arn) + el('UserId', caller.userId) + el('Account', caller.account));
    case 'AssumeRole': {
      const duration = p.int('DurationSeconds');
      const s = sts.assumeRole(caller, {
        ...(p.get('RoleArn') !== undefined ? { roleArn: p.get('RoleArn') as string } : {}),
        ...(p.get('RoleSessionName') !== undefined ? { roleSessionName: p.get('RoleSessionName') as string } : {}),
        ...(duration !== undefined ? { durationSeconds: duration } : {}),
      });
      const account = caller.account;
      return respond(
        action,
        requestId,
        `<Credentials>${el('AccessKeyId', s.accessKeyId)}${el('SecretAccessKey', s.secretAccessKey)}${el('SessionToken', s.sessionToken)}${el('Expiration', isoTime(s.expiration))}</Credentials>` +
          `<AssumedRoleUser>${el('AssumedRoleId', `${s.roleId}:${s.sessionName}`)}${el('Arn', `arn:aws:sts::${account}:assumed-role/${s.roleName}/${s.sessionName}`)}</AssumedRoleUser>` +
          el('PackedPolicySize', 0),
      );
    }
    default:
      throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
  }
}
