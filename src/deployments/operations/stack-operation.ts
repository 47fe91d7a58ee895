import { PantherctlError, isPantherctlError } from '../../errors/pantherctl-error.js';
import type { StepName } from '../../journal/entry.js';
import type { StackSummary, UpdateStackInput } from '../aws/types.js';
import type { RootCauseSummary } from '../deps/executor-deps.js';
import { isInProgress } from '../wait/stack-status.js';
import type { StackWaitResult } from '../wait/types.js';
import { waitDeps, type OperationContext } from './context.js';

export async function describeOrFail(c: OperationContext, name: string): Promise<StackSummary> {
  const s = await c.deps.cloudFormation.describeStack(name);
  if (!s) throw new PantherctlError('stack-not-found', `stack ${name} does not exist`, { source: 'aws', hint: 'Check the stack name and the region (`--region`).' });
  return s;
}

/** The id of the stack's newest event: recorded before a mutating call, so the wait (and a resume) starts exactly after it. */
export async function newestEventId(c: OperationContext, stack: string): Promise<string | undefined> {
  const events = await c.deps.cloudFormation.describeEvents(stack, { limit: 1 });
  return events[0]?.eventId;
}

/**
 * Refuses to start on a stack someone else's operation is running on: `stack-busy` (exit 6),
 * naming the operation, when it started (its stack event), and who started it when the
 * ClientRequestToken says (pantherctl's tokens start `pantherctl-`: another run, from another
 * state directory or machine, whose lock this run could not see).
 */
export async function refuseIfBusy(c: Pick<OperationContext, 'deps' | 'resumeCommand'>, stack: Pick<StackSummary, 'status' | 'name'> & { stackId?: string }, what: string, next?: string): Promise<void> {
  if (!isInProgress(stack.status)) return;
  throw await stackBusyError(c.deps.cloudFormation, stack, what, next ?? c.resumeCommand);
}

/** The `stack-busy` error of a stack whose operation runs: what, since when, and by whom as far as AWS says. */
export async function stackBusyError(cfn: OperationContext['deps']['cloudFormation'], stack: Pick<StackSummary, 'status' | 'name'> & { stackId?: string }, what: string, next: string): Promise<PantherctlError> {
  const started = await operationStart(cfn, stack.stackId ?? stack.name, stack.status);
  const token = started?.clientRequestToken;
  const holder = token?.startsWith('pantherctl-') ? `another pantherctl run (ClientRequestToken ${token})` : undefined;
  const since = started ? `, since ${started.time.toISOString()}` : '';
  return new PantherctlError('stack-busy', `${what} is ${stack.status}${since}, an operation ${holder ?? 'pantherctl did not start'}`, {
    source: 'locked',
    hint: `Wait for it to finish, then run \`${next}\`.`,
    meta: { stack: stack.name, status: stack.status, ...(started ? { startedAt: started.time.toISOString() } : {}), ...(token ? { clientRequestToken: token } : {}), ...(holder ? { holder } : {}) },
  });
}

/** The stack-level event that began the running operation (its status, on the stack itself), newest first among the recent ones. */
async function operationStart(cfn: OperationContext['deps']['cloudFormation'], stack: string, status: string): Promise<{ time: Date; clientRequestToken?: string } | undefined> {
  const events = await cfn.describeEvents(stack, { limit: 100 }).catch(() => []);
  const start = events.find((e) => e.resourceType === 'AWS::CloudFormation::Stack' && e.logicalId === e.stackName && e.status === status.replace(/_CLEANUP_IN_PROGRESS$/, '_IN_PROGRESS'));
  return start ? { time: start.time, ...(start.clientRequestToken ? { clientRequestToken: start.clientRequestToken } : {}) } : undefined;
}

/**
 * Whether an operation of ours reached the stack since `afterEventId`: a stack-level
 * *_IN_PROGRESS event carrying our token (or no token, where AWS does not echo it).
 */
