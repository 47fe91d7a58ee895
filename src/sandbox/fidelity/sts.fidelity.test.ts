/**
 * STS AssumeRole and who the sandbox says made each call, through the AWS SDK v3 and the AWS
 * CLI. Sources: botocore sts/2011-06-15 service-2.json (AssumeRole, GetCallerIdentity,
 * GetAccessKeyInfo), the IAM User Guide (reference_policies_elements_principal,
 * reference_policies_variables), and the error texts quoted in Netflix/security_monkey#77 and
 * kreuzwerker/awsu#27.
 */
import { DescribeStacksCommand, CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { admin, clientsFor } from '../test-support/clients.js';
import { awsCliJson, awsCli } from '../test-support/aws-cli.js';
import { sdkError } from '../test-support/fidelity.js';
import { useSandbox } from '../test-support/use-sandbox.js';

// Each AWS CLI run starts a Python interpreter: seconds apiece on a busy machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const sandbox = useSandbox({ speed: 400, seed: 25 });
const DEPLOYMENT_ROLE = 'arn:aws:iam::123456789012:role/PantherDeploymentRole-us-east-2';
const FUNCTION_ROLE = 'arn:aws:iam::123456789012:role/panther-root-functions-us-east-2';
const opened: { destroy(): void }[] = [];
afterAll(() => {
  for (const c of opened) c.destroy();
});

function sts(credentials = { accessKeyId: 'test', secretAccessKey: 'test' } as { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): STSClient {
  const c = new STSClient({ region: 'us-east-2', endpoint: sandbox.endpoint, credentials, maxAttempts: 1 });
  opened.push(c);
  return c;
}

describe('AssumeRole', () => {
  // AssumeRole returns Credentials {AccessKeyId, SecretAccessKey, SessionToken, Expiration} and
  // AssumedRoleUser {AssumedRoleId "<roleId>:<session>", Arn
  // "arn:aws:sts::<acct>:assumed-role/<role>/<session>"} (BC AssumeRoleResponse); temporary keys
  // start with ASIA (BC GetAccessKeyInfo: "Access key IDs beginning with ASIA are temporary
  // credentials that are created using AWS STS operations").
  it("gives temporary credentials for a role the account holds (the role stack's DeploymentRoleArn)", async () => {
    const roleArn = (await sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-deployment-role' }))).Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'DeploymentRoleArn')?.OutputValue;
    expect(roleArn).toBe(DEPLOYMENT_ROLE);
    const out = await sts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'pantherctl' }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.SessionToken).toBeTruthy();
    expect(out.Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/PantherDeploymentRole-us-east-2/pantherctl');
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z0-9]+:pantherctl$/);
    const viaCli = await awsCliJson<{ Credentials: { AccessKeyId: string }; AssumedRoleUser: { Arn: string } }>(sandbox.endpoint, ['sts', 'assume-role', '--role-arn', DEPLOYMENT_ROLE, '--role-session-name', 'cli']);
    expect(viaCli.Credentials.AccessKeyId).toMatch(/^ASIA/);
    expect(viaCli.AssumedRoleUser.Arn).toBe('arn:aws:sts::123456789012:assumed-role/PantherDeploymentRole-us-east-2/cli');
  });

  // GetCallerIdentity with those credentials names the session: Arn the assumed-role ARN,
  // UserId "<roleId>:<session>" (IAM User Guide reference_policies_variables, aws:userid for a
  // role session). The call log records that principal for every call it signs.
  it('makes later calls as the role session: GetCallerIdentity and the call log say so', async () => {
    const out = await sts().send(new AssumeRoleCommand({ RoleArn: DEPLOYMENT_ROLE, RoleSessionName: 'pantherctl' }));
    const credentials = { accessKeyId: out.Credentials?.AccessKeyId as string, secretAccessKey: out.Credentials?.SecretAccessKey as string, sessionToken: out.Credentials?.SessionToken as string };
    const id = await sts(credentials).send(new GetCallerIdentityCommand({}));
    expect(id).toMatchObject({ Arn: out.AssumedRoleUser?.Arn, UserId: out.AssumedRoleUser?.AssumedRoleId, Account: '123456789012' });
    const cfn = new CloudFormationClient({ region: 'us-east-2', endpoint: sandbox.endpoint, credentials, maxAttempts: 1 });
    opened.push(cfn);
    await cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }));
    await clientsFor(sandbox.endpoint).cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }));
    const { calls } = await admin<{ calls: { action: string; principal: string }[] }>(sandbox.endpoint, 'GET', 'calls');
    const described = calls.filter((c) => c.action === 'DescribeStacks').map((c) => c.principal);
    expect(described.slice(-2)).toEqual(['arn:aws:sts::123456789012:assumed-role/PantherDeploymentRole-us-east-2/pantherctl', 'arn:aws:iam::123456789012:user/sandbox-test']);
    const viaCli = await awsCliJson<{ Arn: string }>(sandbox.endpoint, ['sts', 'get-caller-identity'], {
      env: { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken },
    });
    expect(viaCli.Arn).toBe(out.AssumedRoleUser?.Arn);
  });

  // Denied: 403 AccessDenied "User: <caller-arn> is not authorized to perform: sts:AssumeRole on
  // resource: <role-arn>" (the XML quoted in Netflix/security_monkey#77). PantherFunctionRole trusts
  // lambda.amazonaws.com only; a role the account does not hold is treated the same (UNVERIFIED.md).
  it('refuses a role whose trust policy does not name the caller, and one that does not exist', async () => {
    expect(await sdkError(sts().send(new AssumeRoleCommand({ RoleArn: FUNCTION_ROLE, RoleSessionName: 'x1' })))).toEqual({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::123456789012:user/sandbox-test is not authorized to perform: sts:AssumeRole on resource: ${FUNCTION_ROLE}`,
      status: 403,
    });
    const r = await awsCli(sandbox.endpoint, ['sts', 'assume-role', '--role-arn', 'arn:aws:iam::123456789012:role/NoSuchRole', '--role-session-name', 'cli']);
    expect(r.stderr).toContain('An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::123456789012:user/sandbox-test is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/NoSuchRole');
  });

  // BC: RoleSessionName 2-64 characters; DurationSeconds at most the role's MaxSessionDuration
  // (default one hour): "The requested DurationSeconds exceeds the MaxSessionDuration set for
  // this role." (kreuzwerker/awsu#27).
  it('checks the session name and the duration', async () => {
    expect(await sdkError(sts().send(new AssumeRoleCommand({ RoleArn: DEPLOYMENT_ROLE, RoleSessionName: 'p' })))).toMatchObject({ name: 'ValidationError', message: expect.stringContaining("at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2") });
    expect(await sdkError(sts().send(new AssumeRoleCommand({ RoleArn: DEPLOYMENT_ROLE, RoleSessionName: 'pantherctl', DurationSeconds: 7200 })))).toMatchObject({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
  });
});
