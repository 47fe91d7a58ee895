import {
  CancelUpdateStackCommand,
  ContinueUpdateRollbackCommand,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStacksCommand,
  UpdateStackCommand,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { rootTemplateUrl } from '../s3/panther-buckets.js';
import { useSandbox } from '../test-support/use-sandbox.js';
import { admin, CAPABILITIES, previousValues, waitForStack } from '../test-support/clients.js';

// Slow enough that CancelUpdateStack lands while the update still runs, even on a busy CI machine.
const sandbox = useSandbox({ speed: 100, seed: 11 });

async function updateRoot(version: string, extra: { ParameterKey: string; ParameterValue: string }[] = []) {
  const params = await previousValues(sandbox.cfn, 'panther-root', extra.map((e) => e.ParameterKey));
  return sandbox.cfn.send(
    new UpdateStackCommand({
      StackName: 'panther-root',
      TemplateURL: rootTemplateUrl(version, 'us-east-2'),
      Parameters: [...params, ...extra],
      Capabilities: [...CAPABILITIES],
      Tags: [
        { Key: 'PantherVersion', Value: version },
        { Key: 'Application', Value: 'Panther' },
      ],
    }),
  );
}

async function events(stack: string): Promise<StackEvent[]> {
  return (await sandbox.cfn.send(new DescribeStackEventsCommand({ StackName: stack }))).StackEvents ?? [];
}

async function nestedOf(rootId: string) {
  return ((await sandbox.cfn.send(new ListStacksCommand({}))).StackSummaries ?? []).filter((s) => s.ParentId === rootId);
}

describe('a failed update', () => {
  it('fails inside a nested stack first, then rolls the root back to the previous template and parameters', async () => {
    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'fail-resource', stack: 'panther-root', version: 'v1.27.8', reason: 'Layer too large' }] });
    await updateRoot('v1.26.9');
    await waitForStack(sandbox.cfn, 'panther-root');
    const before = (await sandbox.cfn.send(new GetTemplateCommand({ StackName: 'panther-root' }))).TemplateBody;
    await updateRoot('v1.27.8', [{ ParameterKey: 'SentryEnvironment', ParameterValue: 'staging' }]);
    const seen: string[] = [];
    const root = await waitForStack(sandbox.cfn, 'panther-root', { seen });
    expect(root.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(seen).toContain('UPDATE_ROLLBACK_IN_PROGRESS');
    expect(root.Parameters?.find((p) => p.ParameterKey === 'SentryEnvironment')?.ParameterValue).toBe('prod');
    expect(root.Tags?.find((t) => t.Key === 'PantherVersion')?.Value).toBe('v1.26.9');
    expect((await sandbox.cfn.send(new GetTemplateCommand({ StackName: 'panther-root' }))).TemplateBody).toBe(before);

    const rootEvents = await events('panther-root');
    const failed = rootEvents.filter((e) => e.ResourceStatus === 'UPDATE_FAILED');
    expect(failed.find((e) => e.LogicalResourceId === 'Web')?.ResourceStatusReason).toMatch(/^Embedded stack arn:aws:cloudformation:.*panther-root-Web-.* was not successfully updated/);
    expect(failed.find((e) => e.LogicalResourceId === 'LogAnalysis')?.ResourceStatusReason).toBe('Resource update cancelled');

    const web = (await nestedOf(root.StackId ?? '')).find((s) => s.StackName?.startsWith('panther-root-Web-'));
    const webEvents = await events(web?.StackId ?? '');
    const rootCause = webEvents.find((e) => e.ResourceStatus === 'UPDATE_FAILED' && e.ResourceType !== 'AWS::CloudFormation::Stack');
    expect(rootCause).toMatchObject({ LogicalResourceId: 'WebFunction', ResourceStatusReason: 'Layer too large' });
    // The nested stack failed before its parent did.
    const rootFailedAt = failed.find((e) => e.LogicalResourceId === 'Web')?.Timestamp?.getTime() ?? 0;
    expect(rootCause?.Timestamp?.getTime()).toBeLessThanOrEqual(rootFailedAt);
    expect(web?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const ops = await admin<{ operations: { kind: string; outcome: string }[] }>(sandbox.endpoint, 'GET', 'operations');
    expect(ops.operations.map((o) => `${o.kind}:${o.outcome}`)).toEqual(['update:succeeded', 'update:failed', 'rollback:succeeded']);
  });

  it('ends in UPDATE_ROLLBACK_FAILED on demand, refuses updates, and leaves it through ContinueUpdateRollback', async () => {
    await admin(sandbox.endpoint, 'PUT', 'faults', {
      faults: [
        { kind: 'fail-resource', logicalId: 'Core', version: 'v1.26.9' },
        { kind: 'fail-rollback', version: 'v1.26.9' },
      ],
    });
    await updateRoot('v1.26.9');
    const root = await waitForStack(sandbox.cfn, 'panther-root');
    expect(root.StackStatus).toBe('UPDATE_ROLLBACK_FAILED');
    expect(root.StackStatusReason).toBe('The following resource(s) failed to update: [Core].');
    const refused = await updateRoot('v1.26.9').catch((e: Error) => e);
    expect((refused as Error).message).toMatch(/is in UPDATE_ROLLBACK_FAILED state and can not be updated\.$/);

    await sandbox.cfn.send(new ContinueUpdateRollbackCommand({ StackName: 'panther-root' }));
    const after = await waitForStack(sandbox.cfn, 'panther-root');
    expect(after.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const core = (await nestedOf(root.StackId ?? '')).find((s) => s.StackName?.startsWith('panther-root-Core-'));
    expect(core?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const ops = await admin<{ operations: { kind: string; outcome: string }[] }>(sandbox.endpoint, 'GET', 'operations');
    expect(ops.operations.map((o) => `${o.kind}:${o.outcome}`)).toEqual(['update:failed', 'rollback:failed', 'continue-rollback:succeeded']);
  });

  it('skips resources named in ResourcesToSkip', async () => {
    await admin(sandbox.endpoint, 'PUT', 'faults', {
      faults: [
        { kind: 'fail-resource', logicalId: 'PythonLayer' },
        { kind: 'fail-rollback', times: 2 },
      ],
    });
    await updateRoot('v1.26.9');
    expect((await waitForStack(sandbox.cfn, 'panther-root')).StackStatus).toBe('UPDATE_ROLLBACK_FAILED');
    const root = (await sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0];
    const core = (await nestedOf(root?.StackId ?? '')).find((s) => s.StackName?.startsWith('panther-root-Core-'));
    // The nested stack's NAME, not its logical id (the ResourcesToSkip facts are in fidelity/rollback.fidelity.test.ts).
    await sandbox.cfn.send(new ContinueUpdateRollbackCommand({ StackName: 'panther-root', ResourcesToSkip: [`${core?.StackName}.PythonLayer`] }));
    expect((await waitForStack(sandbox.cfn, 'panther-root')).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const skipped = (await events(core?.StackId ?? '')).find((e) => e.LogicalResourceId === 'PythonLayer' && e.ResourceStatusReason?.includes('skipped'));
    expect(skipped?.ResourceStatus).toBe('UPDATE_COMPLETE');
  });

  it('rolls back when the update is cancelled', async () => {
    await updateRoot('v1.26.9');
    await waitForStack(sandbox.cfn, 'panther-root', { until: (s) => s.StackStatus === 'UPDATE_IN_PROGRESS' });
    await sandbox.cfn.send(new CancelUpdateStackCommand({ StackName: 'panther-root' }));
    const root = await waitForStack(sandbox.cfn, 'panther-root');
    expect(root.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const reasons = (await events('panther-root')).map((e) => e.ResourceStatusReason);
    expect(reasons).toContain('Stack update cancelled');
    const again = await sandbox.cfn.send(new CancelUpdateStackCommand({ StackName: 'panther-root' })).catch((e: Error) => e);
    expect((again as Error).message).toBe('CancelUpdateStack cannot be called from current stack status');
  });
});

describe('a failed create and deletion', () => {
  const body = JSON.stringify({
    Resources: {
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
      Nested: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://panther-enterprise-us-east-2.s3.amazonaws.com/v1.25.18/nested/web.yml', Parameters: { PantherVersion: '1.25.18', FunctionRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] }, CustomDomain: '', ApiCertificateArn: '', SegmentEnvironment: 'prod', Segment: 'x' } } },
    },
  });

  it('ends a failed create in ROLLBACK_COMPLETE, which can only be deleted', async () => {
    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'fail-resource', stack: 'panther-broken' }] });
    const noCaps = await sandbox.cfn.send(new CreateStackCommand({ StackName: 'panther-broken', TemplateBody: body })).catch((e: Error) => e);
    expect((noCaps as Error).message).toBe('Requires capabilities : [CAPABILITY_IAM]');
    const { StackId } = await sandbox.cfn.send(new CreateStackCommand({ StackName: 'panther-broken', TemplateBody: body, Capabilities: [...CAPABILITIES] }));
    const stack = await waitForStack(sandbox.cfn, 'panther-broken');
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    const rollback = (await events('panther-broken')).find((e) => e.ResourceStatus === 'ROLLBACK_IN_PROGRESS');
    expect(rollback?.ResourceStatusReason).toMatch(/^The following resource\(s\) failed to create: \[.*Nested.*\]\. Rollback requested by user\.$/);
    const refused = await sandbox.cfn
      .send(new UpdateStackCommand({ StackName: 'panther-broken', TemplateBody: body, Capabilities: [...CAPABILITIES] }))
      .catch((e: Error) => e);
    expect((refused as Error).message).toBe(`Stack:${StackId} is in ROLLBACK_COMPLETE state and can not be updated.`);
    await sandbox.cfn.send(new DeleteStackCommand({ StackName: 'panther-broken' }));
    await waitForStack(sandbox.cfn, StackId ?? '', { until: (s) => s.StackStatus === 'DELETE_COMPLETE' });
    const byName = await sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-broken' })).catch((e: Error) => e);
    expect((byName as Error).message).toBe('Stack with id panther-broken does not exist');
  });

  it('deletes the root stack with its nested stacks, which stay visible by id', async () => {
    const root = (await sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0];
    await sandbox.cfn.send(new DeleteStackCommand({ StackName: 'panther-root' }));
    await waitForStack(sandbox.cfn, root?.StackId ?? '', { until: (s) => s.StackStatus === 'DELETE_COMPLETE' });
    const deleted = ((await sandbox.cfn.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }))).StackSummaries ?? []).filter(
      (s) => s.StackId === root?.StackId || s.ParentId === root?.StackId,
    );
    expect(deleted).toHaveLength(5);
    const nested = deleted.find((s) => s.ParentId);
    expect(nested?.DeletionTime).toBeInstanceOf(Date);
    const nestedEvents = await events(nested?.StackId ?? '');
    expect(nestedEvents[0]?.ResourceStatus).toBe('DELETE_COMPLETE');
    const live = (await sandbox.cfn.send(new DescribeStacksCommand({}))).Stacks?.map((s) => s.StackName);
    expect(live).toEqual(['panther-deployment-role']);
  });
});

