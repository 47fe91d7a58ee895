/**
 * `pantherctl recover`: get a stack out of UPDATE_ROLLBACK_FAILED with ContinueUpdateRollback
 * (optionally skipping resources that cannot be rolled back), then wait for the rollback to
 * finish. Refuses from any other status, saying why.
 */
import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { CloudFormationGateway, StackResource, StackSummary } from '../aws/types.js';
import { systemClock } from '../wait/clock.js';
import { captureStartMarker, waitForStackOperation } from '../wait/stack-waiter.js';
import type { StackWaitResult, WaitDeps } from '../wait/types.js';
import { describeState } from './diagnose.js';
import { randomUUID } from 'node:crypto';
import { MSG, type IoHost } from '../../io/messages.js';
import { runJournaled } from '../../journal/run-journaled.js';
import { liveDeploymentKey, withDeployment, type DeploymentOptions } from '../deployment.js';
import { chooseRootStack } from '../status/discover-root.js';
import { readReconciled, type LiveStack } from '../../journal/ownership.js';
import { summarizeJournal } from '../../journal/progress.js';
import type { DeploymentKey, StateStore } from '../../journal/state-store.js';

export interface RecoverStackOptions extends WaitDeps {
  gateway: CloudFormationGateway;
  stack: string;
  /**
   * Resources to skip. Each is sent as ContinueUpdateRollback's ResourcesToSkip takes it: a
   * root resource by logical id, a nested one as `<nested stack name>.<LogicalId>` (as
   * `pantherctl diagnose` prints them). A logical-id path (`Web.WebFunction`, as the template
   * reads) is translated through the live nested stacks first. Default none.
   */
  skip?: string[];
  /** Service role for the rollback; default the stack's own role. */
  roleArn?: string;
  /** Idempotency token of the ContinueUpdateRollback call (journal it before the call). */
  clientRequestToken: string;
  /** The hint of `recover-not-needed`. Default: what the stack's status means. */
  notNeededHint?: string;
  /** Called right before the mutating call, e.g. to write the journal entry; `resourcesToSkip` is what will be sent. */
  beforeCall?: (info: { stackId: string; stackName: string; marker: Date | { afterEventId: string }; resourcesToSkip: string[] }) => Promise<void> | void;
}

export interface RecoverResult extends StackWaitResult {
  /** True when the stack ended in UPDATE_ROLLBACK_COMPLETE (stable again). */
  recovered: boolean;
  /** ResourcesToSkip as sent. */
  resourcesToSkip: string[];
}

