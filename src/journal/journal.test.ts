import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPantherctlError } from '../errors/pantherctl-error.js';
import { readJournal } from './journal.js';
import { LocalStateStore } from './local-state-store.js';
import { acquireLock } from './lock.js';
import { journalPath, lockPath } from './paths.js';
import { summarizeJournal } from './progress.js';
import type { JournalEntry } from './entry.js';
import { TEST_KEY, tempJournal } from './test-support/temp-journal.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'pantherctl-journal-'));
const fixed = (): Date => new Date('2026-01-02T03:04:05.000Z');
const key = TEST_KEY;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return isPantherctlError(err) ? `${err.code}:${err.exitCode}` : String(err);
  }
  return 'no error';
}

describe('Journal on the local store', () => {
  it('appends numbered, versioned NDJSON entries carrying the fence, that survive reopening', async () => {
    const stateDir = dir();
    const a = await tempJournal({ stateDir, run: 'r1', now: fixed });
    await a.journal.append({ type: 'run.start', command: 'upgrade', from: 'v1.25.18', to: 'v1.28.7', hops: ['v1.26.9'], rootStack: 'panther-root', roleStack: 'panther-deployment-role', acks: [], overrideKeys: [], digests: {} });
    await a.journal.append({ type: 'step.requested', step: 'update-role', hop: 'v1.26.9', clientRequestToken: 't1', stack: 'panther-deployment-role', templateUrl: 'https://x/t.yml' });
    await a.store.release(a.lease);
    const b = await tempJournal({ stateDir, run: 'r2', now: fixed });
    const e = await b.journal.append({ type: 'step.done', step: 'update-role', hop: 'v1.26.9' });
    expect(e).toMatchObject({ v: 2, seq: 3, run: 'r2', time: '2026-01-02T03:04:05.000Z', fence: b.lease.fence });
    expect(b.lease.fence).not.toBe(a.lease.fence);
    await b.store.release(b.lease);
    const lines = readFileSync(b.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; v: number });
    expect(lines.map((l) => [l.seq, l.v])).toEqual([[1, 2], [2, 2], [3, 2]]);
  });

  it('drops a torn last line (a write cut by SIGKILL) and keeps appending cleanly', async () => {
    const stateDir = dir();
    const a = await tempJournal({ stateDir, run: 'r1' });
    await a.journal.append({ type: 'run.interrupted', code: 'interrupted' });
    await a.store.release(a.lease);
    appendFileSync(a.path, '{"seq":2,"ty');
    expect(readJournal(a.path)).toHaveLength(1);
    const b = await tempJournal({ stateDir, run: 'r2' });
    await b.journal.append({ type: 'run.done' });
    await b.store.release(b.lease);
    expect(readJournal(a.path).map((e) => e.type)).toEqual(['run.interrupted', 'run.done']);
  });

  it('refuses a journal corrupt in the middle, and one written by a newer pantherctl', () => {
    const path = join(dir(), 'a.ndjson');
    writeFileSync(path, '{"seq":1,"time":"t","run":"r","type":"run.done"}\nnot json\n{"seq":3,"time":"t","run":"r","type":"run.done"}\n');
    expect(() => readJournal(path)).toThrow(/corrupt at line 2/);
    writeFileSync(path, '{"v":3,"seq":1,"time":"t","run":"r","type":"run.done"}\n{"seq":2,"time":"t","run":"r","type":"run.done"}\n');
    expect(() => readJournal(path)).toThrow(/corrupt at line 1 \(journal entry version 3/);
    writeFileSync(path, '{"seq":1,"time":"t","run":"r","type":"step.requested","step":"start-build","hop":"v1"}\n{"seq":2,"time":"t","run":"r","type":"run.done"}\n');
    expect(() => readJournal(path)).toThrow(/corrupt at line 1/);
  });

  it('names the lock after the deployment and the journal after its root stack (its id, once it exists)', () => {
    expect(journalPath(key, '/s')).toBe('/s/journal/123456789012-us-east-2-panther-root.ndjson');
    expect(lockPath(key, '/s')).toBe('/s/journal/123456789012-us-east-2-panther-root.lock');
    // The same name, another stack (deleted and created again): another journal, the same lock.
    const store = new LocalStateStore({ stateDir: '/s' });
    expect(store.locate({ ...key, stackId: 'arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/1' })).toEqual({
      journal: '/s/journal/123456789012-us-east-2-panther-root.1.ndjson',
      lock: '/s/journal/123456789012-us-east-2-panther-root.lock',
    });
    expect(store.locate({ ...key, stackId: 'arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/2' }).journal).toBe('/s/journal/123456789012-us-east-2-panther-root.2.ndjson');
  });

  it('fences out a run whose lock was taken over: lock-lost, and nothing more is written', async () => {
    const a = await tempJournal({ run: 'r1' });
    await a.journal.append({ type: 'run.done' });
    // The operator deletes the lock (the hint of `locked` allows it) and another run takes it.
    rmSync(lockPath(key, a.stateDir));
    const other = new LocalStateStore({ stateDir: a.stateDir });
    const theirs = await other.acquire(key, { command: 'resume', run: 'r2' });
    expect(await codeOf(a.journal.append({ type: 'run.done' }))).toBe('lock-lost:6');
    expect(await codeOf(a.store.renew(a.lease))).toBe('lock-lost:6');
    expect(readJournal(a.path)).toHaveLength(1);
    // Releasing the stale lease leaves the new holder's lock alone.
    await a.store.release(a.lease);
    expect(existsSync(lockPath(key, a.stateDir))).toBe(true);
    await other.release(theirs);
  });

  it('refuses an entry that is not the next in sequence (journal-conflict)', async () => {
    const a = await tempJournal();
    await a.journal.append({ type: 'run.done' });
    const entry = readJournal(a.path)[0]!;
    expect(await codeOf(a.store.append(a.lease, { ...entry, seq: 5 }))).toBe('journal-conflict:6');
    expect(await codeOf(a.store.append(a.lease, { ...entry, seq: 1 }))).toBe('journal-conflict:6');
    await a.store.append(a.lease, { ...entry, seq: 2 });
    expect(readJournal(a.path).map((e) => e.seq)).toEqual([1, 2]);
    await a.store.release(a.lease);
  });

  it('refuses a second holder while the first holds the lock, and creates no journal for a run that wrote nothing', async () => {
    const stateDir = dir();
    const store = new LocalStateStore({ stateDir });
    const lease = await store.acquire(key, { command: 'configure', run: 'r1' });
    expect(JSON.parse(readFileSync(lockPath(key, stateDir), 'utf8'))).toMatchObject({ command: 'configure', run: 'r1', fence: lease.fence });
    expect(await codeOf(new LocalStateStore({ stateDir }).acquire(key, { command: 'upgrade', run: 'r2' }))).toBe('locked:6');
    await store.release(lease);
    expect(existsSync(journalPath(key, stateDir))).toBe(false);
    expect(existsSync(lockPath(key, stateDir))).toBe(false);
    const again = await store.acquire(key, { command: 'resume', run: 'r3' });
    await store.release(again);
  });

  it('closes: no entry after the run ended', async () => {
    const a = await tempJournal();
    a.journal.close();
    expect(await codeOf(a.journal.append({ type: 'run.done' }))).toBe('journal-closed:70');
    await a.store.release(a.lease);
  });
});

