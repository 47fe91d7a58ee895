/**
 * A journal belongs to one stack (issue 9 Deliver 3): which journal a live root stack owns,
 * migrating journals kept by name (older pantherctl, a first deploy) and archiving those of
 * stacks that no longer exist, on the local store.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEntry, type JournalEntry, type JournalInput } from './entry.js';
import { Journal } from './journal.js';
import { LocalStateStore } from './local-state-store.js';
import { belongsTo, readReconciled, reconcileJournals, type LiveStack } from './ownership.js';
import type { DeploymentKey } from './state-store.js';

const NAME: DeploymentKey = { account: '123456789012', region: 'us-east-2', rootStack: 'panther-root' };
const arn = (uuid: string): string => `arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/${uuid}`;
const OLD = arn('0000-old');
const NEW = arn('1111-new');

function entries(inputs: JournalInput[], time: string): JournalEntry[] {
  return inputs.map((e, i) => {
    const p = parseEntry({ ...e, v: 2, seq: i + 1, time, run: 'r' });
    if (!p.ok) throw new Error(p.reason);
    return p.entry;
  });
}

const upgradeStart: JournalInput = { type: 'run.start', command: 'upgrade', from: 'v1.25.18', to: 'v1.26.9', hops: ['v1.26.9'], rootStack: 'panther-root', roleStack: 'panther-deployment-role' };

/** Writes `inputs` as the journal of `key`, at the clock `time`. */
async function write(store: LocalStateStore, key: DeploymentKey, inputs: JournalInput[], time: string): Promise<void> {
  const lease = await store.acquire(key, { command: 'test', run: 'r' });
  const journal = await Journal.open(store, lease, { run: 'r', now: () => new Date(time) });
  for (const e of inputs) await journal.append(e);
  await store.release(lease);
}

async function reconcile(store: LocalStateStore, live: LiveStack): Promise<Awaited<ReturnType<typeof reconcileJournals>>> {
  const key = { ...NAME, stackId: live.stackId };
  const lease = await store.acquire(key, { command: 'test', run: 'r' });
  try {
    return await reconcileJournals(store, lease, live);
  } finally {
    await store.release(lease);
  }
}

describe('belongsTo', () => {
  const live: LiveStack = { stackId: NEW, creationTime: new Date('2026-03-01T00:00:00Z') };

  it('gives a journal kept under a stack id to that stack only', () => {
    const e = entries([upgradeStart], '2026-03-02T00:00:00Z');
    expect(belongsTo(e, NEW, live)).toBe(true);
    expect(belongsTo(e, OLD, live)).toBe(false);
  });

  it('gives a journal that created a root stack to the stack CreateStack named, whatever it is kept under', () => {
    const e = entries(
      [
        { type: 'step.requested', step: 'create-stack', hop: 'first-deploy', clientRequestToken: 't', templateUrl: 'u', parameterKeys: [] },
        { type: 'step.accepted', step: 'create-stack', hop: 'first-deploy', stackId: NEW },
      ],
      '2026-02-28T23:59:00Z',
    );
    expect(belongsTo(e, OLD, live)).toBe(true);
    expect(belongsTo(e, NEW, { ...live, stackId: arn('2222-other') })).toBe(false);
  });

  it('gives a journal kept by name (an older pantherctl) to the live stack only when that stack existed when it was written', () => {
    expect(belongsTo(entries([upgradeStart], '2026-03-02T00:00:00Z'), undefined, live)).toBe(true);
    // Written a day before the live stack was created: another stack's of the same name.
    expect(belongsTo(entries([upgradeStart], '2026-02-27T00:00:00Z'), undefined, live)).toBe(false);
  });
});

describe('reconcileJournals on the local store', () => {
  const stateDir = (): string => mkdtempSync(join(tmpdir(), 'pantherctl-owner-'));

  it('moves a journal kept by name into the live stack\'s journal (renumbered, fenced anew) and archives the old file', async () => {
    const dir = stateDir();
    const store = new LocalStateStore({ stateDir: dir });
    await write(store, NAME, [upgradeStart, { type: 'hop.done', hop: 'v1.26.9' }, { type: 'run.done' }], '2026-03-02T00:00:00Z');
    const live: LiveStack = { stackId: NEW, creationTime: new Date('2026-03-01T00:00:00Z') };
    // Read without the lock (status, diagnose, resume deciding): what the run will find.
    const seen = await readReconciled(store, { ...NAME, stackId: NEW }, live);
    expect(seen.entries.map((e) => e.type)).toEqual(['run.start', 'hop.done', 'run.done']);
    const done = await reconcile(store, live);
    expect(done.migrated).toMatchObject({ entries: 3 });
    expect(done.archived.map((a) => a.reason)).toEqual(['superseded']);
    const moved = await store.read({ ...NAME, stackId: NEW });
    expect(moved.map((e) => [e.seq, e.type])).toEqual([
      [1, 'run.start'],
      [2, 'hop.done'],
      [3, 'run.done'],
    ]);
    expect(await store.read(NAME)).toEqual([]);
    expect(readdirSync(join(dir, 'journal', 'archive'))).toHaveLength(1);
  });

  it('archives, never applies, the journal of a stack that no longer exists (the same name, created again)', async () => {
    const dir = stateDir();
    const store = new LocalStateStore({ stateDir: dir });
    await write(store, { ...NAME, stackId: OLD }, [upgradeStart, { type: 'hop.done', hop: 'v1.26.9' }, { type: 'run.done' }], '2026-02-01T00:00:00Z');
    const live: LiveStack = { stackId: NEW, creationTime: new Date('2026-03-01T00:00:00Z') };
    expect((await readReconciled(store, { ...NAME, stackId: NEW }, live)).entries).toEqual([]);
    const done = await reconcile(store, live);
    expect(done.migrated).toBeUndefined();
    expect(done.archived).toEqual([expect.objectContaining({ reason: 'stack-gone' })]);
    expect(await store.read({ ...NAME, stackId: NEW })).toEqual([]);
    expect(existsSync(store.locate({ ...NAME, stackId: OLD }).journal)).toBe(false);
    expect(readdirSync(join(dir, 'journal', 'archive'))).toHaveLength(1);
  });

  it('leaves the live stack\'s own journal as it is', async () => {
    const store = new LocalStateStore({ stateDir: stateDir() });
    await write(store, { ...NAME, stackId: NEW }, [upgradeStart], '2026-03-02T00:00:00Z');
    const done = await reconcile(store, { stackId: NEW, creationTime: new Date('2026-03-01T00:00:00Z') });
    expect(done).toEqual({ archived: [] });
    expect((await store.read({ ...NAME, stackId: NEW })).map((e) => e.type)).toEqual(['run.start']);
  });
});
