/**
 * The state store in a local directory (`--state-dir`, default the user's state home,
 * `$XDG_STATE_HOME/pantherctl` else `~/.local/state/pantherctl`, paths.ts): per deployment
 * (account, region, root stack name) one lock, `journal/<stem>.lock` (created complete and
 * exclusively; a lock left by a dead process on this host, or left empty, is taken over, see
 * lock.ts), and journals, `journal/<stem>.<stack uuid>.ndjson` per root stack (and
 * `<stem>.ndjson` before the stack exists), append-only NDJSON, each entry written with one
 * `write` and fsync'ed. The fence of a lease is the lock file's `fence`; an append first
 * checks that the lock file still holds this lease, so a run whose lock was removed and taken
 * over stops writing (`lock-lost`). Journals of stacks that no longer exist are moved to
 * `journal/archive/`.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PantherctlError } from '../errors/pantherctl-error.js';
import type { JournalEntry } from './entry.js';
import { dropTornTail, readJournal } from './journal.js';
import { acquireLock, inspectLock, lockHolder, type AcquireLockOptions, type DeploymentLock, type LockState } from './lock.js';
import { archiveDir, defaultStateDir, deploymentStem, journalPath, localStateLocations } from './paths.js';
import type { DeploymentKey, Lease, LockClaim, StateStore } from './state-store.js';

export interface LocalStateStoreOptions extends Pick<AcquireLockOptions, 'isAlive' | 'host' | 'pid' | 'now' | 'onStale'> {
  /** Default: the user's state home (`defaultStateDir()`), the same from every working directory. */
  stateDir?: string;
}

interface Held {
  lock: DeploymentLock;
  journal: string;
  fd?: number;
  /** The last sequence number read or written: the next append must be one more. */
  lastSeq: number;
}

export class LocalStateStore implements StateStore {
  private readonly stateDir: string;
  private readonly held = new Map<string, Held>();

  constructor(private readonly options: LocalStateStoreOptions = {}) {
    this.stateDir = options.stateDir ?? defaultStateDir();
  }

  /** What the lock of `key` says now, as the next run would judge it (for status and diagnose; reads only). */
  async inspectLock(key: DeploymentKey): Promise<LockState> {
    return inspectLock(this.locate(key).lock, this.options);
  }

  async journals(key: Pick<DeploymentKey, 'account' | 'region' | 'rootStack'>): Promise<DeploymentKey[]> {
    const dir = dirname(journalPath({ ...key }, this.stateDir));
    const stem = deploymentStem(key);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    const out: DeploymentKey[] = [];
    for (const name of names.sort()) {
      if (name === `${stem}.ndjson`) out.push({ account: key.account, region: key.region, rootStack: key.rootStack });
      const id = name.startsWith(`${stem}.`) && name.endsWith('.ndjson') ? name.slice(stem.length + 1, -'.ndjson'.length) : '';
      // The stack part as the file name keeps it; journalPath names the same file with it.
      if (id && !id.includes('.')) out.push({ account: key.account, region: key.region, rootStack: key.rootStack, stackId: id });
    }
    return out;
  }

  async archive(key: DeploymentKey): Promise<string | undefined> {
    const from = this.locate(key).journal;
    if (!existsSync(from)) return undefined;
    const dir = archiveDir(this.stateDir);
    mkdirSync(dir, { recursive: true });
    // The time it was last written tells archived journals of one name apart.
    const stamp = statSync(from).mtime.toISOString().replace(/[:.]/g, '-');
    let to = join(dir, `${basename(from, '.ndjson')}.${stamp}.ndjson`);
    for (let n = 2; existsSync(to); n++) to = join(dir, `${basename(from, '.ndjson')}.${stamp}-${n}.ndjson`);
    try {
      renameSync(from, to);
    } catch (err) {
      throw new PantherctlError('journal-unwritable', `cannot move the journal ${from} to ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
        hint: 'Check that the state directory (--state-dir) is writable.',
      });
    }
    return to;
  }

  locate(key: DeploymentKey): { journal: string; lock: string } {
    return localStateLocations(key, this.stateDir);
  }

  async read(key: DeploymentKey): Promise<JournalEntry[]> {
    const path = this.locate(key).journal;
    const entries = readJournal(path);
    const h = [...this.held.values()].find((x) => x.journal === path);
    if (h) h.lastSeq = Math.max(h.lastSeq, ...entries.map((e) => e.seq));
    return entries;
  }

  async acquire(key: DeploymentKey, claim: LockClaim): Promise<Lease> {
    const where = this.locate(key);
    const { stateDir: _stateDir, ...lockOptions } = this.options;
    const lock = acquireLock(where.lock, { ...lockOptions, command: claim.command, run: claim.run });
    try {
      // Under the lock only: a torn last line (a crash mid-write) is cut before anything is appended.
      dropTornTail(where.journal);
      const lastSeq = readJournal(where.journal).reduce((max, e) => Math.max(max, e.seq), 0);
      this.held.set(lock.fence, { lock, journal: where.journal, lastSeq });
    } catch (err) {
      lock.release();
      throw err;
    }
    return { key, fence: lock.fence, owner: lock.owner };
  }

  async renew(lease: Lease): Promise<Lease> {
    this.holding(lease);
    return lease;
  }

  async release(lease: Lease): Promise<void> {
    const h = this.held.get(lease.fence);
    if (!h) return;
    this.held.delete(lease.fence);
    if (h.fd !== undefined) closeSync(h.fd);
    h.lock.release();
  }

  async append(lease: Lease, entry: JournalEntry): Promise<void> {
    const h = this.holding(lease);
    if (entry.seq !== h.lastSeq + 1) {
      throw new PantherctlError('journal-conflict', `entry ${entry.seq} of ${h.journal} is not the next one (${h.lastSeq + 1})`, {
        hint: 'Another writer appended to the journal: check that no other pantherctl run uses this state directory, then `pantherctl resume`.',
        meta: { journal: h.journal, seq: entry.seq },
      });
    }
    const fd = h.fd ?? this.openJournal(h);
    writeSync(fd, `${JSON.stringify(entry)}\n`);
    // The entry must be on disk before the mutating call it announces is made.
    fsyncSync(fd);
    h.lastSeq = entry.seq;
  }

  /** The holding of `lease`, while its lock file is still ours. */
  private holding(lease: Lease): Held {
    const h = this.held.get(lease.fence);
    if (!h || !h.lock.held()) {
      const path = h?.lock.path ?? this.locate(lease.key).lock;
      const holder = lockHolder(path);
      throw new PantherctlError('lock-lost', `the deployment's lock ${path} is no longer held by this run${holder ? ` (now: ${holder.command}, pid ${holder.pid} on ${holder.hostname})` : ''}`, {
        hint: 'Another run took the deployment over; this one stopped writing. Check `pantherctl status` before running `pantherctl resume`.',
        meta: { lock: path, ...(holder ? { holder } : {}) },
      });
    }
    return h;
  }

  private openJournal(h: Held): number {
    try {
      mkdirSync(dirname(h.journal), { recursive: true });
      h.fd = openSync(h.journal, 'a', 0o600);
      return h.fd;
    } catch (err) {
      throw new PantherctlError('journal-unwritable', `cannot open the journal ${h.journal}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
        hint: 'Check that the state directory (--state-dir) is writable.',
      });
    }
  }
}
