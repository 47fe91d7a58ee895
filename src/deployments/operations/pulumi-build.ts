import { PULUMI_PROJECT } from '../../catalog/urls.js';
import type { PantherctlError } from '../../errors/pantherctl-error.js';
import type { StepRecord } from '../../journal/progress.js';
import type { BuildPhase } from '../aws/types.js';
import type { BuildWaitResult } from '../wait/types.js';
import { waitDeps, type OperationContext } from './context.js';
import { MSG } from '../../io/messages.js';
import { FAILURE_TAIL_LINES, followBuildLog } from '../logs/build-log.js';

/** How a command words the build's progress; the journal entries are the same for all. */
export interface BuildAnnouncer {
  /** A new build is starting (no id yet), or a stopped run's build is waited for again. */
  start(resumed?: { buildId: string }): void;
  done(buildId: string, elapsedMs: number): void;
  /** The journal says the build already succeeded. */
  skip?(): void;
}

export interface BuildRequest {
  /** The journal hop the step is recorded under. */
  hop: string;
  /** What the journal says of this hop's `start-build` step. */
  record: StepRecord<'start-build'> | undefined;
  /** The idempotency token of a new build. */
  token: string;
  /**
   * Journal the step as skipped, with a warning, when the CodeBuild project does not exist.
   * For a first deploy, where the root stack is what creates the project. Default false.
   */
  skipWithoutProject?: boolean;
  announce: BuildAnnouncer;
  /**
   * The error to throw (after journaling) when the build fails; `phase` is the first phase that
   * did not succeed, `log` the end of its log (redacted), for the error's meta.
   */
  failure(result: BuildWaitResult, phase: BuildPhase | undefined, buildId: string, log: BuildLogSummary): PantherctlError;
}

/** The end of a failed build's log, as failures carry it. */
export interface BuildLogSummary {
  /** The last lines (at most 50), oldest first; empty when the log could not be read. */
  logTail: string[];
  logGroup?: string;
  logStream?: string;
  deepLink?: string;
}

/** `failed in phase BUILD: message`, for the failure messages of every command. */
export function buildFailureText(result: BuildWaitResult, phase: BuildPhase | undefined): string {
  return `${result.status.toLowerCase()}${phase ? ` in phase ${phase.type}${phase.message ? `: ${phase.message}` : ''}` : ''}`;
}

/**
 * How long CodeBuild holds a StartBuild idempotency token: "valid for 5 minutes. If you repeat
 * the StartBuild request with the same token ..." (botocore codebuild/2016-10-06,
 * StartBuildInput.idempotencyToken). A resume repeats the request only well inside it.
 */
const TOKEN_REUSE_MS = 4 * 60_000;

/**
 * The `panther-pulumi` build that follows a root stack operation (spec, "Trigger Pulumi
 * CodeBuild"). A build a stopped run started, running or succeeded, is waited for again rather
 * than started twice; a failed one is started anew. Journaled before the call, with its token.
 * A run stopped between asking and hearing the build id repeats StartBuild with the journaled
 * idempotency token while CodeBuild still holds it: that answers with the build the first call
 * started, or starts the one it never did.
 */
export async function runPulumiBuild(c: OperationContext, request: BuildRequest): Promise<void> {
  const { hop, record: rec, announce } = request;
  const step = 'start-build';
  if (rec?.status === 'done') {
    announce.skip?.();
    return;
  }
  const token = repeatableBuildToken(rec);
  if (token) {
    await repeatPulumiBuild(c, request, token);
    return;
  }
  const running = await findRequestedBuild(c, rec);
  if (running) {
    announce.start({ buildId: running.buildId });
    await waitBuild(c, request, running.buildId);
    return;
  }
  if (request.skipWithoutProject && !(await c.deps.codeBuild.projectExists(PULUMI_PROJECT))) {
    // The root stack creates the project; without it there is nothing to run, and failing
    // here would report a deployment that succeeded as failed.
    await c.journal.append({ type: 'step.done', step, hop, skipped: 'project-not-found' });
    c.io.notify(MSG['build.no-project'].msg(`the ${PULUMI_PROJECT} CodeBuild project does not exist; no build was started (start it once the project exists)`, { project: PULUMI_PROJECT }));
    return;
  }
  await startPulumiBuild(c, request);
}

/**
 * The journaled idempotency token of a StartBuild a stopped run asked for without hearing the
 * build id, while CodeBuild still holds it (TOKEN_REUSE_MS after the request): repeating the
 * request with it answers with the build the first call started, or starts the one it never
 * did. Undefined otherwise (then the build is looked for, or started anew).
 */
export function repeatableBuildToken(rec: StepRecord<'start-build'> | undefined, now: number = Date.now()): string | undefined {
  if (!rec || rec.status !== 'requested' || rec.accepted?.buildId || !rec.clientRequestToken) return undefined;
  const askedAt = Date.parse(rec.requested?.time ?? rec.entry.time);
  return now - askedAt < TOKEN_REUSE_MS ? rec.clientRequestToken : undefined;
}

