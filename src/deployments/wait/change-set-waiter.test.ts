import { describe, expect, it } from 'vitest';
import { FakeCloudFormation } from '../aws/test-support/fake-cloudformation.js';
import { waitForChangeSet } from './change-set-waiter.js';
import { FakeClock } from './test-support/fake-clock.js';

function setup(): { clock: FakeClock; cf: FakeCloudFormation } {
  const clock = new FakeClock();
  const cf = new FakeCloudFormation(() => clock.now());
  cf.addStack('panther-root');
  return { clock, cf };
}

describe('waitForChangeSet', () => {
  it('resolves when the change set is ready', async () => {
    const { clock, cf } = setup();
    await cf.createChangeSet({ stackName: 'panther-root', changeSetName: 'cs1', parameters: [] });
    clock.after(3_000, () => {
      const cs = cf.changeSets.get('panther-root/cs1')!;
      cs.status = 'CREATE_COMPLETE';
      cs.changes = [{ action: 'Modify', logicalId: 'Core', resourceType: 'AWS::CloudFormation::Stack', replacement: 'False' }];
    });
    const r = await waitForChangeSet({ gateway: cf, stackName: 'panther-root', changeSetName: 'cs1', timeoutMs: 60_000, clock });
    expect(r.noChanges).toBe(false);
    expect(r.changeSet.changes).toHaveLength(1);
  });

  it('recognises "no changes" as not a failure', async () => {
    const { clock, cf } = setup();
    await cf.createChangeSet({ stackName: 'panther-root', changeSetName: 'cs1', parameters: [] });
    const cs = cf.changeSets.get('panther-root/cs1')!;
    cs.status = 'FAILED';
    cs.statusReason = "The submitted information didn't contain changes. Submit different information to create a change set.";
    const r = await waitForChangeSet({ gateway: cf, stackName: 'panther-root', changeSetName: 'cs1', timeoutMs: 60_000, clock });
    expect(r.noChanges).toBe(true);
  });

  it('fails with the reason otherwise', async () => {
    const { clock, cf } = setup();
    await cf.createChangeSet({ stackName: 'panther-root', changeSetName: 'cs1', parameters: [] });
    const cs = cf.changeSets.get('panther-root/cs1')!;
    cs.status = 'FAILED';
    cs.statusReason = 'Parameter CompanyDisplayName has no value';
    await expect(waitForChangeSet({ gateway: cf, stackName: 'panther-root', changeSetName: 'cs1', timeoutMs: 60_000, clock })).rejects.toMatchObject({
      code: 'change-set-failed',
      message: expect.stringContaining('CompanyDisplayName'),
    });
  });

  it('times out', async () => {
    const { clock, cf } = setup();
    await cf.createChangeSet({ stackName: 'panther-root', changeSetName: 'cs1', parameters: [] });
    await expect(waitForChangeSet({ gateway: cf, stackName: 'panther-root', changeSetName: 'cs1', timeoutMs: 5_000, clock })).rejects.toMatchObject({
      code: 'timeout',
    });
  });
});
