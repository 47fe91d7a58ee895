import type { StagedRunStart } from '../../journal/entry.js';
import type { JournalEntry } from '../../journal/entry.js';
import type { Journal } from '../../journal/journal.js';
import { summarizeJournal, type HopRecord } from '../../journal/progress.js';
import type { Stage } from '../staging/types.js';
import type { ParameterSource } from './inputs.js';

/** What `run.start` records for `deploy` and `configure`, so `resume` can continue exactly. */
export type StagedRunRecord = StagedRunStart;

/**
 * The latest staged run (`deploy` or `configure`) of a journal: its `run.start` entry and
 * the step records written since. Stage hops (`stage-1`, ...) repeat across runs, so only
 * the entries from that `run.start` on are folded.
 */
export function latestStagedRun(entries: readonly JournalEntry[]): { start: StagedRunStart & JournalEntry; records: Map<string, HopRecord>; finished: boolean; stoppedBy?: string } | undefined {
  let startIndex = -1;
  entries.forEach((e, i) => {
    if (e.type === 'run.start') startIndex = i;
  });
  const start = entries[startIndex];
  if (!start || start.type !== 'run.start' || (start.command !== 'deploy' && start.command !== 'configure')) return undefined;
  const summary = summarizeJournal(entries.slice(startIndex));
  return {
    start,
    records: summary.hops,
    finished: summary.finished,
    ...(summary.stoppedBy ? { stoppedBy: summary.stoppedBy } : {}),
  };
}

export interface StagedRunPlan {
  command: StagedRunStart['command'];
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
  options: StagedRunStart['options'];
  /** Required preflight checks accepted with `--accept ID=REASON`. */
  accepted?: readonly { id: string; reason: string }[];
}

/**
 * Journals the start of a `deploy` or `configure`: what `resume` needs to continue it exactly,
 * the parameter file's path and digest and the keys of every stage, never a value.
 */
export async function startStagedRun(journal: Journal, s: StagedRunPlan): Promise<void> {
  await journal.append({
    type: 'run.start',
    command: s.command,
    from: s.from,
    to: s.to,
    hops: s.hops,
    paramsFile: s.source.file,
    paramsSha256: s.source.sha256,
    overrideKeys: s.source.overrideKeys,
    ...(s.version ? { version: s.version } : {}),
    stages: s.stages.map((st) => st.parameters.map((p) => p.key)),
    ...(s.create ? { create: [...s.create] } : {}),
    build: s.build,
    options: s.options,
    ...(s.accepted?.length ? { accepted: [...s.accepted] } : {}),
  });
}
