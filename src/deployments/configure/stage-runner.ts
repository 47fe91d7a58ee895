import { randomUUID } from 'node:crypto';
import { PULUMI_PROJECT } from '../../catalog/urls.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { HopRecord } from '../../journal/progress.js';
import type { ChangeSetSummary, ParameterValue, StackSummary } from '../aws/types.js';
import type { Stage } from '../staging/types.js';
import type { RootCauseSummary } from '../upgrade/deps.js';
import { isInProgress } from '../wait/stack-status.js';
import type { StackWaitResult } from '../wait/types.js';
import { HOP, type StagedRunContext, type StagedStep } from './types.js';

/** A ClientRequestToken / change set name: `[a-zA-Z][-a-zA-Z0-9]*`, at most 128 characters. */
export const requestToken = (what: string): string => `pantherctl-${what}-${randomUUID().slice(0, 8)}`;

export async function describeOrFail(c: StagedRunContext, name: string): Promise<StackSummary> {
  const s = await c.deps.cloudFormation.describeStack(name);
  if (!s) throw new PantherctlError('stack-not-found', `stack ${name} does not exist`, { source: 'aws', hint: 'Check the stack name and the region (`--region`).' });
  return s;
}

export async function newestEventId(c: StagedRunContext, stack: string): Promise<string | undefined> {
  const events = await c.deps.cloudFormation.describeEvents(stack, { limit: 1 });
  return events[0]?.eventId;
}

export function waitStack(c: StagedRunContext, stack: string, afterEventId: string | undefined, clientRequestToken: string | undefined, label: string, startedAt?: Date): Promise<StackWaitResult> {
  const startedAfter = afterEventId ? { afterEventId } : startedAt;
  return c.deps.waitForStack({
    gateway: c.deps.cloudFormation,
    stack,
    ...(startedAfter ? { startedAfter } : {}),
    ...(clientRequestToken ? { clientRequestToken } : {}),
    label,
    signal: c.signal,
    timeoutMs: c.timeoutMs,
    io: c.io,
    ...(c.deps.clock ? { clock: c.deps.clock } : {}),
    ...(c.deps.pollIntervalMs ? { pollIntervalMs: c.deps.pollIntervalMs } : {}),
  });
}

/** The root cause of a failed operation; undefined when the analysis itself fails. */
export async function rootCauseOf(c: StagedRunContext, result: StackWaitResult, since: Date): Promise<RootCauseSummary | undefined> {
  try {
    return await c.deps.findRootCause(result.stackId, { since, events: result.events, signal: c.signal });
  } catch {
    return undefined;
  }
}

/**
 * The parameters of one stage's update: the stage's values, UsePreviousValue for every other
 * live parameter (so earlier stages and untouched settings stay as they are).
 */
export function stageParameters(live: readonly { key: string }[], stage: Stage): ParameterValue[] {
  const values = new Map(stage.parameters.map((p) => [p.key, p.value]));
  const out: ParameterValue[] = live.map((p) => {
    const value = values.get(p.key);
    return value === undefined ? { key: p.key, usePreviousValue: true } : { key: p.key, value };
  });
  for (const p of stage.parameters) if (!live.some((l) => l.key === p.key)) out.push({ key: p.key, value: p.value });
  return out;
}

const keysOf = (stage: Stage): string[] => stage.parameters.map((p) => p.key);
const label = (stage: Stage, total: number): string => `stage ${stage.index} of ${total} (${stage.groups.join(', ')}${stage.risky ? ', risky' : ''})`;

export interface StagePreview {
  changeSetName: string;
  changeSet: ChangeSetSummary;
  noChanges: boolean;
}

/**
 * Creates the stage's change set on the current template and waits until it can be executed.
 * Journaled, so a preview made before a crash is found again (or left to expire) on resume.
 */
