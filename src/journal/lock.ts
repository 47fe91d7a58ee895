import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { PantherctlError } from '../errors/pantherctl-error.js';

/** What a lock file holds: who holds the deployment. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  since: string;
  /** The command that holds it (`upgrade`, `resume`, `recover`). */
  command: string;
  run?: string;
}

export interface DeploymentLock {
  readonly path: string;
  release(): void;
}

export interface AcquireLockOptions {
  command: string;
  run?: string;
  /** Whether a process id is alive. Default: `process.kill(pid, 0)`. Tests inject one. */
  isAlive?: (pid: number) => boolean;
  /** Default: os.hostname(). */
  host?: string;
  pid?: number;
  now?: () => Date;
}

/**
 * Takes the deployment's lock: a file created with O_EXCL, so that of two runs racing for it
 * exactly one wins, even across processes. A lock left by a dead process on this host is
 * stale and taken over; one held on another host cannot be checked and is refused.
 */
export function acquireLock(path: string, options: AcquireLockOptions): DeploymentLock {
  const host = options.host ?? hostname();
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? processAlive;
  const owner: LockOwner = {
    pid,
    hostname: host,
    since: (options.now ?? (() => new Date()))().toISOString(),
    command: options.command,
    ...(options.run ? { run: options.run } : {}),
  };
  mkdirSync(dirname(path), { recursive: true });
  // Two attempts: the second only after removing a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${JSON.stringify(owner)}\n`);
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new PantherctlError('lock-unwritable', `cannot create the lock ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
          hint: 'Check that the state directory (--state-dir) is writable.',
        });
      }
    }
    const holder = readOwner(path);
    if (holder === 'gone') continue;
    if (holder && holder.hostname === host && holder.pid !== pid && !isAlive(holder.pid)) {
      rmSync(path, { force: true });
      continue;
    }
    throw lockedError(path, holder);
  }
  const last = readOwner(path);
  throw lockedError(path, last === 'gone' ? undefined : last);
}

function lockedError(path: string, holder: LockOwner | undefined): PantherctlError {
  const who = holder ? `${holder.command} (pid ${holder.pid} on ${holder.hostname}, since ${holder.since})` : 'another run';
  return new PantherctlError('locked', `the deployment is locked by ${who}`, {
    source: 'locked',
    hint: `Wait for it to finish. If that process is gone for good (another host, for example), delete ${path} and run \`pantherctl resume\`.`,
    meta: { lock: path, ...(holder ? { holder } : {}) },
  });
}

/** The lock's owner; undefined when unreadable (being written), 'gone' when it vanished meanwhile. */
function readOwner(path: string): LockOwner | undefined | 'gone' {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
