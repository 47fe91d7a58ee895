import { describe, expect, it } from 'vitest';
import { StackCallPacer, stackKey } from './call-pacer.js';
import { FakeClock } from './test-support/fake-clock.js';

describe('StackCallPacer', () => {
  it('treats a stack id and its name as one stack', () => {
    expect(stackKey('arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/0a1b')).toBe('panther-root');
    expect(stackKey('panther-root')).toBe('panther-root');
  });

  it('spaces calls to one stack by the interval counted from the previous answer, others independently', async () => {
    const clock = new FakeClock();
    const pacer = new StackCallPacer(clock, 1000);
    const sent: { key: string; at: number }[] = [];
    const call = (ref: string, latency: number) =>
      pacer.call(ref, async () => {
        sent.push({ key: stackKey(ref), at: clock.now() });
        await clock.sleep(latency);
      });
    await Promise.all([
      call('panther-root', 300),
      call('arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/0a1b', 10),
      call('panther-root', 10),
    ]);
    await call('panther-deployment-role', 0);
    const root = sent.filter((s) => s.key === 'panther-root').map((s) => s.at);
    expect(root).toHaveLength(3);
    expect(root[1]! - root[0]!).toBeGreaterThanOrEqual(1300);
    expect(root[2]! - root[1]!).toBeGreaterThanOrEqual(1010);
    expect(pacer.readyAt('panther-deployment-role')).toBe(sent.at(-1)!.at + 1000);
  });
});
