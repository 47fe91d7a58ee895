/**
 * Waits until a change set is ready to execute (CREATE_COMPLETE) or has failed. A change set
 * that failed because it "didn't contain changes" is not a failure: the stack is already
 * where the hop wants it.
 */
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { pollUntil } from './poll.js';
import type { ChangeSetWaitOptions, ChangeSetWaitResult } from './types.js';
import { MSG } from '../../io/messages.js';

const NO_CHANGES = /didn't contain changes|did not contain changes|No updates are to be performed/i;

export function isNoChangesReason(reason: string | undefined): boolean {
  return reason !== undefined && NO_CHANGES.test(reason);
}

export async function waitForChangeSet(options: ChangeSetWaitOptions): Promise<ChangeSetWaitResult> {
  const { gateway, stackName, changeSetName, io } = options;
  const { value } = await pollUntil({
    what: `change set ${changeSetName} of ${stackName}`,
    hint: 'Nothing was changed; run the command again.',
    timeoutMs: options.timeoutMs,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    poll: async () => {
      const cs = await gateway.describeChangeSet({ stackName, changeSetName });
      if (cs.status === 'CREATE_COMPLETE') return { changeSet: cs, noChanges: false };
      if (cs.status === 'FAILED') {
        if (isNoChangesReason(cs.statusReason)) return { changeSet: cs, noChanges: true };
        throw new PantherctlError('change-set-failed', `Change set ${changeSetName} of ${stackName} failed: ${cs.statusReason ?? 'no reason given'}`, {
          meta: { stack: stackName, changeSet: changeSetName, ...(cs.statusReason ? { reason: cs.statusReason } : {}) },
        });
      }
      if (cs.status.startsWith('DELETE')) {
        throw new PantherctlError('change-set-not-found', `Change set ${changeSetName} of ${stackName} was deleted while waiting.`, {
          source: 'aws',
          meta: { stack: stackName, changeSet: changeSetName },
        });
      }
      return undefined;
    },
  });
  io?.notify(MSG['change-set.ready'].msg(value.noChanges
      ? `Change set ${changeSetName} of ${stackName}: no changes.`
      : `Change set ${changeSetName} of ${stackName}: ${value.changeSet.changes.length} change(s).`, { stack: stackName, changeSet: changeSetName, noChanges: value.noChanges, changes: value.changeSet.changes.length }));
  return value;
}
