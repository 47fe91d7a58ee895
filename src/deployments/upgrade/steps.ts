import { PULUMI_PROJECT } from '../../catalog/urls.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { UpgradeStepName } from '../../journal/entry.js';
import { summarizeJournal, type HopRecord } from '../../journal/progress.js';
import type { StackSummary } from '../aws/types.js';
import type { StackWaitResult } from '../wait/types.js';
import { isInProgress } from '../wait/stack-status.js';
import { createChangeSetAndWait, discardChangeSet, executeChangeSetAndWait, findRequestedExecution, isExecutable, type MadeChangeSet } from '../operations/change-set.js';
import type { OperationContext } from '../operations/context.js';
import { buildFailureText, findRequestedBuild, repeatableBuildToken, repeatPulumiBuild, startPulumiBuild, waitBuild, type BuildRequest } from '../operations/pulumi-build.js';
import { requestToken } from '../operations/request-token.js';
import { describeOrFail, operationSeen, recordStackOutcome, refuseIfBusy, updateStackAndWait, waitStack } from '../operations/stack-operation.js';
import { atVersion, reusableChangeSets, type Observations, type Step, type UpgradeSnapshot } from './assemble-steps.js';
import type { PreparedHop } from '../preflight/upgrade-checks.js';
import type { StepData } from '../../io/message-codes.js';
import { VERSION_TAG } from '../status/discover-root.js';
import { MSG } from '../../io/messages.js';

/** What every step of an upgrade needs; one per run. */
export interface StepContext extends OperationContext {
  roleStack: string;
}

/** A step that failed in AWS: the stack rolled back or the build failed. */
export class StepFailure extends PantherctlError {}

