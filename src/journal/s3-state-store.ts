/**
 * The state store in S3 (`--state s3://BUCKET/PREFIX`): shared by every operator and CI job
 * that names the same bucket, with nothing but S3's conditional writes (no DynamoDB, no server).
 *
 * Layout, per deployment (`<prefix>/<account>-<region>-<rootstack>/`, see `S3StateLayout`):
 * - `lock.json`: who holds the deployment (user, host, pid, command, run, since), the lease
 *   (`expiresAt`), the fencing token (`fence`, `<generation>-<uuid>`, the generation growing by
 *   one per acquisition) and the last generations with the journal sequence each started after.
 *   Created with `If-None-Match: *`; renewed, released and taken over with `If-Match` on the
 *   ETag this run wrote or read, so of two takers of an expired lease exactly one wins (the
 *   other gets 412). A released lock stays, marked released, so generations keep growing.
 * - `journal/<seq, 12 digits>.json`: one object per entry, written with `If-None-Match: *`:
 *   no entry is ever overwritten. Reading lists the prefix (ListObjectsV2 pages) and gets the
 *   entries with bounded parallelism.
 *
 * Fencing. Before each append the store reads the lock and refuses (`lock-lost`) when its fence
 * is no longer this lease's. A race remains: a writer that passes that check and then stalls
 * (a paused VM) past its lease's expiry while another run takes over can still land one entry
 * after the takeover. Its entry carries its fence, and the lock records at which sequence each
 * generation started, so `read` discards every entry of a superseded generation written after
 * the next generation started; the new holder's own append meeting such an entry (412) reads
 * it back, sees the stale fence, and writes at the next sequence instead.
 *
 * Failures as S3 gives them: 503 SlowDown and dropped connections are retried by the gateway;
 * 409 ConditionalRequestConflict is retried here; a retried PUT that in fact succeeded the
 * first time meets its own object (412) and is recognised by reading it back, so an entry is
 * neither lost nor written twice.
 */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { parseEntry, type JournalEntry } from './entry.js';
import type { LockOwner } from './lock.js';
import type { DeploymentKey, Lease, LockClaim, StateStore } from './state-store.js';

/** One stored object. */
export interface StateObject {
  body: string;
  etag: string;
}

/** What S3 answered a conditional PUT it refused: 412 (or 404 for If-Match on a missing key), or 409. */
export type PutRefusal = 'precondition-failed' | 'conflict';

/**
 * The few S3 calls the store makes (src/deployments/aws/s3-state-gateway.ts implements them on
 * the SDK; tests use an in-memory one). Throttling and transient failures are retried inside;
 * anything else is thrown classified.
 */
export interface StateObjects {
  /** `s3://bucket/prefix`, for messages. */
  readonly url: string;
  /** The object, or undefined when there is none. */
  get(key: string): Promise<StateObject | undefined>;
  /** Writes `body` if the condition holds: `{ ifNoneMatch: '*' }` or `{ ifMatch: etag }`. */
  put(key: string, body: string, condition: { ifNoneMatch: '*' } | { ifMatch: string }): Promise<{ etag: string } | { refused: PutRefusal }>;
  /** Every key under `prefix`, in key order (all pages). */
  list(prefix: string): Promise<string[]>;
}

/** Where a deployment's objects are, relative to the store's prefix: one place, for later extensions (an archive, keys by stack id). */
export class S3StateLayout {
  constructor(private readonly prefix: string) {}

  deployment(key: DeploymentKey): string {
    const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
    return `${this.prefix}${safe(key.account)}-${safe(key.region)}-${safe(key.rootStack)}/`;
  }

  lock(key: DeploymentKey): string {
    return `${this.deployment(key)}lock.json`;
  }

  journal(key: DeploymentKey): string {
    return `${this.deployment(key)}journal/`;
  }

  entry(key: DeploymentKey, seq: number): string {
    return `${this.journal(key)}${String(seq).padStart(12, '0')}.json`;
  }

  /** The sequence number an entry key names; undefined for anything else under the journal. */
  seqOf(objectKey: string): number | undefined {
    const m = /\/(\d{12})\.json$/.exec(objectKey);
    return m ? Number(m[1]) : undefined;
  }
}

