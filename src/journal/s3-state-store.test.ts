import { describe, expect, it } from 'vitest';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { JOURNAL_VERSION, type JournalEntry } from './entry.js';
import { Journal } from './journal.js';
import { discardStale, S3StateStore, type S3LockDocument } from './s3-state-store.js';
import { MemoryStateObjects } from './test-support/memory-state-objects.js';
import { TEST_KEY } from './test-support/temp-journal.js';

const key = TEST_KEY;
const claim = { command: 'upgrade', run: 'run-1' };

async function failure(p: Promise<unknown>): Promise<PantherctlError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PantherctlError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

function store(objects: MemoryStateObjects, clock: { t: number }, extra: { user?: string; pid?: number } = {}): S3StateStore {
  return new S3StateStore(objects, 'state/', { leaseMs: 60_000, now: () => new Date(clock.t), host: 'laptop', pid: extra.pid ?? 100, user: extra.user ?? 'alice' });
}

const entry = (seq: number, fence: string, type: 'run.done' | 'hop.done' = 'hop.done'): JournalEntry =>
  ({ v: JOURNAL_VERSION, seq, time: '2026-01-01T00:00:00.000Z', run: 'r', fence, type, ...(type === 'hop.done' ? { hop: `v${seq}` } : {}) }) as JournalEntry;

