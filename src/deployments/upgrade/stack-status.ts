/** Stack statuses an update may start from. */
const STABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

export function isStable(status: string): boolean {
  return STABLE.has(status);
}

export function isInProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS');
}

/** What to do about a stack that is neither stable nor busy. */
export function unstableHint(status: string): string {
  if (status === 'UPDATE_ROLLBACK_FAILED') return 'Run `pantherctl recover` to finish the rollback (ContinueUpdateRollback), then try again.';
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED') return 'The first deploy of this stack failed; it can only be deleted and created again.';
  if (isInProgress(status)) return 'Wait for the running operation to finish (`pantherctl status`), or `pantherctl resume` if it is ours.';
  return 'Bring the stack to a *_COMPLETE state first (`pantherctl diagnose` shows what happened).';
}
