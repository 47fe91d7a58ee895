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

export interface RecoverOptions extends WaitDeps {
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

export async function recoverStack(options: RecoverOptions): Promise<RecoverResult> {
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