/** A logical id (`WebFunction`), a logical-id path (`Web.WebFunction`) or `<stack name>.<LogicalId>`. */
const SKIP_FORMAT = /^(?:[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*|[A-Za-z][-A-Za-z0-9]*\.[A-Za-z0-9]+)$/;
const NESTED_STACK = 'AWS::CloudFormation::Stack';

/** A stack's name from its id: `arn:aws:cloudformation:<region>:<acct>:stack/<name>/<uuid>` (User Guide: "You can find a child stack's name in its stack ID"). */
export function stackNameOfId(stackId: string): string | undefined {
  return /^arn:[^:]+:cloudformation:[^:]*:\d*:stack\/([^/]+)\//.exec(stackId)?.[1];
}

/**
 * `--skip` values as ResourcesToSkip takes them. A value with no dot, or whose first part is
 * a stack name (it has a `-`; logical ids are alphanumeric), goes as given. A logical-id
 * path is walked through the live stacks, nested stack resource by nested stack resource,
 * and becomes `<name of the last nested stack>.<LogicalId>`.
 */
export async function resolveSkips(gateway: CloudFormationGateway, root: StackSummary, skip: readonly string[]): Promise<{ given: string; sent: string }[]> {
  const resources = new Map<string, Promise<StackResource[]>>();
  const list = (stackId: string): Promise<StackResource[]> => {
    let r = resources.get(stackId);
    if (!r) {
      r = gateway.listStackResources(stackId);
      resources.set(stackId, r);
    }
    return r;
  };
  const out: { given: string; sent: string }[] = [];
  for (const given of skip) {
    const parts = given.split('.');
    if (parts.length === 1 || parts[0]!.includes('-')) {
      out.push({ given, sent: given });
      continue;
    }
    let stackId = root.stackId;
    let stackName = root.name;
    for (const part of parts.slice(0, -1)) {
      const res = (await list(stackId)).find((r) => r.logicalId === part);
      const name = res?.resourceType === NESTED_STACK && res.physicalId ? stackNameOfId(res.physicalId) : undefined;
      if (!res || !name || !res.physicalId) {
        throw new PantherctlError('skip-not-found', `\`--skip ${given}\`: ${stackName} has no nested stack ${part}`, {
          source: 'user',
          hint: 'Give the resource as `pantherctl diagnose` lists it (NestedStackName.LogicalId), or its logical-id path from the root stack.',
          meta: { skip: given, stack: stackName, logicalId: part },
        });
      }
      stackId = res.physicalId;
      stackName = name;
    }
    out.push({ given, sent: `${stackName}.${parts.at(-1)!}` });
  }
  return out;
}

export async function recoverStack(options: RecoverStackOptions): Promise<RecoverResult> {
  const { gateway, stack } = options;
  const skipGiven = options.skip ?? [];
  for (const s of skipGiven) {
    if (!SKIP_FORMAT.test(s)) {
      throw new PantherctlError('usage', `Expected \`--skip\` to be a logical id, NestedStackName.LogicalId or a logical-id path (Web.WebFunction), got "${s}".`, { source: 'usage' });
    }
  }
  let summary = await gateway.describeStack(stack);
  if (!summary) {
    throw new PantherctlError('stack-not-found', `Stack ${stack} does not exist.`, { source: 'aws', meta: { stack } });
  }
  // ContinueUpdateRollback runs on the root stack, never a nested one (botocore: "Don't specify
  // the name of a nested stack ... use this operation on the parent stack").
  if (summary.rootId && summary.rootId !== summary.stackId) {
    const root = await gateway.describeStack(summary.rootId);
    if (root) {
      options.io?.notify(MSG['recover.root-stack'].msg(`${summary.name} is a nested stack: continuing the rollback of its root stack ${root.name}`, { nested: summary.name, rootStack: root.name }));
      summary = root;
    }
  }
  if (summary.status !== 'UPDATE_ROLLBACK_FAILED') {
    throw new PantherctlError(
      'recover-not-needed',
      `Stack ${summary.name} is ${summary.status}; recover only continues a rollback that failed (UPDATE_ROLLBACK_FAILED).`,
      { source: 'user', hint: options.notNeededHint ? `${describeState(summary.status).state} ${options.notNeededHint}` : describeState(summary.status).state, meta: { stack: summary.name, status: summary.status } },
    );
  }
  const resolved = await resolveSkips(gateway, summary, skipGiven);
  for (const r of resolved) {
    if (r.given === r.sent) continue;
    options.io?.notify(MSG['recover.skip-translated'].msg(`--skip ${r.given} is sent as ${r.sent}: ResourcesToSkip names a nested resource by its stack's name`, { given: r.given, sent: r.sent }));
  }
  const skip = resolved.map((r) => r.sent);
  const marker = await captureStartMarker(gateway, summary.stackId, options.clock ?? systemClock);
  await options.beforeCall?.({ stackId: summary.stackId, stackName: summary.name, marker, resourcesToSkip: skip });
  try {
    await gateway.continueUpdateRollback({
      stackName: summary.stackId,
      ...(skip.length > 0 ? { resourcesToSkip: skip } : {}),
      ...(options.roleArn ? { roleArn: options.roleArn } : {}),
      clientRequestToken: options.clientRequestToken,
    });
  } catch (err) {
    if (err instanceof PantherctlError && err.code === 'validation' && skip.length > 0) {
      throw new PantherctlError(err.code, err.message, {
        source: err.source,
        cause: err,
        meta: err.meta,
        hint: 'Only resources left in UPDATE_FAILED by the failed rollback can be skipped; nested ones as NestedStackName.LogicalId (`pantherctl diagnose` lists them).',
      });
    }
    throw err;
  }
  const result = await waitForStackOperation({
    gateway,
    stack: summary.stackId,
    startedAfter: marker,
    clientRequestToken: options.clientRequestToken,
    timeoutMs: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.io ? { io: options.io } : {}),
    label: summary.name,
  });
  return { ...result, recovered: result.finalStatus === 'UPDATE_ROLLBACK_COMPLETE', resourcesToSkip: skip };
}

export interface RecoverOptions extends DeploymentOptions {
  /** The stuck stack. Default: the root stack. */
  stack?: string;
  /**
   * Resources to leave as they are (ResourcesToSkip): a root resource by logical id, a nested
   * one as `<nested stack name>.<LogicalId>` as `pantherctl diagnose` suggests it, or its
   * logical-id path (`Web.WebFunction`), translated through the live nested stacks
   * (`recover.skip-translated`). Default none: skipping is a last resort.
   */
  skip?: readonly string[];
}

/** What `recover` did: the stack and how its rollback ended. */
export interface RecoverOutcome {
  /** The stack the rollback was continued on: the root stack when a nested one was named. */
  stack: string;
  finalStatus: string;
  recovered: boolean;
}

/**
 * `pantherctl recover`: ContinueUpdateRollback on a stack stuck in UPDATE_ROLLBACK_FAILED,
 * then wait, under the deployment's lock with the call journaled (a run of its own in the
 * deployment's journal; it continues no plan, so `pantherctl resume` then continues the
 * upgrade the rollback interrupted). Throws `recover-failed` (exit 4) when the rollback fails
 * again, `recover-not-needed` from any other status.
 */
