/**
 * Fidelity of the sandbox's CloudFormation, through the AWS SDK v3 and the AWS CLI: one case
 * per behaviour pantherctl relies on, each with its source. Sources: "BC" is botocore's
 * cloudformation/2010-05-15/service-2.json (boto/botocore), "UG" the CloudFormation User
 * Guide (awsdocs/aws-cloudformation-user-guide, doc_source/).
 */
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { describe, expect, it, vi } from 'vitest';
import { roleTemplateUrl, rootTemplateUrl } from '../s3/panther-buckets.js';
import { admin, CAPABILITIES, previousValues, waitForStack } from '../test-support/clients.js';
import { awsCli, awsCliJson } from '../test-support/aws-cli.js';
import { events, nested, sdkError, updateRoot } from '../test-support/fidelity.js';
import { useSandbox } from '../test-support/use-sandbox.js';

// Each AWS CLI run starts a Python interpreter: seconds apiece on a busy machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const sandbox = useSandbox({ speed: 400, seed: 21 });
const cli = (...args: string[]) => awsCli(sandbox.endpoint, args);

const QUEUE = JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue' }, Topic: { Type: 'AWS::SNS::Topic' } } });

describe('errors and their texts', () => {
  // The XML AWS answers, quoted in boto/boto3#2807: <Code>ValidationError</Code>
  // <Message>Stack with id foo does not exist</Message>, HTTP 400.
  it('an unknown stack: ValidationError "Stack with id NAME does not exist"', async () => {
    expect(await sdkError(sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-nope' })))).toEqual({ name: 'ValidationError', message: 'Stack with id panther-nope does not exist', status: 400 });
    const r = await cli('cloudformation', 'describe-stacks', '--stack-name', 'panther-nope');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id panther-nope does not exist');
  });

  // aws/aws-cli#3249 and boto/boto3#1609 quote "An error occurred (ValidationError) when calling
  // the UpdateStack operation: No updates are to be performed." (a stack without nested stacks).
  it('an update that changes nothing: ValidationError "No updates are to be performed."', async () => {
    expect(await sdkError(sandbox.cfn.send(new UpdateStackCommand({ StackName: 'panther-deployment-role', UsePreviousTemplate: true, Capabilities: [...CAPABILITIES] })))).toMatchObject({
      name: 'ValidationError',
      message: 'No updates are to be performed.',
    });
    const r = await cli('cloudformation', 'update-stack', '--stack-name', 'panther-deployment-role', '--use-previous-template', '--capabilities', 'CAPABILITY_NAMED_IAM');
    expect(r.stderr).toContain('An error occurred (ValidationError) when calling the UpdateStack operation: No updates are to be performed.');
  });

  // "Stack:arn:aws:cloudformation:...:stack/con-cloudwan/... is in UPDATE_ROLLBACK_FAILED state and
  // can not be updated." (quoted in org-formation/org-formation-cli#455); the same for a stack busy with an update.
  it('a busy stack: "Stack:ARN is in UPDATE_IN_PROGRESS state and can not be updated."', async () => {
    await updateRoot(sandbox.cfn, 'v1.26.9');
    const e = await sdkError(updateRoot(sandbox.cfn, 'v1.26.9'));
    expect(e.name).toBe('ValidationError');
    expect(e.message).toMatch(/^Stack:arn:aws:cloudformation:us-east-2:123456789012:stack\/panther-root\/[0-9a-f-]+ is in UPDATE_IN_PROGRESS state and can not be updated\.$/);
  });

  // InsufficientCapabilitiesException "Requires capabilities : [CAPABILITY_NAMED_IAM]"
  // (envato/stack_master#138); BC CreateStack Capabilities: CAPABILITY_AUTO_EXPAND is for macros,
  // so a template with nested stacks but no transform needs none for them.
  it('capabilities: NAMED_IAM for named IAM resources, no AUTO_EXPAND for nested stacks', async () => {
    const params = await previousValues(sandbox.cfn, 'panther-root');
    const input = { StackName: 'panther-root', TemplateURL: rootTemplateUrl('v1.26.9', 'us-east-2'), Parameters: params };
    expect(await sdkError(sandbox.cfn.send(new UpdateStackCommand({ ...input, Capabilities: ['CAPABILITY_IAM'] })))).toMatchObject({
      name: 'InsufficientCapabilitiesException',
      message: 'Requires capabilities : [CAPABILITY_NAMED_IAM]',
    });
    await sandbox.cfn.send(new UpdateStackCommand({ ...input, Capabilities: ['CAPABILITY_NAMED_IAM'] }));
    expect((await waitForStack(sandbox.cfn, 'panther-root')).StackStatus).toBe('UPDATE_COMPLETE');
    const r = await cli('cloudformation', 'update-stack', '--stack-name', 'panther-deployment-role', '--template-url', roleTemplateUrl('v1.26.9'));
    expect(r.stderr).toContain('An error occurred (InsufficientCapabilitiesException) when calling the UpdateStack operation: Requires capabilities : [CAPABILITY_NAMED_IAM]');
  });

  // "Cannot specify UsePreviousValue on Parameters when ChangeSetType is CREATE" (quoted in
  // mapbox/cfn-config#182 and aws/serverless-application-model#122).
  it('a CREATE change set with UsePreviousValue', async () => {
    const input = { StackName: 'panther-new', ChangeSetName: 'c1', ChangeSetType: 'CREATE' as const, TemplateBody: JSON.stringify({ Parameters: { P: { Type: 'String' } }, Resources: { Q: { Type: 'AWS::SQS::Queue' } } }) };
    expect(await sdkError(sandbox.cfn.send(new CreateChangeSetCommand({ ...input, Parameters: [{ ParameterKey: 'P', UsePreviousValue: true }] })))).toMatchObject({
      name: 'ValidationError',
      message: 'Cannot specify UsePreviousValue on Parameters when ChangeSetType is CREATE',
    });
    const r = await cli('cloudformation', 'create-change-set', '--stack-name', 'panther-new', '--change-set-name', 'c1', '--change-set-type', 'CREATE', '--template-body', input.TemplateBody, '--parameters', 'ParameterKey=P,UsePreviousValue=true');
    expect(r.stderr).toContain('Cannot specify UsePreviousValue on Parameters when ChangeSetType is CREATE');
  });

  // "Cannot specify usePreviousValue as true and non empty value for a parameter" (quoted in
  // widdix/cfn-create-or-update#15); "... for a parameter key not in the previous template"
  // (rackerlabs/ebs_snapper#56); "Parameters: [X] must have values" and "do not exist in the template".
  it('parameter misuse on update', async () => {
    const params = await previousValues(sandbox.cfn, 'panther-root', ['SentryEnvironment']);
    const send = (extra: { ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean }[], version = 'v1.26.9') =>
      sdkError(sandbox.cfn.send(new UpdateStackCommand({ StackName: 'panther-root', TemplateURL: rootTemplateUrl(version, 'us-east-2'), Parameters: [...params, ...extra], Capabilities: [...CAPABILITIES] })));
    expect((await send([{ ParameterKey: 'SentryEnvironment', ParameterValue: 'dev', UsePreviousValue: true }])).message).toBe(
      'Invalid input for parameter key SentryEnvironment. Cannot specify usePreviousValue as true and non empty value for a parameter.',
    );
    expect((await send([{ ParameterKey: 'EnableFips', UsePreviousValue: true }], 'v1.27.8')).message).toBe(
      'Invalid input for parameter key EnableFips. Cannot specify usePreviousValue as true for a parameter key not in the previous template',
    );
    expect((await send([{ ParameterKey: 'NoSuchParameter', ParameterValue: 'x' }])).message).toBe('Parameters: [NoSuchParameter] do not exist in the template');
  });
});

describe('states and transitions', () => {
  // UG using-cfn-describing-stacks.md (stack status codes): an update goes UPDATE_IN_PROGRESS,
  // UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, UPDATE_COMPLETE; nested stacks are updated with their
  // parent even when nothing inside changes (aws/aws-cdk#6216).
  it('an update moves through its states, every nested stack with it', async () => {
    await updateRoot(sandbox.cfn, 'v1.26.9');
    await waitForStack(sandbox.cfn, 'panther-root');
    const own = await awsCliJson<string[]>(sandbox.endpoint, ['cloudformation', 'describe-stack-events', '--stack-name', 'panther-root', '--query', 'StackEvents[?LogicalResourceId==`panther-root`].ResourceStatus']);
    expect(own.slice(0, 3).reverse()).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE']);
    for (const id of ['Bootstrap', 'Core', 'LogAnalysis', 'Web']) {
      const n = await nested(sandbox.cfn, id);
      expect((await events(sandbox.cfn, n.id)).map((e) => e.ResourceStatus).slice(0, 2), id).toEqual(['UPDATE_COMPLETE', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS']);
    }
  });
});

describe('paging', () => {
  // BC paginators-1.json: DescribeStackEvents and ListStacks page with NextToken; events come
  // newest first (BC DescribeStackEvents: "in reverse chronological order").
  it('DescribeStackEvents pages newest first with NextToken, and the CLI follows every page', async () => {
    const first = await sandbox.cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-root' }));
    const times = (first.StackEvents ?? []).map((e) => e.Timestamp?.getTime() ?? 0);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    let total = first.StackEvents?.length ?? 0;
    let token = first.NextToken;
    while (token) {
      const page = await sandbox.cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-root', NextToken: token }));
      total += page.StackEvents?.length ?? 0;
      token = page.NextToken;
    }
    const all = await awsCliJson<{ StackEvents: unknown[] }>(sandbox.endpoint, ['cloudformation', 'describe-stack-events', '--stack-name', 'panther-root']);
    expect(all.StackEvents).toHaveLength(total);
    const stacks = await awsCliJson<{ StackSummaries: { StackName: string }[] }>(sandbox.endpoint, ['cloudformation', 'list-stacks']);
    expect(stacks.StackSummaries.length).toBe(((await sandbox.cfn.send(new ListStacksCommand({}))).StackSummaries ?? []).length);
  });
});

describe('idempotency', () => {
  // BC CreateStack/UpdateStack ClientRequestToken: "Specify this token if you plan to retry
  // requests so that CloudFormation knows that you're not attempting to create a stack with the
  // same name"; "All events initiated by a given stack operation are assigned the same client
  // request token".
  it('CreateStack and UpdateStack retried with the same ClientRequestToken start one operation', async () => {
    const create = { StackName: 'panther-queue', TemplateBody: QUEUE, ClientRequestToken: 'create-1' };
    const a = await sandbox.cfn.send(new CreateStackCommand(create));
    const b = await sandbox.cfn.send(new CreateStackCommand(create));
    expect(b.StackId).toBe(a.StackId);
    expect(await sdkError(sandbox.cfn.send(new CreateStackCommand({ ...create, ClientRequestToken: 'create-2' })))).toMatchObject({ name: 'AlreadyExistsException' });
    await waitForStack(sandbox.cfn, 'panther-queue');
    await updateRoot(sandbox.cfn, 'v1.26.9').then(() => undefined);
    await waitForStack(sandbox.cfn, 'panther-root');
    const params = await previousValues(sandbox.cfn, 'panther-root');
    const update = { StackName: 'panther-root', TemplateURL: rootTemplateUrl('v1.27.8', 'us-east-2'), Parameters: params, Capabilities: [...CAPABILITIES], ClientRequestToken: 'update-1' };
    await sandbox.cfn.send(new UpdateStackCommand(update));
    await sandbox.cfn.send(new UpdateStackCommand(update));
    await waitForStack(sandbox.cfn, 'panther-root');
    const ops = await admin<{ operations: { stack?: string; kind: string }[] }>(sandbox.endpoint, 'GET', 'operations');
    expect(ops.operations.filter((o) => o.stack === 'panther-queue' && o.kind === 'create')).toHaveLength(1);
    expect(ops.operations.filter((o) => o.stack === 'panther-root' && o.kind === 'update')).toHaveLength(2);
    const tokens = new Set((await events(sandbox.cfn, 'panther-root')).filter((e) => e.LogicalResourceId === 'panther-root' && e.ResourceStatus?.startsWith('UPDATE')).slice(0, 3).map((e) => e.ClientRequestToken));
    expect([...tokens]).toEqual(['update-1']);
  });

  // BC CreateChangeSet ClientToken: "Specify this token if you plan to retry requests so that
  // CloudFormation knows that you're not attempting to create another change set with the same name."
  it('CreateChangeSet retried with the same ClientToken gets the same change set; another token gets AlreadyExistsException', async () => {
    const params = await previousValues(sandbox.cfn, 'panther-root');
    const input = { StackName: 'panther-root', ChangeSetName: 'to-v1-26-9', TemplateURL: rootTemplateUrl('v1.26.9', 'us-east-2'), Parameters: params, Capabilities: [...CAPABILITIES], ClientToken: 'cs-1' };
    const a = await sandbox.cfn.send(new CreateChangeSetCommand(input));
    const b = await sandbox.cfn.send(new CreateChangeSetCommand(input));
    expect(b.Id).toBe(a.Id);
    expect(await sdkError(sandbox.cfn.send(new CreateChangeSetCommand({ ...input, ClientToken: 'cs-2' })))).toMatchObject({ name: 'AlreadyExistsException', message: 'ChangeSet [to-v1-26-9] already exists' });
    const viaCli = await awsCliJson<{ Id: string }>(sandbox.endpoint, [
      'cloudformation', 'create-change-set', '--stack-name', 'panther-root', '--change-set-name', 'to-v1-26-9', '--use-previous-template',
      '--parameters', ...params.map((p) => `ParameterKey=${p.ParameterKey},UsePreviousValue=true`), '--capabilities', 'CAPABILITY_NAMED_IAM', '--client-token', 'cs-1',
    ]);
    expect(viaCli.Id).toBe(a.Id);
  });
});

describe('DisableRollback', () => {
  // UG stack-failure-options.md: "Preserve successfully provisioned resources" (DisableRollback)
  // leaves a failed create in CREATE_FAILED with "The following resource(s) failed to create:
  // [MyBucket]"; with rollback on, the reason ends "Rollback requested by user." (quoted in
  // aws-samples/aws-serverless-workshops#210) and the stack goes ROLLBACK_COMPLETE.
  it('a failed create stays CREATE_FAILED without "Rollback requested by user."; with rollback, ROLLBACK_COMPLETE with it', async () => {
    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'fail-resource', stack: 'panther-kept', logicalId: 'Queue' }, { kind: 'fail-resource', stack: 'panther-gone', logicalId: 'Queue' }] });
    await sandbox.cfn.send(new CreateStackCommand({ StackName: 'panther-kept', TemplateBody: QUEUE, DisableRollback: true }));
    await sandbox.cfn.send(new CreateStackCommand({ StackName: 'panther-gone', TemplateBody: QUEUE }));
    const kept = await waitForStack(sandbox.cfn, 'panther-kept');
    const gone = await waitForStack(sandbox.cfn, 'panther-gone');
    expect(kept).toMatchObject({ StackStatus: 'CREATE_FAILED', StackStatusReason: expect.stringMatching(/^The following resource\(s\) failed to create: \[Queue(, Topic)?\]$/), DisableRollback: true });
    expect(gone).toMatchObject({ StackStatus: 'ROLLBACK_COMPLETE' });
    expect((await events(sandbox.cfn, 'panther-gone')).find((e) => e.ResourceStatus === 'ROLLBACK_IN_PROGRESS')?.ResourceStatusReason).toMatch(/\. Rollback requested by user\.$/);
  });

  // The same option on an update: failed resources stay UPDATE_FAILED, and no stack of the tree
  // rolls back, nested ones included (UG stack-failure-options.md, "Update stack").
  it('a failed update with DisableRollback: UPDATE_FAILED, nested stacks not rolled back either', async () => {
    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'fail-resource', stack: 'panther-root', logicalId: 'WebFunction' }] });
    await updateRoot(sandbox.cfn, 'v1.26.9', [], { DisableRollback: true });
    const root = await waitForStack(sandbox.cfn, 'panther-root');
    expect(root.StackStatus).toBe('UPDATE_FAILED');
    const web = await nested(sandbox.cfn, 'Web');
    expect(web.status).toBe('UPDATE_FAILED');
    for (const id of ['panther-root', web.id]) {
      const statuses = (await events(sandbox.cfn, id)).map((e) => `${e.ResourceStatus} ${e.ResourceStatusReason ?? ''}`);
      expect(statuses.filter((s) => /ROLLBACK/.test(s) || /Rollback requested/.test(s)), id).toEqual([]);
    }
  });
});
