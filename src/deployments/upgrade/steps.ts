import { randomUUID } from 'node:crypto';
import { PULUMI_PROJECT } from '../../catalog/urls.js';
import { PantherctlError, isPantherctlError } from '../../errors/pantherctl-error.js';
import type { IoHost } from '../../io/messages.js';
import type { Journal } from '../../journal/journal.js';
import type { StepName } from '../../journal/entry.js';
import type { HopRecord, StepRecord } from '../../journal/progress.js';
import type { StackSummary } from '../aws/types.js';
import type { StackWaitResult } from '../wait/types.js';
import type { ExecutorDeps, RootCauseSummary } from './deps.js';
import type { PreparedHop } from './preflight.js';
import { VERSION_TAG } from '../status/discover-root.js';
import { isInProgress, isStable } from './stack-status.js';

/** What every step needs; one per run. */
export interface StepContext {
  deps: ExecutorDeps;
  io: IoHost;
  journal: Journal;
  signal: AbortSignal;
  timeoutMs: number;
  rootStack: string;
  roleStack: string;
  /** RoleARN for the root stack (DeploymentRoleArn), when used. */
  roleArn?: string;
  /** Command that continues the run, for messages (`pantherctl resume --root-stack ...`). */
  resumeCommand: string;
}

/** A step that failed in AWS: the stack rolled back or the build failed. */
export class StepFailure extends PantherctlError {}

const token = (step: string, hop: string): string =>
  // ClientRequestToken: [a-zA-Z0-9][-a-zA-Z0-9]*, at most 128 characters.
  `pantherctl-${step}-${hop.replace(/\./g, '-')}-${randomUUID().slice(0, 8)}`;

function notifyStep(c: StepContext, hop: PreparedHop, step: StepName, phase: 'start' | 'done' | 'skip', extra: Record<string, unknown> = {}, text?: string): void {
  const labels: Record<StepName, string> = {
    'update-role': `update role stack ${c.roleStack} to ${hop.version}`,
    'create-change-set': `create change set on ${c.rootStack} for ${hop.version}`,
    'execute-change-set': `update root stack ${c.rootStack} to ${hop.version}`,
    'start-build': `run ${PULUMI_PROJECT} build for ${hop.version}`,
    verify: `verify ${c.rootStack} runs ${hop.version}`,
    'continue-rollback': `continue the rollback of ${c.rootStack}`,
  };
  const what = labels[step];
  const defaultText = phase === 'start' ? `${what}…` : phase === 'done' ? `${what}: done` : `${what}: already done`;
  c.io.notify({ level: 'info', code: `step.${phase}`, text: text ?? defaultText, data: { hop: hop.version, index: hop.index + 1, step, ...extra } });
}

async function describe(c: StepContext, name: string): Promise<StackSummary> {
  const s = await c.deps.cloudFormation.describeStack(name);
  if (!s) throw new PantherctlError('stack-not-found', `stack ${name} does not exist`, { source: 'aws' });
  return s;
}

async function newestEventId(c: StepContext, stack: string): Promise<string | undefined> {
  const events = await c.deps.cloudFormation.describeEvents(stack, { limit: 1 });
  return events[0]?.eventId;
}

/**
 * Whether an operation of ours reached the stack since `afterEventId`: a stack-level
 * *_IN_PROGRESS event carrying our token (or no token, where AWS does not echo it).
 */
async function operationSeen(c: StepContext, stack: StackSummary, afterEventId: string | undefined, clientToken: string | undefined): Promise<boolean> {
  const events = await c.deps.cloudFormation.describeEvents(stack.stackId, afterEventId ? { sinceEventId: afterEventId } : { limit: 50 });
  return events.some(
    (e) =>
      e.resourceType === 'AWS::CloudFormation::Stack' &&
      (e.stackId === stack.stackId || e.physicalId === stack.stackId) &&
      isInProgress(e.status) &&
      (!clientToken || !e.clientRequestToken || e.clientRequestToken === clientToken),
  );
}

