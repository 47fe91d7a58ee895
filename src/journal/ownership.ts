/**
 * A journal belongs to one stack. Journals are kept per root stack id (paths.ts), so a stack
 * deleted and created again under the same name (what `deploy --replace-failed` does, or a
 * fresh sandbox) never reads the journal of the one before. Two kinds of journal still have to
 * be matched with a stack by what they say:
 *
 * - the name's journal (no stack id): that of a first deploy, written before its stack
 *   existed, and every journal of a pantherctl of before this keying;
 * - the journal of a stack that a run replaced (`deploy --replace-failed` deletes the failed
 *   stack, and creates the new one, under the old stack's journal).
 *
 * `belongsTo` decides, purely; `reconcileJournals` applies it under the deployment's lock:
 * the journal that belongs to the live root stack is moved into that stack's journal (when
 * that one is still empty), and every journal that belongs to no live stack is archived,
 * never applied.
 */
import type { JournalEntry } from './entry.js';
import { sameStackId } from './paths.js';
import type { DeploymentKey, Lease, StateStore } from './state-store.js';

/**
 * How far the local clock (journal times) and AWS's (creation times) may disagree. A journal
 * matched with the wrong stack because of it is still safe: every step it calls done is
 * confirmed against the live state before it is skipped (assemble-steps.ts).
 */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The live root stack, as far as ownership goes. */
export interface LiveStack {
  stackId: string;
  creationTime: Date;
}

/**
 * Whether a journal belongs to the live stack `live`. `keyStackId` is the stack the journal is
 * kept under (undefined for the name's journal).
 *
 * - A journal that recorded creating a root stack belongs to the stack it created: the one
 *   CreateStack named (`step.accepted`), or, when the run stopped before hearing the id, the
 *   stack of that name created after the request was journaled.
 * - Else a journal kept under a stack id belongs to that stack.
 * - Else (the name's journal of an older pantherctl) it belongs to the live stack when that
 *   stack existed when the journal was last written: a stack created later cannot have been
 *   touched by it.
 */
export function belongsTo(entries: readonly JournalEntry[], keyStackId: string | undefined, live: LiveStack): boolean {
  if (entries.length === 0) return false;
  const create = lastCreate(entries);
  if (create?.type === 'step.accepted' && create.step === 'create-stack') return sameStackId(create.stackId, live.stackId);
  if (create) return live.creationTime.getTime() >= Date.parse(create.time) - CLOCK_SKEW_MS;
  if (keyStackId !== undefined) return sameStackId(keyStackId, live.stackId);
  const lastWritten = Math.max(...entries.map((e) => Date.parse(e.time)));
  return live.creationTime.getTime() <= lastWritten + CLOCK_SKEW_MS;
}

/** The latest word on creating the root stack: the `step.accepted` naming it, else the `step.requested` of the latest request. */
function lastCreate(entries: readonly JournalEntry[]): Extract<JournalEntry, { step: 'create-stack' }> | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if ((e.type === 'step.accepted' || e.type === 'step.requested') && e.step === 'create-stack') return e;
  }
  return undefined;
}

/** What reconciling did, for the run's messages. */
export interface Reconciled {
  /** The journal moved into the live stack's journal (its location before), with its entry count. */
  migrated?: { from: string; entries: number };
  /** Journals moved aside: they belong to no live stack. */
  archived: { from: string; to: string; reason: 'stack-gone' | 'superseded' }[];
}

/** The other journals of the deployment's name (the name's own, other stacks'), each with its entries. */
async function otherJournals(store: StateStore, key: DeploymentKey): Promise<{ key: DeploymentKey; entries: JournalEntry[] }[]> {
  const name = { account: key.account, region: key.region, rootStack: key.rootStack };
  const keys: DeploymentKey[] = store.journals ? await store.journals(name) : [name];
  const others = keys.filter((k) => !(k.stackId !== undefined && key.stackId !== undefined && sameStackId(k.stackId, key.stackId)) && !(k.stackId === undefined && key.stackId === undefined));
  const out: { key: DeploymentKey; entries: JournalEntry[] }[] = [];
  for (const k of others) {
    const entries = await store.read(k);
    if (entries.length > 0) out.push({ key: k, entries });
  }
  return out;
}

/** The journal that belongs to `live` among the others, the one written last when several do (an oddity). */
function owning(others: readonly { key: DeploymentKey; entries: JournalEntry[] }[], live: LiveStack): { key: DeploymentKey; entries: JournalEntry[] } | undefined {
  const owners = others.filter((o) => belongsTo(o.entries, o.key.stackId, live));
  const lastTime = (o: { entries: JournalEntry[] }): number => Date.parse(o.entries.at(-1)?.time ?? '');
  return owners.sort((a, b) => lastTime(b) - lastTime(a))[0];
}

/**
 * The entries a run on `live` will find once its journals are reconciled, read without the
 * lock (status, diagnose, resume deciding what to continue): the live stack's journal, else
 * the one that will be moved into it.
 */
export async function readReconciled(store: StateStore, key: DeploymentKey, live: LiveStack | undefined): Promise<{ entries: JournalEntry[]; location: string }> {
  const own = await store.read(key);
  if (own.length > 0 || !live) return { entries: own, location: store.locate(key).journal };
  const found = owning(await otherJournals(store, key), live);
  return found ? { entries: found.entries, location: store.locate(found.key).journal } : { entries: own, location: store.locate(key).journal };
}

/**
 * Under the lock of `lease` (whose key names the live stack's journal): moves the journal
 * that belongs to `live` into it, while it is empty (entries renumbered from 1, each appended
 * under this lease), and archives every other journal of the name, which belongs to a stack
 * that no longer exists. A store without `archive` keeps them where they are (they are never
 * applied: only the live stack's journal is read).
 */
export async function reconcileJournals(store: StateStore, lease: Lease, live: LiveStack): Promise<Reconciled> {
  const key = lease.key;
  const result: Reconciled = { archived: [] };
  const others = await otherJournals(store, key);
  if (others.length === 0) return result;
  const own = await store.read(key);
  const adopt = own.length === 0 ? owning(others, live) : undefined;
  if (adopt) {
    let seq = 0;
    for (const entry of adopt.entries) await store.append(lease, { ...entry, seq: ++seq, fence: lease.fence });
    result.migrated = { from: store.locate(adopt.key).journal, entries: adopt.entries.length };
  }
  for (const other of others) {
    const from = store.locate(other.key).journal;
    const to = store.archive ? await store.archive(other.key) : undefined;
    // Moved in, or of the live stack but older than its own journal: superseded; else its stack is gone.
    if (to) result.archived.push({ from, to, reason: other === adopt || belongsTo(other.entries, other.key.stackId, live) ? 'superseded' : 'stack-gone' });
  }
  return result;
}
