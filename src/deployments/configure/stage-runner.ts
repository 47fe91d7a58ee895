import { PULUMI_PROJECT } from '../../catalog/urls.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { HopRecord } from '../../journal/progress.js';
import type { ParameterValue, StackSummary } from '../aws/types.js';
import { createChangeSetAndWait, discardChangeSet, executeChangeSetAndWait, findRequestedExecution, type MadeChangeSet } from '../operations/change-set.js';
import type { OperationContext } from '../operations/context.js';
import { buildFailureText, runPulumiBuild } from '../operations/pulumi-build.js';
import { requestToken } from '../operations/request-token.js';
import { describeOrFail, recordStackOutcome, refuseIfBusy } from '../operations/stack-operation.js';
import type { Stage } from '../staging/types.js';
import type { StackWaitResult } from '../wait/types.js';
import { HOP } from './types.js';
import { MSG } from '../../io/messages.js';

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

export type StagePreview = MadeChangeSet;

/**
 * Creates the stage's change set on the current template and waits until it can be executed.
 * Journaled, so a preview made before a crash is found again (or left to expire) on resume.
 */
export async function previewStage(c: OperationContext, stage: Stage, total: number): Promise<StagePreview> {
  const root = await describeOrFail(c, c.rootStack);
  const changeSetName = requestToken('stage', String(stage.index));
  const made = await createChangeSetAndWait(c, {
    hop: HOP.stage(stage.index),
    stack: root,
    changeSetName,
    input: { usePreviousTemplate: true, parameters: stageParameters(root.parameters, stage), tags: root.tags, description: `pantherctl ${label(stage, total)}` },
    journal: { parameterKeys: keysOf(stage) },
    failure: (reason) =>
      new PantherctlError('change-set-failed', `the change set of ${label(stage, total)} failed: ${reason}`, {
        source: 'deployment',
        hint: `Nothing was changed on ${c.rootStack} by this stage. Fix the cause, then run \`${c.resumeCommand}\`.`,
        meta: { stage: stage.index, parameters: keysOf(stage), changeSetName },
      }),
  });
  if (made.noChanges || made.noOp) return made;
  const changes = made.changeSet.changes;
  const replaced = changes.filter((ch) => ch.replacement === 'True').map((ch) => ch.logicalId);
  c.io.notify(MSG['stage.preview'].msg(`${label(stage, total)}: ${changes.length} resource change${changes.length === 1 ? '' : 's'}${replaced.length ? `, replacing ${replaced.join(', ')}` : ''}`, {
      stage: stage.index,
      parameters: keysOf(stage),
      changeSetName,
      changes: changes.map((ch) => ({ action: ch.action, logicalId: ch.logicalId, resourceType: ch.resourceType, ...(ch.replacement ? { replacement: ch.replacement } : {}), ...(ch.nestedPath ? { nestedPath: ch.nestedPath } : {}) })),
    }));
  return made;
}

export type StageOutcome = 'applied' | 'no-changes' | 'already-done';

/**
 * One stage: previewed (change set), applied, waited on, journaled. When CloudFormation rolls
 * the stage back, throws `stage-failed` (exit 4) naming the stage's parameters and the root
 * cause; earlier stages stay live. A stage whose execution a stopped run already started is
 * waited for, never repeated.
 */
export async function runStage(c: OperationContext, stage: Stage, total: number, record: HopRecord | undefined, preview?: StagePreview): Promise<StageOutcome> {
  const hop = HOP.stage(stage.index);
  if (record?.done || record?.steps['execute-change-set']?.status === 'done') {
    c.io.notify(MSG['stage.skip'].msg(`${label(stage, total)}: already applied`, { stage: stage.index, parameters: keysOf(stage) }));
    return 'already-done';
  }
  c.io.notify(MSG['stage.start'].msg(`${label(stage, total)}: ${keysOf(stage).join(', ')}`, { stage: stage.index, total, groups: stage.groups, risky: stage.risky, parameters: keysOf(stage) }));

  const exec = record?.steps['execute-change-set'];
  if (exec?.status === 'requested' || exec?.status === 'accepted') {
    const root = await describeOrFail(c, c.rootStack);
    const requested = await findRequestedExecution(c, root, exec);
    if (requested?.state === 'executed') return settleStage(c, stage, total, await requested.wait(), requested.started);
    if (requested?.state === 'available') return executeStage(c, stage, total, root, requested.changeSetName);
  }

  const made = preview ?? (await previewStage(c, stage, total));
  // A change set that changes nothing anywhere (nested stacks included) with the live values:
  // executing it would update the whole tree for nothing, so it is deleted instead.
  if (made.noOp) await discardChangeSet(c, { hop, stackName: c.rootStack, changeSetName: made.changeSetName });
  if (made.noChanges || made.noOp) {
    await c.journal.append({ type: 'step.done', hop, step: 'execute-change-set', noUpdates: true });
    await c.journal.append({ type: 'hop.done', hop });
    c.io.notify(MSG['stage.no-changes'].msg(`${label(stage, total)}: no changes (the stack already has these values)`, { stage: stage.index }));
    return 'no-changes';
  }
  const root = await describeOrFail(c, c.rootStack);
  refuseIfBusy(root, `root stack ${c.rootStack}`);
  return executeStage(c, stage, total, root, made.changeSetName);
}