describe('S3StateStore lock', () => {
  it('creates the lock once; a second run is refused naming the holder; after release the next run holds a later generation', async () => {
    const objects = new MemoryStateObjects();
    const clock = { t: Date.parse('2026-01-01T00:00:00Z') };
    const a = store(objects, clock);
    const lease = await a.acquire(key, claim);
    expect(lease.expiresAt?.getTime()).toBe(clock.t + 60_000);
    expect(lease.fence).toMatch(/^1-/);
    const refused = await failure(store(objects, clock, { user: 'bob', pid: 200 }).acquire(key, { command: 'resume', run: 'run-2' }));
    expect(refused.code).toBe('locked');
    expect(refused.meta).toMatchObject({ lock: 's3://memory-bucket/state/123456789012-us-east-2-panther-root/lock.json', holder: { user: 'alice', hostname: 'laptop', pid: 100, command: 'upgrade' } });
    await a.release(lease);
    const next = await store(objects, clock, { user: 'bob' }).acquire(key, { command: 'resume', run: 'run-2' });
    expect(next.fence).toMatch(/^2-/);
  });

  it('renews with If-Match on its own ETag; an expired lease is taken over by exactly one of two takers, and the old holder is fenced out', async () => {
    const objects = new MemoryStateObjects();
    const clock = { t: 0 };
    const a = store(objects, clock);
    let lease = await a.acquire(key, claim);
    clock.t += 30_000;
    lease = await a.renew(lease);
    expect(lease.expiresAt?.getTime()).toBe(90_000);
    // Not expired yet at 80 s.
    clock.t = 80_000;
    expect((await failure(store(objects, clock).acquire(key, claim))).code).toBe('locked');
    clock.t = 91_000;
    const takers = await Promise.allSettled([store(objects, clock, { user: 'bob' }).acquire(key, claim), store(objects, clock, { user: 'carol' }).acquire(key, claim)]);
    expect(takers.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
    expect((takers.find((t) => t.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'locked' });
    // The old holder can neither renew nor append.
    expect((await failure(a.renew(lease))).code).toBe('lock-lost');
    expect((await failure(a.append(lease, entry(1, lease.fence)))).code).toBe('lock-lost');
  });

  it('force release marks the lock released with the reason, so the next run takes it at once', async () => {
    const objects = new MemoryStateObjects();
    const clock = { t: 0 };
    const a = store(objects, clock);
    const lease = await a.acquire(key, claim);
    const released = await store(objects, clock, { user: 'bob' }).forceRelease(key, 'laptop died');
    expect(released).toMatchObject({ user: 'alice', command: 'upgrade' });
    const status = await a.lockStatus(key);
    expect(status?.doc).toMatchObject({ state: 'released', released: { by: 'bob', reason: 'laptop died', forced: true } });
    expect((await failure(a.append(lease, entry(1, lease.fence)))).code).toBe('lock-lost');
    expect(await store(objects, clock).forceRelease(key, 'again')).toBeUndefined();
  });
});

describe('S3StateStore journal', () => {
  it('appends one object per entry with If-None-Match and reads them back in order, across any number', async () => {
    const objects = new MemoryStateObjects();
    const s = store(objects, { t: 0 });
    const lease = await s.acquire(key, claim);
    const journal = await Journal.open(s, lease, { run: 'r1' });
    for (let i = 0; i < 40; i++) await journal.append({ type: 'hop.done', hop: `v${i}` });
    expect([...objects.objects.keys()].filter((k) => k.includes('/journal/'))[0]).toBe('state/123456789012-us-east-2-panther-root/journal/000000000001.json');
    const read = await new S3StateStore(objects, 'state/', { readConcurrency: 3 }).read(key);
    expect(read.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(read.every((e) => e.fence === lease.fence)).toBe(true);
  });

  it('a PUT whose answer was lost is retried, meets its own entry (412), and is neither lost nor written twice', async () => {
    const objects = new MemoryStateObjects();
    const s = store(objects, { t: 0 });
    const lease = await s.acquire(key, claim);
    objects.script = [{ key: /journal/, answer: 'lost-answer' }];
    await s.append(lease, entry(1, lease.fence));
    objects.script = [{ key: /journal/, answer: 'conflict' }, { key: /journal/, answer: 'conflict' }];
    await s.append(lease, entry(2, lease.fence));
    expect((await s.read(key)).map((e) => e.seq)).toEqual([1, 2]);
    // A renewal whose answer was lost: the lock holds what this run wrote, so it still holds.
    objects.script = [{ key: /lock/, answer: 'lost-answer' }];
    const renewed = await s.renew(lease);
    await s.append(renewed, entry(3, lease.fence));
    expect((await s.read(key)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("a stale writer's entry after a takeover is discarded by readers and stepped over by the new holder", async () => {
    const objects = new MemoryStateObjects();
    const clock = { t: 0 };
    const a = store(objects, clock);
    const old = await a.acquire(key, claim);
    await a.append(old, entry(1, old.fence));
    clock.t = 61_000;
    const b = store(objects, clock, { user: 'bob' });
    const lease = await b.acquire(key, claim);
    await Journal.open(b, lease);
    // The stale writer passed its fence check before the takeover and lands entry 2 now.
    objects.objects.set('state/123456789012-us-east-2-panther-root/journal/000000000002.json', { body: `${JSON.stringify(entry(2, old.fence))}\n`, etag: '"x"' });
    await b.append(lease, entry(2, lease.fence, 'run.done'));
    const read = await b.read(key);
    expect(read.map((e) => [e.seq, e.fence])).toEqual([
      [1, old.fence],
      [3, lease.fence],
    ]);
    const lock = JSON.parse(objects.objects.get('state/123456789012-us-east-2-panther-root/lock.json')?.body ?? '{}') as S3LockDocument;
    expect(lock.generations.map((g) => [g.generation, g.fromSeq])).toEqual([
      [1, 0],
      [2, 1],
    ]);
  });

  it('discardStale keeps every entry written while its generation held the lock', () => {
    const gens = [
      { generation: 1, fromSeq: 0 },
      { generation: 2, fromSeq: 3 },
    ];
    const kept = discardStale([entry(1, '1-a'), entry(2, '1-a'), entry(3, '1-a'), entry(4, '1-a'), entry(4, '2-b'), entry(5, '2-b')], gens);
    expect(kept.map((e) => `${e.seq}:${e.fence}`)).toEqual(['1:1-a', '2:1-a', '3:1-a', '4:2-b', '5:2-b']);
  });

  it('an entry that is not JSON of the journal is journal-corrupt, naming the object', async () => {
    const objects = new MemoryStateObjects();
    objects.objects.set('state/123456789012-us-east-2-panther-root/journal/000000000001.json', { body: 'nope', etag: '"e"' });
    const err = await failure(store(objects, { t: 0 }).read(key));
    expect(err.code).toBe('journal-corrupt');
    expect(err.message).toContain('journal/000000000001.json');
  });
});
