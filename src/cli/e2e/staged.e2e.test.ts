/**
 * End-to-end scenarios of issue 5 item 6: `deploy`, `configure` and `params diff` against an
 * in-process sandbox over HTTP (real SDK, real wire protocols), at high speed with fast
 * polling so the file runs in seconds.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PantherctlError, isPantherctlError } from '../../errors/pantherctl-error.js';
import { approving, MemoryIoHost, type AnyMessage, type IoHost } from '../../io/messages.js';
import { readJournal } from '../../journal/journal.js';
import { startSandbox } from '../../sandbox/index.js';
import { loadExecutorDeps } from '../../deployments/deps/load-executor-deps.js';
import { clearFaults, installCredentials, runCli, runJson, sandboxCalls, setFaults, tempDir, type SandboxCall } from '../test-support/harness.js';
import type { ExecutorDeps } from '../../deployments/deps/executor-deps.js';
import { configure, paramsDiff, type ConfigureOptions } from '../../deployments/configure/configure.js';
import { deploy, type DeployOptions } from '../../deployments/configure/deploy.js';
import { resume, type ResumeResult } from '../../deployments/upgrade/upgrade.js';

const SPEED = 400;
const VERSION = 'v1.28.7';
const CANARY = 'canary-secret-5b7e1f';
type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandboxes: Sandbox[] = [];
let closers: (() => void)[] = [];

async function sandbox(extra: Record<string, unknown> = {}): Promise<string> {
  const sb = await startSandbox({ port: 0, speed: SPEED, region: 'us-east-2', version: VERSION, seed: 11, ...extra } as Parameters<typeof startSandbox>[0]);
  sandboxes.push(sb);
  return sb.endpoint;
}

function depsFor(endpoint: string): ExecutorDeps {
  const deps = loadExecutorDeps({ region: 'us-east-2', endpointUrl: endpoint }, { pollIntervalMs: 50 });
  closers.push(() => deps.close());
  return deps;
}

beforeAll(() => installCredentials());
afterEach(async () => {
  for (const close of closers) close();
  closers = [];
  await Promise.all(sandboxes.map((s) => s.close()));
  sandboxes = [];
});

/** A full parameter file: required, first-deploy-safe, and later values in several groups. */
const FULL: Record<string, string> = {
  FirstUserEmail: 'admin@example.com',
  PulumiSecretArn: 'arn:aws:secretsmanager:us-east-2:123456789012:secret:pulumi-token',
  PulumiSecretKeyArn: 'arn:aws:secretsmanager:us-east-2:123456789012:secret:pulumi-key',
  OnboardSelf: 'false',
  SentryEnvironment: '',
  DataLakeForwarderMemory: '512',
  SnapshotScanWindowMinutes: '15',
  EnableReports: 'true',
  EnableAlertAssignees: 'true',
  DatadogEnabled: 'true',
  DatadogAPIKey: CANARY,
  SnowflakeRBACSecretARN: 'arn:aws:secretsmanager:us-east-2:123456789012:secret:snowflake-rbac',
};

