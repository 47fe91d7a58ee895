/**
 * The one lifecycle of every run that changes a deployment (upgrade, resume, deploy,
 * configure, recover): take the deployment's lock, open its journal, run the body, and record
 * how it ended, so that `pantherctl resume` knows where to continue.
 *
 * - Lock: `locked` (exit 6) when another run holds it; a lease that lapses (a remote store)
 *   is renewed in the background, and losing it stops the run (`lock-lost`).
 * - Interruption: the caller's AbortSignal (Ctrl-C, SIGTERM) reaches the body as `run.signal`;
 *   waits stop with `interrupted` (or `timeout`, or `expired-credentials`), never the AWS
 *   operation. That is journaled as `run.interrupted`, and the error says how to continue.
 * - Failure mapping: a stack operation or build that failed (source `deployment`) is
 *   `run.failed` with its hop and the state it left; any other error after the run changed
 *   something is `run.interrupted` (a bug: `run.failed`, code `internal`); a refusal before
 *   anything was written leaves the journal as it was (no empty journal behind).
 * - Success: the body appends its own `run.done` (recover, which continues another run,
 *   appends none).
 */
import { randomUUID } from 'node:crypto';
import { PantherctlError, isPantherctlError } from '../errors/pantherctl-error.js';
import { MSG, type IoHost } from '../io/messages.js';
import { Journal } from './journal.js';
import { reconcileJournals, type LiveStack } from './ownership.js';
import { summarizeJournal, type JournalSummary } from './progress.js';
import type { DeploymentKey, Lease, StateStore } from './state-store.js';

/** The command a run belongs to; it is what the lock shows to a run it refuses. */
export type RunKind = 'upgrade' | 'resume' | 'deploy' | 'configure' | 'recover';

export interface JournaledDeployment {
  /** The lock is the name's; the journal is `key.stackId`'s (the live root stack), else the name's (a first deploy). */
  key: DeploymentKey;
  store: StateStore;
  /**
   * The live root stack the run acts on (its id is `key.stackId`): before the journal is
   * opened, the journal that belongs to it is moved into its own, and journals of stacks that
   * no longer exist are archived (ownership.ts). Absent (a first deploy): nothing is moved.
   */
  live?: LiveStack;
  /** Where `journal.migrated` / `journal.archived` go. Default: nowhere. */
  io?: IoHost;
  /** Ctrl-C: stops waiting, never the AWS operation. Default: never fires. */
  signal?: AbortSignal;
  /** The command that continues a stopped run, for the hint. The body may refine it (`run.resumeCommand`). */
  resumeCommand: string;
  /** Clock of the journal's entries. Default: the system clock. */
  now?: () => Date;
}

export interface JournaledRun {
  readonly journal: Journal;
  /** What the journal said before this run started. */
  readonly before: JournalSummary;
  /** Where the journal is, for messages. */
  readonly location: string;
  /** Fires on the caller's signal, or when the lease is lost. */
  readonly signal: AbortSignal;
  /** The command line that continues this run, as the hint of an interruption shows it. */
  resumeCommand: string;
  /**
   * What to tell an operator whose run stopped after it changed something, instead of
   * "run <resumeCommand>" (recover: the rollback goes on; see how it ends).
   */
  resumeHint?: string;
}

export async function runJournaled<T>(kind: RunKind, deployment: JournaledDeployment, body: (run: JournaledRun) => Promise<T>): Promise<T> {
  const { store, key } = deployment;
  const runId = randomUUID();
  const lease = await store.acquire(key, { command: kind, run: runId });
  const lost = new AbortController();
  const signal = deployment.signal ? AbortSignal.any([deployment.signal, lost.signal]) : lost.signal;
  let leaseError: unknown;
  const renewal = keepRenewed(store, lease, (err) => {
    leaseError = err;
    lost.abort(err);
  });
  let journal: Journal | undefined;
  try {
    if (deployment.live) {
      const done = await reconcileJournals(store, lease, deployment.live);
      const to = store.locate(key).journal;
      if (done.migrated) deployment.io?.notify(MSG['journal.migrated'].msg(`the journal ${done.migrated.from} belongs to ${key.rootStack} (${deployment.live.stackId}): moved into ${to}`, { from: done.migrated.from, to, entries: done.migrated.entries }));
      for (const a of done.archived.filter((x) => x.reason === 'stack-gone')) {
        deployment.io?.notify(MSG['journal.archived'].msg(`the journal ${a.from} is of a stack ${key.rootStack} that no longer exists (the live one is ${deployment.live.stackId}): moved to ${a.to}, not applied`, { ...a }));
      }
    }
    journal = await Journal.open(store, lease, { run: runId, ...(deployment.now ? { now: deployment.now } : {}) });
    const run: JournaledRun = { journal, before: summarizeJournal(journal.all()), location: store.locate(key).journal, signal, resumeCommand: deployment.resumeCommand };
    try {
      return await body(run);
    } catch (err) {
      throw await stopped(leaseError ?? err, run);
    }
  } finally {
    renewal.stop();
    journal?.close();
    await store.release(lease);
  }
}

/** Records why the run stopped, and turns the error into what the operator should read. */
async function stopped(err: unknown, run: JournaledRun): Promise<unknown> {
  const { journal } = run;
  const record = async (write: () => Promise<unknown>): Promise<void> => {
    // Nothing of this run in the journal: a refusal leaves it as it was. A run that journaled
    // its own end (`run.done`: a declined confirmation) is not reopened by its error.
    if (!journal.wrote || journal.all().at(-1)?.type === 'run.done') return;
    try {
      await write();
    } catch {
      // The journal may be unwritable now (a lost lock, a full disk); the original error matters more.
    }
  };
  if (isPantherctlError(err) && err.source === 'deployment') {
    const hop = typeof err.meta.hop === 'string' ? err.meta.hop : undefined;
    await record(() => journal.append({ type: 'run.failed', code: err.code, ...(hop ? { hop } : {}), state: typeof err.meta.state === 'string' ? err.meta.state : '' }));
    return err;
  }
  if (isPantherctlError(err) && err.source === 'interrupted') {
    await record(() => journal.append({ type: 'run.interrupted', code: err.code }));
    const why = err.code === 'timeout' ? 'Stopped waiting (timeout)' : err.code === 'expired-credentials' ? err.message : 'Interrupted';
    return new PantherctlError(err.code, `${why}; any stack operation already started continues in AWS`, {
      hint: journal.changed ? (run.resumeHint ?? `Run \`${run.resumeCommand}\` to continue where it stopped.`) : 'Nothing was changed; run the command again.',
      meta: err.meta,
      cause: err,
    });
  }
  if (journal.changed) {
    await record(() => journal.append(isPantherctlError(err) ? { type: 'run.interrupted', code: err.code } : { type: 'run.failed', code: 'internal' }));
  }
  return err;
}

/** Renews a lease that lapses (a remote store) a third of its life before it does; nothing for leases without expiry. */
function keepRenewed(store: StateStore, lease: Lease, onLost: (err: unknown) => void): { stop(): void } {
  if (!lease.expiresAt) return { stop() {} };
  let current = lease;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (): void => {
    const left = (current.expiresAt?.getTime() ?? Date.now()) - Date.now();
    timer = setTimeout(() => {
      store.renew(current).then(
        (next) => {
          current = next;
          if (!stopped) schedule();
        },
        (err: unknown) => onLost(err),
      );
    }, Math.max(0, (left * 2) / 3));
    // Renewal must never keep the process alive.
    timer.unref();
  };
  schedule();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
