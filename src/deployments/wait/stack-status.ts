/** Pure facts about CloudFormation stack and resource statuses. */
import type { StackOutcome } from './types.js';

export function isInProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS');
}

/** A stack status where no operation is running (REVIEW_IN_PROGRESS waits for a change set). */
export function isTerminalStackStatus(status: string): boolean {
  return !isInProgress(status) && (status.endsWith('_COMPLETE') || status.endsWith('_FAILED'));
}

export function isFailedStatus(status: string): boolean {
  return status.endsWith('_FAILED');
}

/** How an operation that ended in `status` went. */
export function outcomeOf(status: string): StackOutcome {
  if (status === 'UPDATE_ROLLBACK_FAILED' || status === 'ROLLBACK_FAILED' || status === 'IMPORT_ROLLBACK_FAILED') {
    return 'rollback-failed';
  }
  if (status === 'UPDATE_ROLLBACK_COMPLETE' || status === 'ROLLBACK_COMPLETE' || status === 'IMPORT_ROLLBACK_COMPLETE') {
    return 'rolled-back';
  }
  if (status.endsWith('_FAILED')) return 'failed';
  return 'succeeded';
}

/** Stable: an operation may start on it (what preflight requires). */
export function isStableStatus(status: string): boolean {
  return [
    'CREATE_COMPLETE',
    'UPDATE_COMPLETE',
    'UPDATE_ROLLBACK_COMPLETE',
    'IMPORT_COMPLETE',
    'IMPORT_ROLLBACK_COMPLETE',
  ].includes(status);
}
