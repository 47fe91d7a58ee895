import { createHash, randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { PantherctlError, isPantherctlError } from '../errors/pantherctl-error.js';

/** What a lock file holds: who holds the deployment. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  since: string;
  /** The command that holds it (`upgrade`, `resume`, `recover`). */
  command: string;
  run?: string;
  /** Fencing token of this holding: unique per acquisition, carried by every journal write. */
  fence?: string;
}

export interface DeploymentLock {
  readonly path: string;
  /** This holding's fencing token (also in the lock file). */
  readonly fence: string;
  readonly owner: LockOwner;
  /** Whether the lock file still holds exactly this holding (nobody removed or took it over). */
  held(): boolean;
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
  /** Default: a random UUID. */
  fence?: string;
  /** Test hook: called when a stale lock was found, before taking it over (to interleave a racing run). */
  onStale?: (path: string) => void;
}

/**
 * Takes the deployment's lock: a file created with O_EXCL, so that of two runs racing for it
 * exactly one wins, even across processes. A lock left by a dead process on this host is
 * stale and taken over; one held on another host cannot be checked and is refused.
 *
 * Taking over is where two runs could both win (each removes "the stale lock", the second
 * removing the first one's fresh lock), so only the holder of a takeover claim may remove a
 * stale lock: a lock file of its own (`<lock>.takeover-<digest of the stale content>`, taken
 * by this same function, hence itself safe from a claimer that died), and it removes the lock
 * only while the lock still holds exactly the stale content it examined.
 */
export function acquireLock(path: string, options: AcquireLockOptions): DeploymentLock {
  const host = options.host ?? hostname();
  const pid = options.pid ?? process.pid;
  const owner: LockOwner = {
    pid,
    hostname: host,
    since: (options.now ?? (() => new Date()))().toISOString(),
    command: options.command,
    ...(options.run ? { run: options.run } : {}),
    fence: options.fence ?? randomUUID(),
  };
  mkdirSync(dirname(path), { recursive: true });
  return acquire(path, owner, `${JSON.stringify(owner)}\n`, { host, pid, isAlive: options.isAlive ?? processAlive, ...(options.onStale ? { onStale: options.onStale } : {}) });
}

interface Acquirer {
  host: string;
  pid: number;
  isAlive: (pid: number) => boolean;
  onStale?: (path: string) => void;
}

function acquire(path: string, owner: LockOwner, content: string, a: Acquirer): DeploymentLock {
  // A few attempts: each retry follows a stale lock removed (by us or by a racing run).
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(path, content)) return held(path, owner, content);
    const raw = readRaw(path);
    if (raw === 'gone') continue;
    const holder = parseOwner(raw);
    if (!(holder && holder.hostname === a.host && holder.pid !== a.pid && !a.isAlive(holder.pid))) throw lockedError(path, holder);
    a.onStale?.(path);
    let claim: DeploymentLock;
    try {
      claim = acquire(`${path}.takeover-${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`, owner, content, { ...a, onStale: undefined });
    } catch (err) {
      // Another run is taking this stale lock over right now; it will hold the deployment.
      if (isPantherctlError(err) && err.code === 'locked') throw lockedError(path, undefined);
      throw err;
    }
    try {
      // Still the stale lock we examined? Then no one else removed it, and no one can now.
      if (readRaw(path) === raw) rmSync(path, { force: true });
    } finally {
      claim.release();
    }
  }
  const last = readRaw(path);
  throw lockedError(path, last === 'gone' ? undefined : parseOwner(last));
}

/** Creates the file with O_EXCL; false when it exists. */
function createExclusive(path: string, content: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new PantherctlError('lock-unwritable', `cannot create the lock ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      hint: 'Check that the state directory (--state-dir) is writable.',
    });
  }
}

function held(path: string, owner: LockOwner, content: string): DeploymentLock {
  let released = false;
  return {
    path,
    fence: owner.fence ?? '',
    owner,
    held: () => !released && readRaw(path) === content,
    release() {
      if (released) return;
      released = true;
      // Only our own lock: never remove one another run holds.
      if (readRaw(path) === content) rmSync(path, { force: true });
    },
  };
}

function lockedError(path: string, holder: LockOwner | undefined): PantherctlError {
  const who = holder ? `${holder.command} (pid ${holder.pid} on ${holder.hostname}, since ${holder.since})` : 'another run';
  return new PantherctlError('locked', `the deployment is locked by ${who}`, {
    source: 'locked',
    hint: `Wait for it to finish. If that process is gone for good (another host, for example), delete ${path} and run \`pantherctl resume\`.`,
    meta: { lock: path, ...(holder ? { holder } : {}) },
  });
}

/** The lock file's text; 'gone' when it vanished meanwhile, '' when unreadable. */
function readRaw(path: string): string | 'gone' {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : '';
  }
}

/** The lock's owner; undefined when unreadable (being written). */
function parseOwner(raw: string): LockOwner | undefined {
  try {
    return JSON.parse(raw) as LockOwner;
  } catch {
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

/** Who holds the lock at `path` now; undefined when nobody does (or the file is being written). */
export function lockHolder(path: string): LockOwner | undefined {
  const raw = readRaw(path);
  return raw === 'gone' ? undefined : parseOwner(raw);
}
