import { isInProgress } from '../wait/stack-status.js';

/** What to do about a stack that is neither stable nor busy. */
export function unstableHint(status: string): string {
  if (status === 'UPDATE_ROLLBACK_FAILED') return 'Run `pantherctl recover` to finish the rollback (ContinueUpdateRollback), then try again.';
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED') return 'The first deploy of this stack failed; it can only be deleted and created again.';
  if (isInProgress(status)) return 'Wait for the running operation to finish (`pantherctl status`), or `pantherctl resume` if it is ours.';
  return 'Bring the stack to a *_COMPLETE state first (`pantherctl diagnose` shows what happened).';
}