async function waitStack(c: StepContext, stack: string, afterEventId: string | undefined, clientRequestToken: string | undefined, label: string): Promise<StackWaitResult> {
  return c.deps.waitForStack({
    gateway: c.deps.cloudFormation,
    stack,
    ...(afterEventId ? { startedAfter: { afterEventId } } : {}),
    ...(clientRequestToken ? { clientRequestToken } : {}),
    label,
    signal: c.signal,
    timeoutMs: c.timeoutMs,
    io: c.io,
    ...(c.deps.clock ? { clock: c.deps.clock } : {}),
    ...(c.deps.pollIntervalMs ? { pollIntervalMs: c.deps.pollIntervalMs } : {}),
  });
}

/** Turns a finished stack wait into done or a StepFailure with the root cause. */
async function settle(c: StepContext, hop: PreparedHop, step: StepName, result: StackWaitResult, started: Date): Promise<void> {
  if (result.outcome === 'succeeded') {
    c.journal.append({ type: 'step.done', step, hop: hop.version, finalStatus: result.finalStatus, elapsedMs: result.elapsedMs });
    notifyStep(c, hop, step, 'done', { finalStatus: result.finalStatus, elapsedMs: result.elapsedMs });
    return;
  }
  let cause: RootCauseSummary | undefined;
  try {
    cause = await c.deps.findRootCause(result.stackId, { since: started, events: result.events, signal: c.signal });
  } catch {
    cause = undefined;
  }
  c.journal.append({
    type: 'step.failed',
    step,
    hop: hop.version,
    finalStatus: result.finalStatus,
    ...(cause ? { rootCause: cause.text } : {}),
  });
  const rollbackFailed = result.outcome === 'rollback-failed';
  const stackName = result.stackName;
  const state = rollbackFailed
    ? `${stackName} is ${result.finalStatus}: the rollback itself failed and the stack is stuck until recovered`
    : `${stackName} rolled back to its previous version (${result.finalStatus}); nothing of ${hop.version} is live on it`;
  throw new StepFailure(rollbackFailed ? 'rollback-failed' : 'stack-rolled-back', `${step === 'update-role' ? 'role stack' : 'root stack'} update to ${hop.version} failed`, {
    source: 'deployment',
    hint: rollbackFailed
      ? `Run \`pantherctl recover\` (optionally --skip RESOURCE), then \`${c.resumeCommand}\`.`
      : `Fix the cause, then run \`${c.resumeCommand}\`.`,
    meta: { hop: hop.version, step, stack: stackName, finalStatus: result.finalStatus, state, ...(cause ? { rootCause: cause } : {}) },
  });
}

/** Tags roll back with the stack, so a stable stack tagged with the version runs it. */
const atVersion = (s: StackSummary, version: string): boolean => s.tags[VERSION_TAG] === version && isStable(s.status);

/** Step 1: the deployment role stack to the hop's role template; the root never goes first. */
export async function updateRoleStep(c: StepContext, hop: PreparedHop, record: HopRecord | undefined): Promise<void> {
  const step: StepName = 'update-role';
  const rec = record?.steps[step];
  let role = await describe(c, c.roleStack);
  if (atVersion(role, hop.version) && !isInProgress(role.status)) {
    if (rec?.status !== 'done') c.journal.append({ type: 'step.done', step, hop: hop.version, skipped: 'already at version' });
    notifyStep(c, hop, step, 'skip');
    return;
  }
  // A request of ours may have reached AWS before we stopped: wait for it, never repeat it.
  if (rec && (rec.status === 'requested' || rec.status === 'accepted')) {
    const after = rec.requested?.beforeEventId as string | undefined;
    if (isInProgress(role.status) || (await operationSeen(c, role, after, rec.clientRequestToken))) {
      notifyStep(c, hop, step, 'start', { resumed: true }, `update role stack ${c.roleStack} to ${hop.version}: waiting for the update already under way…`);
      const started = new Date(rec.requested?.time ?? Date.now());
      await settle(c, hop, step, await waitStack(c, role.stackId, after, rec.clientRequestToken, 'role'), started);
      return;
    }
  }
  if (isInProgress(role.status)) {
    throw new PantherctlError('stack-busy', `role stack ${c.roleStack} is ${role.status} with an operation pantherctl did not start`, { source: 'aws', hint: 'Wait for it to finish, then resume.' });
  }
  notifyStep(c, hop, step, 'start', { stack: c.roleStack });
  const clientRequestToken = token('role', hop.version);
  const beforeEventId = await newestEventId(c, role.stackId);
  const started = new Date();
  c.journal.append({ type: 'step.requested', step, hop: hop.version, clientRequestToken, stack: c.roleStack, templateUrl: hop.roleTemplateUrl, parameterKeys: hop.roleParameters.map((p) => p.key), beforeEventId });
  try {
    await c.deps.cloudFormation.updateStack({
      stackName: role.name,
      templateUrl: hop.roleTemplateUrl,
      parameters: hop.roleParameters,
      tags: { ...role.tags, [VERSION_TAG]: hop.version },
      clientRequestToken,
    });
  } catch (err) {
    if (isPantherctlError(err) && err.code === 'no-updates') {
      c.journal.append({ type: 'step.done', step, hop: hop.version, noUpdates: true });
      notifyStep(c, hop, step, 'done', { noUpdates: true }, `update role stack ${c.roleStack} to ${hop.version}: no updates were needed`);
      return;
    }
    throw err;
  }
  role = await describe(c, role.stackId);
  await settle(c, hop, step, await waitStack(c, role.stackId, beforeEventId, clientRequestToken, 'role'), started);
}

