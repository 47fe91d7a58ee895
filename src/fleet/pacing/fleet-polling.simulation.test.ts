import { describe, expect, it } from 'vitest';
import { simulate, type SimConfig, type SimResult } from './test-support/fleet-polling-sim.js';
import { maxInWindow, median } from './test-support/windows.js';

const TWENTY: SimConfig = {
  deployments: 20,
  ops: 5,
  nestedPolled: 4,
  // Root, role and twelve nested stacks each: 280 live stacks, three ListStacks pages.
  listed: 14,
  pageSize: 100,
  latencyMs: 80,
  sweep: true,
  sweepIntervalMs: 2000,
  limit: 5,
  seed: 12,
};

/** The twenty-deployment run, simulated once for the tests that read it. */
let twenty: Promise<SimResult> | undefined;
const simulateTwenty = (): Promise<SimResult> => (twenty ??= simulate(TWENTY));

describe('fleet polling (simulation)', () => {
  it('20 deployments polling one account-region stay within 5 calls in any second, and each end is noticed within 2 s (median)', async () => {
    const r = await simulateTwenty();
    expect(r.delays).toHaveLength(100);
    expect(maxInWindow(r.grants, 1000)).toBeLessThanOrEqual(5);
    // The budget is really contended: calls go out at close to the limit the whole run.
    expect(r.grants.length / (r.durationMs / 1000)).toBeGreaterThan(4.5);
    expect(median(r.delays)).toBeLessThanOrEqual(2000);
    // No end is missed for long: the sweep sees each one within a few seconds.
    expect(Math.max(...r.delays)).toBeLessThan(6000);
  });

  it('without the status sweep, the same budget leaves ends unnoticed for far longer (why the sweep exists)', async () => {
    const withSweep = await simulateTwenty();
    const without = await simulate({ ...TWENTY, sweep: false });
    expect(maxInWindow(without.grants, 1000)).toBeLessThanOrEqual(5);
    expect(median(without.delays)).toBeGreaterThan(2 * median(withSweep.delays));
  });

  it('a single deployment is not slowed by the shared pacing: its end is noticed within about a second', async () => {
    const r = await simulate({ ...TWENTY, deployments: 1, ops: 10, sweep: false });
    expect(maxInWindow(r.grants, 1000)).toBeLessThanOrEqual(5);
    expect(median(r.delays)).toBeLessThanOrEqual(1100);
  });
});
