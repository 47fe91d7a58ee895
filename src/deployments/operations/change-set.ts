import { createHash } from 'node:crypto';
import { isPantherctlError, type PantherctlError } from '../../errors/pantherctl-error.js';
import type { StepRecord } from '../../journal/progress.js';
import type { ChangeSetSummary, CreateChangeSetInput, ResourceChange, StackSummary } from '../aws/types.js';
import { isInProgress } from '../wait/stack-status.js';
import type { StackWaitResult } from '../wait/types.js';
import { waitDeps, type OperationContext } from './context.js';
import { newestEventId, operationSeen, waitStack } from './stack-operation.js';

export interface ChangeSetRequest {
  /** The journal hop the step is recorded under (`v1.27.8`, `stage-2`). */
  hop: string;
  stack: StackSummary;
  /** Also the ClientToken: a retried call cannot make a second change set. */
  changeSetName: string;
  /** What to change: template, parameters, tags, description. */
  input: Omit<CreateChangeSetInput, 'stackName' | 'changeSetName' | 'clientToken' | 'roleArn'>;
  /** More fields of the `step.requested` entry: keys only, never values. */
  journal?: { templateUrl?: string; parameterKeys?: string[]; preview?: boolean };
  /**
   * SHA-256 of the template `input.templateUrl` names (preflight recorded it). With it, a
   * change set whose nested change sets change nothing is known to be a no-op when the live
   * template has the same digest; without it (and without usePreviousTemplate) a new template
   * always counts as a change.
   */
  templateSha256?: string;
  /** The error to throw (after journaling) when CloudFormation cannot make the change set. */
  failure(reason: string): PantherctlError;
}

export interface MadeChangeSet {
  changeSetName: string;
  /** Its `changes` are what really changes: nested change sets expanded, see realChanges. */
  changeSet: ChangeSetSummary;
  /** Nothing to execute: CloudFormation found no changes (a stack without nested stacks). */
  noChanges: boolean;
  /**
   * Executable, but a no-op: no resource anywhere in the tree changes (nested change sets
   * included) and template, parameters and tags are the live ones. Journaled (`noOp` on the
   * step's `step.done`); it is to be deleted (discardChangeSet), never executed.
   */
  noOp: boolean;
}

const NESTED_STACK = 'AWS::CloudFormation::Stack';

/**
 * The changes of a change set made with includeNestedStacks, as they really are. A change set
 * on a stack with nested stacks lists a Modify for every nested stack even when nothing in it
 * changes (aws/aws-cdk#6216, #4488); its nested change set (ResourceChange.ChangeSetId, User
 * Guide change-sets-for-nested-stacks.md) says what does, and has an empty Changes list when
 * nothing does (aws-cloudformation/rain#152). So a nested stack's row is replaced by the rows
 * of its nested change set, each with its `nestedPath`; a nested stack without a nested
 * change set (one being added) stays a change.
 */
export async function realChanges(c: OperationContext, changes: readonly ResourceChange[], path: readonly string[] = []): Promise<ResourceChange[]> {
  const out: ResourceChange[] = [];
  for (const ch of changes) {
    const here = path.length > 0 ? { ...ch, nestedPath: path.join('.') } : { ...ch };
    if (ch.resourceType !== NESTED_STACK || ch.action !== 'Modify' || !ch.changeSetId) {
      out.push(here);
      continue;
    }
    const nested = await c.deps.cloudFormation.describeChangeSet({ stackName: ch.physicalId ?? ch.logicalId, changeSetName: ch.changeSetId });
    out.push(...(await realChanges(c, nested.changes, [...path, ch.logicalId])));
  }
  return out;
}

const sameRecord = (a: Record<string, string>, b: Record<string, string>): boolean => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
};

/**
 * Whether the change set would leave the stack's own inputs as they are: the same template
 * (usePreviousTemplate, or the digest of the live template), the same parameter values (a
 * NoEcho value reads `****` on both sides; one that changed would show up as resource changes
 * wherever it is used) and the same tags.
 */
async function sameInputs(c: OperationContext, stack: StackSummary, cs: ChangeSetSummary, request: ChangeSetRequest): Promise<boolean> {
  if (!sameRecord(cs.tags, stack.tags)) return false;
  const live = Object.fromEntries(stack.parameters.map((p) => [p.key, p.value]));
  if (!sameRecord(Object.fromEntries(cs.parameters.map((p) => [p.key, p.value])), live)) return false;
  if (request.input.usePreviousTemplate) return true;
  if (!request.templateSha256) return false;
  const body = await c.deps.cloudFormation.getTemplateBody(stack.stackId);
  return createHash('sha256').update(body).digest('hex') === request.templateSha256.toLowerCase();
}

/**
 * Creates a change set on a live stack (with the run's RoleARN) and waits until it can be
 * executed or is known to hold no changes. Journaled, so a change set made before a crash is
 * found again on resume. A change set CloudFormation rejects is journaled as failed and
 * thrown as `request.failure(reason)`: nothing was changed.
 */
