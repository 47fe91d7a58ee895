import { describe, expect, it } from 'vitest';
import { FakeCloudFormation } from '../aws/test-support/fake-cloudformation.js';
import { MemoryIoHost } from '../../io/messages.js';
import { FakeClock } from '../wait/test-support/fake-clock.js';
import { recoverStack } from './recover.js';

function setup(status: string): { clock: FakeClock; cf: FakeCloudFormation } {
  const clock = new FakeClock();
  const cf = new FakeCloudFormation(() => clock.now());
  const root = cf.addStack('panther-root');
  const core = cf.addStack('panther-root-Core-1ABC', 'UPDATE_ROLLBACK_FAILED', { parentId: root.summary.stackId, rootId: root.summary.stackId });
  root.resources.push(
    { logicalId: 'Core', physicalId: core.summary.stackId, resourceType: 'AWS::CloudFormation::Stack', status: 'UPDATE_FAILED' },
    { logicalId: 'FunctionRole', physicalId: 'panther-root-functions', resourceType: 'AWS::IAM::Role', status: 'UPDATE_COMPLETE' },
  );
  cf.event(root, 'panther-root', 'UPDATE_IN_PROGRESS');
  cf.event(root, 'panther-root', status);
  clock.advance(1_000);
  cf.onContinueUpdateRollback = (input) => {
    clock.after(500, () => cf.event(root, 'panther-root', 'UPDATE_ROLLBACK_IN_PROGRESS', { clientRequestToken: input.clientRequestToken! }));
    clock.after(6_000, () => cf.event(root, 'panther-root', 'UPDATE_ROLLBACK_COMPLETE', { clientRequestToken: input.clientRequestToken! }));
  };
  return { clock, cf };
}

describe('recoverStack', () => {
  it('continues the rollback with the resources to skip, then waits for it', async () => {
    const { clock, cf } = setup('UPDATE_ROLLBACK_FAILED');
    const journal: string[][] = [];
    const r = await recoverStack({
      gateway: cf,
      stack: 'panther-root',
      skip: ['panther-root-Core-1ABC.LayerVersion', 'Bucket'],
      clientRequestToken: 'recover-1',
      timeoutMs: 600_000,
      clock,
      beforeCall: ({ resourcesToSkip }) => void journal.push(resourcesToSkip),
    });
    // Names as ResourcesToSkip takes them go as given.
    expect(journal).toEqual([['panther-root-Core-1ABC.LayerVersion', 'Bucket']]);
    expect(cf.continueCalls).toEqual([expect.objectContaining({ resourcesToSkip: ['panther-root-Core-1ABC.LayerVersion', 'Bucket'], clientRequestToken: 'recover-1' })]);
    expect(r.recovered).toBe(true);
    expect(r.finalStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  // ResourcesToSkip names a nested resource `NestedStackName.ResourceLogicalID`, with the
  // child stack's name from its stack id (botocore ContinueUpdateRollback; User Guide,
  // using-cfn-updating-stacks-continueupdaterollback.md).
  it('translates a logical-id path through the live nested stack and says what it sent', async () => {
    const { clock, cf } = setup('UPDATE_ROLLBACK_FAILED');
    const io = new MemoryIoHost();
    const r = await recoverStack({ gateway: cf, stack: 'panther-root', skip: ['Core.LayerVersion'], clientRequestToken: 't', timeoutMs: 600_000, clock, io });
    expect(cf.continueCalls[0]?.resourcesToSkip).toEqual(['panther-root-Core-1ABC.LayerVersion']);
    expect(r.resourcesToSkip).toEqual(['panther-root-Core-1ABC.LayerVersion']);
    expect(io.messages.find((m) => m.code === 'recover.skip-translated')?.data).toEqual({ given: 'Core.LayerVersion', sent: 'panther-root-Core-1ABC.LayerVersion' });
  });

  it('refuses a logical-id path through something that is not a nested stack, before any mutating call', async () => {
    const { clock, cf } = setup('UPDATE_ROLLBACK_FAILED');
    const err = await recoverStack({ gateway: cf, stack: 'panther-root', skip: ['FunctionRole.Policy'], clientRequestToken: 't', timeoutMs: 60_000, clock }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'skip-not-found', meta: { logicalId: 'FunctionRole' } });
    expect(cf.continueCalls).toHaveLength(0);
  });

  it('continues the rollback of the root stack when given a nested one', async () => {
    const { clock, cf } = setup('UPDATE_ROLLBACK_FAILED');
    const io = new MemoryIoHost();
    await recoverStack({ gateway: cf, stack: 'panther-root-Core-1ABC', clientRequestToken: 't', timeoutMs: 600_000, clock, io });
    expect(cf.continueCalls[0]?.stackName).toMatch(/stack\/panther-root\//);
    expect(io.codes()).toContain('recover.root-stack');
  });

  it.each(['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'ROLLBACK_COMPLETE'])('refuses from %s, saying why', async (status) => {
    const { clock, cf } = setup(status);
    const err = await recoverStack({ gateway: cf, stack: 'panther-root', clientRequestToken: 't', timeoutMs: 60_000, clock }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'recover-not-needed', source: 'user' });
    expect(String((err as Error).message)).toContain(status);
    expect(cf.continueCalls).toHaveLength(0);
  });

  it('rejects a malformed --skip value before any call', async () => {
    const { clock, cf } = setup('UPDATE_ROLLBACK_FAILED');
    await expect(
      recoverStack({ gateway: cf, stack: 'panther-root', skip: ['Core/Fn'], clientRequestToken: 't', timeoutMs: 60_000, clock }),
    ).rejects.toMatchObject({ code: 'usage' });
    expect(cf.calls).toHaveLength(0);
  });
});
