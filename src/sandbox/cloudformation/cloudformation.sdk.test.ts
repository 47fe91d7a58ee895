import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  GetTemplateSummaryCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { rootTemplateUrl, roleTemplateUrl } from '../s3/panther-buckets.js';
import { useSandbox } from '../test-support/use-sandbox.js';
import { admin, CAPABILITIES, previousValues, waitForStack } from '../test-support/clients.js';

const TAGS = (v: string) => [
  { Key: 'PantherVersion', Value: v },
  { Key: 'Application', Value: 'Panther' },
];

// Slow enough that a second call lands while an update still runs, even on a busy CI machine.
const sandbox = useSandbox({ speed: 100, seed: 7 });

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}) };
  }
  throw new Error('expected the call to fail');
}

function update(version: string, extra: { ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean }[] = [], token?: string) {
  return previousValues(sandbox.cfn, 'panther-root').then((params) =>
    sandbox.cfn.send(
      new UpdateStackCommand({
        StackName: 'panther-root',
        TemplateURL: rootTemplateUrl(version, 'us-east-2'),
        Parameters: [...params.filter((p) => !extra.some((e) => e.ParameterKey === p.ParameterKey)), ...extra],
        Capabilities: [...CAPABILITIES],
        Tags: TAGS(version),
        ...(token ? { ClientRequestToken: token } : {}),
      }),
    ),
  );
}

