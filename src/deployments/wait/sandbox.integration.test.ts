/**
 * The AWS-facing layer against the sandbox over real HTTP with the real SDK clients: the
 * gateways, the waiters, root-cause analysis and recover, as the executor will use them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rootTemplateUrl, roleTemplateUrl } from '../../catalog/urls.js';
import { MemoryIoHost } from '../../io/messages.js';
import { startSandbox, type SandboxServer } from '../../sandbox/index.js';
import { createAwsGateways } from '../aws/gateways.js';
import type { AwsGateways, ParameterValue } from '../aws/types.js';
import { diagnoseStack } from '../diagnose/diagnose.js';
import { findRootCause } from '../diagnose/root-cause.js';
import { recoverStack } from '../diagnose/recover.js';
import { waitForBuild } from './build-waiter.js';
import { lastBuildSummary } from '../logs/last-build.js';
import { createSdkLogsGateway } from '../aws/sdk/logs.js';
import { waitForChangeSet } from './change-set-waiter.js';
import { captureStartMarker, waitForStackOperation } from './stack-waiter.js';

const REGION = 'us-east-2';
const ROOT = 'panther-root';
const ROLE = 'panther-deployment-role';

let sandbox: SandboxServer;
let aws: AwsGateways & { close(): void };

async function admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandbox.endpoint}/_sandbox/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return (await res.json()) as Record<string, unknown>;
}

async function previous(stack: string): Promise<ParameterValue[]> {
  const s = await aws.cloudFormation.describeStack(stack);
  return (s?.parameters ?? []).map((p) => ({ key: p.key, usePreviousValue: true }));
}

/** One root update through a change set, the way a hop does it. */
async function updateRoot(version: string, io = new MemoryIoHost(), pollIntervalMs = 50) {
  const cf = aws.cloudFormation;
  const changeSetName = `pantherctl-${randomUUID().slice(0, 8)}`;
  await cf.createChangeSet({
    stackName: ROOT,
    changeSetName,
    templateUrl: rootTemplateUrl(version, REGION),
    parameters: await previous(ROOT),
    tags: { PantherVersion: version, Application: 'Panther' },
    clientToken: randomUUID(),
  });
  const cs = await waitForChangeSet({ gateway: cf, stackName: ROOT, changeSetName, timeoutMs: 30_000, pollIntervalMs });
  expect(cs.noChanges).toBe(false);
  const marker = await captureStartMarker(cf, ROOT);
  const token = randomUUID();
  await cf.executeChangeSet({ stackName: ROOT, changeSetName, clientRequestToken: token });
  return waitForStackOperation({ gateway: cf, stack: ROOT, startedAfter: marker, clientRequestToken: token, timeoutMs: 60_000, pollIntervalMs, io });
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, speed: 200, region: REGION, version: 'v1.25.18', seed: 7 });
  aws = createAwsGateways({ region: REGION, endpointUrl: sandbox.endpoint }, { retry: { baseMs: 20, capMs: 200 } });
});

afterAll(async () => {
  aws.close();
  await sandbox.close();
});

beforeEach(async () => {
  await admin('DELETE', 'faults');
});

describe('gateways against the sandbox', () => {
  it('reads identity, stacks, templates and the build project', async () => {
    const id = await aws.identity.getCallerIdentity();
    expect(id.account).toMatch(/^\d{12}$/);
    const root = await aws.cloudFormation.describeStack(ROOT);
    expect(root?.status).toMatch(/_COMPLETE$/);
    expect(root?.tags.PantherVersion).toBeDefined();
    expect(root?.parameters.find((p) => p.key === 'DatadogAPIKey')?.value ?? '****').toBe('****');
    expect(await aws.cloudFormation.describeStack('panther-does-not-exist')).toBeUndefined();
    const names = (await aws.cloudFormation.listStacks()).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining([ROOT, ROLE]));
    const t = await aws.templates.fetchTemplate(rootTemplateUrl('v1.26.9', REGION));
    expect(t.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(t.body.length).toBeGreaterThan(0);
    const summary = await aws.cloudFormation.getTemplateSummary({ templateUrl: rootTemplateUrl('v1.26.9', REGION) });
    expect(summary.parameters.length).toBeGreaterThan(0);
    expect(await aws.codeBuild.projectExists('panther-pulumi')).toBe(true);
    expect(await aws.codeBuild.projectExists('nope')).toBe(false);
  });

  it('classifies a missing template and an update with nothing to do', async () => {
    await expect(aws.templates.fetchTemplate(rootTemplateUrl('v9.9.9', REGION))).rejects.toMatchObject({ code: 'template-not-found' });
    await expect(
      aws.cloudFormation.updateStack({ stackName: ROLE, usePreviousTemplate: true, parameters: await previous(ROLE) }),
    ).rejects.toMatchObject({ code: 'no-updates' });
  });
});