function notifyStep(c: StepContext, hop: PreparedHop, step: UpgradeStepName, phase: 'start' | 'done' | 'skip', extra: Omit<StepData, 'step' | 'hop' | 'index'> = {}, text?: string): void {
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

/**
 * The snapshot the assembler decides on: both stacks, the journal, and, for the first hop not
 * done, what AWS says of the requests the journal shows in flight and of the change sets it
 * could reuse. Reads only; each observation is made only where the journal shows something
 * to observe.
 */
export async function readUpgradeSnapshot(c: StepContext, plan: readonly PreparedHop[]): Promise<UpgradeSnapshot> {
  const hops = summarizeJournal(c.journal.all()).hops;
  const role = await describeOrFail(c, c.roleStack);
  const root = await describeOrFail(c, c.rootStack);
  const current = plan.find((h) => !hops.get(h.version)?.done);
  const record = current ? hops.get(current.version) : undefined;
  const observed: Observations = {};
  if (current && record) {
    const roleRec = record.steps['update-role'];
    if (roleRec && (roleRec.status === 'requested' || roleRec.status === 'accepted') && !atVersion(role, current.version) && !isInProgress(role.status)) {
      observed.roleUpdateLanded = await operationSeen(c, role, roleRec.requested?.beforeEventId, roleRec.clientRequestToken);
    }
    const exec = record.steps['execute-change-set'];
    if (exec && (exec.status === 'requested' || exec.status === 'accepted') && !atVersion(root, current.version)) {
      const found = await findRequestedExecution(c, root, exec);
      observed.requestedExecution = found?.state ?? 'gone';
    }
    const reusable = atVersion(root, current.version) ? [] : reusableChangeSets(record);
    if (reusable.length) {
      observed.executable = Object.fromEntries(await Promise.all(reusable.map(async (name) => [name, await isExecutable(c, root, name)] as const)));
    }
    if (current.needsBuild) {
      // A StartBuild whose build id was never heard is asked again with its token while
      // CodeBuild holds it; only after that window is the project's last build looked at.
      const token = repeatableBuildToken(record.steps['start-build']);
      const build = token ? undefined : await findRequestedBuild(c, record.steps['start-build']);
      if (token) observed.requestedBuildToken = token;
      if (build) observed.requestedBuild = { buildId: build.buildId };
    }
  }
  return { role, root, hops, observed };
}

/**
 * Runs one assembled step. Each does one thing (and its journal entries and messages); what
 * comes next is assembled again from a fresh snapshot.
 */
export async function executeStep(c: StepContext, step: Step, hop: PreparedHop, snapshot: UpgradeSnapshot, readVersion: (root: StackSummary) => Promise<string>): Promise<void> {
  const record = snapshot.hops.get(hop.version);
  switch (step.kind) {
    case 'skip-role':
      if (step.record) await c.journal.append({ type: 'step.done', step: 'update-role', hop: hop.version, skipped: 'already at version' });
      notifyStep(c, hop, 'update-role', 'skip');
      return;
    case 'await-role': {
      const rec = record?.steps['update-role'];
      const role = await describeOrFail(c, c.roleStack);
      const after = rec?.requested?.beforeEventId;
      notifyStep(c, hop, 'update-role', 'start', { resumed: true }, `update role stack ${c.roleStack} to ${hop.version}: waiting for the update already under way…`);
      const started = new Date(rec?.requested?.time ?? Date.now());
      await settle(c, hop, 'update-role', await waitStack(c, role.stackId, after, rec?.clientRequestToken, 'role'), started);
      return;
    }
    case 'update-role':
      return updateRole(c, hop);
    case 'skip-root':
      if (step.record) await c.journal.append({ type: 'step.done', step: 'execute-change-set', hop: hop.version, skipped: 'already at version' });
      notifyStep(c, hop, 'execute-change-set', 'skip');
      return;
    case 'await-root': {
      // It reached the stack, the snapshot said: wait from the event recorded before the call, with its token.
      const root = await describeOrFail(c, c.rootStack);
      notifyStep(c, hop, 'execute-change-set', 'start', { resumed: true }, `update root stack ${c.rootStack} to ${hop.version}: waiting for the update already under way…`);
      const rec = record?.steps['execute-change-set'];
      const started = new Date(rec?.requested?.time ?? Date.now());
      await settle(c, hop, 'execute-change-set', await waitStack(c, root.stackId, rec?.requested?.beforeEventId, rec?.clientRequestToken, 'root', started), started);
      return;
    }
    case 'execute-change-set': {
      const root = await describeOrFail(c, c.rootStack);
      const name = step.changeSetName ?? record?.steps['create-change-set']?.done?.changeSetName;
      if (!name) throw new PantherctlError('internal', `no change set to execute for ${hop.version}`);
      await executeChangeSet(c, hop, root, name);
      return;
    }
    case 'drop-change-set':
      // Made before the role update (a preview a stopped run left): remove it, make a fresh one.
      await c.deps.cloudFormation.deleteChangeSet({ stackName: c.rootStack, changeSetName: step.changeSetName });
      await c.journal.append({ type: 'step.done', step: 'create-change-set', hop: hop.version, changeSetName: step.changeSetName, deleted: true });
      return;
    case 'discard-change-set':
      // Nothing changes anywhere in the tree: the change set goes, and the root part is done.
      await discardChangeSet(c, { hop: hop.version, stackName: c.rootStack, changeSetName: step.changeSetName });
      await c.journal.append({ type: 'step.done', step: 'execute-change-set', hop: hop.version, noUpdates: true });
      notifyStep(c, hop, 'execute-change-set', 'done', { noUpdates: true, changeSetName: step.changeSetName }, `update root stack ${c.rootStack} to ${hop.version}: nothing changes; the change set was deleted, not executed`);
      return;
    case 'create-change-set': {
      const root = await describeOrFail(c, c.rootStack);
      const made = await createChangeSet(c, hop, root);
      if (made.noChanges) {
        // "No updates are to be performed" is success: nothing to execute.
        await c.journal.append({ type: 'step.done', step: 'execute-change-set', hop: hop.version, noUpdates: true });
        notifyStep(c, hop, 'execute-change-set', 'done', { noUpdates: true }, `update root stack ${c.rootStack} to ${hop.version}: no updates were needed`);
      }
      return;
    }
    case 'skip-build':
      notifyStep(c, hop, 'start-build', 'skip');
      return;
    case 'await-build': {
      const request = buildRequest(c, hop, record);
      request.announce.start({ buildId: step.buildId });
      await waitBuild(c, request, step.buildId);
      return;
    }
    case 'start-build':
      return startPulumiBuild(c, buildRequest(c, hop, record));
    case 'repeat-build':
      return repeatPulumiBuild(c, buildRequest(c, hop, record), step.token);
    case 'verify':
      return verifyStep(c, hop, readVersion);
    case 'finish-hop':
      await c.journal.append({ type: 'hop.done', hop: hop.version });
      return;
    case 'stack-busy':
      refuseIfBusy({ status: step.status }, `${step.stack} stack ${step.stack === 'role' ? c.roleStack : c.rootStack}`);
      return;
  }
}

/** Step 1: the deployment role stack to the hop's role template; the root never goes first. */
async function updateRole(c: StepContext, hop: PreparedHop): Promise<void> {
  const step = 'update-role';
  const role = await describeOrFail(c, c.roleStack);
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
    ...(hop.rootSha256 ? { templateSha256: hop.rootSha256 } : {}),
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

/** Step 4: the panther-pulumi build, when the hop's post-deploy steps call for it: how it is journaled, announced and fails. */
function buildRequest(c: StepContext, hop: PreparedHop, record: HopRecord | undefined): BuildRequest {
  const step = 'start-build';
  return {
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
    failure: (result, phase, buildId, log) =>
      new StepFailure('build-failed', `the ${PULUMI_PROJECT} build for ${hop.version} ${buildFailureText(result, phase)}`, {
        source: 'deployment',
        hint: `Both stacks are at ${hop.version}; only the build failed. Fix it, then run \`${c.resumeCommand}\` (it reruns only the build).`,
        meta: {
          hop: hop.version,
          step,
          buildId,
          state: 'stack done, build failed',
          status: result.status,
          ...(phase ? { phase: phase.type } : {}),
          ...(phase?.message ? { reason: phase.message } : {}),
          // Where the whole log is; its last lines came just before, as `build.failed`.
          ...(log.logGroup ? { logGroup: log.logGroup, logStream: log.logStream } : {}),
          ...(log.deepLink ? { deepLink: log.deepLink } : {}),
          // The build's own failure is the root cause: no stack event failed.
          rootCause: {
            text: `${PULUMI_PROJECT} build ${buildId} ${phase ? buildFailureText(result, phase) : `${result.status.toLowerCase()} (no phase reported the failure)`}`,
            status: result.status,
            ...(phase ? { phase: phase.type } : {}),
            ...(phase?.message ? { reason: phase.message } : {}),
          },
        },
      }),
  };
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