describe('summarizeJournal', () => {
  const at = (seq: number): { v: 2; seq: number; time: string; run: string } => ({ v: 2, seq, time: 't', run: 'a' });
  it('folds the latest run, step states and finished hops', () => {
    const entries: JournalEntry[] = [
      { ...at(1), type: 'run.start', command: 'upgrade', from: 'v1.25.18', to: 'v1.28.7', hops: ['v1.26.9', 'v1.27.8'], rootStack: 'r', roleStack: 'role', acks: [], overrideKeys: ['A'], digests: {} },
      { ...at(2), type: 'step.requested', step: 'update-role', hop: 'v1.26.9', clientRequestToken: 'T', beforeEventId: 'e1', stack: 'role', templateUrl: 'u' },
      { ...at(3), type: 'step.done', step: 'update-role', hop: 'v1.26.9' },
      { ...at(4), type: 'hop.done', hop: 'v1.26.9' },
      { ...at(5), type: 'step.requested', step: 'start-build', hop: 'v1.27.8', clientRequestToken: 'B', project: 'panther-pulumi' },
      { ...at(6), type: 'step.accepted', step: 'start-build', hop: 'v1.27.8', buildId: 'b:1' },
      { ...at(7), type: 'run.interrupted', code: 'interrupted' },
    ];
    const s = summarizeJournal(entries);
    expect(s.plan).toEqual({ from: 'v1.25.18', to: 'v1.28.7', hops: ['v1.26.9', 'v1.27.8'] });
    expect(s.start?.overrideKeys).toEqual(['A']);
    expect(s.hops.get('v1.26.9')).toMatchObject({ done: true, steps: { 'update-role': { status: 'done', clientRequestToken: 'T' } } });
    expect(s.hops.get('v1.26.9')?.steps['update-role']?.requested?.beforeEventId).toBe('e1');
    expect(s.hops.get('v1.27.8')?.steps['start-build']).toMatchObject({ status: 'accepted', clientRequestToken: 'B' });
    expect(s.hops.get('v1.27.8')?.steps['start-build']?.accepted?.buildId).toBe('b:1');
    expect(s.finished).toBe(false);
    expect(s.stoppedBy).toBe('run.interrupted');
  });

  it('forgets what AWS accepted once the step is requested again', () => {
    const s = summarizeJournal([
      { ...at(1), type: 'step.requested', step: 'start-build', hop: 'h', clientRequestToken: 'B1', project: 'p' },
      { ...at(2), type: 'step.accepted', step: 'start-build', hop: 'h', buildId: 'b:1' },
      { ...at(3), type: 'step.requested', step: 'start-build', hop: 'h', clientRequestToken: 'B2', project: 'p' },
    ]);
    expect(s.hops.get('h')?.steps['start-build']).toMatchObject({ status: 'requested', clientRequestToken: 'B2' });
    expect(s.hops.get('h')?.steps['start-build']?.accepted).toBeUndefined();
  });
});

