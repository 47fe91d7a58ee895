import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, readJournal } from './journal.js';
import { acquireLock } from './lock.js';
import { journalPath, lockPath } from './paths.js';
import { summarizeJournal } from './progress.js';
import { openJournalSession } from './session.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'pantherctl-journal-'));
const fixed = (): Date => new Date('2026-01-02T03:04:05.000Z');

describe('Journal', () => {
  it('appends numbered NDJSON entries that survive reopening', () => {
    const path = join(dir(), 'j', 'a.ndjson');
    const j = Journal.open(path, { run: 'r1', now: fixed });
    j.append({ type: 'run.start', from: 'v1.25.18', to: 'v1.28.7', hops: ['v1.26.9'] });
    j.append({ type: 'step.requested', step: 'update-role', hop: 'v1.26.9', clientRequestToken: 't1' });
    j.close();
    const again = Journal.open(path, { run: 'r2', now: fixed });
    const e = again.append({ type: 'step.done', step: 'update-role', hop: 'v1.26.9' });
    expect(e).toMatchObject({ seq: 3, run: 'r2', time: '2026-01-02T03:04:05.000Z' });
    again.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number });
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3]);
  });

  it('drops a torn last line (a write cut by SIGKILL) and keeps appending cleanly', () => {
    const path = join(dir(), 'a.ndjson');
    const j = Journal.open(path, { run: 'r1' });
    j.append({ type: 'run.start', hops: [] });
    j.close();
    appendFileSync(path, '{"seq":2,"ty');
    expect(readJournal(path)).toHaveLength(1);
    const k = Journal.open(path, { run: 'r2' });
    k.append({ type: 'run.done' });
    k.close();
    expect(readJournal(path).map((e) => e.type)).toEqual(['run.start', 'run.done']);
  });

  it('refuses a journal corrupt in the middle', () => {
    const path = join(dir(), 'a.ndjson');
    writeFileSync(path, '{"seq":1,"type":"run.start"}\nnot json\n{"seq":3,"type":"run.done"}\n');
    expect(() => readJournal(path)).toThrow(/corrupt at line 2/);
  });

  it('names journal and lock after the deployment', () => {
    const key = { account: '123456789012', region: 'us-east-2', rootStack: 'panther-root' };
    expect(journalPath(key, '/s')).toBe('/s/journal/123456789012-us-east-2-panther-root.ndjson');
    expect(lockPath(key, '/s')).toBe('/s/journal/123456789012-us-east-2-panther-root.lock');
  });
});

describe('summarizeJournal', () => {
  it('folds the latest run, step states and finished hops', () => {
    const s = summarizeJournal([
      { seq: 1, time: 't', run: 'a', type: 'run.start', from: 'v1.25.18', to: 'v1.28.7', hops: ['v1.26.9', 'v1.27.8'] },
      { seq: 2, time: 't', run: 'a', type: 'step.requested', step: 'update-role', hop: 'v1.26.9', clientRequestToken: 'T', beforeEventId: 'e1' },
      { seq: 3, time: 't', run: 'a', type: 'step.done', step: 'update-role', hop: 'v1.26.9' },
      { seq: 4, time: 't', run: 'a', type: 'hop.done', hop: 'v1.26.9' },
      { seq: 5, time: 't', run: 'a', type: 'step.requested', step: 'start-build', hop: 'v1.27.8', clientRequestToken: 'B' },
      { seq: 6, time: 't', run: 'a', type: 'step.accepted', step: 'start-build', hop: 'v1.27.8', buildId: 'b:1' },
      { seq: 7, time: 't', run: 'a', type: 'run.interrupted' },
    ]);
    expect(s.plan).toEqual({ from: 'v1.25.18', to: 'v1.28.7', hops: ['v1.26.9', 'v1.27.8'] });
    expect(s.hops.get('v1.26.9')).toMatchObject({ done: true, steps: { 'update-role': { status: 'done', clientRequestToken: 'T' } } });
    expect(s.hops.get('v1.26.9')?.steps['update-role']?.requested?.beforeEventId).toBe('e1');
    expect(s.hops.get('v1.27.8')?.steps['start-build']).toMatchObject({ status: 'accepted', clientRequestToken: 'B' });
    expect(s.finished).toBe(false);
    expect(s.stoppedBy).toBe('run.interrupted');
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

describe('openJournalSession', () => {
  const key = { account: '123456789012', region: 'us-east-2', rootStack: 'panther-root' };

  it('creates no journal file for a run that wrote nothing (a refused run)', () => {
    const stateDir = dir();
    const s = openJournalSession(key, { command: 'upgrade', stateDir });
    s.close();
    expect(existsSync(journalPath(key, stateDir))).toBe(false);
    expect(existsSync(lockPath(key, stateDir))).toBe(false);
  });

  it('holds the lock for its run until closed, so a second session on the deployment is refused', () => {
    const stateDir = dir();
    const first = openJournalSession(key, { command: 'configure', stateDir, now: fixed });
    first.journal.append({ type: 'run.start', from: 'live', to: 'file', hops: ['stage-1'] });
    const owner = JSON.parse(readFileSync(lockPath(key, stateDir), 'utf8')) as { command: string; run: string };
    expect(owner).toMatchObject({ command: 'configure', run: first.journal.run });
    expect(() => openJournalSession(key, { command: 'upgrade', stateDir })).toThrow(/locked by configure/);
    first.close();
    const second = openJournalSession(key, { command: 'resume', stateDir });
    expect(second.path).toBe(journalPath(key, stateDir));
    expect(second.before.plan).toEqual({ from: 'live', to: 'file', hops: ['stage-1'] });
    second.close();
  });
});
