/**
 * The DurationModel of a deployment, from the runs its journal (through the StateStore) and its
 * stacks' events remember: the same reading `history` and `report` make (report/run-timeline.ts),
 * so an estimate rests on the durations `history` shows. Only runs that finished a hop count.
 */
import type { JournalEntry } from '../../journal/entry.js';
import { runDurations } from '../../report/run-durations.js';
import { buildRunTimeline } from '../../report/run-timeline.js';
import type { OpenedDeployment } from '../deployment.js';
import { readRunInputs, type RunInputs } from '../history/run-inputs.js';
import { learnDurations, type DurationModel, type PastRun } from './estimate.js';

/** The earlier runs of `inputs` as the learner takes them; runs without a finished hop are left out. Pure. */
export function pastRuns(inputs: Pick<RunInputs, 'journal' | 'stackEvents' | 'builds'>): PastRun[] {
  const ids = [...new Set(inputs.journal.filter((e) => e.type === 'run.start').map((e) => e.run))];
  const runs: PastRun[] = [];
  for (const id of ids) {
    const past = runDurations(buildRunTimeline({ journal: inputs.journal, runId: id, stackEvents: inputs.stackEvents, builds: inputs.builds.map((b) => ({ ...b })) }));
    if (past.hops.length > 0) runs.push(past);
  }
  return runs;
}

/** Reads the deployment's history and learns from it; undefined when it cannot be read (an estimate never fails a run). */
export async function learnFromHistory(d: Pick<OpenedDeployment, 'deps' | 'settings' | 'store'>, journal?: readonly JournalEntry[]): Promise<DurationModel | undefined> {
  try {
    const inputs = await readRunInputs(d);
    return learnDurations(pastRuns(journal ? { ...inputs, journal: [...journal] } : inputs));
  } catch {
    return undefined;
  }
}
