/**
 * `pantherctl recover`: get a stack out of UPDATE_ROLLBACK_FAILED with ContinueUpdateRollback
 * (optionally skipping resources that cannot be rolled back), then wait for the rollback to
 * finish. Refuses from any other status, saying why.
 */
import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { CloudFormationGateway } from '../aws/types.js';
import { systemClock } from '../wait/clock.js';
import { captureStartMarker, waitForStackOperation } from '../wait/stack-waiter.js';
import type { StackWaitResult, WaitDeps } from '../wait/types.js';
import { describeState } from './diagnose.js';
import { randomUUID } from 'node:crypto';
import { MSG, type IoHost } from '../../io/messages.js';
import { runJournaled } from '../../journal/run-journaled.js';
import { deploymentKey, withDeployment, type DeploymentOptions } from '../deployment.js';
import { chooseRootStack } from '../status/discover-root.js';

export interface RecoverStackOptions extends WaitDeps {
  gateway: CloudFormationGateway;
  stack: string;
  /** ResourcesToSkip: logical ids, nested ones as `NestedStackLogicalId.LogicalId`. Default none. */
  skip?: string[];
  /** Service role for the rollback; default the stack's own role. */
  roleArn?: string;
  /** Idempotency token of the ContinueUpdateRollback call (journal it before the call). */
  clientRequestToken: string;
  /** Called right before the mutating call, e.g. to write the journal entry. */
  beforeCall?: (info: { stackId: string; marker: Date | { afterEventId: string } }) => Promise<void> | void;
}

export interface RecoverResult extends StackWaitResult {
  /** True when the stack ended in UPDATE_ROLLBACK_COMPLETE (stable again). */
  recovered: boolean;
}

const SKIP_FORMAT = /^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/;

export async function recoverStack(options: RecoverStackOptions): Promise<RecoverResult> {
  const { gateway, stack } = options;
  const skip = options.skip ?? [];
  for (const s of skip) {
    if (!SKIP_FORMAT.test(s)) {
      throw new PantherctlError('usage', `Expected \`--skip\` to be a logical id or NestedStack.LogicalId, got "${s}".`, { source: 'usage' });
    }
  }
  const summary = await gateway.describeStack(stack);
  if (!summary) {
    throw new PantherctlError('stack-not-found', `Stack ${stack} does not exist.`, { source: 'aws', meta: { stack } });
  }
  if (summary.status !== 'UPDATE_ROLLBACK_FAILED') {
    throw new PantherctlError(
      'recover-not-needed',
      `Stack ${summary.name} is ${summary.status}; recover only continues a rollback that failed (UPDATE_ROLLBACK_FAILED).`,
      { source: 'user', hint: describeState(summary.status).state, meta: { stack: summary.name, status: summary.status } },
    );
  }
  const marker = await captureStartMarker(gateway, summary.stackId, options.clock ?? systemClock);
  await options.beforeCall?.({ stackId: summary.stackId, marker });
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
        hint: 'Only resources in UPDATE_FAILED can be skipped; nested ones as NestedStackLogicalId.LogicalId (`pantherctl diagnose` lists them).',
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
  return { ...result, recovered: result.finalStatus === 'UPDATE_ROLLBACK_COMPLETE' };
}

export interface RecoverOptions extends DeploymentOptions {
  /** The stuck stack. Default: the root stack. */
  stack?: string;
  /**
   * Resources to leave as they are (ResourcesToSkip), nested ones as `NestedStack.LogicalId`.
   * Default none: skipping is a last resort (`pantherctl diagnose` suggests them).
   */
  skip?: readonly string[];
}

/** What `recover` did: the stack and how its rollback ended. */
export interface RecoverOutcome {
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
  return withDeployment(options, io, async ({ deps, settings, store }) => {
    const root = (await chooseRootStack(deps.cloudFormation, { ...(settings.rootStack ? { named: settings.rootStack } : {}), roleStack: settings.roleStack })).name;
    const stack = options.stack ?? root;
    const skip = [...(options.skip ?? [])];
    const key = await deploymentKey(deps, settings.connection.region, root);
    return runJournaled('recover', { key, store, resumeCommand: 'pantherctl resume', ...(options.signal ? { signal: options.signal } : {}) }, async (run) => {
      run.resumeHint = 'The rollback continues in AWS: `pantherctl status` shows when it ends; then `pantherctl resume` continues the upgrade.';
      const clientRequestToken = `pantherctl-recover-${randomUUID().slice(0, 8)}`;
      const result = await recoverStack({
        gateway: deps.cloudFormation,
        stack,
        ...(skip.length ? { skip } : {}),
        clientRequestToken,
        timeoutMs: settings.timeoutMs,
        signal: run.signal,
        io,
        ...(deps.pollIntervalMs ? { pollIntervalMs: deps.pollIntervalMs } : {}),
        ...(deps.clock ? { clock: deps.clock } : {}),
        // Called once the stack was found in UPDATE_ROLLBACK_FAILED: announce only what will happen.
        beforeCall: async ({ marker }) => {
          io.notify(MSG['step.start'].msg(`continue the rollback of ${stack}${skip.length ? `, skipping ${skip.join(', ')}` : ''}…`, { step: 'continue-rollback', stack }));
          await run.journal.append({
            type: 'step.requested',
            step: 'continue-rollback',
            stack,
            clientRequestToken,
            skip,
            ...(marker instanceof Date ? { since: marker.toISOString() } : { beforeEventId: marker.afterEventId }),
          });
        },
      });
      await run.journal.append({ type: result.recovered ? 'step.done' : 'step.failed', step: 'continue-rollback', stack, finalStatus: result.finalStatus });
      if (!result.recovered) {
        throw new PantherctlError('recover-failed', `the rollback of ${stack} ended in ${result.finalStatus}`, {
          source: 'deployment',
          hint: 'Run `pantherctl diagnose` for the resources that failed, then `pantherctl recover --skip RESOURCE`.',
        });
      }
      io.notify(MSG['recover.done'].msg(`${stack} is ${result.finalStatus}; run \`pantherctl resume\` to continue the upgrade.`, { stack, finalStatus: result.finalStatus }));
      return { stack, finalStatus: result.finalStatus, recovered: true };
    });
  });
}