/**
 * Steps 2 and 3: a change set on the root stack, then its execution. Returns without
 * executing when CloudFormation finds no changes ("No updates" is success).
 */
export async function updateRootStep(c: StepContext, hop: PreparedHop, record: HopRecord | undefined, preview?: { changeSetName: string }): Promise<void> {
  let root = await describe(c, c.rootStack);
  const exec = record?.steps['execute-change-set'];
  const create = record?.steps['create-change-set'];
  if (atVersion(root, hop.version)) {
    if (exec?.status !== 'done') c.journal.append({ type: 'step.done', step: 'execute-change-set', hop: hop.version, skipped: 'already at version' });
    notifyStep(c, hop, 'execute-change-set', 'skip');
    return;
  }

  // Resume: an execution we asked for may be running or finished.
  if (exec && (exec.status === 'requested' || exec.status === 'accepted')) {
    const changeSetName = exec.requested?.changeSetName as string | undefined;
    const after = exec.requested?.beforeEventId as string | undefined;
    let executed = isInProgress(root.status);
    let available = false;
    if (!executed && changeSetName) {
      const cs = await c.deps.cloudFormation.describeChangeSet({ stackName: root.name, changeSetName }).catch(() => undefined);
      executed = Boolean(cs?.executionStatus && cs.executionStatus !== 'AVAILABLE' && cs.executionStatus !== 'UNAVAILABLE' && cs.executionStatus !== 'OBSOLETE');
      available = cs?.executionStatus === 'AVAILABLE';
    }
    if (!executed && !available) executed = await operationSeen(c, root, after, exec.clientRequestToken);
    if (executed) {
      notifyStep(c, hop, 'execute-change-set', 'start', { resumed: true }, `update root stack ${c.rootStack} to ${hop.version}: waiting for the update already under way…`);
      const started = new Date(exec.requested?.time ?? Date.now());
      await settle(c, hop, 'execute-change-set', await waitStack(c, root.stackId, after, exec.clientRequestToken, 'root'), started);
      return;
    }
    if (available && changeSetName) {
      await executeChangeSet(c, hop, root, changeSetName);
      return;
    }
  }

  if (isInProgress(root.status)) {
    throw new PantherctlError('stack-busy', `root stack ${c.rootStack} is ${root.status} with an operation pantherctl did not start`, { source: 'aws', hint: 'Wait for it to finish, then resume.' });
  }

  // A change set made earlier (the confirmed preview, or one a stopped run created) is reused while it is still executable.
  let changeSetName = preview?.changeSetName ?? (create?.status === 'done' && exec?.status !== 'failed' ? (create.entry.changeSetName as string | undefined) : undefined);
  if (changeSetName) {
    const cs = await c.deps.cloudFormation.describeChangeSet({ stackName: root.name, changeSetName }).catch(() => undefined);
    if (cs?.executionStatus !== 'AVAILABLE') changeSetName = undefined;
  }
  if (!changeSetName) {
    const made = await createChangeSet(c, hop, root);
    if (made.noChanges) {
      c.journal.append({ type: 'step.done', step: 'execute-change-set', hop: hop.version, noUpdates: true });
      notifyStep(c, hop, 'execute-change-set', 'done', { noUpdates: true }, `update root stack ${c.rootStack} to ${hop.version}: no updates were needed`);
      return;
    }
    changeSetName = made.changeSetName;
    root = await describe(c, root.stackId);
  }
  await executeChangeSet(c, hop, root, changeSetName);
}

