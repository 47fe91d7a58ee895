/**
 * Where a deployment's journal and lock live. The local directory (`--state-dir`) is the first
 * implementation (local-state-store.ts); the interface is shaped for one on S3 with
 * conditional writes (issue "Team and fleet"):
 *
 * - `acquire` creates the lock object only if absent (S3: PutObject with `If-None-Match: *`,
 *   412 when it exists: `locked`) and returns a lease with a fencing token;
 * - `renew` extends the lease only if the lock is still ours (S3: `If-Match` on its ETag;
 *   412: `lock-lost`); a store whose leases lapse sets `Lease.expiresAt`, and the engine
 *   (run-journaled.ts) renews before then;
 * - `append` writes entry `seq` only if no entry `seq` exists yet (S3: one object per entry,
 *   keyed by sequence, `If-None-Match: *`; 412: `journal-conflict`), and only while the lease's
 *   fence is the lock's (else `lock-lost`); every entry records the fence it was written under.
 *
 * Errors are PantherctlErrors with the codes `locked`, `lock-lost` and `journal-conflict`
 * (exit 6), `journal-unreadable` / `journal-corrupt` / `journal-unwritable` (exit 1).
 */
import type { JournalEntry } from './entry.js';
import type { LockOwner, LockState } from './lock.js';

/**
 * Which deployment a lock and a journal belong to. The lock is per deployment: the account,
 * the region and the root stack's name, whichever stack holds that name. A journal belongs to
 * one stack: a key with `stackId` (the root stack's id, its ARN) names that stack's journal,
 * so a stack deleted and created again under the same name starts a journal of its own; a key
 * without it names the journal of a deployment whose root stack does not exist yet (a first
 * deploy), which is also where pantherctl kept every journal before it keyed them by stack id.
 * Stores name journals after both, locks after the name only.
 */
export interface DeploymentKey {
  readonly account: string;
  readonly region: string;
  readonly rootStack: string;
  /** The root stack's id (ARN). Absent: the root stack does not exist yet (or an older journal). */
  readonly stackId?: string;
}

/** Who asks for the lock: shown to a run it refuses. */
export interface LockClaim {
  /** `upgrade`, `resume`, `deploy`, `configure`, `recover`. */
  command: string;
  /** Id of the run. */
  run: string;
}

/** A holding of a deployment's lock. */
export interface Lease {
  readonly key: DeploymentKey;
  /** Fencing token: unique per acquisition; a store refuses appends under a fence that no longer holds the lock. */
  readonly fence: string;
  readonly owner: LockOwner;
  /** When the lease lapses unless renewed; undefined: held until released (the local store checks liveness by pid). */
  readonly expiresAt?: Date;
}

export interface StateStore {
  /** Where the journal (of `key.stackId`, or of the name) and the lock (of the name) are, for messages (file paths, or URLs). */
  locate(key: DeploymentKey): { journal: string; lock: string };
  /**
   * Every entry in sequence order; none when the deployment has no journal. A torn last entry
   * (a write cut by a crash) is ignored; anything unreadable elsewhere is `journal-corrupt`.
   */
  read(key: DeploymentKey): Promise<JournalEntry[]>;
  /**
   * Takes the deployment's lock (the name's: `key.stackId` does not change which lock) for
   * writing the journal of `key`; `locked` when another run holds it.
   */
  acquire(key: DeploymentKey, claim: LockClaim): Promise<Lease>;
  /** Extends the lease; `lock-lost` when the lock is no longer this lease's. */
  renew(lease: Lease): Promise<Lease>;
  /** Releases the lock if it is still this lease's; never removes another run's. */
  release(lease: Lease): Promise<void>;
  /**
   * Appends `entry`, whose `seq` must be the next one (the last read or appended plus one):
   * durable when the promise resolves. `lock-lost` when fenced out, `journal-conflict` when
   * the sequence number is taken.
   */
  append(lease: Lease, entry: JournalEntry): Promise<void>;
  /**
   * Added with journals keyed by stack id; optional, so that a store written before keeps
   * working (its journals are then never moved aside, which is safe: a journal is only applied
   * to the stack it belongs to, src/journal/ownership.ts).
   *
   * The keys of every journal kept for the deployment's name: the name's own (no `stackId`)
   * and one per stack id, with `stackId` as the store can read and archive it by.
   */
  journals?(key: Pick<DeploymentKey, 'account' | 'region' | 'rootStack'>): Promise<DeploymentKey[]>;
  /**
   * Moves the journal of `key` aside (kept, never read for a run again): a journal whose stack
   * no longer exists. Called under the deployment's lock. Returns where it went; undefined when
   * there was no journal.
   */
  archive?(key: DeploymentKey): Promise<string | undefined>;
  /**
   * Added with `diagnose` of the whole deployment; optional (a store without it: the lock is
   * not reported). What the deployment's lock says now, as the next run would judge it
   * (free, held, left by a dead run, empty or torn); reads only, never takes it.
   */
  inspectLock?(key: DeploymentKey): Promise<LockState>;
}