/** The holder recorded in the lock object: LockOwner plus the user. */
export interface S3LockHolder extends LockOwner {
  user: string;
}

/** What `lock.json` holds. */
export interface S3LockDocument {
  format: 'pantherctl-lock';
  v: 1;
  state: 'held' | 'released';
  generation: number;
  fence: string;
  holder: S3LockHolder;
  renewedAt: string;
  expiresAt: string;
  /** The latest generations (newest last) and the journal sequence each started after. */
  generations: { generation: number; fence: string; fromSeq: number }[];
  /** How the last holding ended, when it did. */
  released?: { at: string; by: string; reason: string; forced: boolean };
}

export interface S3StateStoreOptions {
  /** How long a lease lasts unless renewed. Default 120 s: long enough to ride out an S3 hiccup, short enough that a crashed run blocks its colleagues for two minutes at most. */
  leaseMs?: number;
  /** Parallel GetObject calls when reading a journal. Default 16: fast for thousands of entries without a burst that S3 would throttle. */
  readConcurrency?: number;
  /** Default: the system clock. */
  now?: () => Date;
  /** Default: os.hostname(), process.pid, os.userInfo().username. */
  host?: string;
  pid?: number;
  user?: string;
}

/** How many generations the lock keeps: enough to judge any entry a stalled writer could still land. */
const GENERATIONS_KEPT = 20;
/** Attempts of one conditional write that meets 409 ConditionalRequestConflict ("retry the upload"). */
const CONFLICT_ATTEMPTS = 5;

interface Held {
  key: DeploymentKey;
  fence: string;
  generation: number;
  /** The lock as this run last wrote it, and its ETag. */
  doc: S3LockDocument;
  etag: string;
  /** The last sequence number stored (this run's or another's). */
  lastSeq: number;
}

export class S3StateStore implements StateStore {
  private readonly layout: S3StateLayout;
  private readonly leaseMs: number;
  private readonly now: () => Date;
  private readonly held = new Map<string, Held>();

  /** `prefix`: '' or ending in '/'. */
  constructor(
    private readonly objects: StateObjects,
    prefix: string,
    private readonly options: S3StateStoreOptions = {},
  ) {
    this.layout = new S3StateLayout(prefix);
    this.leaseMs = options.leaseMs ?? 120_000;
    this.now = options.now ?? (() => new Date());
  }

  locate(key: DeploymentKey): { journal: string; lock: string } {
    const base = this.objects.url.replace(/\/?$/, '/').replace(/^(s3:\/\/[^/]+\/).*$/, '$1');
    return { journal: `${base}${this.layout.journal(key)}`, lock: `${base}${this.layout.lock(key)}` };
  }

  /** The lock document and its ETag; undefined when the deployment was never locked. */
  async lockStatus(key: DeploymentKey): Promise<{ doc: S3LockDocument; etag: string; expired: boolean } | undefined> {
    const got = await this.objects.get(this.layout.lock(key));
    if (!got) return undefined;
    const doc = this.parseLock(key, got.body);
    return { doc, etag: got.etag, expired: Date.parse(doc.expiresAt) <= this.now().getTime() };
  }

  async read(key: DeploymentKey): Promise<JournalEntry[]> {
    const { entries, lastSeq } = await this.readAll(key);
    const h = [...this.held.values()].find((x) => sameKey(x.key, key));
    if (h) h.lastSeq = Math.max(h.lastSeq, lastSeq);
    const lock = await this.objects.get(this.layout.lock(key));
    return lock ? discardStale(entries, this.parseLock(key, lock.body).generations) : entries;
  }