export async function previewStage(c: StagedRunContext, stage: Stage, total: number): Promise<StagePreview> {
  const root = await describeOrFail(c, c.rootStack);
  const hop = HOP.stage(stage.index);
  const step: StagedStep = 'create-change-set';
  const changeSetName = requestToken(`stage-${stage.index}`);
  c.journal.append({ type: 'step.requested', hop, step, changeSetName, clientRequestToken: changeSetName, parameterKeys: keysOf(stage) });
  await c.deps.cloudFormation.createChangeSet({
    // The name, not the id: the stack is live, and the sandbox (like some older AWS SDKs' models) takes only names here.
    stackName: root.name,
    changeSetName,
    usePreviousTemplate: true,
    parameters: stageParameters(root.parameters, stage),
    tags: root.tags,
    ...(c.roleArn ? { roleArn: c.roleArn } : {}),
    clientToken: changeSetName,
    description: `pantherctl ${label(stage, total)}`,
  });
  const waited = await c.deps.waitForChangeSet({
    gateway: c.deps.cloudFormation,
    stackName: root.stackId,
    changeSetName,
    signal: c.signal,
    timeoutMs: c.timeoutMs,
    io: c.io,
    ...(c.deps.clock ? { clock: c.deps.clock } : {}),
    ...(c.deps.pollIntervalMs ? { pollIntervalMs: c.deps.pollIntervalMs } : {}),
  });
  if (waited.noChanges) {
    c.journal.append({ type: 'step.done', hop, step, changeSetName, noChanges: true });
    return { changeSetName, changeSet: waited.changeSet, noChanges: true };
  }
  if (waited.changeSet.status !== 'CREATE_COMPLETE') {
    const reason = waited.changeSet.statusReason ?? waited.changeSet.status;
    c.journal.append({ type: 'step.failed', hop, step, changeSetName, status: waited.changeSet.status, reason });
    throw new PantherctlError('change-set-failed', `the change set of ${label(stage, total)} failed: ${reason}`, {
      source: 'deployment',
      hint: `Nothing was changed on ${c.rootStack} by this stage. Fix the cause, then run \`${c.resumeCommand}\`.`,
      meta: { stage: stage.index, parameters: keysOf(stage), changeSetName },
    });
  }
  c.journal.append({ type: 'step.done', hop, step, changeSetName, changes: waited.changeSet.changes.length });
  const changes = waited.changeSet.changes;
  const replaced = changes.filter((ch) => ch.replacement === 'True').map((ch) => ch.logicalId);
  c.io.notify({
    level: 'info',
    code: 'stage.preview',
    text: `${label(stage, total)}: ${changes.length} resource change${changes.length === 1 ? '' : 's'}${replaced.length ? `, replacing ${replaced.join(', ')}` : ''}`,
    data: {
      stage: stage.index,
      parameters: keysOf(stage),
      changeSetName,
      changes: changes.map((ch) => ({ action: ch.action, logicalId: ch.logicalId, resourceType: ch.resourceType, ...(ch.replacement ? { replacement: ch.replacement } : {}) })),
    },
  });
  return { changeSetName, changeSet: waited.changeSet, noChanges: false };
}

export type StageOutcome = 'applied' | 'no-changes' | 'already-done';

/**
 * One stage: previewed (change set), applied, waited on, journaled. When CloudFormation rolls
 * the stage back, throws `stage-failed` (exit 4) naming the stage's parameters and the root
 * cause; earlier stages stay live. A stage whose execution a stopped run already started is
 * waited for, never repeated.
 */