export async function operationSeen(c: OperationContext, stack: StackSummary, afterEventId: string | undefined, clientToken: string | undefined): Promise<boolean> {
  const events = await c.deps.cloudFormation.describeEvents(stack.stackId, afterEventId ? { sinceEventId: afterEventId } : { limit: 50 });
  return events.some(
    (e) =>
      e.resourceType === 'AWS::CloudFormation::Stack' &&
      (e.stackId === stack.stackId || e.physicalId === stack.stackId) &&
      isInProgress(e.status) &&
      (!clientToken || !e.clientRequestToken || e.clientRequestToken === clientToken),
  );
}

/** Waits for the stack operation that started after `afterEventId` (else at `startedAt`). */
export function waitStack(c: OperationContext, stack: string, afterEventId: string | undefined, clientRequestToken: string | undefined, label: string, startedAt?: Date): Promise<StackWaitResult> {
  const startedAfter = afterEventId ? { afterEventId } : startedAt;
  return c.deps.waitForStack({
    gateway: c.deps.cloudFormation,
    stack,
    ...(startedAfter ? { startedAfter } : {}),
    ...(clientRequestToken ? { clientRequestToken } : {}),
    label,
    ...waitDeps(c),
  });
}

/** The root cause of a failed operation; undefined when the analysis itself fails (the failure matters more). */
export async function rootCauseOf(c: OperationContext, result: StackWaitResult, since: Date): Promise<RootCauseSummary | undefined> {
  try {
    return await c.deps.findRootCause(result.stackId, { since, events: result.events, signal: c.signal });
  } catch {
    return undefined;
  }
}

export type StackStepOutcome = { ok: true } | { ok: false; cause?: RootCauseSummary };

/**
 * Journals how a waited-for stack operation ended: `step.done`, or `step.failed` with the
 * root cause (searched once, here). The caller reports and throws as its command words it.
 */
export async function recordStackOutcome(
  c: OperationContext,
  at: { hop: string; step: StepName },
  result: StackWaitResult,
  started: Date,
  failedExtra: { parameterKeys?: string[] } = {},
): Promise<StackStepOutcome> {
  if (result.outcome === 'succeeded') {
    await c.journal.append({ type: 'step.done', step: at.step, hop: at.hop, finalStatus: result.finalStatus, elapsedMs: result.elapsedMs });
    return { ok: true };
  }
  const cause = await rootCauseOf(c, result, started);
  await c.journal.append({ type: 'step.failed', step: at.step, hop: at.hop, finalStatus: result.finalStatus, ...failedExtra, ...(cause ? { rootCause: cause.text } : {}) });
  return cause ? { ok: false, cause } : { ok: false };
}

export interface StackUpdateRequest {
  /** The journal hop and step the update is recorded under. */
  hop: string;
  /** Only the role stack is updated directly; the root stack goes through change sets. */
  step: 'update-role';
  stack: StackSummary;
  input: Omit<UpdateStackInput, 'stackName' | 'clientRequestToken'>;
  clientRequestToken: string;
  /** Label of the wait's messages (`role`, `root`). */
  label: string;
  /** More fields of the `step.requested` entry: keys only, never values. */
  journal: { stack: string; templateUrl: string; parameterKeys?: string[] };
}

/**
 * Updates a stack and waits for the operation, from the stack's newest event before the call
 * (journaled with the token first). `no-updates` when CloudFormation had nothing to do: that
 * is journaled as done, and the caller only says so.
 */
export async function updateStackAndWait(c: OperationContext, request: StackUpdateRequest): Promise<{ result: StackWaitResult; started: Date } | 'no-updates'> {
  const { hop, step, stack, clientRequestToken } = request;
  const beforeEventId = await newestEventId(c, stack.stackId);
  const started = new Date();
  await c.journal.append({ type: 'step.requested', step, hop, clientRequestToken, ...request.journal, beforeEventId });
  try {
    await c.deps.cloudFormation.updateStack({ stackName: stack.name, ...request.input, clientRequestToken });
  } catch (err) {
    if (isPantherctlError(err) && err.code === 'no-updates') {
      await c.journal.append({ type: 'step.done', step, hop, noUpdates: true });
      return 'no-updates';
    }
    throw err;
  }
  return { result: await waitStack(c, stack.stackId, beforeEventId, clientRequestToken, request.label, started), started };
}