  async acquire(key: DeploymentKey, claim: LockClaim): Promise<Lease> {
    const lockKey = this.layout.lock(key);
    // A few rounds: each follows a write another taker won (it then holds the lock: `locked`).
    for (let round = 0; round < 4; round++) {
      const current = await this.objects.get(lockKey);
      const previous = current ? this.parseLock(key, current.body) : undefined;
      if (previous && previous.state === 'held' && Date.parse(previous.expiresAt) > this.now().getTime()) throw this.lockedError(key, previous);
      // The journal's end before the lock: a stale writer's entry landing after it is judged by the generation history.
      const lastSeq = await this.lastSeq(key);
      const generation = (previous?.generation ?? 0) + 1;
      const fence = `${generation}-${randomUUID()}`;
      const now = this.now();
      const doc: S3LockDocument = {
        format: 'pantherctl-lock',
        v: 1,
        state: 'held',
        generation,
        fence,
        holder: this.holder(claim, fence, now),
        renewedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.leaseMs).toISOString(),
        generations: [...(previous?.generations ?? []), { generation, fence, fromSeq: lastSeq }].slice(-GENERATIONS_KEPT),
        ...(previous?.released ? { released: previous.released } : {}),
      };
      const written = await this.writeChecked(lockKey, doc, current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
      if (!written) continue;
      this.held.set(fence, { key, fence, generation, doc, etag: written, lastSeq });
      return { key, fence, owner: doc.holder, expiresAt: new Date(doc.expiresAt) };
    }
    const last = await this.lockStatus(key);
    throw this.lockedError(key, last?.doc);
  }

  async renew(lease: Lease): Promise<Lease> {
    const h = this.held.get(lease.fence);
    if (!h) throw await this.lostError(lease.key);
    const now = this.now();
    const doc: S3LockDocument = { ...h.doc, renewedAt: now.toISOString(), expiresAt: new Date(now.getTime() + this.leaseMs).toISOString() };
    const etag = await this.writeChecked(this.layout.lock(h.key), doc, { ifMatch: h.etag });
    if (!etag) {
      this.held.delete(lease.fence);
      throw await this.lostError(lease.key);
    }
    h.doc = doc;
    h.etag = etag;
    return { ...lease, expiresAt: new Date(doc.expiresAt) };
  }

  async release(lease: Lease): Promise<void> {
    const h = this.held.get(lease.fence);
    if (!h) return;
    this.held.delete(lease.fence);
    // The momentary holding of `lock release --force` (which journals the release) keeps the forced release's record.
    const keep = h.doc.holder.command === 'lock release' && h.doc.released?.forced;
    const released = keep && h.doc.released ? h.doc.released : { at: this.now().toISOString(), by: h.doc.holder.user, reason: `${h.doc.holder.command} ended`, forced: false };
    const doc: S3LockDocument = { ...h.doc, state: 'released', expiresAt: this.now().toISOString(), released };
    // Refused: another run took it over meanwhile; never undo theirs.
    await this.writeChecked(this.layout.lock(h.key), doc, { ifMatch: h.etag });
  }

  async append(lease: Lease, entry: JournalEntry): Promise<void> {
    const h = this.held.get(lease.fence);
    if (!h) throw await this.lostError(lease.key);
    // The fence check: the lock must still name this holding (renewals change its ETag, never its fence).
    const lock = await this.objects.get(this.layout.lock(h.key));
    const doc = lock ? this.parseLock(h.key, lock.body) : undefined;
    if (!doc || doc.fence !== h.fence || doc.state !== 'held') {
      this.held.delete(lease.fence);
      throw await this.lostError(lease.key);
    }
    if (entry.seq > h.lastSeq + 1) {
      throw new PantherctlError('journal-conflict', `entry ${entry.seq} of ${this.locate(h.key).journal} is not the next one (${h.lastSeq + 1})`, {
        hint: 'Check that no other pantherctl run uses this state, then `pantherctl resume`.',
        meta: { journal: this.locate(h.key).journal, seq: entry.seq },
      });
    }
    // Stale writers' entries may occupy sequence numbers: a few steps past them at most.
    for (let seq = h.lastSeq + 1; seq <= h.lastSeq + 1 + GENERATIONS_KEPT; seq++) {
      const stored: JournalEntry = { ...entry, seq };
      const objectKey = this.layout.entry(h.key, seq);
      const etag = await this.writeChecked(objectKey, stored, { ifNoneMatch: '*' });
      if (etag) {
        h.lastSeq = seq;
        return;
      }
      // Taken: by a stale writer (a superseded fence) we step past; by anyone else, the lock was not respected.
      const other = await this.objects.get(objectKey);
      const parsed = other ? parseJson(other.body) : undefined;
      const otherFence = parsed && typeof parsed === 'object' && 'fence' in parsed ? String((parsed as { fence: unknown }).fence) : '';
      if (!(generationOf(otherFence) < h.generation)) {
        throw new PantherctlError('journal-conflict', `entry ${seq} of ${this.locate(h.key).journal} was written by another run (fence ${otherFence || 'none'})`, {
          hint: 'Another writer appended to the journal: check `pantherctl lock status`, then `pantherctl resume`.',
          meta: { journal: this.locate(h.key).journal, seq },
        });
      }
    }
    throw new PantherctlError('journal-conflict', `no free entry after ${h.lastSeq} in ${this.locate(h.key).journal}`, { meta: { journal: this.locate(h.key).journal, seq: entry.seq } });
  }