describe('the seeded account', () => {
  it('has the root stack with tags, secrets masked and nested stacks', async () => {
    const root = (await sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0];
    expect(root?.StackStatus).toBe('CREATE_COMPLETE');
    expect(root?.Tags).toEqual(expect.arrayContaining(TAGS('v1.25.18')));
    expect(root?.Parameters?.find((p) => p.ParameterKey === 'DatadogAPIKey')?.ParameterValue).toBe('****');
    expect(root?.Parameters?.find((p) => p.ParameterKey === 'FirstUserEmail')?.ParameterValue).toBe('admin@example.com');
    expect(root?.Capabilities).toContain('CAPABILITY_NAMED_IAM');
    expect(root?.CreationTime).toBeInstanceOf(Date);

    const nested = (await sandbox.cfn.send(new ListStacksCommand({}))).StackSummaries?.filter((s) => s.ParentId === root?.StackId) ?? [];
    expect(nested.map((s) => s.StackName?.replace(/-[A-Z0-9]{12}$/, '')).sort()).toEqual([
      'panther-root-Bootstrap',
      'panther-root-Core',
      'panther-root-LogAnalysis',
      'panther-root-Web',
    ]);
    const core = (await sandbox.cfn.send(new DescribeStacksCommand({ StackName: nested[0]?.StackId }))).Stacks?.[0];
    expect(core?.RootId).toBe(root?.StackId);
    expect(core?.Tags).toEqual(expect.arrayContaining(TAGS('v1.25.18')));
  });

  it('has the deployment role stack with its output', async () => {
    const role = (await sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-deployment-role' }))).Stacks?.[0];
    expect(role?.Outputs).toEqual([
      expect.objectContaining({ OutputKey: 'DeploymentRoleArn', OutputValue: 'arn:aws:iam::123456789012:role/PantherDeploymentRole-us-east-2' }),
    ]);
    expect(role?.Tags).toEqual(expect.arrayContaining(TAGS('v1.25.18')));
  });

  it('keeps the template with its version mapping, and summarises templates by URL', async () => {
    const t = await sandbox.cfn.send(new GetTemplateCommand({ StackName: 'panther-root' }));
    expect(t.TemplateBody).toContain('Sandbox fixture, NOT a real Panther template');
    expect(t.TemplateBody).toMatch(/Version: 1\.25\.18/);
    const s = await sandbox.cfn.send(new GetTemplateSummaryCommand({ TemplateURL: rootTemplateUrl('v1.30.5', 'us-east-2') }));
    const byKey = new Map(s.Parameters?.map((p) => [p.ParameterKey, p]));
    expect(byKey.get('PythonRuntime')?.ParameterConstraints?.AllowedValues).toEqual(['python3.7', 'python3.9']);
    expect(byKey.get('DatadogAPIKey')?.NoEcho).toBe(true);
    expect(byKey.get('CompanyDisplayName')?.DefaultValue).toBeUndefined();
    expect(byKey.has('LogProcessorLambdaMemorySize')).toBe(false);
    // Nested stacks need no CAPABILITY_AUTO_EXPAND; only macros do (fidelity/cloudformation.fidelity.test.ts).
    expect(s.Capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
    const v = await sandbox.cfn.send(new ValidateTemplateCommand({ TemplateURL: roleTemplateUrl('v1.25.18') }));
    expect(v.Capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
  });

  it('lists resources of a stack', async () => {
    const r = await sandbox.cfn.send(new ListStackResourcesCommand({ StackName: 'panther-root' }));
    expect(r.StackResourceSummaries?.map((x) => x.LogicalResourceId)).toEqual(['PantherFunctionRole', 'PulumiProject', 'Bootstrap', 'Core', 'LogAnalysis', 'Web']);
    const d = await sandbox.cfn.send(new DescribeStackResourcesCommand({ StackName: 'panther-root', LogicalResourceId: 'Core' }));
    expect(d.StackResources?.[0]?.PhysicalResourceId).toMatch(/^arn:aws:cloudformation:us-east-2:123456789012:stack\/panther-root-Core-/);
  });
});

describe('UpdateStack', () => {
  it('moves through in-progress states to UPDATE_COMPLETE with UsePreviousValue', async () => {
    const res = await update('v1.26.9', [], 'token-1');
    const seen: string[] = [];
    const done = await waitForStack(sandbox.cfn, 'panther-root', { seen });
    expect(done.StackId).toBe(res.StackId);
    expect(done.StackStatus).toBe('UPDATE_COMPLETE');
    expect(seen).toContain('UPDATE_IN_PROGRESS');
    expect(done.Tags).toEqual(expect.arrayContaining(TAGS('v1.26.9')));
    expect(done.Parameters?.find((p) => p.ParameterKey === 'FirstUserEmail')?.ParameterValue).toBe('admin@example.com');

    const events = (await sandbox.cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-root' }))).StackEvents ?? [];
    const mine = events.filter((e) => e.ClientRequestToken === 'token-1');
    expect(mine[0]?.ResourceStatus).toBe('UPDATE_COMPLETE');
    expect(mine.map((e) => e.ResourceStatus)).toContain('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    const times = events.map((e) => e.Timestamp?.getTime() ?? 0);
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const nested = (await sandbox.cfn.send(new ListStacksCommand({}))).StackSummaries?.filter((s) => s.ParentId === done.StackId) ?? [];
    for (const n of nested) expect(n.StackStatus).toBe('UPDATE_COMPLETE');
  });

  it('refuses a second update while one runs, and accepts a repeated token without a second operation', async () => {
    await update('v1.26.9', [], 'same-token');
    expect((await update('v1.26.9', [], 'same-token')).StackId).toMatch(/panther-root/);
    const busy = await errorOf(update('v1.27.8'));
    expect(busy.name).toBe('ValidationError');
    expect(busy.message).toMatch(/^Stack:arn:aws:cloudformation:us-east-2:123456789012:stack\/panther-root\/.* is in UPDATE_IN_PROGRESS state and can not be updated\.$/);
    await waitForStack(sandbox.cfn, 'panther-root');
    const ops = await admin<{ operations: { kind: string }[] }>(sandbox.endpoint, 'GET', 'operations');
    expect(ops.operations.filter((o) => o.kind === 'update')).toHaveLength(1);
  });

  it('says "No updates are to be performed." for the same template and parameters of a stack without nested stacks', async () => {
    const e = await errorOf(sandbox.cfn.send(new UpdateStackCommand({ StackName: 'panther-deployment-role', UsePreviousTemplate: true, Parameters: [], Capabilities: [...CAPABILITIES] })));
    expect(e).toMatchObject({ name: 'ValidationError', message: 'No updates are to be performed.', status: 400 });
  });

  it('enforces the template constraints with AWS messages', async () => {
    expect((await errorOf(update('v1.26.9', [{ ParameterKey: 'PythonRuntime', ParameterValue: 'python2.7' }]))).message).toBe(
      "Parameter 'PythonRuntime' must be one of AllowedValues",
    );
    expect((await errorOf(update('v1.26.9', [{ ParameterKey: 'DataLakeForwarderMemory', ParameterValue: '128' }]))).message).toBe(
      "Parameter 'DataLakeForwarderMemory' must be a number not less than 256",
    );
    expect((await errorOf(update('v1.26.9', [{ ParameterKey: 'DatadogAPIKeySecretArn', ParameterValue: 'nope' }]))).message).toMatch(
      /^Parameter 'DatadogAPIKeySecretArn' must match pattern \^\(arn:/,
    );
    expect((await errorOf(update('v1.26.9', [{ ParameterKey: 'NoSuchThing', ParameterValue: 'x' }]))).message).toBe(
      'Parameters: [NoSuchThing] do not exist in the template',
    );
    // v1.29.3 dropped LogProcessorLambdaMemorySize; v1.30.5 added CompanyDisplayName without a default.
    expect((await errorOf(update('v1.29.3'))).message).toBe('Parameters: [LogProcessorLambdaMemorySize] do not exist in the template');
    const params = await previousValues(sandbox.cfn, 'panther-root', ['LogProcessorLambdaMemorySize']);
    const missing = await errorOf(
      sandbox.cfn.send(new UpdateStackCommand({ StackName: 'panther-root', TemplateURL: rootTemplateUrl('v1.30.5', 'us-east-2'), Parameters: params, Capabilities: [...CAPABILITIES] })),
    );
    expect(missing.message).toBe('Parameters: [CompanyDisplayName] must have values');
  });

  it('requires capabilities and a supported TemplateURL', async () => {
    const params = await previousValues(sandbox.cfn, 'panther-root');
    const caps = await errorOf(
      sandbox.cfn.send(new UpdateStackCommand({ StackName: 'panther-root', TemplateURL: rootTemplateUrl('v1.26.9', 'us-east-2'), Parameters: params })),
    );
    expect(caps).toMatchObject({ name: 'InsufficientCapabilitiesException', message: 'Requires capabilities : [CAPABILITY_NAMED_IAM]' });
    const url = await errorOf(sandbox.cfn.send(new UpdateStackCommand({ StackName: 'panther-root', TemplateURL: 'https://example.com/panther.yml', Parameters: params })));
    expect(url.message).toBe('TemplateURL must be a supported URL.');
    const missing = await errorOf(
      sandbox.cfn.send(new UpdateStackCommand({ StackName: 'panther-root', TemplateURL: 'https://s3.us-east-2.amazonaws.com/panther-enterprise-us-east-2/v9.9.9/panther.yml', Parameters: params })),
    );
    expect(missing.message).toMatch(/^S3 error: Access Denied/);
    const gone = await errorOf(sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-nope' })));
    expect(gone).toMatchObject({ name: 'ValidationError', message: 'Stack with id panther-nope does not exist' });
    const badName = await errorOf(sandbox.cfn.send(new CreateStackCommand({ StackName: '1-bad', TemplateBody: '{}' })));
    expect(badName.message).toMatch(/Member must satisfy regular expression pattern: \[a-zA-Z\]\[-a-zA-Z0-9\]\*/);
    const create = await errorOf(sandbox.cfn.send(new CreateStackCommand({ StackName: 'panther-x', TemplateURL: rootTemplateUrl('v1.25.18', 'us-east-2'), Parameters: [{ ParameterKey: 'FirstUserEmail', UsePreviousValue: true }] })));
    expect(create.message).toMatch(/Cannot specify usePreviousValue as true/);
  });
});

describe('change sets', () => {
  it('creates, describes, executes and lists them', async () => {
    const params = await previousValues(sandbox.cfn, 'panther-root');
    const created = await sandbox.cfn.send(
      new CreateChangeSetCommand({
        StackName: 'panther-root',
        ChangeSetName: 'to-v1-26-9',
        TemplateURL: rootTemplateUrl('v1.26.9', 'us-east-2'),
        Parameters: params,
        Capabilities: [...CAPABILITIES],
        Tags: TAGS('v1.26.9'),
      }),
    );
    expect(created.Id).toMatch(/^arn:aws:cloudformation:us-east-2:123456789012:changeSet\/to-v1-26-9\//);
    const first = await sandbox.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
    expect(['CREATE_PENDING', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE']).toContain(first.Status);
    let cs = first;
    while (cs.Status !== 'CREATE_COMPLETE') {
      await new Promise((r) => setTimeout(r, 10));
      cs = await sandbox.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: 'to-v1-26-9', StackName: 'panther-root' }));
    }
    expect(cs.ExecutionStatus).toBe('AVAILABLE');
    const changes = new Map(cs.Changes?.map((c) => [c.ResourceChange?.LogicalResourceId, c.ResourceChange]));
    expect(changes.get('Core')).toMatchObject({ Action: 'Modify', Replacement: 'False', ResourceType: 'AWS::CloudFormation::Stack' });
    expect(changes.has('PantherFunctionRole')).toBe(false);
    expect(cs.Parameters?.find((p) => p.ParameterKey === 'DatadogAPIKey')?.ParameterValue).toBe('****');

    const list = await sandbox.cfn.send(new ListChangeSetsCommand({ StackName: 'panther-root' }));
    expect(list.Summaries?.map((s) => s.ChangeSetName)).toEqual(['to-v1-26-9']);
    await sandbox.cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
    const done = await waitForStack(sandbox.cfn, 'panther-root');
    expect(done.StackStatus).toBe('UPDATE_COMPLETE');
    expect((await sandbox.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }))).ExecutionStatus).toBe('EXECUTE_COMPLETE');
  });

  it('fails a change set without changes on a stack without nested stacks, and deletes change sets', async () => {
    const created = await sandbox.cfn.send(
      new CreateChangeSetCommand({ StackName: 'panther-deployment-role', ChangeSetName: 'nothing', UsePreviousTemplate: true, Parameters: [], Capabilities: [...CAPABILITIES] }),
    );
    let cs = await sandbox.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
    while (cs.Status !== 'FAILED' && cs.Status !== 'CREATE_COMPLETE') {
      await new Promise((r) => setTimeout(r, 10));
      cs = await sandbox.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
    }
    expect(cs.Status).toBe('FAILED');
    expect(cs.StatusReason).toBe("The submitted information didn't contain changes. Submit different information to create a change set.");
    await sandbox.cfn.send(new DeleteChangeSetCommand({ ChangeSetName: created.Id }));
    const gone = await errorOf(sandbox.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id })));
    expect(gone).toMatchObject({ name: 'ChangeSetNotFoundException', status: 404 });
  });

  it('creates a new stack through a CREATE change set', async () => {
    const body = JSON.stringify({ Parameters: { Name: { Type: 'String', MinLength: 3 } }, Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { Ref: 'Name' } } } }, Outputs: { Url: { Value: { Ref: 'Queue' } } } });
    const short = await errorOf(sandbox.cfn.send(new CreateChangeSetCommand({ StackName: 'panther-new', ChangeSetName: 'c1', ChangeSetType: 'CREATE', TemplateBody: body, Parameters: [{ ParameterKey: 'Name', ParameterValue: 'ab' }] })));
    expect(short.message).toBe("Parameter 'Name' must contain at least 3 characters");
    const created = await sandbox.cfn.send(
      new CreateChangeSetCommand({ StackName: 'panther-new', ChangeSetName: 'c1', ChangeSetType: 'CREATE', TemplateBody: body, Parameters: [{ ParameterKey: 'Name', ParameterValue: 'jobs' }] }),
    );
    expect((await sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-new' }))).Stacks?.[0]?.StackStatus).toBe('REVIEW_IN_PROGRESS');
    await admin(sandbox.endpoint, 'POST', 'settle');
    const cs = await sandbox.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
    expect(cs.Changes?.[0]?.ResourceChange).toMatchObject({ Action: 'Add', LogicalResourceId: 'Queue' });
    await sandbox.cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
    const done = await waitForStack(sandbox.cfn, 'panther-new');
    expect(done.StackStatus).toBe('CREATE_COMPLETE');
    expect(done.Outputs?.[0]?.OutputValue).toBe('https://sqs.us-east-2.amazonaws.com/123456789012/jobs');
  });

  it('takes an existing stack by its id (ARN) as StackName, like AWS', async () => {
    const stackId = (await sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0]?.StackId ?? '';
    expect(stackId).toMatch(/^arn:aws:cloudformation:us-east-2:123456789012:stack\/panther-root\//);
    expect((await sandbox.cfn.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0]?.StackName).toBe('panther-root');
    const params = await previousValues(sandbox.cfn, stackId);
    const created = await sandbox.cfn.send(
      new CreateChangeSetCommand({
        StackName: stackId,
        ChangeSetName: 'by-arn',
        TemplateURL: rootTemplateUrl('v1.26.9', 'us-east-2'),
        Parameters: params,
        Capabilities: [...CAPABILITIES],
        Tags: TAGS('v1.26.9'),
      }),
    );
    expect(created.StackId).toBe(stackId);
    await admin(sandbox.endpoint, 'POST', 'settle');
    const cs = await sandbox.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: 'by-arn', StackName: stackId }));
    expect(cs).toMatchObject({ Status: 'CREATE_COMPLETE', StackName: 'panther-root' });
    expect((await sandbox.cfn.send(new ListChangeSetsCommand({ StackName: stackId }))).Summaries?.map((c) => c.ChangeSetName)).toEqual(['by-arn']);
    await sandbox.cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: 'by-arn', StackName: stackId }));
    expect((await waitForStack(sandbox.cfn, stackId)).StackStatus).toBe('UPDATE_COMPLETE');
    const events = await sandbox.cfn.send(new DescribeStackEventsCommand({ StackName: stackId }));
    expect(events.StackEvents?.[0]).toMatchObject({ StackId: stackId, LogicalResourceId: 'panther-root', ResourceStatus: 'UPDATE_COMPLETE' });

    const again = await sandbox.cfn.send(
      new UpdateStackCommand({ StackName: stackId, TemplateURL: rootTemplateUrl('v1.27.8', 'us-east-2'), Parameters: params, Capabilities: [...CAPABILITIES], Tags: TAGS('v1.27.8') }),
    );
    expect(again.StackId).toBe(stackId);
    expect((await waitForStack(sandbox.cfn, stackId)).StackStatus).toBe('UPDATE_COMPLETE');

    const unknown = stackId.replace(/\/[^/]+$/, '/00000000-0000-0000-0000-000000000000');
    const missing = await errorOf(
      sandbox.cfn.send(new CreateChangeSetCommand({ StackName: unknown, ChangeSetName: 'nope', UsePreviousTemplate: true, Parameters: params, Capabilities: [...CAPABILITIES] })),
    );
    expect(missing).toMatchObject({ name: 'ValidationError', message: `Stack [${unknown}] does not exist` });
  });
});