function writeParams(dir: string, values: Record<string, string>, name = 'params.yml'): string {
  const file = join(dir, name);
  writeFileSync(file, Object.entries(values).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n') + '\n');
  return file;
}

/** The deployment as the core API takes it: the sandbox, through the gateways of `depsFor`. */
function at(deps: ExecutorDeps, state: string): { region: string; rootStack: string; roleStack: string; stateDir: string; timeoutMs: number; deps: ExecutorDeps } {
  return { region: 'us-east-2', rootStack: 'panther-root', roleStack: 'panther-deployment-role', stateDir: state, timeoutMs: 60_000, deps };
}

function deployOptions(deps: ExecutorDeps, state: string, file: string, extra: Partial<DeployOptions> = {}): DeployOptions {
  return { ...at(deps, state), version: VERSION, paramsFile: file, ...extra };
}

function configureOptions(deps: ExecutorDeps, state: string, file: string, extra: Partial<ConfigureOptions> = {}): ConfigureOptions {
  return { ...at(deps, state), paramsFile: file, ...extra };
}

/** A host that confirms, as `--yes` does: the staged runs ask once (`deploy.confirm`, `configure.confirm`). */
const yes = (io: IoHost): IoHost => approving(io);

/** The staged part of `resume`'s result. */
function staged(r: ResumeResult): unknown {
  return r.command === 'upgrade' ? r.upgrade : r.staged;
}

async function liveParameters(deps: ExecutorDeps, stack = 'panther-root'): Promise<Record<string, string>> {
  const s = await deps.cloudFormation.describeStack(stack);
  return Object.fromEntries((s?.parameters ?? []).map((p) => [p.key, p.value]));
}

const okCalls = (calls: SandboxCall[], action: string, stack?: string): SandboxCall[] =>
  calls.filter((c) => c.action === action && c.outcome === 'ok' && (stack === undefined || (c.stack ?? '').includes(stack)));

function everything(io: MemoryIoHost, dir: string): string {
  const files = readdirSync(join(dir, 'journal')).map((f) => readFileSync(join(dir, 'journal', f), 'utf8'));
  return JSON.stringify(io.messages) + files.join('\n');
}

/** An IoHost that also runs `hook` on every message (to act at a precise point of a run). */
function hooked(io: MemoryIoHost, hook: (m: AnyMessage) => void): IoHost {
  return { notify: (m) => (io.notify(m), hook(m)), requestResponse: (q) => io.requestResponse(q) };
}

async function expectFailure(p: Promise<unknown>): Promise<PantherctlError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PantherctlError);
    return err as PantherctlError;
  }
  throw new Error('expected a failure');
}

