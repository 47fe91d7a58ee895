import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateChangeSetCommand, DescribeChangeSetCommand, DescribeStackEventsCommand, DescribeStacksCommand, GetTemplateCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { BatchGetBuildsCommand, BatchGetProjectsCommand, ListBuildsForProjectCommand, StartBuildCommand, StopBuildCommand } from '@aws-sdk/client-codebuild';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rootTemplateUrl } from './s3/panther-buckets.js';
import { startSandbox, type SandboxServer } from './index.js';
import { admin, CAPABILITIES, clientsFor, previousValues, raw, waitForStack } from './test-support/clients.js';

let sandbox: SandboxServer;
let clients: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, speed: 2000, seed: 3 });
  clients = clientsFor(sandbox.endpoint, { maxAttempts: 1 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await admin(sandbox.endpoint, 'DELETE', 'faults');
});

async function stillServing(): Promise<void> {
  const s = await clients.cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }));
  expect(s.Stacks?.[0]?.StackName).toBe('panther-root');
}

describe('faults on the wire', () => {
  it('throttles with HTTP 400 Throttling, visible to a client without retries, and logs it', async () => {
    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'throttle', probability: 1, service: 'cloudformation', action: 'DescribeStackEvents', times: 2 }] });
    const err = (await clients.cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-root' })).catch((e: unknown) => e)) as { name: string; message: string; $metadata: { httpStatusCode: number } };
    expect(err.name).toBe('Throttling');
    expect(err.message).toBe('Rate exceeded');
    expect(err.$metadata.httpStatusCode).toBe(400);
    await stillServing();
    const faults = await admin<{ faults: { fired: number; remaining: number }[] }>(sandbox.endpoint, 'GET', 'faults');
    expect(faults.faults[0]).toMatchObject({ fired: 1, remaining: 1 });
    const calls = await admin<{ calls: { action: string; outcome: string; errorCode?: string; status: number; stack?: string; seq: number }[] }>(sandbox.endpoint, 'GET', 'calls');
    const throttled = calls.calls.filter((c) => c.errorCode === 'Throttling');
    expect(throttled.at(-1)).toMatchObject({ action: 'DescribeStackEvents', outcome: 'error', status: 400, stack: 'panther-root' });
    const seqs = calls.calls.map((c) => c.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('throttles CodeBuild with ThrottlingException, answers 5xx, drops connections and adds latency', async () => {
    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'throttle', service: 'codebuild' }] });
    const cb = (await clients.codebuild.send(new BatchGetProjectsCommand({ names: ['panther-pulumi'] })).catch((e: unknown) => e)) as { name: string };
    expect(cb.name).toBe('ThrottlingException');

    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'server-error', status: 503, service: 'sts' }] });
    const sts = (await clients.sts.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e)) as { $metadata: { httpStatusCode: number } };
    expect(sts.$metadata.httpStatusCode).toBe(503);

    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'drop-connection', probability: 1, times: 1 }] });
    await expect(clients.cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).rejects.toThrow();

    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'latency', ms: 120 }] });
    const t0 = Date.now();
    await stillServing();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it('refuses an invalid fault list', async () => {
    const res = await raw(sandbox.endpoint, { method: 'PUT', path: '/_sandbox/faults', body: '{"faults":[{"kind":"explode"}]}' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.code).toBe('invalid-faults');
  });
});

