import { AwsError } from './aws-error.js';
import { el } from './xml.js';

/**
 * STS GetCallerIdentity over the Query protocol. The caller is named after the access key
 * it signed with, so a test can tell two credential sets apart.
 */
export function handleSts(action: string, requestId: string, accountId: string, accessKeyId: string | undefined): string {
  if (action !== 'GetCallerIdentity') throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
  const user = accessKeyId && /^[A-Za-z0-9_+=,.@-]{1,64}$/.test(accessKeyId) ? `sandbox-${accessKeyId}` : 'sandbox';
  return (
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
    el('Arn', `arn:aws:iam::${accountId}:user/${user}`) +
    el('UserId', `AIDASANDBOX${(accessKeyId ?? 'ANONYMOUS').toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 12)}`) +
    el('Account', accountId) +
    `</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
  );
}