export function recover(options: RecoverOptions, io: IoHost): Promise<RecoverOutcome> {
  return withDeployment(options, io, async (d) => {
    const { deps, settings, store } = d;
    const root = (await chooseRootStack(deps.cloudFormation, { ...(settings.rootStack ? { named: settings.rootStack } : {}), roleStack: settings.roleStack })).name;
    const stack = options.stack ?? (await stuckStack(deps.cloudFormation, root, settings.roleStack));
    const skip = [...(options.skip ?? [])];
    const { key, live } = await liveDeploymentKey(deps, settings.connection.region, root);
    const resumeCommand = d.resumeCommand({ rootStack: root, paramKeys: await unfinishedParamKeys(store, key, live) });
    const diagnoseCommand = d.commandLine('diagnose', [], { rootStack: root });
    return runJournaled('recover', { key, store, ...(live ? { live } : {}), io, resumeCommand, ...(options.signal ? { signal: options.signal } : {}) }, async (run) => {
      run.resumeHint = `The rollback continues in AWS: \`${diagnoseCommand}\` shows when it ends; then \`${resumeCommand}\` continues the upgrade.`;
      const clientRequestToken = `pantherctl-recover-${randomUUID().slice(0, 8)}`;
      // The stack ContinueUpdateRollback is sent to: the root stack when `stack` is a nested one.
      let acted = stack;
      const result = await recoverStack({
        notNeededHint: `Run \`${diagnoseCommand}\`: it looks at the whole deployment and names the command that continues.`,
        gateway: deps.cloudFormation,
        stack,
        ...(skip.length ? { skip } : {}),
        clientRequestToken,
        timeoutMs: settings.timeoutMs,
        signal: run.signal,
        io,
        ...(deps.pollIntervalMs ? { pollIntervalMs: deps.pollIntervalMs } : {}),
        ...(deps.clock ? { clock: deps.clock } : {}),
        // Called once the stack was found in UPDATE_ROLLBACK_FAILED: announce only what will happen,
        // on the stack acted on (the root of a nested one) with the ResourcesToSkip as sent (a
        // logical-id path is translated first).
        beforeCall: async ({ marker, stackName, resourcesToSkip }) => {
          acted = stackName;
          io.notify(
            MSG['step.start'].msg(`continue the rollback of ${stackName}${resourcesToSkip.length ? `, skipping ${resourcesToSkip.join(', ')}` : ''}…`, {
              step: 'continue-rollback',
              stack: stackName,
              ...(resourcesToSkip.length > 0 ? { resourcesToSkip } : {}),
            }),
          );
          await run.journal.append({
            type: 'step.requested',
            step: 'continue-rollback',
            stack: stackName,
            clientRequestToken,
            skip: resourcesToSkip,
            ...(marker instanceof Date ? { since: marker.toISOString() } : { beforeEventId: marker.afterEventId }),
          });
        },
      });
      await run.journal.append({ type: result.recovered ? 'step.done' : 'step.failed', step: 'continue-rollback', stack: acted, finalStatus: result.finalStatus });
      if (!result.recovered) {
        throw new PantherctlError('recover-failed', `the rollback of ${acted} ended in ${result.finalStatus}`, {
          source: 'deployment',
          hint: `Run \`${diagnoseCommand}\` for the resources that failed, then \`${d.commandLine('recover', ['--stack', acted, '--skip', 'RESOURCE'], { rootStack: root })}\`.`,
        });
      }
      io.notify(MSG['recover.done'].msg(`${acted} is ${result.finalStatus}; run \`${resumeCommand}\` to continue the upgrade.`, { stack: acted, finalStatus: result.finalStatus, nextCommand: resumeCommand }));
      return { stack: acted, finalStatus: result.finalStatus, recovered: true };
    });
  });
}

/**
 * The stack `recover` continues when none is named: the one of the deployment in
 * UPDATE_ROLLBACK_FAILED (the root stack, also for a nested one, or the role stack), the root
 * stack first; the root stack when none is (recover then says it is not needed).
 */
async function stuckStack(cfn: CloudFormationGateway, root: string, roleStack: string): Promise<string> {
  const rootSummary = await cfn.describeStack(root);
  if (rootSummary?.status === 'UPDATE_ROLLBACK_FAILED') return root;
  const role = await cfn.describeStack(roleStack);
  return role?.status === 'UPDATE_ROLLBACK_FAILED' ? roleStack : root;
}

/** The `--param` keys of the journal's unfinished upgrade: resume needs their values again. */
async function unfinishedParamKeys(store: StateStore, key: DeploymentKey, live: LiveStack | undefined): Promise<string[]> {
  const summary = summarizeJournal((await readReconciled(store, key, live)).entries);
  return summary.start && !summary.finished ? [...summary.start.overrideKeys] : [];
}