describe('acquireLock', () => {
  it('lets exactly one holder in, and frees the lock on release', () => {
    const path = join(dir(), 'x.lock');
    const a = acquireLock(path, { command: 'upgrade' });
    expect(() => acquireLock(path, { command: 'upgrade', pid: process.pid + 1, isAlive: () => true })).toThrow(/locked by upgrade \(pid/);
    a.release();
    acquireLock(path, { command: 'resume' }).release();
  });

  it('takes over a lock whose process on this host is dead', () => {
    const path = join(dir(), 'x.lock');
    acquireLock(path, { command: 'upgrade', pid: 999_999 });
    const b = acquireLock(path, { command: 'resume', isAlive: () => false });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ command: 'resume', pid: process.pid });
    b.release();
  });

  it('lets only one of two runs racing to take over the same stale lock win', () => {
    const path = join(dir(), 'x.lock');
    acquireLock(path, { command: 'upgrade', pid: 999_999 });
    const alive = (pid: number): boolean => pid === 1001 || pid === 1002;
    let a: ReturnType<typeof acquireLock> | undefined;
    let interleaved = false;
    // B has seen the stale lock; before it acts, A takes the same stale lock over.
    const racing = (): void => {
      if (interleaved) return;
      interleaved = true;
      a = acquireLock(path, { command: 'upgrade', pid: 1001, isAlive: alive });
    };
    expect(() => acquireLock(path, { command: 'resume', pid: 1002, isAlive: alive, onStale: racing })).toThrow(/locked by upgrade \(pid 1001/);
    expect(interleaved).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: 1001 });
    a?.release();
    expect(existsSync(path)).toBe(false);
    // No takeover claim is left behind.
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });

  it('never takes over a lock held on another host', () => {
    const path = join(dir(), 'x.lock');
    acquireLock(path, { command: 'upgrade', pid: 999_999, host: 'elsewhere' });
    let code = '';
    try {
      acquireLock(path, { command: 'resume', isAlive: () => false });
    } catch (err) {
      code = (err as { code: string; exitCode: number }).code + (err as { exitCode: number }).exitCode;
    }
    expect(code).toBe('locked6');
  });
});
