import { describe, expect, it } from 'vitest';
import type { DeploymentStatus } from '../../deployments/status/status.js';
import { ExitCode } from '../../errors/pantherctl-error.js';
import { sampleFleet } from '../test-support/sample-fleet.js';
import { fleetStatusRow, fleetStatusTable, type FleetStatusInput } from './fleet-status.js';

const [staging, prodUs, prodEu] = sampleFleet().deployments;

function status(version: string, minorsBehind: number, over: Partial<DeploymentStatus> = {}): DeploymentStatus {
  return {
    rootStack: { name: 'panther-x', chosen: 'named', status: 'UPDATE_COMPLETE', version, versionSource: 'tag' },
    roleStack: { name: 'panther-deployment-role', found: true, status: 'UPDATE_COMPLETE', version },
    latestRecommended: 'v1.39.7',
    minorsBehind,
    upToDate: minorsBehind === 0 && version === 'v1.39.7',
    ...over,
  };
}

const inputs: FleetStatusInput[] = [
  {
    deployment: staging!,
    status: status('v1.39.7', 0, { lastBuild: { id: 'b1', status: 'SUCCEEDED', endTime: '2026-12-01T10:30:00.000Z' } }),
    runs: [{ run: 'r1', command: 'upgrade', startedAt: '2026-12-01T10:00:00.000Z', endedAt: '2026-12-01T10:31:12.000Z', outcome: 'done', to: 'v1.39.7', hops: ['v1.39.7'], digest: 'a'.repeat(64) }],
  },
  {
    deployment: prodUs!,
    status: status('v1.37.2', 2, { rootStack: { ...status('v1.37.2', 2).rootStack, status: 'UPDATE_ROLLBACK_COMPLETE' } }),
    runs: [{ run: 'r9', command: 'upgrade', startedAt: '2026-12-02T08:00:00.000Z', outcome: 'unfinished', to: 'v1.39.7', hops: [] }],
    lock: { holder: 'alice@laptop', command: 'fleet upgrade', since: '2026-12-02T08:00:05.000Z' },
  },
  { deployment: prodEu!, error: { code: 'credentials', message: 'The security token included in the request is expired' } },
];

describe('fleet status rows', () => {
  it('take what each deployment\'s status, journal and lock say', () => {
    const rows = inputs.map(fleetStatusRow);
    expect(rows[0]).toEqual({
      name: 'staging',
      wave: 'staging',
      account: '111111111111',
      region: 'us-east-2',
      state: 'up-to-date',
      version: 'v1.39.7',
      latest: 'v1.39.7',
      minorsBehind: 0,
      stacks: { root: { name: 'panther-x', status: 'UPDATE_COMPLETE' }, role: { name: 'panther-deployment-role', found: true, status: 'UPDATE_COMPLETE', version: 'v1.39.7' } },
      lastBuild: { status: 'SUCCEEDED', endTime: '2026-12-01T10:30:00.000Z' },
      lastRun: { command: 'upgrade', outcome: 'done', to: 'v1.39.7', startedAt: '2026-12-01T10:00:00.000Z', endedAt: '2026-12-01T10:31:12.000Z', digest: 'a'.repeat(64) },
    });
    expect(rows[1]).toMatchObject({ state: 'behind', minorsBehind: 2, lock: { holder: 'alice@laptop' } });
    expect(rows[2]).toEqual({
      name: 'prod-eu',
      wave: 'production',
      account: '222222222222',
      region: 'eu-west-1',
      state: 'unknown',
      stacks: { root: { name: 'panther-prod' }, role: { name: 'panther-deployment-role' } },
      error: { code: 'credentials', message: 'The security token included in the request is expired' },
    });
  });
});

describe('fleet status table', () => {
  it('renders every column as text with a tone, and summarises', () => {
    const table = fleetStatusTable(inputs.map(fleetStatusRow));
    expect(table.columns.map((c) => c.title)).toEqual(['DEPLOYMENT', 'WAVE', 'ACCOUNT', 'REGION', 'VERSION', 'BEHIND', 'STACKS', 'LAST RUN', 'LOCK']);
    const [a, b, c] = table.rows.map((r) => r.cells);
    expect([a!.version, a!.behind, a!.stacks, a!.lastRun, a!.lock]).toEqual([
      { text: 'v1.39.7', tone: 'ok' },
      { text: '0', tone: 'ok' },
      { text: 'root UPDATE_COMPLETE, role UPDATE_COMPLETE', tone: 'ok' },
      { text: 'upgrade to v1.39.7: done 2026-12-01 10:31', tone: 'ok' },
      { text: '-', tone: 'muted' },
    ]);
    expect([b!.version, b!.behind, b!.stacks, b!.lastRun, b!.lock]).toEqual([
      { text: 'v1.37.2', tone: 'warn' },
      { text: '2 minors', tone: 'warn' },
      { text: 'root UPDATE_ROLLBACK_COMPLETE, role UPDATE_COMPLETE', tone: 'error' },
      { text: 'upgrade to v1.39.7: unfinished, since 2026-12-02 08:00', tone: 'warn' },
      { text: 'alice@laptop (fleet upgrade, since 2026-12-02 08:00)', tone: 'warn' },
    ]);
    expect([c!.version, c!.behind, c!.stacks]).toEqual([
      { text: '?', tone: 'error' },
      { text: '?', tone: 'muted' },
      { text: 'unknown (credentials)', tone: 'error' },
    ]);
    expect(table.summary).toEqual({ deployments: 3, behind: 1, unknown: 1, locked: 1 });
    // An unreadable deployment wins: nothing can be said of it, so "behind" (10) would mislead.
    expect(table.exitCode).toBe(ExitCode.aws);
  });

  it('exits 10 when any deployment is behind (a patch counts), 0 when all are up to date', () => {
    const behindByPatch = fleetStatusRow({ deployment: staging!, status: status('v1.39.6', 0) });
    const table = fleetStatusTable([fleetStatusRow(inputs[0]!), behindByPatch]);
    expect(table.rows[1]!.cells.behind).toEqual({ text: 'patch', tone: 'warn' });
    expect(table.exitCode).toBe(ExitCode.behind);
    expect(fleetStatusTable([fleetStatusRow(inputs[0]!)]).exitCode).toBe(ExitCode.ok);
    expect(fleetStatusTable([]).exitCode).toBe(ExitCode.ok);
  });

  it('marks a missing role stack and an expired lease', () => {
    const row = fleetStatusRow({
      deployment: staging!,
      status: status('v1.39.7', 0, { roleStack: { name: 'panther-deployment-role', found: false } }),
      lock: { holder: 'ci@runner-7', command: 'upgrade', since: '2026-12-01T09:00:00.000Z', expired: true },
    });
    const cells = fleetStatusTable([row]).rows[0]!.cells;
    expect(cells.stacks).toEqual({ text: 'root UPDATE_COMPLETE, role missing', tone: 'error' });
    expect(cells.lock).toEqual({ text: 'ci@runner-7 (upgrade, lease expired)', tone: 'warn' });
  });
});
