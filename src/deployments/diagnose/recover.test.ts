import { describe, expect, it } from 'vitest';
import { FakeCloudFormation } from '../aws/test-support/fake-cloudformation.js';
import { FakeClock } from '../wait/test-support/fake-clock.js';
import { recoverStack } from './recover.js';

function setup(status: string): { clock: FakeClock; cf: FakeCloudFormation } {
  const clock = new FakeClock();
  const cf = new FakeCloudFormation(() => clock.now());
  const root = cf.addStack('panther-root');
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
    const journal: string[] = [];
    const r = await recoverStack({
      gateway: cf,
      stack: 'panther-root',
      skip: ['Core.LayerVersion'],
      clientRequestToken: 'recover-1',
      timeoutMs: 600_000,
      clock,
      beforeCall: () => void journal.push('before'),
    });
    expect(journal).toEqual(['before']);
    expect(cf.continueCalls).toEqual([expect.objectContaining({ resourcesToSkip: ['Core.LayerVersion'], clientRequestToken: 'recover-1' })]);
    expect(r.recovered).toBe(true);
    expect(r.finalStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
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