  /**
   * Breaks the deployment's lock whoever holds it (`pantherctl lock release --force`): the
   * lock is marked released with the reason, with `If-Match` on the ETag read, so a holder that
   * renewed meanwhile is not broken unseen. Returns the holder it released; undefined when free.
   */
  async forceRelease(key: DeploymentKey, reason: string): Promise<S3LockHolder | undefined> {
    for (let round = 0; round < 4; round++) {
      const current = await this.lockStatus(key);
      if (!current || current.doc.state === 'released') return undefined;
      const now = this.now().toISOString();
      const doc: S3LockDocument = { ...current.doc, state: 'released', expiresAt: now, released: { at: now, by: this.user(), reason, forced: true } };
      if (await this.writeChecked(this.layout.lock(key), doc, { ifMatch: current.etag })) return current.doc.holder;
    }
    throw new PantherctlError('locked', `the lock ${this.locate(key).lock} kept changing while it was being released`, { source: 'locked', meta: { lock: this.locate(key).lock } });
  }

  /** Every entry with its sequence, in order, and the last sequence stored. */
  private async readAll(key: DeploymentKey): Promise<{ entries: JournalEntry[]; lastSeq: number }> {
    const keys = (await this.objects.list(this.layout.journal(key))).flatMap((k) => {
      const seq = this.layout.seqOf(k);
      return seq === undefined ? [] : [{ k, seq }];
    });
    keys.sort((a, b) => a.seq - b.seq);
    const bodies = await mapBounded(keys, this.options.readConcurrency ?? 16, async ({ k }) => this.objects.get(k));
    const entries: JournalEntry[] = [];
    keys.forEach(({ k, seq }, i) => {
      const got = bodies[i];
      // Listed, then gone: nobody deletes entries, so this is someone editing the bucket.
      if (!got) throw this.corrupt(k, 'listed but missing');
      const parsed = parseEntry(parseJson(got.body));
      if (!parsed.ok) throw this.corrupt(k, parsed.reason);
      if (parsed.entry.seq !== seq) throw this.corrupt(k, `holds entry ${parsed.entry.seq}`);
      entries.push(parsed.entry);
    });
    return { entries, lastSeq: keys.at(-1)?.seq ?? 0 };
  }

  private async lastSeq(key: DeploymentKey): Promise<number> {
    const keys = await this.objects.list(this.layout.journal(key));
    return keys.reduce((max, k) => Math.max(max, this.layout.seqOf(k) ?? 0), 0);
  }

  /**
   * A conditional PUT of `value` as JSON: its new ETag, or undefined when the condition did not
   * hold. 409 is retried; a 412 on a retry of a write that had in fact landed (a dropped
   * answer) is recognised by reading the object back.
   */
  private async writeChecked(objectKey: string, value: unknown, condition: { ifNoneMatch: '*' } | { ifMatch: string }): Promise<string | undefined> {
    const body = `${JSON.stringify(value)}\n`;
    for (let attempt = 1; ; attempt++) {
      const r = await this.objects.put(objectKey, body, condition);
      if ('etag' in r) return r.etag;
      if (r.refused === 'conflict' && attempt < CONFLICT_ATTEMPTS) continue;
      if (r.refused === 'conflict') {
        throw new PantherctlError('journal-unwritable', `S3 kept answering 409 ConditionalRequestConflict for ${objectKey}`, { hint: 'Another operation on the state bucket kept conflicting; try again.' });
      }
      const back = await this.objects.get(objectKey);
      return back && back.body === body ? back.etag : undefined;
    }
  }