/** StartBuild again with the journaled token (see repeatableBuildToken), then wait for the build it names. */
export async function repeatPulumiBuild(c: OperationContext, request: BuildRequest, token: string): Promise<void> {
  const { hop, announce } = request;
  announce.start();
  c.io.notify(MSG['build.token-reused'].msg('asking CodeBuild again with the same idempotency token, which returns the build already started', { project: PULUMI_PROJECT, hop }));
  const buildId = await c.deps.codeBuild.startBuild(PULUMI_PROJECT, { idempotencyToken: token });
  await c.journal.append({ type: 'step.accepted', step: 'start-build', hop, buildId });
  await waitBuild(c, request, buildId);
}

/**
 * The build a stopped run asked for, when it is running or succeeded (wait for it, never start
 * a second); undefined when there is none, or it failed (start anew).
 */
export async function findRequestedBuild(c: OperationContext, rec: StepRecord<'start-build'> | undefined): Promise<{ buildId: string; status: string } | undefined> {
  if (!rec || (rec.status !== 'requested' && rec.status !== 'accepted')) return undefined;
  let buildId = rec.accepted?.buildId;
  if (!buildId) {
    // Stopped between asking for the build and hearing its id: a build of the project that
    // started after the request is ours.
    const last = await c.deps.codeBuild.lastBuild(PULUMI_PROJECT);
    const asked = Date.parse(rec.requested?.time ?? rec.entry.time) - 5_000;
    if (last?.startTime && last.startTime.getTime() >= asked) buildId = last.id;
  }
  if (!buildId) return undefined;
  const info = await c.deps.codeBuild.getBuild(buildId).catch(() => undefined);
  return info && (info.status === 'IN_PROGRESS' || info.status === 'SUCCEEDED') ? { buildId, status: info.status } : undefined;
}

/** Starts a new build (journaled before the call, with its token) and waits for it. */
export async function startPulumiBuild(c: OperationContext, request: BuildRequest): Promise<void> {
  const { hop, announce } = request;
  const step = 'start-build';
  announce.start();
  await c.journal.append({ type: 'step.requested', step, hop, clientRequestToken: request.token, project: PULUMI_PROJECT });
  const buildId = await c.deps.codeBuild.startBuild(PULUMI_PROJECT, { idempotencyToken: request.token });
  await c.journal.append({ type: 'step.accepted', step, hop, buildId });
  await waitBuild(c, request, buildId);
}

/**
 * Waits for build `buildId`, following its log (`build.log` lines, redacted), and journals how
 * it ended. A failure is journaled with its phase, that phase's context message and the last
 * 50 log lines, reported as `build.failed`, and thrown as `request.failure(...)`.
 */
export async function waitBuild(c: OperationContext, request: BuildRequest, buildId: string): Promise<void> {
  const log = followBuildLog({
    ...(c.deps.logs ? { logs: c.deps.logs } : {}),
    io: c.io,
    buildId,
    hop: request.hop,
    ...(c.redact ? { redact: c.redact } : {}),
    signal: c.signal,
    ...(c.deps.clock ? { clock: c.deps.clock } : {}),
    ...(c.deps.pollIntervalMs ? { intervalMs: c.deps.pollIntervalMs } : {}),
  });
  let result: BuildWaitResult;
  try {
    result = await c.deps.waitForBuild({ gateway: c.deps.codeBuild, buildId, ...waitDeps(c), onBuild: (b) => log.saw(b) });
    // The build's final answer names the stream even when no poll saw it in progress.
    log.saw(result.build);
  } finally {
    // The lines written since the last read, before the outcome is told.
    await log.finish();
  }
  if (result.status === 'SUCCEEDED') {
    await c.journal.append({ type: 'step.done', step: 'start-build', hop: request.hop, buildId, elapsedMs: result.elapsedMs });
    request.announce.done(buildId, result.elapsedMs);
    return;
  }
  const phase = result.build.phases.find((p) => p.status && p.status !== 'SUCCEEDED' && p.status !== 'IN_PROGRESS');
  const redact = c.redact ?? ((t: string) => t);
  const message = phase?.message ? redact(phase.message) : undefined;
  const logTail = log.lastLines(FAILURE_TAIL_LINES).map((l) => l.text);
  const where = log.stream;
  const summary: BuildLogSummary = {
    logTail,
    ...(where ? { logGroup: where.group, logStream: where.stream, ...(where.deepLink ? { deepLink: where.deepLink } : {}) } : {}),
  };
  await c.journal.append({
    type: 'step.failed',
    step: 'start-build',
    hop: request.hop,
    buildId,
    status: result.status,
    ...(phase ? { phase: phase.type } : {}),
    ...(message ? { reason: message } : {}),
    state: 'stack done, build failed',
    logTail,
  });
  c.io.notify(
    MSG['build.failed'].msg(`${PULUMI_PROJECT} build ${buildId} ${buildFailureText(result, phase ? { ...phase, ...(message ? { message } : {}) } : undefined)}`, {
      buildId,
      hop: request.hop,
      status: result.status,
      ...(phase ? { phase: phase.type } : {}),
      ...(message ? { message } : {}),
      ...summary,
    }),
  );
  throw request.failure(result, phase && message ? { ...phase, message } : phase, buildId, summary);
}