export async function runStage(c: StagedRunContext, stage: Stage, total: number, record: HopRecord | undefined, preview?: StagePreview): Promise<StageOutcome> {
  const hop = HOP.stage(stage.index);
  if (record?.done || record?.steps['execute-change-set']?.status === 'done') {
    c.io.notify({ level: 'info', code: 'stage.skip', text: `${label(stage, total)}: already applied`, data: { stage: stage.index, parameters: keysOf(stage) } });
    return 'already-done';
  }
  c.io.notify({ level: 'info', code: 'stage.start', text: `${label(stage, total)}: ${keysOf(stage).join(', ')}`, data: { stage: stage.index, total, groups: stage.groups, risky: stage.risky, parameters: keysOf(stage) } });

  const exec = record?.steps['execute-change-set'];
  if (exec && (exec.status === 'requested' || exec.status === 'accepted')) {
    const root = await describeOrFail(c, c.rootStack);
    const after = exec.requested?.beforeEventId as string | undefined;
    const changeSetName = exec.requested?.changeSetName as string | undefined;
    const cs = changeSetName ? await c.deps.cloudFormation.describeChangeSet({ stackName: root.stackId, changeSetName }).catch(() => undefined) : undefined;
    if (isInProgress(root.status) || (cs?.executionStatus && !['AVAILABLE', 'UNAVAILABLE', 'OBSOLETE'].includes(cs.executionStatus))) {
      const started = new Date(String(exec.requested?.time ?? new Date().toISOString()));
      return settleStage(c, stage, total, await waitStack(c, root.stackId, after, exec.clientRequestToken, 'root', started), started);
    }
    if (cs?.executionStatus === 'AVAILABLE' && changeSetName) return executeStage(c, stage, total, root, changeSetName);
  }

  const made = preview ?? (await previewStage(c, stage, total));
  if (made.noChanges) {
    c.journal.append({ type: 'step.done', hop, step: 'execute-change-set', noUpdates: true });
    c.journal.append({ type: 'hop.done', hop });
    c.io.notify({ level: 'info', code: 'stage.no-changes', text: `${label(stage, total)}: no changes (the stack already has these values)`, data: { stage: stage.index } });
    return 'no-changes';
  }
  const root = await describeOrFail(c, c.rootStack);
  if (isInProgress(root.status)) {
    throw new PantherctlError('stack-busy', `root stack ${c.rootStack} is ${root.status} with an operation pantherctl did not start`, { source: 'aws', hint: 'Wait for it to finish, then resume.' });
  }
  return executeStage(c, stage, total, root, made.changeSetName);
}

async function executeStage(c: StagedRunContext, stage: Stage, total: number, root: StackSummary, changeSetName: string): Promise<StageOutcome> {
  const hop = HOP.stage(stage.index);
  const clientRequestToken = requestToken(`exec-${stage.index}`);
  const beforeEventId = await newestEventId(c, root.stackId);
  const started = new Date();
  c.journal.append({ type: 'step.requested', hop, step: 'execute-change-set', clientRequestToken, changeSetName, beforeEventId, parameterKeys: keysOf(stage) });
  await c.deps.cloudFormation.executeChangeSet({ stackName: root.stackId, changeSetName, clientRequestToken });
  return settleStage(c, stage, total, await waitStack(c, root.stackId, beforeEventId, clientRequestToken, 'root', started), started);
}

async function settleStage(c: StagedRunContext, stage: Stage, total: number, result: StackWaitResult, started: Date): Promise<StageOutcome> {
  const hop = HOP.stage(stage.index);
  if (result.outcome === 'succeeded') {
    c.journal.append({ type: 'step.done', hop, step: 'execute-change-set', finalStatus: result.finalStatus, elapsedMs: result.elapsedMs });
    c.journal.append({ type: 'hop.done', hop });
    c.io.notify({ level: 'info', code: 'stage.done', text: `${label(stage, total)}: applied (${result.finalStatus})`, data: { stage: stage.index, parameters: keysOf(stage), finalStatus: result.finalStatus, elapsedMs: result.elapsedMs } });
    return 'applied';
  }
  const cause = await rootCauseOf(c, result, started);
  const rollbackFailed = result.outcome === 'rollback-failed';
  c.journal.append({ type: 'step.failed', hop, step: 'execute-change-set', finalStatus: result.finalStatus, parameterKeys: keysOf(stage), ...(cause ? { rootCause: cause.text } : {}) });
  const earlier = stage.index > 1 ? `stages 1-${stage.index - 1} stay live; ` : '';
  const state = rollbackFailed
    ? `${result.stackName} is ${result.finalStatus}: the rollback of stage ${stage.index} failed and the stack is stuck until recovered`
    : `${earlier}${result.stackName} rolled back stage ${stage.index} only (${result.finalStatus})`;
  c.io.notify({
    level: 'error',
    code: 'stage.failed',
    text: `${label(stage, total)} failed: ${cause?.text ?? result.statusReason ?? result.finalStatus}`,
    data: { stage: stage.index, parameters: keysOf(stage), finalStatus: result.finalStatus, state, ...(cause ? { rootCause: cause } : {}) },
  });
  throw new PantherctlError(rollbackFailed ? 'rollback-failed' : 'stage-failed', `${label(stage, total)} failed (parameters ${keysOf(stage).join(', ')}): ${cause?.text ?? result.finalStatus}; ${state}`, {
    source: 'deployment',
    hint: rollbackFailed
      ? 'Run `pantherctl recover` (optionally --skip RESOURCE), then `pantherctl configure` with the same file.'
      : `Fix those values in the parameter file, then run \`pantherctl configure --params FILE\`: stages already applied are not repeated.`,
    meta: { stage: stage.index, total, parameters: keysOf(stage), finalStatus: result.finalStatus, state, ...(cause ? { rootCause: cause } : {}) },
  });
}

