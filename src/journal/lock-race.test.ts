/**
 * The lock's takeover of empty and torn lock files (issue 9 failure 6: an empty lock, left by a
 * crash between open and write, was never taken over), and the property that of several runs
 * racing for one lock exactly one wins: in one process with interleavings forced at the
 * instant of the takeover, and across real processes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPantherctlError } from '../errors/pantherctl-error.js';
import { acquireLock, inspectLock, UNREADABLE_LOCK_GRACE_MS, type DeploymentLock } from './lock.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'pantherctl-lock-'));

/** A lock file as a crashed writer left it, last written `ageMs` ago. */
function leftover(path: string, content: string, ageMs: number): void {
  writeFileSync(path, content);
  const t = new Date(Date.now() - ageMs);
  utimesSync(path, t, t);
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return isPantherctlError(err) ? `${err.code}:${err.exitCode}` : String(err);
  }
  return 'no error';
}

describe('empty and torn lock files', () => {
  for (const [what, content] of [
    ['empty (a crash between open and write)', ''],
    ['torn (a crash in the middle of the write)', '{"pid":4242,"hostname":"h'],
    ['not a lock (valid JSON of another shape)', '{"hello":1}\n'],
  ] as const) {
    it(`takes over a lock file left ${what} once it is older than the grace, and not before`, () => {
      const path = join(dir(), 'x.lock');
      leftover(path, content, 1_000);
      // Within the grace it may be a run writing it right now: locked, saying so.
      expect(codeOf(() => acquireLock(path, { command: 'upgrade' }))).toBe('locked:6');
      expect(inspectLock(path)).toMatchObject({ state: 'unreadable', takenOver: false });
      leftover(path, content, UNREADABLE_LOCK_GRACE_MS + 1_000);
      expect(inspectLock(path)).toMatchObject({ state: 'unreadable', takenOver: true });
      const lock = acquireLock(path, { command: 'upgrade' });
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ command: 'upgrade', pid: process.pid });
      lock.release();
      expect(readdirSync(join(path, '..'))).toEqual([]);
    });
  }

  it('never leaves an empty lock itself: the lock appears complete or not at all', () => {
    const path = join(dir(), 'x.lock');
    const lock = acquireLock(path, { command: 'upgrade' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ command: 'upgrade' });
    // No staging file is left beside it.
    expect(readdirSync(join(path, '..'))).toEqual(['x.lock']);
    lock.release();
  });

  it('of several runs taking over one stale empty lock at the same instant, exactly one wins', () => {
    const path = join(dir(), 'x.lock');
    leftover(path, '', UNREADABLE_LOCK_GRACE_MS + 5_000);
    const won: DeploymentLock[] = [];
    const refused: string[] = [];
    // Each taker, at the instant it has judged the lock stale, lets the next one run entirely.
    const taker = (n: number): void => {
      try {
        won.push(acquireLock(path, { command: `run-${n}`, pid: 2000 + n, isAlive: () => true, onStale: () => (n < 5 ? taker(n + 1) : undefined) }));
      } catch (err) {
        if (!isPantherctlError(err) || err.code !== 'locked') throw err;
        refused.push(`run-${n}`);
      }
    };
    taker(1);
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(4);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ command: won[0]!.owner.command });
    won[0]!.release();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });
});

describe('racing processes', () => {
  it('of six processes racing for a lock left empty by a crash, exactly one holds it', async () => {
    const d = dir();
    const path = join(d, 'x.lock');
    const go = join(d, 'go');
    leftover(path, '', UNREADABLE_LOCK_GRACE_MS + 5_000);
    const lockModule = new URL('./lock.ts', import.meta.url).pathname;
    // Each child waits for the go file, takes the lock (or is refused), holds it a moment, and says which.
    const script = `
      import { existsSync } from 'node:fs';
      const { acquireLock } = await import(${JSON.stringify(lockModule)});
      process.stdout.write('ready\\n');
      while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 5));
      try {
        const lock = acquireLock(${JSON.stringify(path)}, { command: 'race' });
        process.stdout.write('won\\n');
        await new Promise((r) => setTimeout(r, 1500));
        lock.release();
      } catch (err) {
        process.stdout.write(err.code === 'locked' ? 'locked\\n' : 'error ' + err.message + '\\n');
      }
    `;
    const tsx = join(import.meta.dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
    const ready: Promise<void>[] = [];
    const children = Array.from({ length: 6 }, () => {
      const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      ready.push(new Promise((resolve) => child.stdout.on('data', () => out.startsWith('ready') && resolve())));
      return new Promise<string>((resolve) => child.on('close', () => resolve(out.replace(/^ready\n/, '').trim())));
    });
    // Every child has loaded before the start signal, so that they race.
    await Promise.all(ready);
    writeFileSync(go, '');
    const results = await Promise.all(children);
    expect(results.filter((r) => r === 'won')).toHaveLength(1);
    expect(results.filter((r) => r === 'locked')).toHaveLength(5);
    expect(existsSync(path)).toBe(false);
  });
});