describe('pantherctl deploy against an empty sandbox', () => {
  it('creates with the safe minimum, then applies every other value in staged updates', async () => {
    const endpoint = await sandbox({ empty: true });
    const deps = depsFor(endpoint);
    const state = tempDir();
    const file = writeParams(state, FULL);
    const io = new MemoryIoHost();
    const result = await deploy(deployOptions(deps, state, file), yes(io));

    expect(result.created).toEqual(['FirstUserEmail', 'PulumiSecretArn', 'PulumiSecretKeyArn', 'OnboardSelf', 'SentryEnvironment']);
    expect(result.stagesApplied.length).toBeGreaterThanOrEqual(3);
    const live = await liveParameters(deps);
    for (const [k, v] of Object.entries(FULL)) expect(live[k], k).toBe(k === 'DatadogAPIKey' ? '****' : v);
    expect((await deps.cloudFormation.describeStack('panther-root'))?.tags.PantherVersion).toBe(VERSION);
    expect((await deps.cloudFormation.describeStack('panther-deployment-role'))?.tags.PantherVersion).toBe(VERSION);

    // The call log: role created, root created, then one executed change set per stage.
    const calls = await sandboxCalls(endpoint);
    const roleCreate = okCalls(calls, 'CreateStack', 'panther-deployment-role');
    const rootCreate = okCalls(calls, 'CreateStack', 'panther-root');
    const execs = okCalls(calls, 'ExecuteChangeSet');
    expect(roleCreate).toHaveLength(1);
    expect(rootCreate).toHaveLength(1);
    expect(roleCreate[0]!.seq).toBeLessThan(rootCreate[0]!.seq);
    expect(execs).toHaveLength(result.stagesApplied.length);
    expect(execs.every((e) => e.seq > rootCreate[0]!.seq)).toBe(true);
    expect(okCalls(calls, 'UpdateStack', 'panther-root')).toHaveLength(0);
    // The root stack brings the panther-pulumi project; it is built after the create and once after the stages.
    const builds = okCalls(calls, 'StartBuild');
    expect(builds).toHaveLength(2);
    expect(builds[0]!.seq).toBeGreaterThan(rootCreate[0]!.seq);
    expect(builds[1]!.seq).toBeGreaterThan(execs.at(-1)!.seq);
    expect(io.codes()).not.toContain('build.no-project');

    // The snowflake stage (risky) went on its own, last.
    const plan = io.messages.find((m) => m.code === 'deploy.plan')!.data as { stages: { groups: string[]; parameters: string[] }[] };
    expect(plan.stages.at(-1)).toMatchObject({ groups: ['snowflake'], parameters: ['SnowflakeRBACSecretARN'] });
    expect(everything(io, state)).not.toContain(CANARY);

    // Nothing left to do: params diff agrees (the secret cannot be compared and does not count).
    const diffIo = new MemoryIoHost();
    expect((await paramsDiff({ ...at(deps, state), paramsFile: file }, diffIo)).different).toBe(false);
    expect(diffIo.of('params.diff').map((m) => m.data)).toContainEqual({ key: 'DatadogAPIKey', change: 'cannot-compare', from: '****', to: '****', secret: true });
  });

  it('refuses a root stack name without panther-, saying why', async () => {
    const state = tempDir();
    const file = writeParams(state, FULL);
    const r = await runJson(['deploy', '--version', VERSION, '--root-stack', 'prod-root', '--params', file, '--yes', '--region', 'us-east-2', '--endpoint-url', 'http://127.0.0.1:9', '--state-dir', state]);
    expect(r.code).toBe(1);
    expect(r.error).toMatchObject({ code: 'root-stack-name', rootStack: 'prod-root' });
    expect(r.error?.hint).toContain('panther-*');
  });

  it('a failure in stage 2 leaves stage 1 live and stage 2 rolled back, names its parameters and root cause, and stops', async () => {
    const endpoint = await sandbox({ empty: true });
    const deps = depsFor(endpoint);
    const state = tempDir();
    const file = writeParams(state, FULL);
    const io = new MemoryIoHost();
    let armed: Promise<void> | undefined;
    const host = hooked(io, (m) => {
      // Armed once the create is done: stage 1 (tuning) only touches the LogAnalysis nested
      // stack, stage 2 (features) is the first to touch Core, where the fault waits.
      if (m.code === 'deploy.created') {
        armed = setFaults(endpoint, [{ kind: 'fail-resource', stack: 'panther-root', logicalId: 'Core', reason: 'injected: stage 2 breaks' }]);
      }
    });
    const err = await expectFailure(deploy(deployOptions(deps, state, file), yes(host)));
    await armed;
    expect(err.code).toBe('stage-failed');
    expect(err.exitCode).toBe(4);
    const plan = io.messages.find((m) => m.code === 'deploy.plan')!.data as { stages: { parameters: string[] }[] };
    const [stage1, stage2] = [plan.stages[0]!.parameters, plan.stages[1]!.parameters];
    expect(err.meta).toMatchObject({ stage: 2, parameters: stage2 });
    expect(isPantherctlError(err, 'stage-failed') && err.meta.rootCause).toMatchObject({ reason: 'injected: stage 2 breaks', logicalId: expect.any(String) });
    expect(io.of('stage.failed')[0]?.data).toMatchObject({ stage: 2, parameters: stage2, finalStatus: 'UPDATE_ROLLBACK_COMPLETE', rootCause: { reason: 'injected: stage 2 breaks' } });

    const root = await deps.cloudFormation.describeStack('panther-root');
    expect(root?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const live = await liveParameters(deps);
    for (const k of stage1) expect(live[k], k).toBe(k === 'DatadogAPIKey' ? '****' : FULL[k]);
    for (const k of stage2) expect(live[k], k).not.toBe(FULL[k]);
    // Stopped: no stage after 2 was tried.
    expect(okCalls(await sandboxCalls(endpoint), 'ExecuteChangeSet')).toHaveLength(2);
    const journal = readJournal(join(state, 'journal', readdirSync(join(state, 'journal')).find((f) => f.endsWith('.ndjson'))!));
    expect(journal.find((e) => e.type === 'step.failed')).toMatchObject({ hop: 'stage-2', step: 'execute-change-set' });
    expect(journal.at(-1)?.type).toBe('run.failed');

    // Fixed: configure with the same file applies what is left, stage 1 is not repeated.
    await clearFaults(endpoint);
    const again = new MemoryIoHost();
    const done = await configure(configureOptions(deps, state, file), yes(again));
    expect(done.changed).toBe(true);
    const applied = done.stages.flatMap((s) => s.parameters);
    for (const k of stage1) if (k !== 'DatadogAPIKey') expect(applied).not.toContain(k);
    const after = await liveParameters(deps);
    for (const [k, v] of Object.entries(FULL)) expect(after[k], k).toBe(k === 'DatadogAPIKey' ? '****' : v);
  });
});

describe('a failed first deploy', () => {
  it('shows the root cause, is left untouched, and --replace-failed deletes and creates it again', async () => {
    const endpoint = await sandbox({ empty: true });
    const deps = depsFor(endpoint);
    const state = tempDir();
    const file = writeParams(state, FULL);
    await setFaults(endpoint, [{ kind: 'fail-resource', stack: 'panther-root', version: VERSION, reason: 'injected: first deploy breaks' }]);
    const io = new MemoryIoHost();
    const failed = await expectFailure(deploy(deployOptions(deps, state, file), yes(io)));
    expect(failed.code).toBe('first-deploy-failed');
    expect(failed.exitCode).toBe(4);
    expect(isPantherctlError(failed, 'first-deploy-failed') && failed.meta).toMatchObject({ rootStack: 'panther-root', finalStatus: 'ROLLBACK_COMPLETE', rootCause: { reason: 'injected: first deploy breaks' } });
    expect(io.of('deploy.create-failed')[0]?.data).toMatchObject({ stack: 'panther-root', finalStatus: 'ROLLBACK_COMPLETE', rootCause: { reason: 'injected: first deploy breaks' } });
    expect((await deps.cloudFormation.describeStack('panther-root'))?.status).toBe('ROLLBACK_COMPLETE');

    // Without --replace-failed: refused, the root cause shown again, nothing deleted.
    const refusedIo = new MemoryIoHost();
    const refused = await expectFailure(deploy(deployOptions(deps, state, file), yes(refusedIo)));
    expect(refused.code).toBe('failed-first-deploy');
    expect(refused.exitCode).toBe(1);
    expect(refusedIo.of('deploy.root-cause')[0]?.data?.rootCause).toMatchObject({ reason: 'injected: first deploy breaks' });
    expect(isPantherctlError(refused, 'failed-first-deploy') && refused.meta).toMatchObject({ rootStack: 'panther-root', status: 'ROLLBACK_COMPLETE', rootCause: { reason: 'injected: first deploy breaks' } });
    expect(okCalls(await sandboxCalls(endpoint), 'DeleteStack')).toHaveLength(0);
    expect((await deps.cloudFormation.describeStack('panther-root'))?.status).toBe('ROLLBACK_COMPLETE');

    // With it: deleted (waited on), created again, then staged as usual.
    const io2 = new MemoryIoHost();
    const result = await deploy(deployOptions(deps, state, file, { replaceFailed: true }), yes(io2));
    expect(result.stagesApplied.length).toBeGreaterThan(0);
    const calls = await sandboxCalls(endpoint);
    const del = okCalls(calls, 'DeleteStack', 'panther-root');
    const creates = okCalls(calls, 'CreateStack', 'panther-root');
    expect(del).toHaveLength(1);
    expect(creates).toHaveLength(2);
    expect(del[0]!.seq).toBeLessThan(creates[1]!.seq);
    expect((await deps.cloudFormation.describeStack('panther-root'))?.status).toMatch(/^UPDATE_COMPLETE$/);
  });
});

describe('pantherctl configure on a deployed sandbox', () => {
  it('shows a changed secret masked and applies it', async () => {
    const endpoint = await sandbox();
    const deps = depsFor(endpoint);
    const state = tempDir();
    const file = writeParams(state, { DatadogAPIKey: CANARY, EnableReports: 'true' });
    const io = new MemoryIoHost();
    const result = await configure(configureOptions(deps, state, file), yes(io));
    expect(result.changed).toBe(true);
    const rows = io.of('params.diff').map((m) => m.data);
    expect(rows).toContainEqual({ key: 'DatadogAPIKey', change: 'cannot-compare', from: '****', to: '****', secret: true });
    expect(rows).toContainEqual({ key: 'EnableReports', change: 'changed', from: 'false', to: 'true', secret: false });
    expect(everything(io, state)).not.toContain(CANARY);
    expect((await liveParameters(deps)).EnableReports).toBe('true');
    // The seeded deployment has the panther-pulumi project: one build after the stages.
    expect(okCalls(await sandboxCalls(endpoint), 'StartBuild')).toHaveLength(1);

    // The secret is live: sending it again is a change set without changes.
    const again = new MemoryIoHost();
    const second = await configure(configureOptions(deps, state, file), yes(again));
    expect(second.stagesUnchanged).toEqual([1]);
    expect(again.codes()).toContain('stage.no-changes');
  });

  it('a file equal to the live stack changes nothing and says so; params diff exits 0, then 1', async () => {
    const endpoint = await sandbox();
    const deps = depsFor(endpoint);
    const state = tempDir();
    const live = await liveParameters(deps);
    const same = Object.fromEntries(Object.entries(live).filter(([k, v]) => v !== '****' && ['EnableReports', 'DataLakeForwarderMemory', 'FirstUserEmail'].includes(k)));
    const file = writeParams(state, same);
    const before = (await sandboxCalls(endpoint)).length;
    const io = new MemoryIoHost();
    const result = await configure(configureOptions(deps, state, file), yes(io));
    expect(result.changed).toBe(false);
    expect(io.messages.at(-1)).toMatchObject({ level: 'result', code: 'configure.no-changes', data: { rootStack: 'panther-root' } });
    expect(io.codes().filter((c) => c.startsWith('stage.'))).toEqual([]);
    const mutations = (await sandboxCalls(endpoint)).slice(before).filter((c) => /^(Create|Update|Execute|Delete|Start)/.test(c.action));
    expect(mutations).toEqual([]);

    const conn = ['--endpoint-url', endpoint, '--region', 'us-east-2', '--root-stack', 'panther-root', '--state-dir', state];
    const equal = await runJson(['params', 'diff', '--params', file, ...conn]);
    expect(equal.code).toBe(0);
    expect(equal.document).toMatchObject({ equal: true, differences: [] });
    const changed = writeParams(state, { ...same, DataLakeForwarderMemory: '1024', Segment: CANARY }, 'changed.yml');
    const differ = await runJson(['params', 'diff', '--params', changed, ...conn]);
    expect(differ.code).toBe(1);
    expect(differ.document?.differences).toContainEqual({ parameter: 'DataLakeForwarderMemory', change: 'changed', from: live.DataLakeForwarderMemory, to: '1024', secret: false });
    expect(differ.document?.secretsNotCompared).toEqual(['Segment']);
    expect(differ.stdout + differ.stderr).not.toContain(CANARY);
    // The same without --json: the rows as text (their wording is the renderer tests' business), exit 1.
    const text = await runCli(['params', 'diff', '--params', changed, ...conn]);
    expect(text.code).toBe(1);
    expect(text.stdout + text.stderr).not.toContain(CANARY);
  });

  it('resume continues an interrupted configure without repeating a finished stage', async () => {
    const endpoint = await sandbox();
    const deps = depsFor(endpoint);
    const state = tempDir();
    await configureStoppedInStage2(deps, state);
    const resumed = new MemoryIoHost();
    const result = staged(await resume(at(deps, state), resumed));
    expect(result).toMatchObject({ changed: true });
    expect(resumed.codes()).toContain('stage.skip');
    const execs = okCalls(await sandboxCalls(endpoint), 'ExecuteChangeSet');
    expect(execs).toHaveLength(3);
    const live = await liveParameters(deps);
    expect([live.DataLakeForwarderMemory, live.EnableReports, live.DatadogEnabled]).toEqual(['768', 'true', 'true']);
    // Resuming a finished run says so.
    expect(await resume(at(deps, state), new MemoryIoHost())).toEqual({ command: 'configure', staged: { alreadyDone: true } });
  });

  it('`pantherctl resume` on the command line continues an interrupted configure, not an upgrade', async () => {
    const endpoint = await sandbox();
    const deps = depsFor(endpoint);
    const state = tempDir();
    await configureStoppedInStage2(deps, state);

    const conn = ['--endpoint-url', endpoint, '--region', 'us-east-2', '--root-stack', 'panther-root', '--state-dir', state];
    const r = await runCli(['resume', '--json', ...conn]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const codes = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { code: string }).code);
    expect(codes).toContain('resume.start');
    expect(codes).toContain('stage.skip');
    expect(codes.at(-1)).toBe('configure.done');
    expect(codes.some((c) => c.startsWith('upgrade.') || c.startsWith('preflight.'))).toBe(false);
    expect(okCalls(await sandboxCalls(endpoint), 'ExecuteChangeSet')).toHaveLength(3);
    const live = await liveParameters(deps);
    expect([live.DataLakeForwarderMemory, live.EnableReports, live.DatadogEnabled]).toEqual(['768', 'true', 'true']);
    // Run again, resume says the configure already finished (it is not handed to the upgrade executor).
    const again = await runJson(['resume', ...conn]);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.events.map((e) => e.code)).toEqual(['resume.already-done']);
    expect(again.events[0]?.data).toEqual({ command: 'configure' });
  });
});

