import { PULUMI_PROJECT } from '../../catalog/urls.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { UpgradeStepName } from '../../journal/entry.js';
import type { HopRecord } from '../../journal/progress.js';
import type { StackSummary } from '../aws/types.js';
import type { StackWaitResult } from '../wait/types.js';
import { isInProgress, isStableStatus } from '../wait/stack-status.js';
import { createChangeSetAndWait, executeChangeSetAndWait, findRequestedExecution, isExecutable, type MadeChangeSet } from '../operations/change-set.js';
import type { OperationContext } from '../operations/context.js';
import { buildFailureText, runPulumiBuild } from '../operations/pulumi-build.js';
import { requestToken } from '../operations/request-token.js';
import { describeOrFail, operationSeen, recordStackOutcome, refuseIfBusy, updateStackAndWait, waitStack } from '../operations/stack-operation.js';
import type { PreparedHop } from './preflight.js';
import { VERSION_TAG } from '../status/discover-root.js';
import { MSG } from '../../io/messages.js';

/** What every step of an upgrade needs; one per run. */
export interface StepContext extends OperationContext {
  roleStack: string;
}

/** A step that failed in AWS: the stack rolled back or the build failed. */
export class StepFailure extends PantherctlError {}

function notifyStep(c: StepContext, hop: PreparedHop, step: UpgradeStepName, phase: 'start' | 'done' | 'skip', extra: Record<string, unknown> = {}, text?: string): void {
  const labels: Record<UpgradeStepName, string> = {
    'update-role': `update role stack ${c.roleStack} to ${hop.version}`,
    'create-change-set': `create change set on ${c.rootStack} for ${hop.version}`,
    'execute-change-set': `update root stack ${c.rootStack} to ${hop.version}`,
    'start-build': `run ${PULUMI_PROJECT} build for ${hop.version}`,
    verify: `verify ${c.rootStack} runs ${hop.version}`,
    'continue-rollback': `continue the rollback of ${c.rootStack}`,
  };
  const what = labels[step];
  const defaultText = phase === 'start' ? `${what}…` : phase === 'done' ? `${what}: done` : `${what}: already done`;
  c.io.notify(MSG[`step.${phase}`].msg(text ?? defaultText, { hop: hop.version, index: hop.index + 1, step, ...extra }));
}

