/**
 * `fleet upgrade` / `fleet resume` / `fleet plan` over a 6-deployment sandbox fleet (one
 * process, six account-region cells), with the journals and locks in the sandbox's S3 (the
 * shared state): two waves, a failure injected in one production deployment, stopped per
 * `--failure-tolerance`, finished by `fleet resume`; and promotion: production refuses a
 * plan staging did not run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { startSandbox, type SandboxServer } from '../../sandbox/index.js';
import { loadFleetFile } from '../../fleet/file/load.js';
import type { FleetDeployment } from '../../fleet/file/types.js';
import { openS3State } from '../../deployments/state/open-s3-state.js';
import type { JournalEntry } from '../../journal/entry.js';
import { installCredentials, runJson, tempDir, type JsonEvent } from '../test-support/harness.js';
import { upgrade } from '../../deployments/upgrade/upgrade.js';
import { status } from '../../deployments/status/status.js';
import { approving, MemoryIoHost } from '../../io/messages.js';
import { isPantherctlError } from '../../errors/pantherctl-error.js';
import { LocalStateStore } from '../../journal/local-state-store.js';

vi.setConfig({ testTimeout: 240_000 });

let server: SandboxServer | undefined;

beforeAll(() => installCredentials());
afterEach(async () => {
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  await server?.close();
  server = undefined;
});

async function fleetSandbox(): Promise<{ file: string; state: string; endpoint: string; deployments: FleetDeployment[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'fleet-run-')), 'pantherctl-fleet.yml');
  server = await startSandbox({ port: 0, speed: 400, seed: 11, fleet: 6, fleetFile: file });
  process.env.AWS_SHARED_CREDENTIALS_FILE = `${file}.credentials`;
  const s3 = new S3Client({ region: 'us-east-2', endpoint: server.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AKIA111111111111SBOX', secretAccessKey: 'sandbox' } });
  await s3.send(new CreateBucketCommand({ Bucket: 'fleet-state', CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
  s3.destroy();
  return { file, state: 's3://fleet-state/team', endpoint: server.endpoint, deployments: loadFleetFile(file).deployments };
}

/** The final phase of each deployment, from the `fleet.deployment` events. */
function finalPhases(events: JsonEvent[]): Record<string, { phase: string; reasonCode?: string; earlierRun?: boolean }> {
  const out: Record<string, { phase: string; reasonCode?: string; earlierRun?: boolean }> = {};
  for (const e of events.filter((x) => x.code === 'fleet.deployment')) {
    const d = e.data as { deployment: string; phase: string; reasonCode?: string; earlierRun?: boolean };
    if (d.phase !== 'running') out[d.deployment] = { phase: d.phase, ...(d.reasonCode ? { reasonCode: d.reasonCode } : {}), ...(d.earlierRun ? { earlierRun: true } : {}) };
  }
  return out;
}

async function cellCalls(endpoint: string, d: FleetDeployment): Promise<number[]> {
  const r = (await (await fetch(`${endpoint}/_sandbox/calls?account=${d.account}&region=${d.region}`)).json()) as { calls: { service: string; action: string; time: string }[] };
  return r.calls.filter((c) => c.service === 'cloudformation' && /^(Describe|List|Get)/.test(c.action)).map((c) => Date.parse(c.time));
}