/** A `configure` of three staged values, stopped by Ctrl-C while stage 2 is being applied (exit 5). */
async function configureStoppedInStage2(deps: ExecutorDeps, state: string): Promise<void> {
  const file = writeParams(state, { DataLakeForwarderMemory: '768', EnableReports: 'true', DatadogEnabled: 'true' });
  const controller = new AbortController();
  const io = new MemoryIoHost();
  const host = hooked(io, (m) => {
    if (m.code === 'stack.event' && io.messages.some((x) => x.code === 'stage.start' && (x.data as { stage: number }).stage === 2)) controller.abort();
  });
  expect((await expectFailure(configure(configureOptions(deps, state, file, { signal: controller.signal }), yes(host)))).exitCode).toBe(5);
}

describe('resuming a deploy', () => {
  it('after Ctrl-C during the create, waits for that create (never a second one) and finishes the stages', async () => {
    const endpoint = await sandbox({ empty: true });
    const deps = depsFor(endpoint);
    const state = tempDir();
    const file = writeParams(state, FULL);
    const controller = new AbortController();
    const io = new MemoryIoHost();
    const host = hooked(io, (m) => {
      if (m.code === 'stack.event' && io.codes().includes('deploy.create')) controller.abort();
    });
    const stopped = await expectFailure(deploy(deployOptions(deps, state, file, { signal: controller.signal }), yes(host)));
    expect(stopped.exitCode).toBe(5);
    const result = staged(await resume(at(deps, state), new MemoryIoHost()));
    expect(result).toMatchObject({ rootStack: 'panther-root' });
    const calls = await sandboxCalls(endpoint);
    expect(okCalls(calls, 'CreateStack', 'panther-root')).toHaveLength(1);
    const live = await liveParameters(deps);
    for (const [k, v] of Object.entries(FULL)) expect(live[k], k).toBe(k === 'DatadogAPIKey' ? '****' : v);
  });
});

