import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PantherctlError } from '../errors/pantherctl-error.js';
import type { JournalEntry, JournalInput } from './entry.js';
import { readJournal } from './journal.js';
import { LocalStateStore } from './local-state-store.js';
import { journalPath, lockPath } from './paths.js';
import { runJournaled, type JournaledRun } from './run-journaled.js';
import type { DeploymentKey, Lease, LockClaim, StateStore } from './state-store.js';
import { TEST_KEY } from './test-support/temp-journal.js';

const key = TEST_KEY;
const stateDir = (): string => mkdtempSync(join(tmpdir(), 'pantherctl-run-'));
const start: JournalInput = { type: 'run.start', command: 'upgrade', from: 'v1.25.18', to: 'v1.26.9', hops: ['v1.26.9'], rootStack: 'panther-root', roleStack: 'panther-deployment-role' };

async function failure(p: Promise<unknown>): Promise<PantherctlError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PantherctlError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

function run<T>(dir: string, body: (run: JournaledRun) => Promise<T>, signal?: AbortSignal): Promise<T> {
  return runJournaled('upgrade', { key, store: new LocalStateStore({ stateDir: dir }), resumeCommand: 'pantherctl resume --root-stack panther-root', ...(signal ? { signal } : {}) }, body);
}

const types = (dir: string): string[] => readJournal(journalPath(key, dir)).map((e) => e.type);

describe('runJournaled', () => {
  it('holds the lock while the body runs, hands it what the journal said before, and releases it', async () => {
    const dir = stateDir();
    await run(dir, async (r) => {
      await r.journal.append(start);
      expect(existsSync(lockPath(key, dir))).toBe(true);
      const second = await failure(run(dir, async () => 'never'));
      expect([second.code, second.exitCode]).toEqual(['locked', 6]);
    });
    expect(existsSync(lockPath(key, dir))).toBe(false);
    const before = await run(dir, async (r) => r.before);
    expect(before.plan).toEqual({ from: 'v1.25.18', to: 'v1.26.9', hops: ['v1.26.9'] });
  });

  it('leaves no journal behind for a run refused before it wrote anything', async () => {
    const dir = stateDir();
    const err = await failure(run(dir, async () => {
      throw new PantherctlError('preflight-failed', 'preflight found 1 problem', { meta: { failures: [] } });
    }));
    expect(err.code).toBe('preflight-failed');
    expect(existsSync(journalPath(key, dir))).toBe(false);
    expect(existsSync(lockPath(key, dir))).toBe(false);
  });

  it('journals a failed stack operation as run.failed with its hop and state, and passes the error on', async () => {
    const dir = stateDir();
    const thrown = new PantherctlError('stack-rolled-back', 'root stack update to v1.26.9 failed', { meta: { hop: 'v1.26.9', state: 'rolled back', step: 'execute-change-set' } });
    const err = await failure(run(dir, async (r) => {
      await r.journal.append(start);
      throw thrown;
    }));
    expect(err).toBe(thrown);
    expect(readJournal(journalPath(key, dir)).at(-1)).toMatchObject({ type: 'run.failed', code: 'stack-rolled-back', hop: 'v1.26.9', state: 'rolled back' });
  });

  it('turns an interruption into run.interrupted and an error that says how to continue (exit 5)', async () => {
    const dir = stateDir();
    const controller = new AbortController();
    const err = await failure(
      run(
        dir,
        async (r) => {
          await r.journal.append(start);
          r.resumeCommand = 'pantherctl resume --root-stack panther-root --param A=<value>';
          controller.abort();
          expect(r.signal.aborted).toBe(true);
          throw new PantherctlError('interrupted', 'Stopped waiting for stack panther-root (interrupted).');
        },
        controller.signal,
      ),
    );
    expect([err.code, err.exitCode]).toEqual(['interrupted', 5]);
    expect(err.message).toBe('Interrupted; any stack operation already started continues in AWS');
    expect(err.hint).toBe('Run `pantherctl resume --root-stack panther-root --param A=<value>` to continue where it stopped.');
    expect(readJournal(journalPath(key, dir)).at(-1)).toMatchObject({ type: 'run.interrupted', code: 'interrupted' });
  });

  it('says nothing changed when the run stopped before it changed anything (a preview only)', async () => {
    const dir = stateDir();
    const err = await failure(run(dir, async (r) => {
      await r.journal.append({ type: 'step.requested', step: 'create-change-set', hop: 'v1.26.9', clientRequestToken: 'p', changeSetName: 'p', preview: true });
      throw new PantherctlError('timeout', 'Stopped waiting (timeout).');
    }));
    expect(err.hint).toBe('Nothing was changed; run the command again.');
    expect(types(dir)).toEqual(['step.requested', 'run.interrupted']);
  });

  it('journals any other error after the run changed something as run.interrupted, a bug as run.failed internal', async () => {
    const dir = stateDir();
    await failure(run(dir, async (r) => {
      await r.journal.append(start);
      throw new PantherctlError('access-denied', 'UpdateStack: denied');
    }));
    expect(readJournal(journalPath(key, dir)).at(-1)).toMatchObject({ type: 'run.interrupted', code: 'access-denied' });
    await expect(run(dir, async (r) => {
      await r.journal.append(start);
      throw new TypeError('a bug');
    })).rejects.toThrow('a bug');
    expect(readJournal(journalPath(key, dir)).at(-1)).toMatchObject({ type: 'run.failed', code: 'internal' });
  });

  it('renews a lease that lapses, and stops the run when it is lost', async () => {
    const store = new ExpiringStore(30);
    const err = await failure(
      runJournaled('configure', { key, store, resumeCommand: 'pantherctl resume' }, async (r) => {
        await r.journal.append(start);
        await new Promise((resolve) => setTimeout(resolve, 60));
        expect(store.renewals).toBeGreaterThan(0);
        store.stolen = true;
        await new Promise<void>((resolve) => r.signal.addEventListener('abort', () => resolve(), { once: true }));
        throw new PantherctlError('interrupted', 'Stopped waiting (interrupted).');
      }),
    );
    expect(err.code).toBe('lock-lost');
    expect(store.released).toBe(true);
  });
});

/** A store whose leases lapse after `ttlMs` unless renewed (as an S3 one would). */
class ExpiringStore implements StateStore {
  renewals = 0;
  stolen = false;
  released = false;
  private readonly entries: JournalEntry[] = [];
  constructor(private readonly ttlMs: number) {}
  locate(): { journal: string; lock: string } {
    return { journal: 'memory:journal', lock: 'memory:lock' };
  }
  async read(): Promise<JournalEntry[]> {
    return [...this.entries];
  }
  async acquire(k: DeploymentKey, claim: LockClaim): Promise<Lease> {
    return { key: k, fence: 'f1', owner: { pid: 1, hostname: 'h', since: 't', command: claim.command }, expiresAt: new Date(Date.now() + this.ttlMs) };
  }
  async renew(lease: Lease): Promise<Lease> {
    if (this.stolen) throw new PantherctlError('lock-lost', 'the lock is no longer this run\'s', { meta: { lock: 'memory:lock' } });
    this.renewals++;
    return { ...lease, expiresAt: new Date(Date.now() + this.ttlMs) };
  }
  async release(): Promise<void> {
    this.released = true;
  }
  async append(_lease: Lease, entry: JournalEntry): Promise<void> {
    this.entries.push(entry);
  }
}