describe('a failed delete', () => {
  it('ends DELETE_FAILED naming the resource; DeleteStack with RetainResources then deletes the stack and keeps it', async () => {
    const root = (await sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0];
    // RetainResources is for stacks in the DELETE_FAILED state only.
    const early = await sandbox.cfn.send(new DeleteStackCommand({ StackName: 'panther-root', RetainResources: ['PantherFunctionRole'] })).catch((e: Error) => e);
    expect((early as Error).name).toBe('ValidationError');
    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'fail-delete', stack: 'panther-root', logicalId: 'PantherFunctionRole', reason: 'injected: cannot delete' }] });
    await sandbox.cfn.send(new DeleteStackCommand({ StackName: 'panther-root' }));
    const failed = await waitForStack(sandbox.cfn, root?.StackId ?? '', { until: (s) => s.StackStatus === 'DELETE_FAILED' || s.StackStatus === 'DELETE_COMPLETE' });
    expect(failed.StackStatus).toBe('DELETE_FAILED');
    expect(failed.StackStatusReason).toBe('The following resource(s) failed to delete: [PantherFunctionRole]. ');
    expect((await events('panther-root')).find((e) => e.LogicalResourceId === 'PantherFunctionRole' && e.ResourceStatus === 'DELETE_FAILED')?.ResourceStatusReason).toBe('injected: cannot delete');
    await sandbox.cfn.send(new DeleteStackCommand({ StackName: 'panther-root', RetainResources: ['PantherFunctionRole'] }));
    await waitForStack(sandbox.cfn, root?.StackId ?? '', { until: (s) => s.StackStatus === 'DELETE_COMPLETE' });
    expect((await events(root?.StackId ?? '')).find((e) => e.LogicalResourceId === 'PantherFunctionRole')?.ResourceStatus).toBe('DELETE_SKIPPED');
  });
});
