/**
 * Root-cause analysis of a failed stack operation: the first failed resource event of the
 * most recent operation, found by descending into the nested stack that failed (also when
 * that nested stack was deleted by the rollback), skipping the noise CloudFormation emits
 * around a failure ("Resource update cancelled", "The following resource(s) failed to ...").
 */
import { awsErrorCode } from '../aws/errors.js';
import type { CloudFormationGateway, ResourceEventFields, StackEvent, StackListEntry } from '../aws/types.js';

const STACK_TYPE = 'AWS::CloudFormation::Stack';
/** The stack's own status events that open an operation. */
const OPERATION_START = new Set(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'IMPORT_IN_PROGRESS']);
const NOISE = [
  /^Resource (update|creation|deletion) cancelled/i,
  /^The following resource\(s\) failed to/i,
  /^Resource (update|creation) cancelled by user/i,
];

export interface RootCause extends ResourceEventFields {
  /** Name of the stack the failed resource belongs to (a nested stack's generated name). */
  stack: string;
  time: Date;
  /** Stack names from the root down to `stack`. */
  path: string[];
  /**
   * Logical ids of the nested stack resources from the root down, then the resource
   * (`Web.WebFunction`): how an operator reads the template. Not what ResourcesToSkip takes.
   */
  resourcePath: string;
  /**
   * The resource as ContinueUpdateRollback's ResourcesToSkip names it: its logical id in the
   * root stack, else `<name of its nested stack>.<LogicalId>` (`panther-root-Web-1A2B3C.WebFunction`):
   * "To skip resources that are part of nested stacks, use the following format:
   * NestedStackName.ResourceLogicalID ... Don't confuse a child stack's name with its
   * corresponding logical ID" (botocore cloudformation ContinueUpdateRollback; the User
   * Guide's example is `WebInfra-Compute-Asg.myAsg`).
   */
  resourceToSkip: string;
  /** The failure happened while its stack was rolling back (a rollback failure). */
  duringRollback: boolean;
}

export interface RootCauseOptions {
  /** Only events at or after this time (default: from the start of the most recent operation). */
  since?: Date;
}

export function isNoiseReason(reason: string | undefined): boolean {
  return reason !== undefined && NOISE.some((re) => re.test(reason.trim()));
}

function isOwnEvent(e: StackEvent): boolean {
  return e.resourceType === STACK_TYPE && (e.logicalId === e.stackName || e.physicalId === e.stackId);
}

function isFailure(e: StackEvent): boolean {
  return e.status.endsWith('_FAILED') && !isOwnEvent(e);
}

/** Events of the most recent operation (or since `since`), oldest first. */
async function operationEvents(gateway: CloudFormationGateway, stack: string, since?: Date): Promise<StackEvent[]> {
  const newestFirst = await gateway.describeEvents(stack, since ? { since } : { stopAt: (e) => isOwnEvent(e) && OPERATION_START.has(e.status) });
  return newestFirst.reverse();
}

/**
 * A failed nested stack resource names its stack by ARN in the physical id; when the create
 * failed before that, find it among deleted stacks by parent and generated name.
 */
async function nestedStackRef(gateway: CloudFormationGateway, event: StackEvent, deletedCache: { list?: StackListEntry[] }): Promise<string | undefined> {
  if (event.physicalId?.startsWith('arn:')) return event.physicalId;
  deletedCache.list ??= await gateway.listStacks({ includeDeleted: true });
  const prefix = `${event.stackName}-${event.logicalId}-`;
  const candidates = deletedCache.list
    .filter((s) => s.name.startsWith(prefix) && (s.parentId === undefined || s.parentId === event.stackId))
    .sort((a, b) => b.creationTime.getTime() - a.creationTime.getTime());
  return candidates[0]?.stackId;
}

interface Walk {
  gateway: CloudFormationGateway;
  visited: Set<string>;
  deleted: { list?: StackListEntry[] };
}

async function collect(
  walk: Walk,
  stack: string,
  since: Date | undefined,
  path: string[],
  logicalPath: string[],
): Promise<RootCause[]> {
  let events: StackEvent[];
  try {
    events = await operationEvents(walk.gateway, stack, since);
  } catch (err) {
    // A nested stack long gone from the event history cannot explain more than its parent did.
    if (path.length > 0 && awsErrorCode(err) === 'stack-not-found') return [];
    throw err;
  }
  const first = events[0];
  const stackName = first?.stackName ?? stack;
  const here = [...path, stackName];
  // Nested events of this operation come after the parent's first event of it.
  const opStart = since ?? first?.time;
  const rollbackFrom = events.find((e) => isOwnEvent(e) && e.status.includes('ROLLBACK_IN_PROGRESS'))?.eventId;
  const rollbackIndex = rollbackFrom ? events.findIndex((e) => e.eventId === rollbackFrom) : -1;
  const inRollback = (e: StackEvent): boolean => rollbackIndex >= 0 && events.indexOf(e) > rollbackIndex;
  const failed = events.filter(isFailure);
  const meaningful = failed.filter((e) => !isNoiseReason(e.reason));
  const out: RootCause[] = [];
  for (const e of meaningful.length > 0 ? meaningful : failed.slice(0, 1)) {
    if (e.resourceType === STACK_TYPE) {
      const ref = await nestedStackRef(walk.gateway, e, walk.deleted);
      if (ref && walk.visited.has(ref)) continue;
      if (ref) {
        walk.visited.add(ref);
        const inner = await collect(walk, ref, opStart, here, [...logicalPath, e.logicalId]);
        if (inner.length > 0) {
          out.push(...inner);
          continue;
        }
      }
    }
    out.push({
      stack: e.stackName,
      stackId: e.stackId,
      logicalId: e.logicalId,
      ...(e.physicalId ? { physicalId: e.physicalId } : {}),
      resourceType: e.resourceType,
      status: e.status,
      ...(e.reason ? { reason: e.reason } : {}),
      time: e.time,
      path: here,
      resourcePath: [...logicalPath, e.logicalId].join('.'),
      resourceToSkip: logicalPath.length > 0 ? `${e.stackName}.${e.logicalId}` : e.logicalId,
      duringRollback: inRollback(e),
    });
  }
  return out;
}

/**
 * Every meaningful failure of the most recent operation, nested stacks resolved, in the
 * order found (the first is the root cause; later ones are often rollback failures).
 */
export async function findFailures(gateway: CloudFormationGateway, stackIdOrName: string, options: RootCauseOptions = {}): Promise<RootCause[]> {
  return collect({ gateway, visited: new Set(), deleted: {} }, stackIdOrName, options.since, [], []);
}

/** The first failed resource event of the most recent operation, or undefined when none failed. */
export async function findRootCause(
  gateway: CloudFormationGateway,
  stackIdOrName: string,
  options: RootCauseOptions = {},
): Promise<RootCause | undefined> {
  const failures = await findFailures(gateway, stackIdOrName, options);
  return failures.find((f) => !f.duringRollback) ?? failures[0];
}
