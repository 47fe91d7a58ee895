/**
 * The project's last build as `diagnose` and `support-bundle` show it: its status, its
 * phases, the first phase that did not succeed with that phase's context message, and the
 * last lines of its log (the newest page of its CloudWatch Logs stream, read backwards:
 * GetLogEvents with `startFromHead` false returns "the latest log events first", CloudWatch
 * Logs API Reference, GetLogEvents). Every text passes `redact`. Reads only.
 */
import { PULUMI_PROJECT } from '../../catalog/urls.js';
import type { BuildInfo, CodeBuildGateway } from '../aws/types.js';
import { isAbortError } from '../wait/clock.js';
import { FAILURE_TAIL_LINES } from './build-log.js';
import { linesOf } from './log-tailer.js';
import type { LogsGateway } from './logs-gateway.js';

export interface BuildPhaseSummary {
  phase: string;
  status?: string;
  durationMs?: number;
  /** The phase's context message (its `contexts[].message`), redacted. */
  message?: string;
}

export interface BuildSummary {
  buildId: string;
  status: string;
  startTime?: string;
  endTime?: string;
  phases: BuildPhaseSummary[];
  /** The first phase that did not succeed (a failed build only). */
  failedPhase?: string;
  /** That phase's context message, redacted. */
  message?: string;
  /** The last lines of its log (at most `lines`), oldest first, redacted; empty when unreadable. */
  logTail: string[];
  logGroup?: string;
  logStream?: string;
  deepLink?: string;
  /** Why the log could not be read (AccessDenied, the stream expired...), redacted. */
  logUnavailable?: string;
}

export interface LastBuildOptions {
  /** Default `panther-pulumi`. */
  project?: string;
  /** Default FAILURE_TAIL_LINES (50). */
  lines?: number;
  /** Applied to every message and log line. Default none. */
  redact?: (text: string) => string;
  signal?: AbortSignal;
}

/** The last build of the project with its log tail; undefined when the project never ran a build. */
export async function lastBuildSummary(deps: { codeBuild: CodeBuildGateway; logs?: LogsGateway }, options: LastBuildOptions = {}): Promise<BuildSummary | undefined> {
  const build = await deps.codeBuild.lastBuild(options.project ?? PULUMI_PROJECT);
  return build ? summarizeBuild(deps, build, options) : undefined;
}

/** A build's summary with its log tail (see lastBuildSummary). Never throws for the log. */
export async function summarizeBuild(deps: { logs?: LogsGateway }, build: BuildInfo, options: LastBuildOptions = {}): Promise<BuildSummary> {
  const redact = options.redact ?? ((t: string) => t);
  const lines = options.lines ?? FAILURE_TAIL_LINES;
  const failed = build.status !== 'SUCCEEDED' && build.status !== 'IN_PROGRESS' ? build.phases.find((p) => p.status && p.status !== 'SUCCEEDED' && p.status !== 'IN_PROGRESS') : undefined;
  const summary: BuildSummary = {
    buildId: build.id,
    status: build.status,
    ...(build.startTime ? { startTime: build.startTime.toISOString() } : {}),
    ...(build.endTime ? { endTime: build.endTime.toISOString() } : {}),
    phases: build.phases.map((p) => ({
      phase: p.type,
      ...(p.status ? { status: p.status } : {}),
      ...(p.durationSeconds !== undefined ? { durationMs: p.durationSeconds * 1000 } : {}),
      ...(p.message ? { message: redact(p.message) } : {}),
    })),
    ...(failed ? { failedPhase: failed.type, ...(failed.message ? { message: redact(failed.message) } : {}) } : {}),
    logTail: [],
    ...(build.logs?.groupName ? { logGroup: build.logs.groupName } : {}),
    ...(build.logs?.streamName ? { logStream: build.logs.streamName } : {}),
    ...(build.logs?.deepLink ? { deepLink: build.logs.deepLink } : {}),
  };
  const group = build.logs?.groupName;
  const stream = build.logs?.streamName;
  if (!deps.logs || !group || !stream || lines <= 0) return summary;
  try {
    const page = await deps.logs.getLogEvents({ group, stream, startFromHead: false, limit: lines }, options.signal ? { signal: options.signal } : {});
    if (page.status === 'page') summary.logTail = page.events.flatMap(linesOf).slice(-lines).map((l) => redact(l.text));
    else summary.logUnavailable = redact(page.message);
  } catch (err) {
    if (isAbortError(err)) throw err;
    summary.logUnavailable = redact(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  }
  return summary;
}