/** Turns a finished stack wait into done or a StepFailure with the root cause. */
async function settle(c: StepContext, hop: PreparedHop, step: 'update-role' | 'execute-change-set', result: StackWaitResult, started: Date): Promise<void> {
  const outcome = await recordStackOutcome(c, { hop: hop.version, step }, result, started);
  if (outcome.ok) {
    notifyStep(c, hop, step, 'done', { finalStatus: result.finalStatus, elapsedMs: result.elapsedMs });
    return;
  }
  const { cause } = outcome;
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
export const atVersion = (s: StackSummary, version: string): boolean => s.tags[VERSION_TAG] === version && isStableStatus(s.status);

/** Step 1: the deployment role stack to the hop's role template; the root never goes first. */
export async function updateRoleStep(c: StepContext, hop: PreparedHop, record: HopRecord | undefined): Promise<void> {
  const step = 'update-role';
  const rec = record?.steps[step];
  const role = await describeOrFail(c, c.roleStack);
  if (atVersion(role, hop.version) && !isInProgress(role.status)) {
    if (rec?.status !== 'done') await c.journal.append({ type: 'step.done', step, hop: hop.version, skipped: 'already at version' });
    notifyStep(c, hop, step, 'skip');
    return;
  }
  // A request of ours may have reached AWS before we stopped: wait for it, never repeat it.
  if (rec && (rec.status === 'requested' || rec.status === 'accepted')) {
    const after = rec.requested?.beforeEventId;
    if (isInProgress(role.status) || (await operationSeen(c, role, after, rec.clientRequestToken))) {
      notifyStep(c, hop, step, 'start', { resumed: true }, `update role stack ${c.roleStack} to ${hop.version}: waiting for the update already under way…`);
      const started = new Date(rec.requested?.time ?? Date.now());
      await settle(c, hop, step, await waitStack(c, role.stackId, after, rec.clientRequestToken, 'role'), started);
      return;
    }
  }
  refuseIfBusy(role, `role stack ${c.roleStack}`);
  notifyStep(c, hop, step, 'start', { stack: c.roleStack });
  const updated = await updateStackAndWait(c, {
    hop: hop.version,
    step,
    stack: role,
    input: { templateUrl: hop.roleTemplateUrl, parameters: hop.roleParameters, tags: { ...role.tags, [VERSION_TAG]: hop.version } },
    clientRequestToken: requestToken('role', hop.version),
    label: 'role',
    journal: { stack: c.roleStack, templateUrl: hop.roleTemplateUrl, parameterKeys: hop.roleParameters.map((p) => p.key) },
  });
  if (updated === 'no-updates') {
    notifyStep(c, hop, step, 'done', { noUpdates: true }, `update role stack ${c.roleStack} to ${hop.version}: no updates were needed`);
    return;
  }
  await settle(c, hop, step, updated.result, updated.started);
}

/**
 * Steps 2 and 3: a change set on the root stack, then its execution. Returns without
 * executing when CloudFormation finds no changes ("No updates" is success).
 */
export async function updateRootStep(c: StepContext, hop: PreparedHop, record: HopRecord | undefined, preview?: { changeSetName: string }): Promise<void> {
  let root = await describeOrFail(c, c.rootStack);
  const exec = record?.steps['execute-change-set'];
  const create = record?.steps['create-change-set'];
  if (atVersion(root, hop.version)) {
    if (exec?.status !== 'done') await c.journal.append({ type: 'step.done', step: 'execute-change-set', hop: hop.version, skipped: 'already at version' });
    notifyStep(c, hop, 'execute-change-set', 'skip');
    return;
  }

  // Resume: an execution we asked for may be running or finished.
  const requested = await findRequestedExecution(c, root, exec);
  if (requested?.state === 'executed') {
    notifyStep(c, hop, 'execute-change-set', 'start', { resumed: true }, `update root stack ${c.rootStack} to ${hop.version}: waiting for the update already under way…`);
    await settle(c, hop, 'execute-change-set', await requested.wait(), requested.started);
    return;
  }
  if (requested?.state === 'available') {
    await executeChangeSet(c, hop, root, requested.changeSetName);
    return;
  }

  refuseIfBusy(root, `root stack ${c.rootStack}`);

  // A change set made earlier (the confirmed preview, or one a stopped run created) is reused while it is still executable,
  // but only one created after this hop's role update finished: the root change set never comes before the role.
  let changeSetName = preview?.changeSetName;
  const earlier = !changeSetName && create?.status === 'done' && exec?.status !== 'failed' ? create.done?.changeSetName : undefined;
  if (earlier) {
    const roleSeq = record?.steps['update-role']?.entry.seq ?? 0;
    const madeAfterRole = (create?.requested?.seq ?? create?.entry.seq ?? 0) > roleSeq;
    if (await isExecutable(c, root, earlier)) {
      if (madeAfterRole) changeSetName = earlier;
      else {
        // Made before the role update (a preview a stopped run left): remove it, make a fresh one.
        await c.deps.cloudFormation.deleteChangeSet({ stackName: root.name, changeSetName: earlier });
        await c.journal.append({ type: 'step.done', step: 'create-change-set', hop: hop.version, changeSetName: earlier, deleted: true });
      }
    }
  }
  if (changeSetName && preview && !(await isExecutable(c, root, changeSetName))) changeSetName = undefined;
  if (!changeSetName) {
    const made = await createChangeSet(c, hop, root);
    if (made.noChanges) {
      await c.journal.append({ type: 'step.done', step: 'execute-change-set', hop: hop.version, noUpdates: true });
      notifyStep(c, hop, 'execute-change-set', 'done', { noUpdates: true }, `update root stack ${c.rootStack} to ${hop.version}: no updates were needed`);
      return;
    }
    changeSetName = made.changeSetName;
    root = await describeOrFail(c, root.stackId);
  }
  await executeChangeSet(c, hop, root, changeSetName);
}

/** Creates the hop's root change set and waits until it can be executed (or has no changes). */
export async function createChangeSet(c: StepContext, hop: PreparedHop, root: StackSummary, options: { preview?: boolean } = {}): Promise<MadeChangeSet> {
  const step = 'create-change-set';
  const changeSetName = requestToken(options.preview ? 'preview' : 'cs', hop.version);
  notifyStep(c, hop, step, 'start', { stack: c.rootStack, changeSetName });
  const made = await createChangeSetAndWait(c, {
    hop: hop.version,
    stack: root,
    changeSetName,
    input: {
      templateUrl: hop.rootTemplateUrl,
      parameters: hop.parameters,
      tags: { ...root.tags, [VERSION_TAG]: hop.version },
      description: `pantherctl upgrade to ${hop.version}`,
    },
    journal: { templateUrl: hop.rootTemplateUrl, parameterKeys: hop.parameters.map((p) => p.key), ...(options.preview ? { preview: true } : {}) },
    failure: (reason) =>
      new StepFailure('change-set-failed', `the change set for ${hop.version} failed: ${reason}`, {
        source: 'deployment',
        hint: `Nothing was changed on ${c.rootStack}. Fix the cause, then run \`${c.resumeCommand}\`.`,
        meta: { hop: hop.version, changeSetName },
      }),
  });
  if (!made.noChanges) {
    const n = made.changeSet.changes.length;
    notifyStep(c, hop, step, 'done', { changeSetName, changes: n }, `change set for ${hop.version} ready: ${n} resource change${n === 1 ? '' : 's'}`);
  }
  return made;
}

async function executeChangeSet(c: StepContext, hop: PreparedHop, root: StackSummary, changeSetName: string): Promise<void> {
  const step = 'execute-change-set';
  notifyStep(c, hop, step, 'start', { stack: c.rootStack, changeSetName });
  const { result, started } = await executeChangeSetAndWait(c, { hop: hop.version, stack: root, changeSetName, clientRequestToken: requestToken('exec', hop.version), journal: { stack: c.rootStack } });
  await settle(c, hop, step, result, started);
}

/** Step 4: the panther-pulumi build, when the hop's post-deploy steps call for it. */
export async function buildStep(c: StepContext, hop: PreparedHop, record: HopRecord | undefined): Promise<void> {
  const step = 'start-build';
  await runPulumiBuild(c, {
    hop: hop.version,
    record: record?.steps[step],
    token: requestToken('build', hop.version),
    announce: {
      start: (resumed) =>
        resumed
          ? notifyStep(c, hop, step, 'start', { buildId: resumed.buildId, resumed: true }, `${PULUMI_PROJECT} build ${resumed.buildId}: waiting for the build already under way…`)
          : notifyStep(c, hop, step, 'start', { project: PULUMI_PROJECT }),
      done: (buildId, elapsedMs) => notifyStep(c, hop, step, 'done', { buildId, elapsedMs }),
      skip: () => notifyStep(c, hop, step, 'skip'),
    },
    failure: (result, phase, buildId) =>
      new StepFailure('build-failed', `the ${PULUMI_PROJECT} build for ${hop.version} ${buildFailureText(result, phase)}`, {
        source: 'deployment',
        hint: `Both stacks are at ${hop.version}; only the build failed. Fix it, then run \`${c.resumeCommand}\` (it reruns only the build).`,
        meta: {
          hop: hop.version,
          step,
          buildId,
          state: 'stack done, build failed',
          status: result.status,
          // The build's own failure is the root cause: no stack event failed.
          rootCause: {
            text: `${PULUMI_PROJECT} build ${buildId} ${phase ? buildFailureText(result, phase) : `${result.status.toLowerCase()} (no phase reported the failure)`}`,
            status: result.status,
            ...(phase ? { phase: phase.type } : {}),
            ...(phase?.message ? { reason: phase.message } : {}),
          },
        },
      }),
  });
}

/** Step 5: the root stack says it runs the hop's version. */
export async function verifyStep(c: StepContext, hop: PreparedHop, readVersion: (root: StackSummary) => Promise<string>): Promise<void> {
  const root = await describeOrFail(c, c.rootStack);
  const version = await readVersion(root);
  if (version !== hop.version) {
    await c.journal.append({ type: 'step.failed', step: 'verify', hop: hop.version, found: version });
    throw new StepFailure('version-mismatch', `after the update ${c.rootStack} reports ${version}, not ${hop.version}`, {
      source: 'deployment',
      hint: 'Check the stack in the console (`pantherctl status`); pantherctl stops here rather than guess.',
      meta: { hop: hop.version, found: version },
    });
  }
  await c.journal.append({ type: 'step.done', step: 'verify', hop: hop.version, version });
  notifyStep(c, hop, 'verify', 'done', { version }, `${c.rootStack} runs ${hop.version}`);
}
