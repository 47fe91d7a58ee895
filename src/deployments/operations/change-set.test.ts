import { describe, expect, it } from 'vitest';
import { MemoryIoHost } from '../../io/messages.js';
import { tempJournal } from '../../journal/test-support/temp-journal.js';
import { summarizeJournal, type StepRecord } from '../../journal/progress.js';
import type { ChangeSetSummary, StackEvent, StackSummary } from '../aws/types.js';
import type { ExecutorDeps } from '../deps/executor-deps.js';
import type { StackWaitOptions } from '../wait/types.js';
import { findRequestedExecution } from './change-set.js';
import type { OperationContext } from './context.js';

const STACK_ID = 'arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/1';
const stack = (status: string): StackSummary => ({ stackId: STACK_ID, name: 'panther-root', status, parameters: [], tags: {}, outputs: {}, creationTime: new Date(0) });
const event = (status: string, clientRequestToken?: string): StackEvent => ({
  eventId: `e-${status}`,
  stackId: STACK_ID,
  stackName: 'panther-root',
  logicalId: 'panther-root',
  physicalId: STACK_ID,
  resourceType: 'AWS::CloudFormation::Stack',
  status,
  time: new Date(0),
  ...(clientRequestToken ? { clientRequestToken } : {}),
});

/** A context whose gateway answers only what a resume asks: the change set and the events since the recorded one. */
async function context(o: { executionStatus?: string; events?: StackEvent[] }): Promise<{ c: OperationContext; waits: StackWaitOptions[] }> {
  const waits: StackWaitOptions[] = [];
  const cloudFormation = {
    describeChangeSet: async () => {
      if (!o.executionStatus) throw new Error('ChangeSetNotFound');
      return { executionStatus: o.executionStatus } as ChangeSetSummary;
    },
    describeEvents: async () => o.events ?? [],
  };
  const deps = {
    cloudFormation,
    waitForStack: async (w: StackWaitOptions) => {
      waits.push(w);
      return { stackId: STACK_ID, stackName: 'panther-root', finalStatus: 'UPDATE_COMPLETE', outcome: 'succeeded', events: [], elapsedMs: 1 };
    },
  } as unknown as ExecutorDeps;
  const { journal } = await tempJournal();
  return { c: { deps, io: new MemoryIoHost(), journal, signal: new AbortController().signal, timeoutMs: 60_000, rootStack: 'panther-root', resumeCommand: 'pantherctl resume' }, waits };
}

/** The execute step as a stopped run left it: requested, with its change set, token and the event it started after. */
async function requested(c: OperationContext): Promise<StepRecord<'execute-change-set'>> {
  await c.journal.append({ type: 'step.requested', step: 'execute-change-set', hop: 'stage-1', clientRequestToken: 'tok-1', changeSetName: 'cs-1', beforeEventId: 'e-0' });
  return summarizeJournal(c.journal.all()).hops.get('stage-1')!.steps['execute-change-set']!;
}

describe('findRequestedExecution', () => {
  it('finds nothing without a requested execution', async () => {
    const { c } = await context({ executionStatus: 'AVAILABLE' });
    expect(await findRequestedExecution(c, stack('UPDATE_COMPLETE'), undefined)).toBeUndefined();
  });

  it('waits for an execution that reached the stack, from the recorded event and with its token', async () => {
    for (const [status, executionStatus] of [['UPDATE_IN_PROGRESS', 'AVAILABLE'], ['UPDATE_COMPLETE', 'EXECUTE_COMPLETE']] as const) {
      const { c, waits } = await context({ executionStatus });
      const found = await findRequestedExecution(c, stack(status), await requested(c));
      expect(found?.state).toBe('executed');
      if (found?.state === 'executed') await found.wait();
      expect(waits[0]).toMatchObject({ stack: STACK_ID, startedAfter: { afterEventId: 'e-0' }, clientRequestToken: 'tok-1' });
    }
  });

  it('executes a change set that is still available: the call never landed', async () => {
    const { c } = await context({ executionStatus: 'AVAILABLE' });
    expect(await findRequestedExecution(c, stack('UPDATE_COMPLETE'), await requested(c))).toEqual({ state: 'available', changeSetName: 'cs-1' });
  });

  it('with the change set gone (AWS deletes them after an execution), tells from the stack events whether ours landed', async () => {
    const landed = await context({ events: [event('UPDATE_COMPLETE', 'tok-1'), event('UPDATE_IN_PROGRESS', 'tok-1')] });
    expect((await findRequestedExecution(landed.c, stack('UPDATE_COMPLETE'), await requested(landed.c)))?.state).toBe('executed');
    const someoneElse = await context({ events: [event('UPDATE_IN_PROGRESS', 'tok-other')] });
    expect(await findRequestedExecution(someoneElse.c, stack('UPDATE_COMPLETE'), await requested(someoneElse.c))).toBeUndefined();
    const nothing = await context({});
    expect(await findRequestedExecution(nothing.c, stack('UPDATE_COMPLETE'), await requested(nothing.c))).toBeUndefined();
  });
});
