import type { StackEvent } from '../aws/types.js';

const STACK_TYPE = 'AWS::CloudFormation::Stack';

/**
 * Whether a stack ever finished being created, from its own events (not a nested stack's).
 * A stack in ROLLBACK_COMPLETE that never reached CREATE_COMPLETE holds nothing worth
 * keeping; one that did may hold data, so `--replace-failed` must never delete it.
 */
export function everReachedCreateComplete(events: readonly StackEvent[], stack: { stackId: string; name: string }): boolean {
  return events.some(
    (e) =>
      e.status === 'CREATE_COMPLETE' &&
      e.resourceType === STACK_TYPE &&
      (e.stackId === stack.stackId || e.stackName === stack.name) &&
      (e.logicalId === stack.name || e.physicalId === stack.stackId),
  );
}