export async function createChangeSetAndWait(c: OperationContext, request: ChangeSetRequest): Promise<MadeChangeSet> {
  const { hop, stack, changeSetName } = request;
  const step = 'create-change-set';
  await c.journal.append({ type: 'step.requested', step, hop, clientRequestToken: changeSetName, changeSetName, ...request.journal });
  await c.deps.cloudFormation.createChangeSet({
    // The name, not the id: the stack is live, and the sandbox (like some older AWS SDKs' models) takes only names here.
    stackName: stack.name,
    changeSetName,
    // Nested change sets show what really changes inside nested stacks (see realChanges).
    ...(request.input.changeSetType === 'CREATE' ? {} : { includeNestedStacks: true }),
    ...request.input,
    ...(c.roleArn ? { roleArn: c.roleArn } : {}),
    clientToken: changeSetName,
  });
  const fail = async (reason: string, status?: string): Promise<PantherctlError> => {
    await c.journal.append({ type: 'step.failed', step, hop, changeSetName, ...(status ? { status } : {}), reason });
    return request.failure(reason);
  };
  let waited;
  try {
    waited = await c.deps.waitForChangeSet({ gateway: c.deps.cloudFormation, stackName: stack.name, changeSetName, ...waitDeps(c) });
  } catch (err) {
    if (isPantherctlError(err) && err.code === 'change-set-failed') throw await fail(isPantherctlError(err, 'change-set-failed') && err.meta.reason ? err.meta.reason : err.message, 'FAILED');
    throw err;
  }
  if (waited.noChanges) {
    await c.journal.append({ type: 'step.done', step, hop, changeSetName, noChanges: true });
    return { changeSetName, changeSet: waited.changeSet, noChanges: true, noOp: false };
  }
  if (waited.changeSet.status !== 'CREATE_COMPLETE') throw await fail(waited.changeSet.statusReason ?? waited.changeSet.status, waited.changeSet.status);
  const changeSet: ChangeSetSummary = { ...waited.changeSet, changes: await realChanges(c, waited.changeSet.changes) };
  // Executing a no-op would run an update of the whole tree that changes nothing; the caller
  // decides to delete it instead (discardChangeSet), from what is journaled here.
  const noOp = changeSet.changes.length === 0 && (await sameInputs(c, stack, changeSet, request));
  await c.journal.append({ type: 'step.done', step, hop, changeSetName, changes: changeSet.changes.length, ...(noOp ? { noOp: true } : {}) });
  return { changeSetName, changeSet, noChanges: false, noOp };
}

/**
 * Deletes a change set that is not to be executed (a no-op, see MadeChangeSet.noOp), journaled
 * as the `create-change-set` step's last word: `deleted`, so it is never reused.
 */
export async function discardChangeSet(c: OperationContext, request: { hop: string; stackName: string; changeSetName: string }): Promise<void> {
  const { hop, stackName, changeSetName } = request;
  await c.deps.cloudFormation.deleteChangeSet({ stackName, changeSetName });
  await c.journal.append({ type: 'step.done', step: 'create-change-set', hop, changeSetName, noChanges: true, deleted: true });
}

/** Whether a change set made earlier (a confirmed preview, one a stopped run made) can still be executed. */
export async function isExecutable(c: OperationContext, stack: StackSummary, changeSetName: string): Promise<boolean> {
  const cs = await c.deps.cloudFormation.describeChangeSet({ stackName: stack.name, changeSetName }).catch(() => undefined);
  return cs?.executionStatus === 'AVAILABLE';
}

export interface ExecutionRequest {
  hop: string;
  stack: StackSummary;
  changeSetName: string;
  clientRequestToken: string;
  /** More fields of the `step.requested` entry: keys only, never values. */
  journal?: { stack?: string; parameterKeys?: string[] };
}

/**
 * Executes a change set and waits for the stack operation, from the stack's newest event
 * before the call (journaled with the token, so a resume can tell whether the call landed).
 */
export async function executeChangeSetAndWait(c: OperationContext, request: ExecutionRequest): Promise<{ result: StackWaitResult; started: Date }> {
  const { hop, stack, changeSetName, clientRequestToken } = request;
  const beforeEventId = await newestEventId(c, stack.stackId);
  const started = new Date();
  await c.journal.append({ type: 'step.requested', step: 'execute-change-set', hop, clientRequestToken, changeSetName, beforeEventId, ...request.journal });
  await c.deps.cloudFormation.executeChangeSet({ stackName: stack.name, changeSetName, clientRequestToken });
  return { result: await waitStack(c, stack.stackId, beforeEventId, clientRequestToken, 'root', started), started };
}

/** Where an execution that a stopped run asked for stands. */
export type RequestedExecution =
  /** It reached the stack (running or finished): wait for it, never execute again. */
  | { state: 'executed'; wait: () => Promise<StackWaitResult>; started: Date }
  /** It never landed and its change set is still executable: execute that one. */
  | { state: 'available'; changeSetName: string };

/**
 * For resume: what became of the `execute-change-set` step `rec` journaled as requested.
 * Undefined when there is none, or when it never landed and its change set is gone (make a
 * new one). A change set that left AVAILABLE, a stack in progress, or a stack event carrying
 * our token since the recorded event all mean it landed.
 */
export async function findRequestedExecution(c: OperationContext, stack: StackSummary, rec: StepRecord<'execute-change-set'> | undefined): Promise<RequestedExecution | undefined> {
  if (!rec || (rec.status !== 'requested' && rec.status !== 'accepted')) return undefined;
  const changeSetName = rec.requested?.changeSetName;
  const after = rec.requested?.beforeEventId;
  let executed = isInProgress(stack.status);
  let available = false;
  if (!executed && changeSetName) {
    const cs = await c.deps.cloudFormation.describeChangeSet({ stackName: stack.name, changeSetName }).catch(() => undefined);
    executed = Boolean(cs?.executionStatus && cs.executionStatus !== 'AVAILABLE' && cs.executionStatus !== 'UNAVAILABLE' && cs.executionStatus !== 'OBSOLETE');
    available = cs?.executionStatus === 'AVAILABLE';
  }
  if (!executed && !available) executed = await operationSeen(c, stack, after, rec.clientRequestToken);
  if (executed) {
    const started = new Date(rec.requested?.time ?? new Date().toISOString());
    return { state: 'executed', started, wait: () => waitStack(c, stack.stackId, after, rec.clientRequestToken, 'root', started) };
  }
  if (available && changeSetName) return { state: 'available', changeSetName };
  return undefined;
}