/** Creates the hop's root change set and waits until it can be executed (or has no changes). */
export async function createChangeSet(c: StepContext, hop: PreparedHop, root: StackSummary, options: { preview?: boolean } = {}): Promise<{ changeSetName: string; noChanges: boolean; changeSet?: Awaited<ReturnType<ExecutorDeps['waitForChangeSet']>>['changeSet'] }> {
  const step: StepName = 'create-change-set';
  const changeSetName = token(options.preview ? 'preview' : 'cs', hop.version);
  notifyStep(c, hop, step, 'start', { stack: c.rootStack, changeSetName });
  c.journal.append({ type: 'step.requested', step, hop: hop.version, clientRequestToken: changeSetName, changeSetName, templateUrl: hop.rootTemplateUrl, parameterKeys: hop.parameters.map((p) => p.key), ...(options.preview ? { preview: true } : {}) });
  await c.deps.cloudFormation.createChangeSet({
    stackName: root.name,
    changeSetName,
    templateUrl: hop.rootTemplateUrl,
    parameters: hop.parameters,
    tags: { ...root.tags, [VERSION_TAG]: hop.version },
    ...(c.roleArn ? { roleArn: c.roleArn } : {}),
    clientToken: changeSetName,
    description: `pantherctl upgrade to ${hop.version}`,
  });
  const fail = (reason: string): StepFailure => {
    c.journal.append({ type: 'step.failed', step, hop: hop.version, changeSetName, reason });
    return new StepFailure('change-set-failed', `the change set for ${hop.version} failed: ${reason}`, {
      source: 'deployment',
      hint: `Nothing was changed on ${c.rootStack}. Fix the cause, then run \`${c.resumeCommand}\`.`,
      meta: { hop: hop.version, changeSetName },
    });
  };
  let waited;
  try {
    waited = await c.deps.waitForChangeSet({
      gateway: c.deps.cloudFormation,
      stackName: root.name,
      changeSetName,
      signal: c.signal,
      timeoutMs: c.timeoutMs,
      io: c.io,
      ...(c.deps.clock ? { clock: c.deps.clock } : {}),
      ...(c.deps.pollIntervalMs ? { pollIntervalMs: c.deps.pollIntervalMs } : {}),
    });
  } catch (err) {
    if (isPantherctlError(err) && err.code === 'change-set-failed') throw fail(String(err.meta.reason ?? err.message));
    throw err;
  }
  if (waited.noChanges) {
    c.journal.append({ type: 'step.done', step, hop: hop.version, changeSetName, noChanges: true });
    return { changeSetName, noChanges: true, changeSet: waited.changeSet };
  }
  if (waited.changeSet.status !== 'CREATE_COMPLETE') throw fail(waited.changeSet.statusReason ?? waited.changeSet.status);
  c.journal.append({ type: 'step.done', step, hop: hop.version, changeSetName, changes: waited.changeSet.changes.length });
  notifyStep(c, hop, step, 'done', { changeSetName, changes: waited.changeSet.changes.length }, `change set for ${hop.version} ready: ${waited.changeSet.changes.length} resource change${waited.changeSet.changes.length === 1 ? '' : 's'}`);
  return { changeSetName, noChanges: false, changeSet: waited.changeSet };
}

async function executeChangeSet(c: StepContext, hop: PreparedHop, root: StackSummary, changeSetName: string): Promise<void> {
  const step: StepName = 'execute-change-set';
  notifyStep(c, hop, step, 'start', { stack: c.rootStack, changeSetName });
  const clientRequestToken = token('exec', hop.version);
  const beforeEventId = await newestEventId(c, root.stackId);
  const started = new Date();
  c.journal.append({ type: 'step.requested', step, hop: hop.version, clientRequestToken, changeSetName, stack: c.rootStack, beforeEventId });
  await c.deps.cloudFormation.executeChangeSet({ stackName: root.name, changeSetName, clientRequestToken });
  await settle(c, hop, step, await waitStack(c, root.stackId, beforeEventId, clientRequestToken, 'root'), started);
}