describe('stack events', () => {
  it('pages newest first, 100 at a time', async () => {
    const all: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await sandbox.cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-root', ...(token ? { NextToken: token } : {}) }));
      expect(page.StackEvents?.length).toBeLessThanOrEqual(100);
      all.push(...(page.StackEvents ?? []).map((e) => e.EventId ?? ''));
      token = page.NextToken;
      pages++;
    } while (token && pages < 10);
    expect(new Set(all).size).toBe(all.length);
    // A stack with 40 resources has 122 creation events: two pages.
    const resources = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`Queue${i}`, { Type: 'AWS::SQS::Queue' }]));
    await sandbox.cfn.send(new CreateStackCommand({ StackName: 'panther-many', TemplateBody: JSON.stringify({ Resources: resources }) }));
    await waitForStack(sandbox.cfn, 'panther-many');
    const first = await sandbox.cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-many' }));
    expect(first.StackEvents).toHaveLength(100);
    expect(first.StackEvents?.[0]?.ResourceStatus).toBe('CREATE_COMPLETE');
    expect(first.NextToken).toBeDefined();
    const second = await sandbox.cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-many', NextToken: first.NextToken }));
    expect(second.StackEvents).toHaveLength(22);
    expect(second.NextToken).toBeUndefined();
    expect(second.StackEvents?.[0]?.Timestamp?.getTime()).toBeLessThanOrEqual(first.StackEvents?.at(-1)?.Timestamp?.getTime() ?? 0);
    expect(second.StackEvents?.at(-1)?.ResourceStatus).toBe('CREATE_IN_PROGRESS');
  });
});
