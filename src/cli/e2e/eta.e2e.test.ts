/**
 * Time to go, end to end against the sandbox: a first upgrade (no history: "no estimate yet",
 * once, and no estimate), then a second one on the same deployment, which learns from the
 * first (journal through the StateStore + the stacks' events): its `eta.update` messages carry
 * remaining estimates per hop and for the run, and a resource the sandbox is told to slow down
 * (the `slow-resource` fault: a test device, not an AWS behaviour) gets one `resource.overdue`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EtaData, OverdueData } from '../../io/message-codes.js';
import { startSandbox } from '../../sandbox/index.js';
import { conn, installCredentials, runJson, setFaults, tempDir, type JsonRun } from '../test-support/harness.js';

const SPEED = 400;
/** WebFunction (a Lambda function in the Web nested stack) takes 14 s simulated, 35 ms here; slowed by 8 s real. */
const SLOW_MS = 8_000 * SPEED;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let first: JsonRun;
let second: JsonRun;

beforeAll(async () => {
  installCredentials();
  sandbox = await startSandbox({ port: 0, speed: SPEED, region: 'us-east-2', version: 'v1.25.18', seed: 7 });
  const state = tempDir();
  // Sandbox resources take milliseconds: any overrun past 1.25 × p90 by 1 s counts (default 30 s).
  const env = { PANTHERCTL_ETA_MIN_OVERRUN_MS: '1000' };
  first = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(sandbox.endpoint, state)], env);
  await setFaults(sandbox.endpoint, [{ kind: 'slow-resource', logicalId: 'WebFunction', ms: SLOW_MS, version: 'v1.27.8' }]);
  second = await runJson(['upgrade', '--to', 'v1.27.8', '--yes', ...conn(sandbox.endpoint, state)], env);
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
});

const etas = (r: JsonRun): EtaData[] => r.of('eta.update').map((e) => e.data as unknown as EtaData);

describe('time to go', () => {
  it('has no estimate on the first run of a deployment, and says so once', () => {
    expect(first.code).toBe(0);
    expect(first.of('eta.unavailable')).toHaveLength(1);
    expect(first.of('eta.unavailable')[0]).toMatchObject({ level: 'info', data: { runs: 0 } });
    expect(first.of('eta.update')).toEqual([]);
    expect(first.of('resource.overdue')).toEqual([]);
  });

  it('estimates the remaining time of the hop and the run from the earlier run, counting down', () => {
    expect(second.code).toBe(0);
    expect(second.of('eta.unavailable')).toEqual([]);
    const list = etas(second);
    // At the hop's start and at each of its role / root / build steps' starts and ends.
    expect(list.length).toBeGreaterThanOrEqual(4);
    for (const e of list) {
      expect(e.basis).toBe(1);
      expect(e.hop).toMatchObject({ index: 1, total: 1, version: 'v1.27.8', unknownSteps: [] });
      expect(e.remaining).toEqual({ p50Ms: expect.any(Number), p90Ms: expect.any(Number) });
      expect(e.hop?.remaining?.p50Ms).toBe(e.remaining?.p50Ms);
    }
    const firstEta = list[0]!;
    const lastEta = list.at(-1)!;
    expect(firstEta.remaining!.p50Ms).toBeGreaterThan(0);
    expect(lastEta.remaining!.p50Ms).toBeLessThan(firstEta.remaining!.p50Ms);
    expect(lastEta.elapsedMs).toBeGreaterThan(firstEta.elapsedMs);
    // The estimate comes right after the hop starts.
    const codes = second.events.map((e) => e.code);
    expect(codes[codes.indexOf('hop.start') + 1]).toBe('eta.update');
  });

  it('flags the slowed resource once, as running past 1.25 × its p90', () => {
    const overdue = second.of('resource.overdue');
    const web = overdue.filter((e) => (e.data as unknown as OverdueData).key === 'root.Web/WebFunction');
    expect(web).toHaveLength(1);
    const d = web[0]!.data as unknown as OverdueData;
    expect(web[0]!.level).toBe('warn');
    expect(d).toMatchObject({ logicalId: 'WebFunction', hop: 'v1.27.8' });
    expect(d.stack).toMatch(/^panther-root-Web-/);
    expect(d.elapsedMs).toBeGreaterThan(1.25 * d.p90Ms);
    expect(d.ratio).toBeGreaterThan(1.25);
    // Only what ran long: the role stack's resources and the other Lambda functions did not.
    for (const e of overdue) expect((e.data as unknown as OverdueData).key).toMatch(/^root(\.Web\/WebFunction|\/Web)$/);
  });
});