describe('the command line', () => {
  it('deploy as the issue runs it: --yes --json, exit 0, numbered NDJSON events ending in deploy.done', async () => {
    const endpoint = await sandbox({ empty: true });
    const state = tempDir();
    const file = writeParams(state, { ...FULL, Segment: CANARY });
    const conn = ['--endpoint-url', endpoint, '--region', 'us-east-2', '--state-dir', state];
    const r = await runCli(['deploy', '--version', VERSION, '--root-stack', 'panther-root', '--params', file, '--yes', '--json', ...conn], { PANTHERCTL_POLL_INTERVAL_MS: '50' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; code: string });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.code).toBe('deploy.done');
    expect(r.stdout).not.toContain(CANARY);
    // Drift check afterwards: equal.
    const diff = await runCli(['params', 'diff', '--params', file, '--root-stack', 'panther-root', ...conn]);
    expect(diff.code).toBe(0);
  });

  it('refuses to change anything without --yes and without a terminal', async () => {
    const state = tempDir();
    const file = writeParams(state, { EnableReports: 'true' });
    const r = await runJson(['configure', '--params', file, '--root-stack', 'panther-root', '--region', 'us-east-2', '--endpoint-url', 'http://127.0.0.1:9', '--state-dir', state]);
    expect(r.code).toBe(1);
    expect(r.error?.code).toBe('confirmation-required');
    expect(r.events).toEqual([]);
  });

  it('refuses --stage-size with --single-update, naming both', async () => {
    const state = tempDir();
    const file = writeParams(state, { EnableReports: 'true' });
    const r = await runJson(['configure', '--params', file, '--yes', '--stage-size', '2', '--single-update', '--region', 'us-east-2', '--state-dir', state]);
    expect(r.code).toBe(2);
    expect(r.error?.code).toBe('usage');
    // Option errors name the options they are about.
    expect(r.error?.message).toContain('--stage-size');
    expect(r.error?.message).toContain('--single-update');
  });
});

