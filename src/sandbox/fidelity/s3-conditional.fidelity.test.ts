/**
 * S3 conditional writes, encryption headers and ListObjectsV2 paging, as the S3 state store
 * (src/journal/s3-state-store.ts) relies on them, through the AWS SDK v3 and the AWS CLI.
 * Sources per case; the exact texts S3 uses where no source quotes them are in UNVERIFIED.md.
 */
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { admin } from '../test-support/clients.js';
import { awsCli } from '../test-support/aws-cli.js';
import { useSandbox } from '../test-support/use-sandbox.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const sandbox = useSandbox({ speed: 400, seed: 31 });
const BUCKET = 'team-state-us-east-2';
let client: S3Client | undefined;
const s3 = (): S3Client =>
  (client ??= new S3Client({ region: 'us-east-2', endpoint: sandbox.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 }));
afterAll(() => client?.destroy());
beforeEach(async () => {
  await s3().send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
});

type SdkError = { name: string; message: string; Condition?: string; $metadata: { httpStatusCode: number } };
const fails = (p: Promise<unknown>): Promise<SdkError> => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as SdkError);
const put = (Key: string, Body: string, extra: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {}) => s3().send(new PutObjectCommand({ Bucket: BUCKET, Key, Body, ...extra }));

describe('If-None-Match: * (API_PutObject.html IfNoneMatch; User Guide conditional-writes.html)', () => {
  // "Uploads the object only if the object key name does not already exist in the bucket
  // specified. Otherwise, Amazon S3 returns a 412 Precondition Failed error."
  it('creates a key once; the second write is 412 PreconditionFailed naming the condition, and the object is unchanged', async () => {
    const first = await put('lock', 'one', { IfNoneMatch: '*' });
    expect(first.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const err = await fails(put('lock', 'two', { IfNoneMatch: '*' }));
    expect(err).toMatchObject({ name: 'PreconditionFailed', message: 'At least one of the pre-conditions you specified did not hold', Condition: 'If-None-Match', $metadata: { httpStatusCode: 412 } });
    expect(await (await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'lock' }))).Body?.transformToString()).toBe('one');
  });

  // "With concurrent conditional writes, the first to finish wins and later ones get 412"
  // (conditional-writes.html, "How to prevent object overwrites based on key names").
  it('of 25 concurrent creates of one key exactly one succeeds; the rest are 412', async () => {
    const results = await Promise.allSettled(Array.from({ length: 25 }, (_, i) => put('race', `writer-${i}`, { IfNoneMatch: '*' })));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.name as string)).toEqual(Array(24).fill('PreconditionFailed'));
  });

  // AWS-FACTS.md: If-None-Match other than `*`, or both headers at once, is 501 NotImplemented.
  it('with an ETag instead of *, or together with If-Match: 501 NotImplemented', async () => {
    const { ETag } = await put('k', 'v');
    expect(await fails(put('k', 'w', { IfNoneMatch: ETag as string }))).toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
    expect(await fails(put('k', 'w', { IfNoneMatch: '*', IfMatch: ETag as string }))).toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
  });
});

describe('If-Match: <etag> (API_PutObject.html IfMatch, API_DeleteObject.html IfMatch)', () => {
  // "Uploads the object only if the ETag (entity tag) value provided during the WRITE operation
  // matches the ETag of the object in S3. If the ETag values do not match, the operation
  // returns a 412 Precondition Failed error."
  it('replaces the object only while its ETag is the one given; a stale ETag is 412', async () => {
    const a = await put('lease', 'v1');
    const b = await put('lease', 'v2', { IfMatch: a.ETag as string });
    expect(b.ETag).not.toBe(a.ETag);
    expect(await fails(put('lease', 'v3', { IfMatch: a.ETag as string }))).toMatchObject({ name: 'PreconditionFailed', Condition: 'If-Match', $metadata: { httpStatusCode: 412 } });
    // Two takers that read the same ETag: the first wins, the second is refused.
    const takers = await Promise.allSettled([put('lease', 'taker-1', { IfMatch: b.ETag as string }), put('lease', 'taker-2', { IfMatch: b.ETag as string })]);
    expect(takers.map((t) => t.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  // "If there's no current object version with the same name ... the operation fails with a
  // 404 Not Found error" (conditional-writes.html, "How to prevent object overwrites based on ETags").
  it('on a missing key: 404 NoSuchKey', async () => {
    expect(await fails(put('absent', 'x', { IfMatch: '"0123456789abcdef0123456789abcdef"' }))).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
  });

  // DeleteObject If-Match: "If the ETag values do not match, the operation returns a 412
  // Precondition Failed error" (botocore s3 DeleteObjectRequest.IfMatch).
  it('deletes only with the current ETag', async () => {
    const a = await put('d', 'v1');
    await put('d', 'v2');
    expect(await fails(s3().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'd', IfMatch: a.ETag as string })))).toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    const current = await s3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'd' }));
    await s3().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'd', IfMatch: current.ETag as string }));
    expect(await fails(s3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'd' })))).toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });
});