describe('waiters against the sandbox', () => {
  it('updates the role stack and waits for it', async () => {
    const cf = aws.cloudFormation;
    const marker = await captureStartMarker(cf, ROLE);
    await cf.updateStack({ stackName: ROLE, templateUrl: roleTemplateUrl('v1.26.9'), parameters: await previous(ROLE), tags: { PantherVersion: 'v1.26.9' } });
    const r = await waitForStackOperation({ gateway: cf, stack: ROLE, startedAfter: marker, timeoutMs: 30_000, pollIntervalMs: 50 });
    expect(r.outcome).toBe('succeeded');
  });

  it('runs a root update through a change set, following nested stacks', async () => {
    const io = new MemoryIoHost();
    const r = await updateRoot('v1.26.9', io);
    expect(r.outcome).toBe('succeeded');
    expect(r.finalStatus).toBe('UPDATE_COMPLETE');
    const events = io.messages.filter((m) => m.code === 'stack.event');
    expect(events.some((m) => m.data?.nested === true)).toBe(true);
    expect(events.at(-1)?.data).toMatchObject({ stack: ROOT, logicalId: ROOT, status: 'UPDATE_COMPLETE' });
    expect((await aws.cloudFormation.describeStack(ROOT))?.tags.PantherVersion).toBe('v1.26.9');
  });

  it('runs the panther-pulumi build and reports its phases', async () => {
    const io = new MemoryIoHost();
    const id = await aws.codeBuild.startBuild('panther-pulumi');
    const r = await waitForBuild({ gateway: aws.codeBuild, buildId: id, timeoutMs: 30_000, pollIntervalMs: 50, io });
    expect(r.status).toBe('SUCCEEDED');
    expect(io.codes()).toContain('build.phase');
    expect((await aws.codeBuild.lastBuild('panther-pulumi'))?.id).toBe(id);
  });

  it('reports a failed build as FAILED', async () => {
    await admin('PUT', 'faults', { faults: [{ kind: 'fail-build' }] });
    const id = await aws.codeBuild.startBuild('panther-pulumi');
    const r = await waitForBuild({ gateway: aws.codeBuild, buildId: id, timeoutMs: 30_000, pollIntervalMs: 50 });
    expect(r.status).toBe('FAILED');
    // What diagnose shows of it: the failing phase, its context message, the log's end, read backwards.
    const logs = createSdkLogsGateway({ region: REGION, endpointUrl: sandbox.endpoint });
    try {
      const last = await lastBuildSummary({ codeBuild: aws.codeBuild, logs }, { redact: (t) => t.replace(/alerts-api/g, '[x]') });
      expect(last).toMatchObject({ buildId: id, status: 'FAILED', failedPhase: 'BUILD', logGroup: '/aws/codebuild/panther-pulumi', logStream: id.split(':')[1] });
      expect(last?.message).toEqual(expect.any(String));
      // POST_BUILD still runs after a failed BUILD, so the failure is not the last line.
      expect(last?.logTail.some((l) => /Phase context status code: COMMAND_EXECUTION_ERROR Message: /.test(l))).toBe(true);
      expect(last?.logTail.length).toBeLessThanOrEqual(50);
      expect(last?.logTail.some((l) => l.includes('[x]'))).toBe(true);
      expect(last?.logTail.some((l) => l.includes('alerts-api'))).toBe(false);
      expect(last?.phases.map((p) => p.phase)).toContain('BUILD');
    } finally {
      logs.close();
    }
  });

  it('reports a rollback and finds its root cause in the nested stack', async () => {
    await admin('PUT', 'faults', { faults: [{ kind: 'fail-resource', stack: ROOT, version: 'v1.27.8' }] });
    const r = await updateRoot('v1.27.8');
    expect(r.outcome).toBe('rolled-back');
    expect(r.finalStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const cause = await findRootCause(aws.cloudFormation, ROOT);
    expect(cause).toBeDefined();
    expect(cause?.path.length).toBeGreaterThan(1);
    expect(cause?.reason).toMatch(/told to fail this resource/);
    const d = await diagnoseStack(aws.cloudFormation, ROOT);
    expect(d.state).toMatch(/rolled back to the previous template and parameters/);
    expect((await aws.cloudFormation.describeStack(ROOT))?.tags.PantherVersion).toBe('v1.26.9');
  });

  it('recovers from UPDATE_ROLLBACK_FAILED with ContinueUpdateRollback', async () => {
    await admin('PUT', 'faults', { faults: [{ kind: 'fail-resource', stack: ROOT, version: 'v1.27.8' }, { kind: 'fail-rollback', stack: ROOT, version: 'v1.27.8' }] });
    const r = await updateRoot('v1.27.8');
    expect(r.outcome).toBe('rollback-failed');
    const d = await diagnoseStack(aws.cloudFormation, ROOT);
    expect(d.status).toBe('UPDATE_ROLLBACK_FAILED');
    expect(d.nextCommand).toBe('pantherctl recover');
    expect(d.rootCause).toBeDefined();
    const rec = await recoverStack({ gateway: aws.cloudFormation, stack: ROOT, clientRequestToken: randomUUID(), timeoutMs: 30_000, pollIntervalMs: 50 });
    expect(rec.recovered).toBe(true);
    expect((await aws.cloudFormation.describeStack(ROOT))?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  it('finishes under 30 % throttling', async () => {
    await admin('PUT', 'faults', { faults: [{ kind: 'throttle', probability: 0.3 }] });
    const io = new MemoryIoHost();
    const r = await updateRoot('v1.27.8', io);
    expect(r.outcome).toBe('succeeded');
    const calls = (await admin('GET', 'calls')).calls as { errorCode?: string }[];
    expect(calls.some((c) => /Throttl/.test(c.errorCode ?? ''))).toBe(true);
  });

  it('polls each stack at most once per second at the default interval and notices the end within 2 s', async () => {
    const s2 = await startSandbox({ port: 0, speed: 30, region: REGION, version: 'v1.27.8', seed: 3 });
    const aws2 = createAwsGateways({ region: REGION, endpointUrl: s2.endpoint });
    try {
      const cf = aws2.cloudFormation;
      const marker = await captureStartMarker(cf, ROLE);
      await cf.updateStack({ stackName: ROLE, templateUrl: roleTemplateUrl('v1.28.7'), parameters: [], tags: { PantherVersion: 'v1.28.7' } });
      // Only the waiter's own calls count.
      const started = Date.now();
      const r = await waitForStackOperation({ gateway: cf, stack: ROLE, startedAfter: marker, timeoutMs: 60_000 });
      const noticed = Date.now();
      expect(r.outcome).toBe('succeeded');
      const ops = (await (await fetch(`${s2.endpoint}/_sandbox/operations`)).json()) as { operations: { stack?: string; kind: string; endedAt?: string }[] };
      const op = ops.operations.filter((o) => o.stack === ROLE && o.kind === 'update').at(-1);
      expect(op?.endedAt).toBeDefined();
      expect(noticed - Date.parse(op!.endedAt!)).toBeLessThan(2_000);
      const calls = ((await (await fetch(`${s2.endpoint}/_sandbox/calls`)).json()) as { calls: { time: string; stack?: string; action: string }[] }).calls
        .filter((c) => c.stack === ROLE && Date.parse(c.time) >= started && c.action.startsWith('Describe'));
      expect(calls.length).toBeGreaterThan(1);
      for (let i = 1; i < calls.length; i++) expect(Date.parse(calls[i]!.time) - Date.parse(calls[i - 1]!.time)).toBeGreaterThanOrEqual(950);
    } finally {
      aws2.close();
      await s2.close();
    }
  });
});