const MUTATING = /^(Create|Update|Execute|Delete|Start|Stop|Continue|Cancel|Put|Set)/;

describe('bad input is refused before any AWS call (review of issue 5)', () => {
  it('deploy refuses a version the catalog does not list and an invalid stack name: exit 1, one line, no mutating call', async () => {
    const endpoint = await sandbox({ empty: true });
    const state = tempDir();
    const file = writeParams(state, FULL);
    const conn = ['--params', file, '--yes', '--endpoint-url', endpoint, '--region', 'us-east-2', '--state-dir', state];

    const unlisted = await runCli(['deploy', '--version', 'v9.1.1', '--root-stack', 'panther-x', ...conn]);
    expect(unlisted.code).toBe(1);
    expect(unlisted.stdout).toBe('');
    expect(unlisted.stderr.trim().split('\n')).toHaveLength(1);
    const unlistedJson = await runJson(['deploy', '--version', 'v9.1.1', '--root-stack', 'panther-x', ...conn]);
    expect(unlistedJson.error).toMatchObject({ code: 'unlisted-version', version: 'v9.1.1', catalog: 'embedded' });
    expect(unlistedJson.error?.hint).toContain('--allow-unlisted');

    const badName = await runCli(['deploy', '--version', VERSION, '--root-stack', 'panther-bad_name!', ...conn]);
    expect(badName.code).toBe(1);
    expect(badName.stdout).toBe('');
    expect(badName.stderr.trim().split('\n')).toHaveLength(1);
    expect((await runJson(['deploy', '--version', VERSION, '--root-stack', 'panther-bad_name!', ...conn])).error).toMatchObject({ code: 'invalid-stack-name', stack: 'panther-bad_name!' });

    const invalid = writeParams(state, { ...FULL, EnableReports: 'yes' }, 'invalid.yml');
    const badFile = await runJson(['deploy', '--version', VERSION, '--root-stack', 'panther-root', ...conn.slice(2), '--params', invalid]);
    expect(badFile.code).toBe(1);
    expect(badFile.error).toMatchObject({ code: 'invalid-parameters', errors: 1 });
    expect(badFile.error?.issues).toContainEqual(expect.objectContaining({ parameter: 'EnableReports', code: 'not-allowed-value', severity: 'error', where: expect.stringMatching(/invalid\.yml:\d+:\d+$/) }));

    // Not one call reached the sandbox, mutating or not.
    const calls = await sandboxCalls(endpoint);
    expect(calls.filter((c) => MUTATING.test(c.action))).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('deploy --allow-unlisted goes past the catalog check (the template is then missing: no stack is created)', async () => {
    const endpoint = await sandbox({ empty: true });
    const state = tempDir();
    const file = writeParams(state, FULL);
    const r = await runJson(['deploy', '--version', 'v9.1.1', '--root-stack', 'panther-x', '--allow-unlisted', '--params', file, '--yes', '--endpoint-url', endpoint, '--region', 'us-east-2', '--state-dir', state]);
    expect(r.code).toBe(3);
    expect(r.error).toMatchObject({ code: 'template-not-found', key: 'v9.1.1/panther.yml' });
    expect(r.of('deploy.version-warning').map((e) => e.data)).toEqual([{ version: 'v9.1.1' }]);
    expect((await sandboxCalls(endpoint)).filter((c) => MUTATING.test(c.action))).toEqual([]);
  });

  it('configure judges DatadogEnabled against the live values: clearing the only key is refused before any change', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const file = writeParams(state, { DatadogEnabled: 'true', DatadogAPIKey: '' });
    const before = (await sandboxCalls(endpoint)).length;
    const r = await runJson(['configure', '--params', file, '--yes', '--root-stack', 'panther-root', '--endpoint-url', endpoint, '--region', 'us-east-2', '--state-dir', state]);
    expect(r.code).toBe(1);
    expect(r.of('params.issue').map((e) => e.data)).toContainEqual({ severity: 'error', parameter: 'DatadogEnabled', code: 'datadog-no-key' });
    expect(r.error).toMatchObject({ code: 'invalid-parameters', errors: 1 });
    expect((await sandboxCalls(endpoint)).slice(before).filter((c) => MUTATING.test(c.action))).toEqual([]);
  });
});

describe('params diff for CI (review of issue 5)', () => {
  it('--json prints one JSON document, secrets masked; exit 0 equal, 1 different', async () => {
    const endpoint = await sandbox();
    const deps = depsFor(endpoint);
    const state = tempDir();
    const live = await liveParameters(deps);
    const conn = ['--json', '--endpoint-url', endpoint, '--region', 'us-east-2', '--root-stack', 'panther-root', '--state-dir', state];

    const same = writeParams(state, { EnableReports: live.EnableReports!, DatadogAPIKey: CANARY });
    const equal = await runCli(['params', 'diff', '--params', same, ...conn]);
    expect(equal.code).toBe(0);
    expect(equal.stderr).toBe('');
    expect(equal.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(equal.stdout)).toEqual({
      equal: true,
      rootStack: 'panther-root',
      file: same,
      differences: [],
      secretsNotCompared: ['DatadogAPIKey'],
      secretsCountedAsDifferent: false,
      unchanged: ['EnableReports'],
      warnings: [],
    });

    const changed = writeParams(state, { EnableReports: live.EnableReports === 'true' ? 'false' : 'true', DatadogAPIKey: CANARY }, 'changed.yml');
    const differ = await runCli(['params', 'diff', '--params', changed, '--secrets-differ', ...conn]);
    expect(differ.code).toBe(1);
    expect(differ.stdout.trim().split('\n')).toHaveLength(1);
    const doc = JSON.parse(differ.stdout) as { equal: boolean; differences: { parameter: string; change: string; from?: string; to?: string }[] };
    expect(doc.equal).toBe(false);
    expect(doc.differences).toEqual([
      { parameter: 'EnableReports', change: 'changed', from: live.EnableReports, to: live.EnableReports === 'true' ? 'false' : 'true', secret: false },
      { parameter: 'DatadogAPIKey', change: 'cannot-compare', from: '****', to: '****', secret: true },
    ]);
    expect(differ.stdout).not.toContain(CANARY);
  });

  it('an invalid or unreadable file exits 2, not 1 (1 means different), with the {"error"} document under --json', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const conn = ['--endpoint-url', endpoint, '--region', 'us-east-2', '--root-stack', 'panther-root', '--state-dir', state];
    const invalid = writeParams(state, { EnableReports: 'yes', DatadogAPIKey: CANARY });

    const json = await runCli(['params', 'diff', '--json', '--params', invalid, ...conn]);
    expect(json.code).toBe(2);
    expect(json.stdout.trim().split('\n')).toHaveLength(1);
    const doc = JSON.parse(json.stdout) as { error: { code: string; errors: number; issues: { parameter: string; code: string; severity: string }[] } };
    expect(doc.error).toMatchObject({ code: 'invalid-parameters', errors: 1 });
    expect(doc.error.issues).toContainEqual(expect.objectContaining({ parameter: 'EnableReports', code: 'not-allowed-value', severity: 'error' }));
    expect(json.stdout).not.toContain(CANARY);

    const text = await runCli(['params', 'diff', '--params', invalid, ...conn]);
    expect(text.code).toBe(2);
    expect(text.stderr.trim().split('\n')).toHaveLength(1);

    const missing = await runCli(['params', 'diff', '--json', '--params', join(state, 'nope.yml'), ...conn]);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 'cannot-read-file' } });
  });
});