describe('malformed requests', () => {
  it('answer with AWS-shaped errors and the server keeps serving', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const noAction = await raw(sandbox.endpoint, { headers: form, body: 'Version=2010-05-15&%%%garbage' });
    expect(noAction.status).toBe(400);
    expect(noAction.text).toMatch(/^<ErrorResponse xmlns="http:\/\/cloudformation\.amazonaws\.com\/doc\/2010-05-15\/"><Error><Type>Sender<\/Type><Code>MissingAction<\/Code>/);
    expect(noAction.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);

    const unknown = await raw(sandbox.endpoint, { headers: form, body: 'Action=DestroyEverything&Version=2010-05-15' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('<Code>InvalidAction</Code>');

    const json = await raw(sandbox.endpoint, { headers: { 'x-amz-target': 'CodeBuild_20161006.StartBuild', 'content-type': 'application/x-amz-json-1.1' }, body: '{"projectName": ' });
    expect(json.status).toBe(400);
    expect(json.headers.get('x-amzn-errortype')).toBe('SerializationException');
    expect(JSON.parse(json.text).__type).toBe('SerializationException');

    const missing = await raw(sandbox.endpoint, { headers: { 'x-amz-target': 'CodeBuild_20161006.StartBuild', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    expect(JSON.parse(missing.text)).toMatchObject({ __type: 'InvalidInputException' });

    const garbage = await raw(sandbox.endpoint, { body: Buffer.from([0xff, 0x00, 0xfe, 0x13, 0x37]) });
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect(garbage.text).toMatch(/<Error><Code>\w+<\/Code>/);

    const huge = await raw(sandbox.endpoint, { headers: form, body: `Action=ValidateTemplate&TemplateBody=${'x'.repeat(1_100_000)}` });
    expect(huge.status).toBe(413);
    expect(huge.text).toContain('<Code>RequestEntityTooLarge</Code>');

    const bad = await raw(sandbox.endpoint, { headers: form, body: 'Action=ValidateTemplate&Version=2010-05-15&TemplateBody=Resources%3A%20%5B' });
    expect(bad.text).toMatch(/<Message>Template format error: YAML not well-formed\. \(line \d+, column \d+\)<\/Message>/);

    // A request cut off halfway must not take the server down either.
    await new Promise<void>((resolve) => {
      const req = request(`${sandbox.endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.write('Action=Descr');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 20);
    });
    await stillServing();
    const health = await admin<{ taskErrors: string[] }>(sandbox.endpoint, 'GET', 'health');
    expect(health.taskErrors).toEqual([]);
  });
});

describe('CodeBuild', () => {
  it('runs a build through its phases to SUCCEEDED, newest first in the project list', async () => {
    const projects = await clients.codebuild.send(new BatchGetProjectsCommand({ names: ['panther-pulumi', 'nope'] }));
    expect(projects.projects?.[0]?.name).toBe('panther-pulumi');
    expect(projects.projectsNotFound).toEqual(['nope']);
    const { build } = await clients.codebuild.send(new StartBuildCommand({ projectName: 'panther-pulumi' }));
    expect(build?.buildStatus).toBe('IN_PROGRESS');
    expect(build?.startTime).toBeInstanceOf(Date);
    const phases = new Set<string>();
    let current = build;
    while (current?.buildStatus === 'IN_PROGRESS') {
      phases.add(current.currentPhase ?? '');
      await new Promise((r) => setTimeout(r, 5));
      current = (await clients.codebuild.send(new BatchGetBuildsCommand({ ids: [build?.id ?? ''] }))).builds?.[0];
    }
    expect(current?.buildStatus).toBe('SUCCEEDED');
    expect(current?.currentPhase).toBe('COMPLETED');
    expect(current?.endTime).toBeInstanceOf(Date);
    expect(current?.phases?.map((p) => p.phaseType)).toContain('BUILD');
    expect(phases.size).toBeGreaterThan(1);
    const list = await clients.codebuild.send(new ListBuildsForProjectCommand({ projectName: 'panther-pulumi' }));
    expect(list.ids?.[0]).toBe(build?.id);
  });

  it('fails a build on demand and stops one', async () => {
    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'fail-build', project: 'panther-pulumi' }] });
    const { build } = await clients.codebuild.send(new StartBuildCommand({ projectName: 'panther-pulumi' }));
    await admin(sandbox.endpoint, 'POST', 'settle');
    const failed = (await clients.codebuild.send(new BatchGetBuildsCommand({ ids: [build?.id ?? ''] }))).builds?.[0];
    expect(failed?.buildStatus).toBe('FAILED');
    expect(failed?.phases?.find((p) => p.phaseType === 'BUILD')).toMatchObject({ phaseStatus: 'FAILED', contexts: [expect.objectContaining({ statusCode: 'COMMAND_EXECUTION_ERROR' })] });

    const second = await clients.codebuild.send(new StartBuildCommand({ projectName: 'panther-pulumi' }));
    const stopped = await clients.codebuild.send(new StopBuildCommand({ id: second.build?.id }));
    expect(stopped.build?.buildStatus).toBe('STOPPED');
    const missing = (await clients.codebuild.send(new StartBuildCommand({ projectName: 'panther-nope' })).catch((e: unknown) => e)) as { name: string };
    expect(missing.name).toBe('ResourceNotFoundException');
    const ops = await admin<{ operations: { kind: string; project?: string; outcome: string }[] }>(sandbox.endpoint, 'GET', 'operations');
    expect(ops.operations.filter((o) => o.kind === 'build').map((o) => o.outcome)).toEqual(expect.arrayContaining(['failed', 'cancelled']));
  });
});

describe('S3 and STS', () => {
  it('serves the published templates path-style and virtual-host style', async () => {
    const obj = await clients.s3.send(new GetObjectCommand({ Bucket: 'panther-enterprise-us-east-2', Key: 'v1.25.18/panther.yml' }));
    expect(await obj.Body?.transformToString()).toContain('Sandbox fixture');
    // Unsigned requests carry no region: any endpoint serves them.
    const role = await raw(sandbox.endpoint, {
      method: 'GET',
      path: '/panther-deployment-role/v1.28.7/template.yml',
      headers: { host: 'panther-public-cloudformation-templates.s3.amazonaws.com' },
    });
    expect(role.status).toBe(200);
    expect(role.text).toContain('DeploymentRoleArn');
    const regional = await raw(sandbox.endpoint, { method: 'GET', path: '/v1.39.7/panther.yml', headers: { host: 'panther-enterprise-us-east-2.s3.us-east-2.amazonaws.com' } });
    expect(regional.status).toBe(200);
    // Panther's buckets cannot be listed by the account: a missing key is AccessDenied (the S3 facts are in fidelity/s3.fidelity.test.ts).
    const missing = (await clients.s3.send(new GetObjectCommand({ Bucket: 'panther-enterprise-us-east-2', Key: 'v0.0.1/panther.yml' })).catch((e: unknown) => e)) as { name: string; $metadata: { httpStatusCode: number } };
    expect(missing.name).toBe('AccessDenied');
    expect(missing.$metadata.httpStatusCode).toBe(403);
  });

  it('lists, reads and writes the buckets an account creates, and a TemplateURL can use them', async () => {
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'my-templates', CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
    const params = await previousValues(clients.cfn, 'panther-root');
    const body = (await (await clients.s3.send(new GetObjectCommand({ Bucket: 'panther-enterprise-us-east-2', Key: 'v1.26.9/panther.yml' }))).Body?.transformToString()) ?? '';
    await clients.s3.send(new PutObjectCommand({ Bucket: 'my-templates', Key: 'mirror/panther.yml', Body: body }));
    const list = await clients.s3.send(new ListObjectsV2Command({ Bucket: 'my-templates', Prefix: 'mirror/' }));
    expect(list.Contents?.map((c) => c.Key)).toEqual(['mirror/panther.yml']);
    const missing = (await clients.s3.send(new GetObjectCommand({ Bucket: 'my-templates', Key: 'nothing-here' })).catch((e: unknown) => e)) as { name: string; $metadata: { httpStatusCode: number } };
    expect(missing).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    await clients.cfn.send(
      new UpdateStackCommand({ StackName: 'panther-root', TemplateURL: 'https://s3.amazonaws.com/my-templates/mirror/panther.yml', Parameters: params, Capabilities: [...CAPABILITIES] }),
    );
    expect((await waitForStack(clients.cfn, 'panther-root')).StackStatus).toBe('UPDATE_COMPLETE');
  });

  it('answers GetCallerIdentity with the sandbox account', async () => {
    const id = await clients.sts.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe('123456789012');
    expect(id.Arn).toBe('arn:aws:iam::123456789012:user/sandbox-test');
  });
});

describe('the state file', () => {
  it('survives a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
    const file = join(dir, 'state.json');
    try {
      const first = await startSandbox({ port: 0, speed: 2000, seed: 5, stateFile: file });
      const c = clientsFor(first.endpoint);
      const params = await previousValues(c.cfn, 'panther-root');
      await c.cfn.send(
        new UpdateStackCommand({
          StackName: 'panther-root',
          TemplateURL: rootTemplateUrl('v1.26.9', 'us-east-2'),
          Parameters: [...params.filter((p) => p.ParameterKey !== 'DatadogAPIKey'), { ParameterKey: 'DatadogAPIKey', ParameterValue: 'a-new-secret-value' }],
          Capabilities: [...CAPABILITIES],
        }),
      );
      // Closing while the update runs finishes it, then saves.
      await first.close();
      const saved = readFileSync(file, 'utf8');
      expect(saved).not.toContain('a-new-secret-value');
      expect(saved).not.toContain('sandbox-not-a-real-datadog-key');

      const second = await startSandbox({ port: 0, speed: 2000, seed: 6, stateFile: file });
      const c2 = clientsFor(second.endpoint);
      const root = (await c2.cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0];
      expect(root?.StackStatus).toBe('UPDATE_COMPLETE');
      expect(root?.Description).toBe('Panther root stack (sandbox fixture)');
      const template = (await c2.cfn.send(new GetTemplateCommand({ StackName: 'panther-root' }))).TemplateBody ?? '';
      expect(template).toMatch(/Version: 1\.26\.9/);
      const events = (await c2.cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-root' }))).StackEvents ?? [];
      expect(events.some((e) => e.ResourceStatus === 'CREATE_COMPLETE')).toBe(true);
      // The secret survived as a digest: UsePreviousValue still works and nothing inside changes.
      const cs = await c2.cfn.send(
        new CreateChangeSetCommand({
          StackName: 'panther-root',
          ChangeSetName: 'same',
          UsePreviousTemplate: true,
          Parameters: await previousValues(c2.cfn, 'panther-root'),
          Capabilities: [...CAPABILITIES],
          IncludeNestedStacks: true,
        }),
      );
      await admin(second.endpoint, 'POST', 'settle');
      const rootCs = await c2.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: cs.Id }));
      for (const change of rootCs.Changes ?? []) {
        const nested = await c2.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: change.ResourceChange?.ChangeSetId }));
        expect(nested.Changes, change.ResourceChange?.LogicalResourceId).toEqual([]);
      }
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