async function executeStage(c: OperationContext, stage: Stage, total: number, root: StackSummary, changeSetName: string): Promise<StageOutcome> {
  const { result, started } = await executeChangeSetAndWait(c, {
    hop: HOP.stage(stage.index),
    stack: root,
    changeSetName,
    clientRequestToken: requestToken('exec', String(stage.index)),
    journal: { parameterKeys: keysOf(stage) },
  });
  return settleStage(c, stage, total, result, started);
}

async function settleStage(c: OperationContext, stage: Stage, total: number, result: StackWaitResult, started: Date): Promise<StageOutcome> {
  const hop = HOP.stage(stage.index);
  const outcome = await recordStackOutcome(c, { hop, step: 'execute-change-set' }, result, started, { parameterKeys: keysOf(stage) });
  if (outcome.ok) {
    await c.journal.append({ type: 'hop.done', hop });
    c.io.notify(MSG['stage.done'].msg(`${label(stage, total)}: applied (${result.finalStatus})`, { stage: stage.index, parameters: keysOf(stage), finalStatus: result.finalStatus, elapsedMs: result.elapsedMs }));
    return 'applied';
  }
  const { cause } = outcome;
  const rollbackFailed = result.outcome === 'rollback-failed';
  const earlier = stage.index > 1 ? `stages 1-${stage.index - 1} stay live; ` : '';
  const state = rollbackFailed
    ? `${result.stackName} is ${result.finalStatus}: the rollback of stage ${stage.index} failed and the stack is stuck until recovered`
    : `${earlier}${result.stackName} rolled back stage ${stage.index} only (${result.finalStatus})`;
  c.io.notify(MSG['stage.failed'].msg(`${label(stage, total)} failed: ${cause?.text ?? result.statusReason ?? result.finalStatus}`, { stage: stage.index, parameters: keysOf(stage), finalStatus: result.finalStatus, state, ...(cause ? { rootCause: cause } : {}) }));
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
export async function runStages(c: OperationContext, stages: readonly Stage[], records: ReadonlyMap<string, HopRecord>, firstPreview?: StagePreview): Promise<StagesResult> {
  const result: StagesResult = { applied: [], unchanged: [] };
  for (const stage of stages) {
    const outcome = await runStage(c, stage, stages.length, records.get(HOP.stage(stage.index)), stage.index === stages[0]?.index ? firstPreview : undefined);
    if (outcome === 'no-changes') result.unchanged.push(stage.index);
    else result.applied.push(stage.index);
  }
  return result;
}

/**
 * The `panther-pulumi` build after the create or the stages, journaled under `hop`. Skipped
 * with a warning when the project does not exist yet: the root stack is what creates it.
 */
export async function runStagedBuild(c: OperationContext, hop: string, record: HopRecord | undefined): Promise<void> {
  await runPulumiBuild(c, {
    hop,
    record: record?.steps['start-build'],
    token: requestToken('build'),
    skipWithoutProject: true,
    announce: {
      start: (resumed) =>
        resumed
          ? c.io.notify(MSG['build.start'].msg(`${PULUMI_PROJECT} build ${resumed.buildId}: waiting for the build already under way…`, { project: PULUMI_PROJECT, hop, buildId: resumed.buildId, resumed: true }))
          : c.io.notify(MSG['build.start'].msg(`starting the ${PULUMI_PROJECT} build…`, { project: PULUMI_PROJECT, hop })),
      done: (buildId, elapsedMs) => c.io.notify(MSG['build.done'].msg(`${PULUMI_PROJECT} build ${buildId} succeeded`, { buildId, elapsedMs })),
    },
    failure: (result, phase, buildId, log) =>
      new PantherctlError('build-failed', `the ${PULUMI_PROJECT} build ${buildId} ${buildFailureText(result, phase)}`, {
        source: 'deployment',
        hint: `The stack operation itself succeeded. Fix the build, then run \`${c.resumeCommand}\` (it reruns only the build).`,
        meta: { buildId, status: result.status, state: 'stack done, build failed', ...(phase ? { phase: phase.type } : {}), ...(phase?.message ? { reason: phase.message } : {}), ...(log.logGroup ? { logGroup: log.logGroup, logStream: log.logStream } : {}), ...(log.deepLink ? { deepLink: log.deepLink } : {}) },
      }),
  });
}
