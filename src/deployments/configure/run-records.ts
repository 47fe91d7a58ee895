import { isPantherctlError } from '../../errors/pantherctl-error.js';
import type { JournalEntry } from '../../journal/entry.js';
import type { Journal } from '../../journal/journal.js';
import { summarizeJournal, type HopRecord } from '../../journal/progress.js';
import type { Stage } from '../staging/types.js';
import type { ParameterSource } from './inputs.js';
import type { StagedRunRecord } from './types.js';

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

export interface StagedRunStart {
  command: StagedRunRecord['command'];
  source: ParameterSource;
  stages: readonly Stage[];
  build: boolean;
  /** Deploy only: the version and the keys of the create call. */
  version?: string;
  create?: readonly string[];
  /** The plan as `summarizeJournal` reads it: from, to and the journal hops in order. */
  from: string;
  to: string;
  hops: string[];
  /** The staging flags, for the record. */
  options: Record<string, unknown>;
}

/**
 * Journals the start of a `deploy` or `configure`: what `resume` needs to continue it exactly,
 * the parameter file's path and digest and the keys of every stage, never a value.
 */
export function startStagedRun(journal: Journal, s: StagedRunStart): void {
  const record: StagedRunRecord = {
    command: s.command,
    paramsFile: s.source.file,
    paramsSha256: s.source.sha256,
    overrideKeys: s.source.overrideKeys,
    ...(s.version ? { version: s.version } : {}),
    stages: s.stages.map((st) => st.parameters.map((p) => p.key)),
    ...(s.create ? { create: [...s.create] } : {}),
    build: s.build,
  };
  journal.append({ type: 'run.start', from: s.from, to: s.to, hops: s.hops, ...record, options: s.options });
}
