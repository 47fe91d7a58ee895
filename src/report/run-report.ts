/**
 * `pantherctl report [--run ID] --html FILE`: one run's timeline (report/run-timeline.ts) from
 * the journal, the stacks' events and the builds' phases, rendered to one self-contained HTML
 * file (render-run-report.ts). Reads only; the CLI writes the file.
 */
import { readRunInputs } from '../deployments/history/run-inputs.js';
import { runNotFound } from '../deployments/history/history.js';
import { withDeployment, type DeploymentOptions } from '../deployments/deployment.js';
import type { IoHost } from '../io/messages.js';
import { runRedactor } from '../support/run-redaction.js';
import { renderRunReport } from './render-run-report.js';
import { buildRunTimeline, RunNotFoundError, type RunTimeline } from './run-timeline.js';

export interface RunReportOptions extends DeploymentOptions {
  /** The run (an id from `history`). Default the last one. */
  runId?: string;
  /** pantherctl's version, in the footer. */
  pantherctlVersion?: string;
  /** The footer's time. Default now. */
  now?: Date;
}

export interface RunReport {
  rootStack: string;
  timeline: RunTimeline;
  html: string;
}

export function runReport(options: RunReportOptions, io: IoHost): Promise<RunReport> {
  return withDeployment(options, io, async (d) => {
    const inputs = await readRunInputs(d);
    let timeline: RunTimeline;
    try {
      timeline = buildRunTimeline({ journal: inputs.journal, ...(options.runId ? { runId: options.runId } : {}), stackEvents: inputs.stackEvents, builds: inputs.builds.map((b) => ({ ...b })) });
    } catch (err) {
      if (err instanceof RunNotFoundError) throw runNotFound(options.runId, err.known);
      throw err;
    }
    const html = renderRunReport(timeline, {
      ...(options.pantherctlVersion ? { pantherctlVersion: options.pantherctlVersion } : {}),
      generatedAt: (options.now ?? new Date()).toISOString(),
      redact: runRedactor(),
    });
    return { rootStack: inputs.rootStack, timeline, html };
  });
}
