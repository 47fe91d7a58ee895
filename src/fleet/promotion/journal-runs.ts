import type { JournalEntry } from '../../journal/entry.js';
import { planDigest } from './plan-digest.js';
import { requiredRunFrom, type RecordedRun, type RequiredRun } from './promotion.js';

/**
 * What a deployment's journal (local or in the shared state) says about its runs, for
 * promotion and `fleet status`. Pure over entries. A run's plan digest is, in order:
 * - the `planDigest` its `run.start` records (what `fleet upgrade` is to write, with the
 *   hashed `parameterChanges` it was computed from);
 * - else computed from what `run.start` already records (`to`, `hops` and each hop's template
 *   `digests`) when the run changed no parameter (`overrideKeys` empty), since the digest of
 *   such a plan depends on nothing else;
 * - else, for a `resume`, the digest of the run it continues (same target and hops);
 * - else unknown: such a run never satisfies a `requires`.
 */

export type JournalRunOutcome = 'done' | 'failed' | 'interrupted' | 'unfinished';

export interface JournalRun {
  /** Run id (one invocation). */
  run: string;
  /** `upgrade`, `resume`, `deploy`, `configure`, ... as recorded. */
  command: string;
  startedAt: string;
  /** Time of the entry that ended it; absent while `unfinished` (running, or killed). */
  endedAt?: string;
  outcome: JournalRunOutcome;
  from?: string;
  to?: string;
  hops: string[];
  digest?: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

type RunStartEntry = Extract<JournalEntry, { type: 'run.start' }>;

/** The digest `run.start` states or implies (see above); undefined when it cannot be known. */
function digestOf(start: RunStartEntry): string | undefined {
  // A first deploy or configure runs no upgrade plan.
  if (start.command !== 'upgrade' && start.command !== 'resume') return undefined;
  if (start.planDigest !== undefined && SHA256.test(start.planDigest)) return start.planDigest;
  const recorded = start.parameterChanges;
  if (start.overrideKeys.length > 0 && recorded === undefined) return undefined;
  const hopDigests = [];
  for (const version of start.hops) {
    const d = start.digests[version];
    if (d?.root === undefined || d.role === undefined) return undefined;
    hopDigests.push({ version, rootTemplateSha256: d.root, roleTemplateSha256: d.role });
  }
  try {
    return planDigest({ target: start.to, hops: hopDigests, parameterChanges: recorded ?? [] });
  } catch {
    // A malformed record (hand-edited journal): unknown, never a guess.
    return undefined;
  }
}

/** Every run of the journal, oldest first. */
export function journalRuns(entries: readonly JournalEntry[]): JournalRun[] {
  const runs: JournalRun[] = [];
  const byId = new Map<string, JournalRun>();
  for (const e of entries) {
    if (e.type === 'run.start') {
      const hops = [...e.hops];
      const previous = runs[runs.length - 1];
      let digest = digestOf(e);
      // A resume continues its predecessor's plan: same target and hops, same digest.
      if (digest === undefined && e.command === 'resume' && previous && previous.to === e.to && previous.hops.join() === hops.join()) digest = previous.digest;
      const run: JournalRun = {
        run: e.run,
        command: e.command,
        startedAt: e.time,
        outcome: 'unfinished',
        from: e.from,
        to: e.to,
        hops,
        ...(digest ? { digest } : {}),
      };
      runs.push(run);
      byId.set(e.run, run);
      continue;
    }
    const outcome = e.type === 'run.done' ? 'done' : e.type === 'run.failed' ? 'failed' : e.type === 'run.interrupted' ? 'interrupted' : undefined;
    const run = outcome ? byId.get(e.run) : undefined;
    if (run && outcome && run.outcome === 'unfinished') {
      run.outcome = outcome;
      run.endedAt = e.time;
    }
  }
  return runs;
}

/** The runs as promotion and the scheduler's `history` want them. */
export function recordedRuns(entries: readonly JournalEntry[]): RecordedRun[] {
  return journalRuns(entries).map((r) => ({ digest: r.digest, finished: r.outcome === 'done' }));
}

/** `requiredRunFrom` over a journal: what `checkPromotion` needs about one required deployment. */
export function requiredRunFromJournal(deployment: string, entries: readonly JournalEntry[], digest: string): RequiredRun {
  return requiredRunFrom(deployment, recordedRuns(entries), digest);
}