/** The most calls inside any window of 1000 ms. */
function busiestSecond(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

async function journalOf(endpoint: string, state: string, d: FleetDeployment): Promise<JournalEntry[]> {
  const opened = openS3State({ region: 'us-east-2', endpointUrl: endpoint }, state);
  try {
    return await opened.store.read({ account: d.account, region: d.region, rootStack: d.rootStack });
  } finally {
    opened.close();
  }
}

it('two waves, one failure injected: stops per --failure-tolerance, and fleet resume finishes the rest without repeating a step', async () => {
  const { file, state, endpoint, deployments } = await fleetSandbox();
  const [staging, failing, second, ...rest] = deployments as [FleetDeployment, FleetDeployment, FleetDeployment, ...FleetDeployment[]];
  // The build of the first production deployment fails once (its own account-region cell).
  const put = await fetch(`${endpoint}/_sandbox/faults?account=${failing.account}&region=${failing.region}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ faults: [{ kind: 'fail-build', reason: 'injected by the fleet e2e test', times: 1 }] }),
  });
  expect(put.status).toBe(200);

  const up = await runJson(['fleet', 'upgrade', '--to', 'v1.26.9', '--fleet', file, '--state', state, '--max-concurrent', '2', '--failure-tolerance', '0', '--yes']);
  expect(up.error).toBeUndefined();
  expect(up.code).toBe(4);
  expect(finalPhases(up.events)).toEqual({
    [staging.name]: { phase: 'done' },
    [failing.name]: { phase: 'failed', reasonCode: 'deployment-failed' },
    // Running when the failure came: it finishes.
    [second.name]: { phase: 'done' },
    ...Object.fromEntries(rest.map((d) => [d.name, { phase: 'not-started', reasonCode: 'failure-tolerance-exceeded' }])),
  });
  // Production started only after the staging wave had ended.
  const starts = up.events.filter((e) => e.code === 'fleet.deployment' && (e.data as { phase: string }).phase === 'running').map((e) => (e.data as { deployment: string }).deployment);
  expect(starts).toEqual([staging.name, failing.name, second.name]);
  const stagingDone = up.events.findIndex((e) => e.code === 'upgrade.done' && (e.data as { deployment?: string }).deployment === staging.name);
  const failingStart = up.events.findIndex((e) => e.code === 'fleet.deployment' && (e.data as { deployment: string }).deployment === failing.name);
  expect(stagingDone).toBeGreaterThan(-1);
  expect(failingStart).toBeGreaterThan(stagingDone);
  // Each deployment's own messages are tagged with it.
  const own = up.events.filter((e) => e.code === 'hop.start');
  expect(own.map((e) => (e.data as { deployment?: string }).deployment).sort()).toEqual([staging.name, failing.name, second.name].sort());
  expect(up.of('fleet.done')[0]?.data).toMatchObject({ target: 'v1.26.9', failed: [failing.name], notStarted: rest.map((d) => d.name), halted: 'failure-tolerance-exceeded' });

  // The shared journal of staging records the plan digest fleet upgrade planned for it.
  const planned = Object.fromEntries(up.of('fleet.planned').map((e) => [(e.data as { deployment: string }).deployment, (e.data as { digest: string }).digest]));
  const stagingStart = (await journalOf(endpoint, state, staging)).find((e) => e.type === 'run.start');
  expect(stagingStart).toMatchObject({ command: 'upgrade', to: 'v1.26.9', planDigest: planned[staging.name] });
  // Same hops, same templates: the whole fleet runs one plan.
  expect(new Set(Object.values(planned)).size).toBe(1);

  const resumed = await runJson(['fleet', 'resume', '--fleet', file, '--state', state, '--max-concurrent', '3']);
  expect(resumed.error).toBeUndefined();
  expect(resumed.code).toBe(0);
  expect(finalPhases(resumed.events)).toEqual({
    [staging.name]: { phase: 'done', earlierRun: true },
    [second.name]: { phase: 'done', earlierRun: true },
    [failing.name]: { phase: 'done' },
    ...Object.fromEntries(rest.map((d) => [d.name, { phase: 'done' }])),
  });
  // The failed deployment continued its own journal: no step finished before the failure ran again.
  const journal = await journalOf(endpoint, state, failing);
  const starts2 = journal.map((e, i) => (e.type === 'run.start' ? i : -1)).filter((i) => i >= 0);
  expect(starts2).toHaveLength(2);
  const stepsOf = (entries: JournalEntry[]): string[] => entries.filter((e): e is Extract<JournalEntry, { type: 'step.done' }> => e.type === 'step.done').map((e) => `${e.hop}/${e.step}`);
  const before = stepsOf(journal.slice(0, starts2[1]));
  const after = stepsOf(journal.slice(starts2[1]));
  expect(before).toEqual(expect.arrayContaining(['v1.26.9/update-role', 'v1.26.9/execute-change-set']));
  expect(after).toEqual(['v1.26.9/start-build', 'v1.26.9/verify']);
  expect(journal[starts2[1]!]).toMatchObject({ type: 'run.start', planDigest: planned[failing.name] });
  expect(journal.filter((e) => e.type === 'run.done')).toHaveLength(1);

  // The pacing: in no second did one account-region get more than 5 CloudFormation reads.
  for (const d of deployments) expect(busiestSecond(await cellCalls(endpoint, d)), d.name).toBeLessThanOrEqual(5);

  const status = await runJson(['fleet', 'status', '--fleet', file, '--state', state]);
  expect((status.document as { deployments: { version?: string }[] }).deployments.map((d) => d.version)).toEqual(deployments.map(() => 'v1.26.9'));
});

it('promotion: production refuses a plan staging did not run, and runs it once staging has', async () => {
  const { file, state, endpoint, deployments } = await fleetSandbox();
  const dir = mkdtempSync(join(tmpdir(), 'fleet-plans-'));
  const plan = join(dir, 'to-1.26.json');
  const other = join(dir, 'to-1.28.json');
  const made = await runJson(['fleet', 'plan', '--to', 'v1.26.9', '--out', plan, '--fleet', file, '--state', state]);
  expect(made.error).toBeUndefined();
  expect(made.code).toBe(0);
  expect((made.document as { deployments: unknown[] }).deployments).toHaveLength(6);
  expect((await runJson(['fleet', 'plan', '--to', 'v1.28.7', '--out', other, '--fleet', file, '--state', state])).code).toBe(0);

  // Staging has run nothing yet.
  const early = await runJson(['fleet', 'upgrade', '--plan', plan, '--wave', 'production', '--fleet', file, '--state', state, '--max-concurrent', '5', '--yes']);
  expect(early.error).toBeUndefined();
  expect(early.code).toBe(1);
  const refused = early.of('fleet.deployment').map((e) => e.data as { phase: string; reasonCode?: string; promotion?: { deployment: string; code: string }[] });
  expect(refused).toHaveLength(5);
  for (const d of refused) expect(d).toMatchObject({ phase: 'refused', reasonCode: 'requirement-not-met', promotion: [{ deployment: deployments[0]!.name, code: 'requirement-not-run' }] });
  expect(early.of('hop.start')).toHaveLength(0);

  const staged = await runJson(['fleet', 'upgrade', '--plan', plan, '--wave', 'staging', '--fleet', file, '--state', state, '--yes']);
  expect(staged.code).toBe(0);

  // Staging finished the v1.26.9 plan, not this one.
  const wrong = await runJson(['fleet', 'upgrade', '--plan', other, '--wave', 'production', '--fleet', file, '--state', state, '--max-concurrent', '5', '--yes']);
  expect(wrong.code).toBe(1);
  const otherPlan = wrong.of('fleet.deployment').map((e) => e.data as { phase: string; promotion?: { code: string }[] });
  expect(otherPlan.map((d) => [d.phase, d.promotion?.[0]?.code])).toEqual(deployments.slice(1).map(() => ['refused', 'requirement-other-plan']));
  expect(wrong.of('hop.start')).toHaveLength(0);

  const right = await runJson(['fleet', 'upgrade', '--plan', plan, '--wave', 'production', '--fleet', file, '--state', state, '--max-concurrent', '5', '--yes']);
  expect(right.error).toBeUndefined();
  expect(right.code).toBe(0);
  expect(Object.values(finalPhases(right.events)).map((p) => p.phase)).toEqual(['done', 'done', 'done', 'done', 'done']);
  for (const d of deployments.slice(1)) {
    const start = (await journalOf(endpoint, state, d)).find((e) => e.type === 'run.start');
    expect(start).toMatchObject({ to: 'v1.26.9' });
  }
});

it('wrong input: one clear error and its exit code, before any AWS call', async () => {
  const { file, state } = await fleetSandbox();
  const cases: [string[], number, string][] = [
    [['fleet', 'upgrade', '--fleet', file, '--yes'], 2, 'usage'],
    [['fleet', 'upgrade', '--to', 'v1.26.9', '--fleet', file, '--max-concurrent', '0', '--yes'], 2, 'usage'],
    [['fleet', 'upgrade', '--to', 'v1.26.9', '--fleet', file, '--failure-tolerance', '-1', '--yes'], 2, 'usage'],
    [['fleet', 'upgrade', '--to', 'v1.26.9', '--fleet', file, '--wave', 'canary', '--yes'], 2, 'unknown-wave'],
    // No terminal to ask on, and no --yes.
    [['fleet', 'upgrade', '--to', 'v1.26.9', '--fleet', file], 1, 'confirmation-required'],
    [['fleet', 'upgrade', '--plan', '/nonexistent/plan.json', '--fleet', file, '--yes'], 1, 'fleet-plan-unreadable'],
    // Nothing was started yet.
    [['fleet', 'resume', '--fleet', file, '--state', state], 1, 'nothing-to-resume'],
  ];
  for (const [args, code, error] of cases) {
    const r = await runJson(args);
    expect([args.join(' '), r.code, r.error?.code]).toEqual([args.join(' '), code, error]);
    expect(r.of('hop.start')).toHaveLength(0);
  }
});

it('a deployment whose fetched templates digest to another plan than the planned one changes nothing', async () => {
  server = await startSandbox({ port: 0, speed: 400, seed: 3, region: 'us-east-2', version: 'v1.25.18' });
  const stateDir = tempDir();
  const options = { region: 'us-east-2', endpointUrl: server.endpoint, rootStack: 'panther-root', stateDir, pollIntervalMs: 100 };
  const io = new MemoryIoHost();
  const err = await upgrade({ ...options, to: 'v1.26.9', planDigest: '0'.repeat(64), parameterChanges: [] }, approving(io)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isPantherctlError(err) && err.code).toBe('plan-digest-mismatch');
  expect(io.of('preflight.passed')).toHaveLength(1);
  expect((await status(options, io)).rootStack.version).toBe('v1.25.18');
  const account = io.of('deployment.root-stack')[0]?.data?.account ?? '';
  expect(account).toMatch(/^\d{12}$/);
  const journal = await new LocalStateStore({ stateDir }).read({ account, region: 'us-east-2', rootStack: 'panther-root' });
  expect(journal.filter((e) => e.type === 'run.start' || e.type === 'step.requested')).toHaveLength(0);
});
