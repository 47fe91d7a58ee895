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

export interface LearnOptions {
  /**
   * The deployment's journal, when the caller has it (a run under its lock): without a finished
   * hop in it there is nothing to learn, and no stack event is read.
   */
  journal?: readonly JournalEntry[];
  /**
   * Events read per stack. Default 500: the last few runs of a root stack; the learner needs no
   * more, and the read happens before the first hop of a run.
   */
  eventLimit?: number;
  /** Longest the read may take before the run goes on without an estimate. Default 30 000 ms. */
  timeoutMs?: number;
}

/** Reads the deployment's history and learns from it; undefined when it cannot be read in time (an estimate never fails or holds up a run). */
export async function learnFromHistory(d: Pick<OpenedDeployment, 'deps' | 'settings' | 'store'>, options: LearnOptions = {}): Promise<DurationModel | undefined> {
  if (options.journal && !options.journal.some((e) => e.type === 'hop.done')) return learnDurations([]);
  let timer: NodeJS.Timeout | undefined;
  try {
    const read = readRunInputs(d, { eventLimit: options.eventLimit ?? 500 }).then((inputs) => learnDurations(pastRuns(inputs)));
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), options.timeoutMs ?? 30_000);
      timer.unref();
    });
    // A read still under way when the bound passes is left to finish on its own; its answer is dropped.
    read.catch(() => undefined);
    return await Promise.race([read, late]);
  } catch {
    return undefined;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