export interface StagesResult {
  applied: number[];
  unchanged: number[];
}

/** Every stage in order; stops at the first failure (the error propagates). */
export async function runStages(c: StagedRunContext, stages: readonly Stage[], records: ReadonlyMap<string, HopRecord>, firstPreview?: StagePreview): Promise<StagesResult> {
  const result: StagesResult = { applied: [], unchanged: [] };
  for (const stage of stages) {
    const outcome = await runStage(c, stage, stages.length, records.get(HOP.stage(stage.index)), stage.index === stages[0]?.index ? firstPreview : undefined);
    if (outcome === 'no-changes') result.unchanged.push(stage.index);
    else result.applied.push(stage.index);
  }
  return result;
}

/**
 * The `panther-pulumi` build that follows a root stack operation (spec, "Trigger Pulumi
 * CodeBuild"), journaled under `hop`; a build a stopped run started is waited for again.
 */
export async function runPulumiBuild(c: StagedRunContext, hop: string, record: HopRecord | undefined): Promise<void> {
  const rec = record?.steps['start-build'];
  if (rec?.status === 'done') return;
  let buildId = rec && rec.status !== 'failed' ? (rec.entry.buildId as string | undefined) : undefined;
  if (!buildId && !(await c.deps.codeBuild.projectExists(PULUMI_PROJECT))) {
    // The root stack creates the project; without it there is nothing to run, and failing
    // here would report a deployment that succeeded as failed.
    c.journal.append({ type: 'step.done', hop, step: 'start-build', skipped: 'project-not-found' });
    c.io.notify({ level: 'warn', code: 'build.no-project', text: `the ${PULUMI_PROJECT} CodeBuild project does not exist; no build was started (start it once the project exists)`, data: { project: PULUMI_PROJECT } });
    return;
  }
  if (!buildId) {
    const token = requestToken('build');
    c.io.notify({ level: 'info', code: 'build.start', text: `starting the ${PULUMI_PROJECT} build…`, data: { project: PULUMI_PROJECT, hop } });
    c.journal.append({ type: 'step.requested', hop, step: 'start-build', clientRequestToken: token, project: PULUMI_PROJECT });
    buildId = await c.deps.codeBuild.startBuild(PULUMI_PROJECT, { idempotencyToken: token });
    c.journal.append({ type: 'step.accepted', hop, step: 'start-build', buildId });
  }
  const result = await c.deps.waitForBuild({
    gateway: c.deps.codeBuild,
    buildId,
    signal: c.signal,
    timeoutMs: c.timeoutMs,
    io: c.io,
    ...(c.deps.clock ? { clock: c.deps.clock } : {}),
    ...(c.deps.pollIntervalMs ? { pollIntervalMs: c.deps.pollIntervalMs } : {}),
  });
  if (result.status === 'SUCCEEDED') {
    c.journal.append({ type: 'step.done', hop, step: 'start-build', buildId, elapsedMs: result.elapsedMs });
    c.io.notify({ level: 'info', code: 'build.done', text: `${PULUMI_PROJECT} build ${buildId} succeeded`, data: { buildId, elapsedMs: result.elapsedMs } });
    return;
  }
  const phase = result.build.phases.find((p) => p.status && p.status !== 'SUCCEEDED' && p.status !== 'IN_PROGRESS');
  c.journal.append({ type: 'step.failed', hop, step: 'start-build', buildId, status: result.status, state: 'stack done, build failed' });
  throw new PantherctlError('build-failed', `the ${PULUMI_PROJECT} build ${buildId} ${result.status.toLowerCase()}${phase ? ` in phase ${phase.type}${phase.message ? `: ${phase.message}` : ''}` : ''}`, {
    source: 'deployment',
    hint: `The stack operation itself succeeded. Fix the build, then run \`${c.resumeCommand}\` (it reruns only the build).`,
    meta: { buildId, status: result.status, state: 'stack done, build failed' },
  });
}

