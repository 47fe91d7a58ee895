import { describe, expect, it } from 'vitest';
import { MemoryIoHost } from '../../io/messages.js';
import type { BuildInfo, CodeBuildGateway } from '../aws/types.js';
import { waitForBuild } from './build-waiter.js';
import { FakeClock } from './test-support/fake-clock.js';

function fakeCodeBuild(clock: FakeClock, timeline: [number, Partial<BuildInfo>][]): CodeBuildGateway & { calls: number[] } {
  const start = clock.now();
  const calls: number[] = [];
  return {
    calls,
    projectExists: async () => true,
    startBuild: async () => 'panther-pulumi:1',
    lastBuild: async () => undefined,
    getBuild: async (id) => {
      calls.push(clock.now());
      let state: BuildInfo = { id, status: 'IN_PROGRESS', phases: [] };
      for (const [at, patch] of timeline) if (clock.now() - start >= at) state = { ...state, ...patch };
      return state;
    },
  };
}

describe('waitForBuild', () => {
  it('emits each phase once and resolves with the final status', async () => {
    const clock = new FakeClock();
    const gw = fakeCodeBuild(clock, [
      [0, { currentPhase: 'SUBMITTED' }],
      [2_000, { currentPhase: 'PROVISIONING' }],
      [5_000, { currentPhase: 'BUILD' }],
      [20_000, { currentPhase: 'COMPLETED', status: 'SUCCEEDED' }],
    ]);
    const io = new MemoryIoHost();
    const r = await waitForBuild({ gateway: gw, buildId: 'panther-pulumi:1', timeoutMs: 600_000, clock, io });
    expect(r.status).toBe('SUCCEEDED');
    expect(io.messages.filter((m) => m.code === 'build.phase').map((m) => m.data?.phase)).toEqual(['SUBMITTED', 'PROVISIONING', 'BUILD', 'COMPLETED']);
    for (let i = 1; i < gw.calls.length; i++) expect(gw.calls[i]! - gw.calls[i - 1]!).toBeGreaterThanOrEqual(1000);
  });

  it('resolves FAILED without throwing (the caller decides)', async () => {
    const clock = new FakeClock();
    const gw = fakeCodeBuild(clock, [[3_000, { currentPhase: 'COMPLETED', status: 'FAILED' }]]);
    const r = await waitForBuild({ gateway: gw, buildId: 'b', timeoutMs: 600_000, clock });
    expect(r.status).toBe('FAILED');
  });

  it('is interrupted by the signal', async () => {
    const clock = new FakeClock();
    const gw = fakeCodeBuild(clock, []);
    const ac = new AbortController();
    clock.after(2_500, () => ac.abort());
    await expect(waitForBuild({ gateway: gw, buildId: 'b', timeoutMs: 600_000, clock, signal: ac.signal })).rejects.toMatchObject({
      code: 'interrupted',
      hint: expect.stringContaining('pantherctl resume'),
    });
  });
});