/** Step 4: the panther-pulumi build, when the hop's post-deploy steps call for it. */
export async function buildStep(c: StepContext, hop: PreparedHop, record: HopRecord | undefined): Promise<void> {
  const step: StepName = 'start-build';
  const rec: StepRecord | undefined = record?.steps[step];
  if (rec?.status === 'done') {
    notifyStep(c, hop, step, 'skip');
    return;
  }
  if (rec && (rec.status === 'requested' || rec.status === 'accepted')) {
    let buildId = rec.entry.buildId as string | undefined;
    if (!buildId) {
      // Stopped between asking for the build and hearing its id: a build of the project that
      // started after the request is ours.
      const last = await c.deps.codeBuild.lastBuild(PULUMI_PROJECT);
      const asked = Date.parse(String(rec.requested?.time ?? rec.entry.time)) - 5_000;
      if (last?.startTime && last.startTime.getTime() >= asked) buildId = last.id;
    }
    if (buildId) {
      const info = await c.deps.codeBuild.getBuild(buildId).catch(() => undefined);
      if (info && (info.status === 'IN_PROGRESS' || info.status === 'SUCCEEDED')) {
        notifyStep(c, hop, step, 'start', { buildId, resumed: true }, `${PULUMI_PROJECT} build ${buildId}: waiting for the build already under way…`);
        await waitBuild(c, hop, buildId);
        return;
      }
    }
  }
  notifyStep(c, hop, step, 'start', { project: PULUMI_PROJECT });
  const idempotencyToken = token('build', hop.version);
  c.journal.append({ type: 'step.requested', step, hop: hop.version, clientRequestToken: idempotencyToken, project: PULUMI_PROJECT });
  const buildId = await c.deps.codeBuild.startBuild(PULUMI_PROJECT, { idempotencyToken });
  c.journal.append({ type: 'step.accepted', step, hop: hop.version, buildId });
  await waitBuild(c, hop, buildId);
}

async function waitBuild(c: StepContext, hop: PreparedHop, buildId: string): Promise<void> {
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
    c.journal.append({ type: 'step.done', step: 'start-build', hop: hop.version, buildId, elapsedMs: result.elapsedMs });
    notifyStep(c, hop, 'start-build', 'done', { buildId, elapsedMs: result.elapsedMs });
    return;
  }
  const failedPhase = result.build.phases.find((p) => p.status && p.status !== 'SUCCEEDED' && p.status !== 'IN_PROGRESS');
  c.journal.append({ type: 'step.failed', step: 'start-build', hop: hop.version, buildId, status: result.status, ...(failedPhase ? { phase: failedPhase.type } : {}), state: 'stack done, build failed' });
  throw new StepFailure('build-failed', `the ${PULUMI_PROJECT} build for ${hop.version} ${result.status.toLowerCase()}${failedPhase ? ` in phase ${failedPhase.type}${failedPhase.message ? `: ${failedPhase.message}` : ''}` : ''}`, {
    source: 'deployment',
    hint: `Both stacks are at ${hop.version}; only the build failed. Fix it, then run \`${c.resumeCommand}\` (it reruns only the build).`,
    meta: { hop: hop.version, step: 'start-build', buildId, state: 'stack done, build failed', status: result.status },
  });
}

/** Step 5: the root stack says it runs the hop's version. */
export async function verifyStep(c: StepContext, hop: PreparedHop, readVersion: (root: StackSummary) => Promise<string>): Promise<void> {
  const root = await describe(c, c.rootStack);
  const version = await readVersion(root);
  if (version !== hop.version) {
    c.journal.append({ type: 'step.failed', step: 'verify', hop: hop.version, found: version });
    throw new StepFailure('version-mismatch', `after the update ${c.rootStack} reports ${version}, not ${hop.version}`, {
      source: 'deployment',
      hint: 'Check the stack in the console (`pantherctl status`); pantherctl stops here rather than guess.',
      meta: { hop: hop.version, found: version },
    });
  }
  c.journal.append({ type: 'step.done', step: 'verify', hop: hop.version, version });
  notifyStep(c, hop, 'verify', 'done', { version }, `${c.rootStack} runs ${hop.version}`);
}
