import { isPantherctlError } from '../../errors/pantherctl-error.js';
import type { JournalEntry } from '../../journal/entry.js';
import type { Journal } from '../../journal/journal.js';
import { summarizeJournal, type HopRecord, type StepRecord } from '../../journal/progress.js';
import type { StagedRunRecord, StagedStep } from './types.js';

/**
 * The latest staged run (`deploy` or `configure`) of a journal: its `run.start` entry and
 * the step records written since. Stage hops (`stage-1`, ...) repeat across runs, so only
 * the entries from that `run.start` on are folded.
 */
export function latestStagedRun(entries: readonly JournalEntry[]): { start: JournalEntry & StagedRunRecord; records: Map<string, HopRecord>; finished: boolean; stoppedBy?: string } | undefined {
  let startIndex = -1;
  entries.forEach((e, i) => {
    if (e.type === 'run.start') startIndex = i;
  });
  const start = entries[startIndex];
  if (!start || (start.command !== 'deploy' && start.command !== 'configure')) return undefined;
  const summary = summarizeJournal(entries.slice(startIndex));
  return {
    start: start as JournalEntry & StagedRunRecord,
    records: summary.hops,
    finished: summary.finished,
    ...(summary.stoppedBy ? { stoppedBy: summary.stoppedBy } : {}),
  };
}

/** A step record by name, including the staged steps the upgrade's StepName does not list. */
export function stepOf(record: HopRecord | undefined, step: StagedStep): StepRecord | undefined {
  return (record?.steps as Partial<Record<string, StepRecord>> | undefined)?.[step];
}

export function finishRun(journal: Journal): void {
  journal.append({ type: 'run.done' });
}

/** A failure stops the run; an interruption (Ctrl-C, timeout, expired credentials) leaves it to `resume`. */
export function failRun(journal: Journal, err: unknown): void {
  try {
    const interrupted = isPantherctlError(err) && (err.source === 'interrupted' || err.code === 'timeout');
    journal.append({
      type: interrupted ? 'run.interrupted' : 'run.failed',
      ...(isPantherctlError(err) ? { code: err.code } : { code: 'internal' }),
    });
  } catch {
    // The journal may already be closed or unwritable; the original error matters more.
  }
}
