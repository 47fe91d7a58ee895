/**
 * The sandbox holding a fleet: accounts by access key, regions by the SigV4 credential scope,
 * one process. The cells are ordinary sandbox accounts; only the routing is new.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountOfAccessKey, fleetAccessKey, fleetLayout, startSandbox, type SandboxServer } from './index.js';

let server: SandboxServer | undefined;
const dir = mkdtempSync(join(tmpdir(), 'sandbox-fleet-'));
const fleetFile = join(dir, 'pantherctl-fleet.yml');
const destroyers: { destroy(): void }[] = [];
const creds = (account: string) => ({ accessKeyId: fleetAccessKey(account), secretAccessKey: 'sandbox' });
function client<T extends { destroy(): void }>(c: T): T {
  destroyers.push(c);
  return c;
}

beforeAll(async () => {
  server = await startSandbox({ port: 0, speed: 400, seed: 3, fleet: 5, fleetFile });
});
afterAll(async () => {
  for (const c of destroyers) c.destroy();
  await server?.close();
});

describe('sandbox --fleet', () => {
  it('lays deployments over regions, then accounts; keys AKIA<account>SBOX name their account', () => {
    expect(fleetLayout(5).map((c) => `${c.accountId}/${c.region}`)).toEqual(['111111111111/us-east-2', '111111111111/us-west-2', '111111111111/eu-west-1', '222222222222/us-east-2', '222222222222/us-west-2']);
    expect(fleetAccessKey('222222222222')).toHaveLength(20);
    expect(accountOfAccessKey('AKIA222222222222SBOX')).toBe('222222222222');
    expect(accountOfAccessKey('AKIDSANDBOX')).toBeUndefined();
  });

  it('routes each request to the account of its key and the region of its signature: each cell has its own deployment', async () => {
    for (const cell of fleetLayout(5)) {
      const sts = client(new STSClient({ region: cell.region, endpoint: server!.endpoint, credentials: creds(cell.accountId) }));
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(cell.accountId);
      const cfn = client(new CloudFormationClient({ region: cell.region, endpoint: server!.endpoint, credentials: creds(cell.accountId) }));
      const [root] = (await cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks ?? [];
      expect(root?.StackId).toContain(`:${cell.region}:${cell.accountId}:stack/panther-root/`);
      expect(root?.Tags?.find((t) => t.Key === 'PantherVersion')?.Value).toBe('v1.25.18');
    }
    // An account's region that holds no deployment is an empty account there, as in AWS.
    const empty = client(new CloudFormationClient({ region: 'eu-west-1', endpoint: server!.endpoint, credentials: creds('222222222222') }));
    await expect(empty.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('any other key is the first cell, as the single-account sandbox answers it', async () => {
    const sts = client(new STSClient({ region: 'us-east-2', endpoint: server!.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('111111111111');
  });

  // The role stack's trust policy names its own account's root (fixtures deployment-role.yml),
  // so a session is had in that account only; its keys then route to the role's account.
  it('AssumeRole is served by the role account: same-account sessions work, another account is refused', async () => {
    const roleArn = 'arn:aws:iam::222222222222:role/PantherDeploymentRole-us-east-2';
    const own = client(new STSClient({ region: 'us-east-2', endpoint: server!.endpoint, credentials: creds('222222222222') }));
    const session = (await own.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ops' }))).Credentials;
    expect(session?.AccessKeyId).toMatch(/^ASIA/);
    const asRole = client(new STSClient({ region: 'us-east-2', endpoint: server!.endpoint, credentials: { accessKeyId: session!.AccessKeyId!, secretAccessKey: session!.SecretAccessKey!, sessionToken: session!.SessionToken! } }));
    expect(await asRole.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: '222222222222', Arn: 'arn:aws:sts::222222222222:assumed-role/PantherDeploymentRole-us-east-2/ops' });
    const other = client(new STSClient({ region: 'us-east-2', endpoint: server!.endpoint, credentials: creds('111111111111') }));
    await expect(other.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ops' }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  // Bucket names are global: a bucket one account made is the one every account addresses.
  it('S3 is one namespace for every cell', async () => {
    const a = client(new S3Client({ region: 'us-east-2', endpoint: server!.endpoint, forcePathStyle: true, credentials: creds('111111111111') }));
    const b = client(new S3Client({ region: 'us-east-2', endpoint: server!.endpoint, forcePathStyle: true, credentials: creds('222222222222') }));
    await a.send(new CreateBucketCommand({ Bucket: 'fleet-shared-state', CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
    await a.send(new PutObjectCommand({ Bucket: 'fleet-shared-state', Key: 'k', Body: 'v', IfNoneMatch: '*' }));
    expect(await (await b.send(new GetObjectCommand({ Bucket: 'fleet-shared-state', Key: 'k' }))).Body?.transformToString()).toBe('v');
  });

  it('writes the fleet file and the credentials of its profiles', () => {
    const fleet = readFileSync(fleetFile, 'utf8');
    expect(fleet).toContain(`endpointUrl: ${server!.endpoint}`);
    expect(fleet.match(/^ {2}- name: /gm)).toHaveLength(5);
    expect(server!.fleetFiles).toEqual({ fleet: fleetFile, credentials: `${fleetFile}.credentials` });
    expect(readFileSync(`${fleetFile}.credentials`, 'utf8')).toContain('[sandbox-222222222222]\naws_access_key_id = AKIA222222222222SBOX');
  });
});
