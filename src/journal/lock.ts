import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
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
 * How long an empty or unreadable lock file is left alone before it is taken over. A lock is
 * created complete (written to a file of its own, then linked into place), so pantherctl never
 * leaves one empty; one written by a pantherctl of before that (open, then write) may be empty
 * for the instant between the two, or for good when that process died there. Ten seconds is
 * far beyond that instant and short beside a run.
 */
export const UNREADABLE_LOCK_GRACE_MS = 10_000;

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
  const now = options.now ?? (() => new Date());
  return acquire(path, owner, `${JSON.stringify(owner)}\n`, { host, pid, isAlive: options.isAlive ?? processAlive, now, ...(options.onStale ? { onStale: options.onStale } : {}) });
}

interface Acquirer {
  host: string;
  pid: number;
  isAlive: (pid: number) => boolean;
  now: () => Date;
  onStale?: (path: string) => void;
}

/**
 * Whether the lock as read (`raw`) is left by a run that is gone: a holder on this host whose
 * process is dead, or a file that stayed empty or unreadable past the grace (a writer that
 * died between creating and writing it). A lock held on another host cannot be checked.
 */
function isStale(path: string, holder: LockOwner | undefined, a: Acquirer): boolean {
  if (holder) return holder.hostname === a.host && holder.pid !== a.pid && !a.isAlive(holder.pid);
  const age = unreadableAge(path, a.now);
  return age !== undefined && age >= UNREADABLE_LOCK_GRACE_MS;
}

/** How long ago an unreadable lock file was last written; undefined when it is gone. */
function unreadableAge(path: string, now: () => Date): number | undefined {
  try {
    return now().getTime() - statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function acquire(path: string, owner: LockOwner, content: string, a: Acquirer): DeploymentLock {
  // A few attempts: each retry follows a stale lock removed (by us or by a racing run).
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(path, content)) return held(path, owner, content);
    const raw = readRaw(path);
    if (raw === 'gone') continue;
    const holder = parseOwner(raw);
    if (!isStale(path, holder, a)) throw lockedError(path, holder, holder ? undefined : unreadableAge(path, a.now));
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
      // Still the stale lock we examined? Then no one else removed it, and no one can now. An
      // empty or torn one is judged again: the same bytes may be a new run's, just created.
      if (readRaw(path) === raw && (holder !== undefined || isStale(path, undefined, a))) rmSync(path, { force: true });
    } finally {
      claim.release();
    }
  }
  const last = readRaw(path);
  throw lockedError(path, last === 'gone' ? undefined : parseOwner(last));
}

/**
 * Creates the lock file with its whole content, only if it does not exist; false when it does.
 * The content goes to a file of our own first (fsync'ed), which is then hard-linked to the
 * lock's name: link(2) fails with EEXIST when the name exists, like O_EXCL, and the lock
 * appears complete or not at all, so a crash can never leave it empty. Where the file system
 * cannot link (some network and FUSE file systems), O_EXCL then write, as before.
 */
function createExclusive(path: string, content: string): boolean {
  const staging = `${path}.${process.pid}-${randomUUID().slice(0, 8)}.new`;
  try {
    writeComplete(staging, content);
    try {
      linkSync(staging, path);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw err;
    }
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
  } finally {
    rmSync(staging, { force: true });
  }
}

function writeComplete(path: string, content: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
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

function lockedError(path: string, holder: LockOwner | undefined, unreadableForMs?: number): PantherctlError {
  const who = holder
    ? `${holder.command} (pid ${holder.pid} on ${holder.hostname}, since ${holder.since}${holder.run ? `, run ${holder.run}` : ''})`
    : unreadableForMs !== undefined
      ? `a run whose lock file is still being written (empty or unreadable for ${Math.max(0, Math.round(unreadableForMs / 1000))} s; taken over after ${UNREADABLE_LOCK_GRACE_MS / 1000} s)`
      : 'another run';
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

/** The lock's owner; undefined when empty, torn or not a lock (being written, or its writer died). */
function parseOwner(raw: string): LockOwner | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Partial<LockOwner>;
  return typeof o.pid === 'number' && typeof o.hostname === 'string' && typeof o.command === 'string' && typeof o.since === 'string' ? (o as LockOwner) : undefined;
}

/** What a lock file says, for `status` and `diagnose`: free, held, left by a dead run, or empty/unreadable. */
export type LockState =
  | { state: 'free' }
  | { state: 'held'; holder?: LockOwner }
  | { state: 'stale'; holder: LockOwner }
  | { state: 'unreadable'; ageMs: number; takenOver: boolean };

/** Reads the lock at `path` as the next run would judge it (reads only). */
export function inspectLock(path: string, options: Pick<AcquireLockOptions, 'isAlive' | 'host' | 'pid' | 'now'> = {}): LockState {
  const raw = readRaw(path);
  if (raw === 'gone') return { state: 'free' };
  const a: Acquirer = { host: options.host ?? hostname(), pid: options.pid ?? process.pid, isAlive: options.isAlive ?? processAlive, now: options.now ?? (() => new Date()) };
  const holder = parseOwner(raw);
  if (holder) return isStale(path, holder, a) ? { state: 'stale', holder } : { state: 'held', holder };
  const ageMs = unreadableAge(path, a.now) ?? 0;
  return { state: 'unreadable', ageMs, takenOver: ageMs >= UNREADABLE_LOCK_GRACE_MS };
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
