/**
 * Change sets on a root stack with nested stacks, through the AWS SDK v3 and the AWS CLI.
 * Sources: the User Guide's change-sets-for-nested-stacks.md (awsdocs/aws-cloudformation-user-guide),
 * botocore cloudformation/2010-05-15 (DescribeChangeSetOutput, ResourceChange, DeleteChangeSet),
 * aws/aws-cdk#6216 and #4488, aws-cloudformation/rain#152 and #154, aws/aws-sam-cli#2406.
 */
import { CreateChangeSetCommand, CreateStackCommand, DeleteChangeSetCommand, DescribeChangeSetCommand, ExecuteChangeSetCommand, ListChangeSetsCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it, vi } from 'vitest';
import { rootTemplateUrl } from '../s3/panther-buckets.js';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CAPABILITIES, clientsFor, previousValues, waitForStack } from '../test-support/clients.js';
import { awsCliJson } from '../test-support/aws-cli.js';
import { sdkError, settledChangeSet } from '../test-support/fidelity.js';
import { useSandbox } from '../test-support/use-sandbox.js';

// Each AWS CLI run starts a Python interpreter: seconds apiece on a busy machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const sandbox = useSandbox({ speed: 400, seed: 22 });
const NESTED = ['Bootstrap', 'Core', 'LogAnalysis', 'Web'];

async function changeSet(name: string, opts: { version?: string; includeNested?: boolean; extra?: { ParameterKey: string; ParameterValue: string }[] } = {}) {
  const params = await previousValues(sandbox.cfn, 'panther-root', (opts.extra ?? []).map((e) => e.ParameterKey));
  const created = await sandbox.cfn.send(
    new CreateChangeSetCommand({
      StackName: 'panther-root',
      ChangeSetName: name,
      ...(opts.version ? { TemplateURL: rootTemplateUrl(opts.version, 'us-east-2') } : { UsePreviousTemplate: true }),
      Parameters: [...params, ...(opts.extra ?? [])],
      Capabilities: [...CAPABILITIES],
      ...(opts.includeNested ? { IncludeNestedStacks: true } : {}),
    }),
  );
  return settledChangeSet(sandbox.cfn, created.Id as string);
}

