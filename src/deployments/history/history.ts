/**
 * `pantherctl history`: every run on the deployment, newest first, from its journal and its
 * stacks' events: when, who, which command, from and to, each hop's role / root / build
 * durations, the outcome and the root cause. Reads only; every text is redacted (reasons quote
 * anything).
 */
import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { IoHost } from '../../io/messages.js';
import { buildRunTimeline, type RunOutcome, type RunTimeline, type SpanStatus } from '../../report/run-timeline.js';
import { redactStrings } from '../../support/redactors.js';
import { runRedactor } from '../../support/run-redaction.js';
import { withDeployment, type DeploymentOptions } from '../deployment.js';
import { readRunInputs, type RunInputs } from './run-inputs.js';

export interface HistoryHop {
  version: string;
  status: SpanStatus;
  durationMs?: number;
  roleMs?: number;
  rootMs?: number;
  buildMs?: number;
}

export interface HistoryRun {
  run: string;
  command?: string;
  start: string;
  end?: string;
  durationMs?: number;
  /** The caller's ARN, when the run recorded it. */
  principal?: string;
  from?: string;
  to?: string;
  outcome: RunOutcome;
  code?: string;
  state?: string;
  /** The runs this one continued (resume), oldest first. */
  resumed: string[];
  hops: HistoryHop[];
  rootCause?: string;
}

export interface HistoryResult {
  rootStack: string;
  runs: HistoryRun[];
}

/** The history of runs in `inputs`, newest first. Pure. */
export function historyOf(inputs: Pick<RunInputs, 'rootStack' | 'journal' | 'stackEvents' | 'builds'>): HistoryResult {
  const ids = [...new Set(inputs.journal.filter((e) => e.type === 'run.start').map((e) => e.run))];
  const runs = ids.map((id) => summarize(buildRunTimeline({ journal: inputs.journal, runId: id, stackEvents: inputs.stackEvents, builds: inputs.builds.map((b) => ({ ...b })) })));
  return redactStrings({ rootStack: inputs.rootStack, runs: runs.reverse() }, runRedactor());
}

function summarize(t: RunTimeline): HistoryRun {
  const own = t.runs.at(-1);
  const start = own?.start ?? t.run.start;
  const end = own?.end;
  return {
    run: t.run.id,
    // The invocation's own command (the timeline's is the first of the chain it resumed).
    ...((own?.command ?? t.run.command) ? { command: own?.command ?? t.run.command } : {}),
    start,
    ...(end ? { end, durationMs: Math.max(0, Date.parse(end) - Date.parse(start)) } : {}),
    ...(t.run.principal ? { principal: t.run.principal } : {}),
    ...(t.run.from ? { from: t.run.from } : {}),
    ...(t.run.to ? { to: t.run.to } : {}),
    outcome: t.run.outcome,
    ...(t.run.code ? { code: t.run.code } : {}),
    ...(t.run.state ? { state: t.run.state } : {}),
    resumed: t.runs.slice(0, -1).map((r) => r.id),
    hops: t.hops
      .filter((h) => h.status !== 'pending')
      .map((h) => ({
        version: h.version,
        status: h.status,
        ...(h.durationMs !== undefined ? { durationMs: h.durationMs } : {}),
        ...(h.role?.durationMs !== undefined ? { roleMs: h.role.durationMs } : {}),
        ...(h.root?.durationMs !== undefined ? { rootMs: h.root.durationMs } : {}),
        ...(h.build?.durationMs !== undefined ? { buildMs: h.build.durationMs } : {}),
      })),
    ...(t.rootCause ? { rootCause: t.rootCause.text } : {}),
  };
}

/** `pantherctl history`: the runs of the deployment. Reads only. */
export function history(options: DeploymentOptions, io: IoHost): Promise<HistoryResult> {
  return withDeployment(options, io, async (d) => {
    const inputs = await readRunInputs(d);
    return historyOf(inputs);
  });
}

/** A `--run` the journal does not have: one line naming the runs it has. */
export function runNotFound(runId: string | undefined, known: string[]): PantherctlError {
  return new PantherctlError('run-not-found', runId ? `no run ${runId} on this deployment` : 'no run on this deployment yet', {
    hint: known.length > 0 ? `Runs: ${known.slice(-5).join(', ')} (see \`pantherctl history\`).` : 'Runs are journaled by upgrade, resume, deploy and configure.',
    meta: { ...(runId ? { run: runId } : {}), known },
  });
}
