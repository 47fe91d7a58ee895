/**
 * The S3 state store over the wire: the SDK gateway against the in-process sandbox's S3, with
 * S3's own failures (412, 409, 503 SlowDown, a dropped answer) injected.
 */
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it, vi } from 'vitest';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { JOURNAL_VERSION, type JournalEntry } from '../../journal/entry.js';
import { S3StateStore } from '../../journal/s3-state-store.js';
import { admin, clientsFor } from '../../sandbox/test-support/clients.js';
import { useSandbox } from '../../sandbox/test-support/use-sandbox.js';
import { openS3State } from '../state/open-s3-state.js';
import { S3StateGateway } from './s3-state-gateway.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const sandbox = useSandbox({ speed: 400, seed: 7 });
const key = { account: '123456789012', region: 'us-east-2', rootStack: 'panther-prod' };
const BUCKET = 'acme-pantherctl-state';

async function bucket(): Promise<void> {
  const { s3 } = clientsFor(sandbox.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
  s3.destroy();
}

const conn = () => ({ region: 'us-east-2', endpointUrl: sandbox.endpoint });
const entry = (seq: number, fence: string): JournalEntry => ({ v: JOURNAL_VERSION, seq, time: '2026-01-01T00:00:00.000Z', run: 'r', fence, type: 'hop.done', hop: `v${seq}` }) as JournalEntry;

async function s3Calls(): Promise<{ action: string; status: number; errorCode?: string }[]> {
  const { calls } = await admin<{ calls: { service: string; action: string; status: number; errorCode?: string }[] }>(sandbox.endpoint, 'GET', 'calls');
  return calls.filter((c) => c.service === 's3');
}

describe('S3 state over the SDK', () => {
  it('of 50 concurrent contenders exactly one gets the lock, the others are locked naming it', async () => {
    await bucket();
    const opened = Array.from({ length: 50 }, () => openS3State(conn(), `s3://${BUCKET}/team`, {}));
    const results = await Promise.allSettled(opened.map((o, i) => o.store.acquire(key, { command: 'upgrade', run: `run-${i}` })));
    for (const o of opened) o.close();
    const winners = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<S3StateStore['acquire']>>> => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as PantherctlError);
    expect(new Set(losers.map((e) => e.code))).toEqual(new Set(['locked']));
    expect(losers.every((e) => (e.meta as { holder?: { run?: string } }).holder?.run === winners[0]?.value.owner.run)).toBe(true);
    // The lock was created with If-None-Match: the others met 412, never overwrote it.
    expect((await s3Calls()).filter((c) => c.action === 'PutObject').map((c) => c.status).filter((s) => s === 200)).toHaveLength(1);
  });

  it('a dropped answer, SlowDown and a 409 are retried; no entry is lost or written twice', async () => {
    await bucket();
    const { store, close } = openS3State(conn(), `s3://${BUCKET}/team/`);
    const lease = await store.acquire(key, { command: 'upgrade', run: 'r' });
    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'drop-response', service: 's3', action: 'PutObject', times: 1 }] });
    await store.append(lease, entry(1, lease.fence));
    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'throttle', service: 's3', action: 'PutObject', times: 2 }] });
    await store.append(lease, entry(2, lease.fence));
    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'conditional-conflict', action: 'PutObject', times: 1 }] });
    await store.append(lease, entry(3, lease.fence));
    await admin(sandbox.endpoint, 'DELETE', 'faults');
    expect((await store.read(key)).map((e) => e.seq)).toEqual([1, 2, 3]);
    const puts = (await s3Calls()).filter((c) => c.action === 'PutObject').map((c) => `${c.status}${c.errorCode ? ` ${c.errorCode}` : ''}`);
    // lock, entry 1 (answer dropped), its retry (412, read back), entry 2 twice throttled then made, entry 3 409 then made.
    expect(puts).toEqual(['200', '200', '412 PreconditionFailed', '503 SlowDown', '503 SlowDown', '200', '409 ConditionalRequestConflict', '200']);
    await store.release(lease);
    close();
  });

  it('reads a journal of many entries across ListObjectsV2 pages', async () => {
    await bucket();
    const { store, close } = openS3State(conn(), `s3://${BUCKET}/paged`);
    const lease = await store.acquire(key, { command: 'upgrade', run: 'r' });
    const n = 1010;
    const writer = new S3StateGateway(conn(), { bucket: BUCKET, prefix: 'paged/' });
    for (let i = 1; i <= n; i += 50) await Promise.all(Array.from({ length: Math.min(50, n - i + 1) }, (_, j) => writer.put(`paged/123456789012-us-east-2-panther-prod/journal/${String(i + j).padStart(12, '0')}.json`, `${JSON.stringify(entry(i + j, lease.fence))}\n`, { ifNoneMatch: '*' })));
    const read = await store.read(key);
    expect(read).toHaveLength(n);
    expect(read.at(-1)?.seq).toBe(n);
    expect((await s3Calls()).filter((c) => c.action === 'ListObjectsV2').length).toBeGreaterThanOrEqual(2);
    writer.destroy();
    close();
  });

  it('--state-kms-key: every object is written with SSE-KMS under that key', async () => {
    await bucket();
    const kms = 'arn:aws:kms:us-east-2:123456789012:key/0000-state';
    const { store, close } = openS3State(conn(), `s3://${BUCKET}/kms`, { kmsKeyId: kms });
    const lease = await store.acquire(key, { command: 'upgrade', run: 'r' });
    await store.append(lease, entry(1, lease.fence));
    const { s3 } = clientsFor(sandbox.endpoint);
    for (const k of ['kms/123456789012-us-east-2-panther-prod/lock.json', 'kms/123456789012-us-east-2-panther-prod/journal/000000000001.json']) {
      expect(await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: k }))).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kms });
    }
    s3.destroy();
    close();
  });

  it('a missing state bucket is one clear error', async () => {
    const { store, close } = openS3State(conn(), 's3://no-such-state-bucket/x');
    const err = (await store.acquire(key, { command: 'upgrade', run: 'r' }).catch((e: unknown) => e)) as PantherctlError;
    expect(err.code).toBe('state-unreachable');
    close();
  });
});
