/**
 * S3 as pantherctl meets it: buckets in regions, Panther's buckets readable but not listable,
 * through the AWS SDK v3 and the AWS CLI. Sources are cited per case.
 */
import { CreateBucketCommand, GetBucketLocationCommand, GetObjectCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { admin } from '../test-support/clients.js';
import { awsCli } from '../test-support/aws-cli.js';
import { useSandbox } from '../test-support/use-sandbox.js';

// Each AWS CLI run starts a Python interpreter: seconds apiece on a busy machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const sandbox = useSandbox({ speed: 400, seed: 24 });
const ROLE_KEY = 'panther-deployment-role/v1.28.7/template.yml';
const clients: S3Client[] = [];

function s3(region: string, followRegionRedirects = false): S3Client {
  const c = new S3Client({ region, endpoint: sandbox.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1, followRegionRedirects });
  clients.push(c);
  return c;
}
afterAll(() => {
  for (const c of clients) c.destroy();
});

async function s3Calls(): Promise<{ action: string; status: number; errorCode?: string }[]> {
  const { calls } = await admin<{ calls: { service: string; action: string; status: number; errorCode?: string }[] }>(sandbox.endpoint, 'GET', 'calls');
  return calls.filter((c) => c.service === 's3');
}

type SdkError = { name: string; message: string; $metadata: { httpStatusCode: number }; $response?: { headers: Record<string, string> } };

describe('S3 buckets live in regions', () => {
  // A request signed for another region gets 301 PermanentRedirect, the bucket's region in
  // x-amz-bucket-region (the full answer is quoted in yanganto/s3rs#18); AWS SDK v3 does not
  // follow it unless `followRegionRedirects: true` (aws/aws-sdk-js-v3
  // packages/middleware-sdk-s3/src/s3Configuration.ts, region-redirect-middleware.ts).
  it("GetObject through a client of another region: 301 PermanentRedirect naming the bucket's region", async () => {
    const err = (await s3('us-east-2').send(new GetObjectCommand({ Bucket: 'panther-public-cloudformation-templates', Key: ROLE_KEY })).catch((e: unknown) => e)) as SdkError;
    expect(err.name).toBe('PermanentRedirect');
    expect(err.message).toBe('The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.');
    expect(err.$metadata.httpStatusCode).toBe(301);
    expect(err.$response?.headers['x-amz-bucket-region']).toBe('us-west-2');
    // Each panther-enterprise bucket is in the region it names.
    const east1 = (await s3('us-east-2').send(new GetObjectCommand({ Bucket: 'panther-enterprise-eu-west-1', Key: 'v1.28.7/panther.yml' })).catch((e: unknown) => e)) as SdkError;
    expect(east1.$response?.headers['x-amz-bucket-region']).toBe('eu-west-1');
    // The bucket's own region serves it, and so does the SDK when told to follow redirects.
    expect(await (await s3('us-west-2').send(new GetObjectCommand({ Bucket: 'panther-public-cloudformation-templates', Key: ROLE_KEY }))).Body?.transformToString()).toContain('DeploymentRoleArn');
    expect(await (await s3('eu-west-1', true).send(new GetObjectCommand({ Bucket: 'panther-public-cloudformation-templates', Key: ROLE_KEY }))).Body?.transformToString()).toContain('DeploymentRoleArn');
  });

  // The AWS CLI (botocore) reads x-amz-bucket-region and retries in that region: the first
  // answer is the 301, the second the object.
  it('the AWS CLI follows the redirect through x-amz-bucket-region', async () => {
    const before = (await s3Calls()).length;
    const r = await awsCli(sandbox.endpoint, ['s3api', 'get-object', '--bucket', 'panther-public-cloudformation-templates', '--key', ROLE_KEY, '/dev/null'], { region: 'eu-west-1' });
    expect(r.stderr).toBe('');
    expect((await s3Calls()).slice(before).map((c) => `${c.action} ${c.status}`)).toEqual(['GetObject 301', 'GetObject 200']);
  });

  // GetBucketLocation answers with the region (us-east-1 as an empty LocationConstraint:
  // botocore s3 GetBucketLocation); HeadBucket carries x-amz-bucket-region (botocore s3
  // HeadBucketOutput.BucketRegion, location header x-amz-bucket-region).
  it('GetBucketLocation and HeadBucket name the region', async () => {
    expect((await s3('us-west-2').send(new GetBucketLocationCommand({ Bucket: 'panther-public-cloudformation-templates' }))).LocationConstraint).toBe('us-west-2');
    expect((await s3('us-west-2').send(new GetBucketLocationCommand({ Bucket: 'panther-enterprise-us-east-1' }))).LocationConstraint).toBeUndefined();
    expect((await s3('sa-east-1').send(new HeadBucketCommand({ Bucket: 'panther-enterprise-sa-east-1' }))).BucketRegion).toBe('sa-east-1');
  });
});

describe('a missing key', () => {
  // botocore s3 GetObject: "If you have the s3:ListBucket permission on the bucket, Amazon S3
  // returns an HTTP status code 404 Not Found error. If you don't have the s3:ListBucket
  // permission, Amazon S3 returns an HTTP status code 403 Access Denied error."
  it("is 403 AccessDenied in a bucket the caller cannot list (Panther's), 404 NoSuchKey in its own", async () => {
    const client = s3('us-west-2');
    const denied = (await client.send(new GetObjectCommand({ Bucket: 'panther-public-cloudformation-templates', Key: 'panther-deployment-role/v0.0.1/template.yml' })).catch((e: unknown) => e)) as SdkError;
    expect(denied).toMatchObject({ name: 'AccessDenied', message: 'Access Denied', $metadata: { httpStatusCode: 403 } });
    await client.send(new CreateBucketCommand({ Bucket: 'mine-us-west-2', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
    const missing = (await client.send(new GetObjectCommand({ Bucket: 'mine-us-west-2', Key: 'nothing' })).catch((e: unknown) => e)) as SdkError;
    expect(missing).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    const r = await awsCli(sandbox.endpoint, ['s3api', 'get-object', '--bucket', 'panther-enterprise-us-west-2', '--key', 'v0.0.1/panther.yml', '/dev/null'], { region: 'us-west-2' });
    expect(r.stderr).toContain('An error occurred (AccessDenied) when calling the GetObject operation: Access Denied');
  });
});