// "If a conflicting operation occurs during the upload S3 returns a 409
// ConditionalRequestConflict response. On a 409 failure you should retry the upload"
// (API_PutObject.html IfNoneMatch/IfMatch). The sandbox never interleaves requests, so a test
// injects the race (fault `conditional-conflict`); the write is then not made.
it('a conditional write meeting a conflicting operation: 409 ConditionalRequestConflict, nothing written, a retry succeeds', async () => {
  await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'conditional-conflict', times: 1 }] });
  const err = await fails(put('entry', 'e', { IfNoneMatch: '*' }));
  expect(err).toMatchObject({ name: 'ConditionalRequestConflict', message: 'The conditional request cannot succeed due to a conflicting operation against this resource.', $metadata: { httpStatusCode: 409 } });
  expect(await fails(s3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'entry' })))).toMatchObject({ $metadata: { httpStatusCode: 404 } });
  await put('entry', 'e', { IfNoneMatch: '*' });
  // An unconditional write is no "conditional request": the fault does not apply to it.
  await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'conditional-conflict' }] });
  await put('plain', 'p');
});

describe('server-side encryption headers (botocore s3 PutObjectRequest ServerSideEncryption/SSEKMSKeyId; PutObjectOutput, HeadObjectOutput)', () => {
  // New objects get SSE-S3 by default (S3 User Guide, default-encryption-faq.html): AES256 in
  // x-amz-server-side-encryption. SSE-KMS objects name their key, and their ETag is "not an
  // MD5 digest of their object data" (botocore s3 Object.ETag).
  it('echoes AES256 by default and aws:kms with the key asked for', async () => {
    const plain = await put('plain', 'same');
    expect(plain.ServerSideEncryption).toBe('AES256');
    const key = 'arn:aws:kms:us-east-2:111111111111:key/11111111-2222-3333-4444-555555555555';
    const kms = await put('kms', 'same', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key });
    expect(kms).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key });
    expect(kms.ETag).not.toBe(plain.ETag);
    expect(await s3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'kms' }))).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key });
    expect(await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'plain' }))).toMatchObject({ ServerSideEncryption: 'AES256' });
  });
});

describe('ListObjectsV2 paging (botocore s3 ListObjectsV2: MaxKeys, ContinuationToken, StartAfter, Prefix)', () => {
  it('pages by MaxKeys with opaque continuation tokens, after StartAfter, within Prefix', async () => {
    for (let i = 1; i <= 7; i++) await put(`j/entry-${String(i).padStart(4, '0')}`, `${i}`);
    await put('other', 'x');
    const first = await s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'j/', MaxKeys: 3 }));
    expect(first).toMatchObject({ KeyCount: 3, MaxKeys: 3, IsTruncated: true, Prefix: 'j/' });
    expect(first.NextContinuationToken).toBeDefined();
    expect(first.NextContinuationToken).not.toContain('entry');
    const second = await s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'j/', MaxKeys: 3, ContinuationToken: first.NextContinuationToken as string }));
    expect(second.ContinuationToken).toBe(first.NextContinuationToken);
    expect(second.Contents?.map((c) => c.Key)).toEqual(['j/entry-0004', 'j/entry-0005', 'j/entry-0006']);
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: s3(), pageSize: 2 }, { Bucket: BUCKET, Prefix: 'j/', StartAfter: 'j/entry-0002' })) {
      expect(page.StartAfter).toBe('j/entry-0002');
      keys.push(...(page.Contents ?? []).map((c) => c.Key as string));
    }
    expect(keys).toEqual(['j/entry-0003', 'j/entry-0004', 'j/entry-0005', 'j/entry-0006', 'j/entry-0007']);
    const last = await s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'j/', StartAfter: 'j/entry-0007' }));
    expect(last).toMatchObject({ KeyCount: 0, IsTruncated: false });
  });
});

describe('through the AWS CLI', () => {
  // The AWS CLI pages list-objects-v2 itself with the continuation tokens (--page-size sets
  // MaxKeys per call), and passes --server-side-encryption/--ssekms-key-id as the headers.
  // Debian's AWS CLI 2.9 has no --if-none-match/--if-match on put-object (they came with the
  // 2024 conditional writes), so conditions go through the SDK above.
  it('lists every key across pages and sees the encryption of an SSE-KMS object', async () => {
    for (let i = 1; i <= 5; i++) await put(`cli/e-${i}`, `${i}`);
    const before = (await admin<{ calls: { service: string; action: string }[] }>(sandbox.endpoint, 'GET', 'calls')).calls.filter((c) => c.action === 'ListObjectsV2').length;
    const listed = await awsCli(sandbox.endpoint, ['s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', 'cli/', '--page-size', '2'], { region: 'us-east-2' });
    expect(listed.stderr).toBe('');
    expect((JSON.parse(listed.stdout) as { Contents: { Key: string }[] }).Contents.map((c) => c.Key)).toEqual(['cli/e-1', 'cli/e-2', 'cli/e-3', 'cli/e-4', 'cli/e-5']);
    const after = (await admin<{ calls: { service: string; action: string }[] }>(sandbox.endpoint, 'GET', 'calls')).calls.filter((c) => c.action === 'ListObjectsV2').length;
    expect(after - before).toBe(3);
    const key = 'arn:aws:kms:us-east-2:111111111111:key/abcd';
    const putKms = await awsCli(sandbox.endpoint, ['s3api', 'put-object', '--bucket', BUCKET, '--key', 'cli/kms', '--server-side-encryption', 'aws:kms', '--ssekms-key-id', key], { region: 'us-east-2' });
    expect(putKms.stderr).toBe('');
    expect(JSON.parse(putKms.stdout)).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key });
    const head = await awsCli(sandbox.endpoint, ['s3api', 'head-object', '--bucket', BUCKET, '--key', 'cli/kms'], { region: 'us-east-2' });
    expect(JSON.parse(head.stdout)).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key });
  });
});