  private holder(claim: LockClaim, fence: string, now: Date): S3LockHolder {
    return { user: this.user(), hostname: this.options.host ?? hostname(), pid: this.options.pid ?? process.pid, since: now.toISOString(), command: claim.command, run: claim.run, fence };
  }

  private user(): string {
    if (this.options.user) return this.options.user;
    try {
      return userInfo().username;
    } catch {
      return process.env.USER ?? 'unknown';
    }
  }

  private parseLock(key: DeploymentKey, body: string): S3LockDocument {
    const doc = parseJson(body) as Partial<S3LockDocument> | undefined;
    if (!doc || doc.format !== 'pantherctl-lock' || doc.v !== 1 || typeof doc.fence !== 'string' || typeof doc.expiresAt !== 'string' || !doc.holder) {
      throw new PantherctlError('journal-corrupt', `the lock ${this.locate(key).lock} is not one pantherctl wrote`, {
        hint: 'Check what wrote it; `pantherctl lock release --force --reason ...` replaces it.',
      });
    }
    return { generations: [], ...doc } as S3LockDocument;
  }

  private lockedError(key: DeploymentKey, doc: S3LockDocument | undefined): PantherctlError {
    const lock = this.locate(key).lock;
    const h = doc?.holder;
    const who = h ? `${h.command} (${h.user} on ${h.hostname}, pid ${h.pid}, since ${h.since}; lease until ${doc.expiresAt})` : 'another run';
    return new PantherctlError('locked', `the deployment is locked by ${who}`, {
      source: 'locked',
      hint: `Wait for it to finish or for its lease to lapse. If that run is gone for good, \`pantherctl lock release --force --reason TEXT\` frees it, then \`pantherctl resume\`.`,
      meta: { lock, ...(h ? { holder: h } : {}) },
    });
  }

  private async lostError(key: DeploymentKey): Promise<PantherctlError> {
    const lock = this.locate(key).lock;
    const now = await this.lockStatus(key).catch(() => undefined);
    const h = now?.doc.state === 'held' ? now.doc.holder : undefined;
    return new PantherctlError('lock-lost', `the deployment's lock ${lock} is no longer held by this run${h ? ` (now: ${h.command} by ${h.user} on ${h.hostname}, pid ${h.pid})` : ''}`, {
      hint: 'Another run took the deployment over (or the lock was released by force); this one stopped writing. Check `pantherctl lock status` before running `pantherctl resume`.',
      meta: { lock, ...(h ? { holder: h } : {}) },
    });
  }

  private corrupt(objectKey: string, reason: string): PantherctlError {
    return new PantherctlError('journal-corrupt', `the journal entry ${objectKey} in ${this.objects.url} is corrupt (${reason})`, {
      hint: 'Something other than pantherctl changed the state bucket; `pantherctl status` shows the live state.',
    });
  }
}

/** The generation a fence names (`<generation>-<uuid>`); 0 for none. */
export function generationOf(fence: string | undefined): number {
  const n = Number.parseInt(fence ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Drops the entries a stale writer landed after it lost the lock: an entry of generation g at
 * sequence s when a later generation started at a sequence below s.
 */
export function discardStale(entries: readonly JournalEntry[], generations: readonly { generation: number; fromSeq: number }[]): JournalEntry[] {
  return entries.filter((e) => {
    const g = generationOf(e.fence);
    return !generations.some((later) => later.generation > g && later.fromSeq < e.seq);
  });
}

function sameKey(a: DeploymentKey, b: DeploymentKey): boolean {
  return a.account === b.account && a.region === b.region && a.rootStack === b.rootStack;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `fn` over `items` with at most `limit` calls in flight, results in order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