describe('a change set on a root stack with nested stacks', () => {
  // "If there is even one nested stack, cdk deploy will never report 'no changes' again"
  // (aws/aws-cdk#4488); CloudFormation "attempts to update nested stacks even if their template
  // haven't changed" (aws/aws-cdk#6216). The row's shape is the User Guide's: Modify, Scope
  // Properties, Target Attribute Properties, RequiresRecreation Never, Evaluation Dynamic,
  // ChangeSource Automatic.
  it('lists a Modify for every nested stack even when nothing changes (SDK and CLI)', async () => {
    const cs = await changeSet('nothing');
    expect(cs.Status).toBe('CREATE_COMPLETE');
    expect(cs.Changes?.map((c) => c.ResourceChange?.LogicalResourceId).sort()).toEqual([...NESTED].sort());
    for (const c of cs.Changes ?? []) {
      expect(c.ResourceChange).toMatchObject({ Action: 'Modify', ResourceType: 'AWS::CloudFormation::Stack', Replacement: 'False', Scope: ['Properties'] });
      expect(c.ResourceChange?.Details).toContainEqual({ Target: { Attribute: 'Properties', RequiresRecreation: 'Never' }, Evaluation: 'Dynamic', ChangeSource: 'Automatic' });
      expect(c.ResourceChange?.ChangeSetId).toBeUndefined();
    }
    const viaCli = await awsCliJson<{ Changes: { ResourceChange: { Action: string; Details: { Evaluation: string; ChangeSource: string }[] } }[] }>(sandbox.endpoint, [
      'cloudformation', 'describe-change-set', '--change-set-name', cs.ChangeSetId as string,
    ]);
    expect(viaCli.Changes.map((c) => c.ResourceChange.Action)).toEqual(['Modify', 'Modify', 'Modify', 'Modify']);
    expect(viaCli.Changes[0]?.ResourceChange.Details.at(-1)).toMatchObject({ Evaluation: 'Dynamic', ChangeSource: 'Automatic' });
  });

  // User Guide: the nested change set has ParentChangeSetId and RootChangeSetId, the root's row
  // its ChangeSetId, and it is CREATE_COMPLETE, ExecutionStatus UNAVAILABLE, StatusReason
  // "Executable from root change set". A nested stack where nothing changes still gets one,
  // with no changes (rain#152: "no changes in resources of the nested stack").
  it('with IncludeNestedStacks: one nested change set per nested stack, empty when nothing inside changes', async () => {
    const root = await changeSet('nested-nothing', { includeNested: true });
    expect(root).toMatchObject({ Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', IncludeNestedStacks: true });
    expect(root.ParentChangeSetId).toBeUndefined();
    for (const c of root.Changes ?? []) {
      const id = c.ResourceChange?.ChangeSetId as string;
      expect(id).toMatch(/^arn:aws:cloudformation:us-east-2:123456789012:changeSet\/nested-nothing-/);
      const n = await sandbox.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: id }));
      expect(n).toMatchObject({
        Status: 'CREATE_COMPLETE',
        ExecutionStatus: 'UNAVAILABLE',
        StatusReason: 'Executable from root change set',
        ParentChangeSetId: root.ChangeSetId,
        RootChangeSetId: root.ChangeSetId,
        StackId: c.ResourceChange?.PhysicalResourceId,
        IncludeNestedStacks: true,
      });
      expect(n.Changes).toEqual([]);
    }
    // The same through the CLI.
    const id = root.Changes?.[0]?.ResourceChange?.ChangeSetId as string;
    const viaCli = await awsCliJson<{ StatusReason: string; Changes: unknown[]; RootChangeSetId: string }>(sandbox.endpoint, ['cloudformation', 'describe-change-set', '--change-set-name', id]);
    expect(viaCli).toMatchObject({ StatusReason: 'Executable from root change set', Changes: [], RootChangeSetId: root.ChangeSetId });
  });

  it('the nested change sets show what really changes', async () => {
    const root = await changeSet('runtime', { includeNested: true, extra: [{ ParameterKey: 'PythonRuntime', ParameterValue: 'python3.9' }] });
    const byStack = new Map<string, string[]>();
    for (const c of root.Changes ?? []) {
      const n = await sandbox.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: c.ResourceChange?.ChangeSetId }));
      byStack.set(c.ResourceChange?.LogicalResourceId ?? '', (n.Changes ?? []).map((x) => `${x.ResourceChange?.Action} ${x.ResourceChange?.LogicalResourceId}`));
    }
    // PythonRuntime reaches Core's AlertDeliveryFunction only.
    expect(Object.fromEntries(byStack)).toEqual({ Bootstrap: [], Core: ['Modify AlertDeliveryFunction'], LogAnalysis: [], Web: [] });
  });

  // ExecuteChangeSet and DeleteChangeSet act on the root change set (User Guide: "You must
  // execute or delete change sets for nested stacks from the root change set"; BC DeleteChangeSet:
  // it "will delete all change sets that belong to the stacks hierarchy").
  it('executes from the root only, and deleting the root deletes the hierarchy', async () => {
    const root = await changeSet('to-v1-26-9', { version: 'v1.26.9', includeNested: true });
    const nestedId = root.Changes?.find((c) => c.ResourceChange?.LogicalResourceId === 'Core')?.ResourceChange?.ChangeSetId as string;
    expect(await sdkError(sandbox.cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: nestedId })))).toMatchObject({ name: 'InvalidChangeSetStatusException' });
    await sandbox.cfn.send(new DeleteChangeSetCommand({ ChangeSetName: root.ChangeSetId }));
    expect(await sdkError(sandbox.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: nestedId })))).toMatchObject({ name: 'ChangeSetNotFoundException' });
    const again = await changeSet('to-v1-26-9b', { version: 'v1.26.9', includeNested: true });
    await sandbox.cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: again.ChangeSetId }));
    expect((await waitForStack(sandbox.cfn, 'panther-root')).StackStatus).toBe('UPDATE_COMPLETE');
    const listed = await sandbox.cfn.send(new ListChangeSetsCommand({ StackName: 'panther-root' }));
    expect(listed.Summaries?.find((s) => s.ChangeSetId === again.ChangeSetId)).toMatchObject({ ExecutionStatus: 'EXECUTE_COMPLETE', IncludeNestedStacks: true });
  });

  // A nested change set that cannot be made fails its root: "Nested change set <arn> was not
  // successfully created: Currently in FAILED." (quoted in aws/aws-sam-cli#2406).
  it('a nested change set that fails fails the root, naming it', async () => {
    const { s3 } = clientsFor(sandbox.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'my-nested', CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
    const child = (required: boolean) => JSON.stringify({ Parameters: { Name: { Type: 'String', ...(required ? {} : { Default: 'x' }) } }, Resources: { Q: { Type: 'AWS::SQS::Queue' } } });
    await s3.send(new PutObjectCommand({ Bucket: 'my-nested', Key: 'child.json', Body: child(false) }));
    const parent = JSON.stringify({ Resources: { Child: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://my-nested.s3.us-east-2.amazonaws.com/child.json' } } } });
    await sandbox.cfn.send(new CreateStackCommand({ StackName: 'panther-parent', TemplateBody: parent }));
    expect((await waitForStack(sandbox.cfn, 'panther-parent')).StackStatus).toBe('CREATE_COMPLETE');
    // The child's template now needs a value the parent does not pass.
    await s3.send(new PutObjectCommand({ Bucket: 'my-nested', Key: 'child.json', Body: child(true) }));
    const created = await sandbox.cfn.send(new CreateChangeSetCommand({ StackName: 'panther-parent', ChangeSetName: 'fails', UsePreviousTemplate: true, IncludeNestedStacks: true }));
    const root = await settledChangeSet(sandbox.cfn, created.Id as string);
    const nestedId = root.Changes?.[0]?.ResourceChange?.ChangeSetId as string;
    expect(root).toMatchObject({ Status: 'FAILED', StatusReason: `Nested change set ${nestedId} was not successfully created: Currently in FAILED.` });
    expect(await sandbox.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: nestedId }))).toMatchObject({ Status: 'FAILED', StatusReason: 'Parameters: [Name] must have values' });
    s3.destroy();
  });
});

describe('a change set on a stack without nested stacks', () => {
  // "The submitted information didn't contain changes. Submit different information to create a
  // change set." (aws-cloudformation/rain#94 and #73 quote it).
  it('fails with "didn\'t contain changes" when nothing changes', async () => {
    const created = await sandbox.cfn.send(new CreateChangeSetCommand({ StackName: 'panther-deployment-role', ChangeSetName: 'same', UsePreviousTemplate: true, Capabilities: [...CAPABILITIES] }));
    const cs = await settledChangeSet(sandbox.cfn, created.Id as string);
    expect(cs).toMatchObject({ Status: 'FAILED', StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set." });
  });
});
