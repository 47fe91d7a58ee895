/**
 * A rollback that fails inside a nested stack, and ContinueUpdateRollback with
 * ResourcesToSkip, through the AWS SDK v3 and the AWS CLI. Sources: botocore
 * cloudformation/2010-05-15 ContinueUpdateRollbackInput (StackName, ResourcesToSkip), the
 * User Guide's using-cfn-updating-stacks-continueupdaterollback.md (awsdocs/
 * aws-cloudformation-user-guide). The refusals' wording is in UNVERIFIED.md.
 */
import { ContinueUpdateRollbackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { admin, waitForStack } from '../test-support/clients.js';
import { awsCli } from '../test-support/aws-cli.js';
import { events, nested, sdkError, updateRoot } from '../test-support/fidelity.js';
import { useSandbox } from '../test-support/use-sandbox.js';

// Each AWS CLI run starts a Python interpreter: seconds apiece on a busy machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const sandbox = useSandbox({ speed: 400, seed: 23 });
const skip = (...ResourcesToSkip: string[]) => sandbox.cfn.send(new ContinueUpdateRollbackCommand({ StackName: 'panther-root', ResourcesToSkip }));

/** An update whose WebFunction fails, and whose rollback then fails at WebFunction too. */
beforeEach(async () => {
  await admin(sandbox.endpoint, 'PUT', 'faults', {
    faults: [
      { kind: 'fail-resource', stack: 'panther-root', logicalId: 'WebFunction' },
      { kind: 'fail-rollback', stack: 'panther-root' },
    ],
  });
  await updateRoot(sandbox.cfn, 'v1.26.9');
  await waitForStack(sandbox.cfn, 'panther-root');
});

describe('UPDATE_ROLLBACK_FAILED inside a nested stack', () => {
  // UG: "A stack goes into the UPDATE_ROLLBACK_FAILED state when AWS CloudFormation cannot roll
  // back all changes during an update"; with nested stacks the parent's stack resource fails too.
  it('leaves the nested stack and the root in UPDATE_ROLLBACK_FAILED, the resource UPDATE_FAILED', async () => {
    const root = (await sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0];
    expect(root?.StackStatus).toBe('UPDATE_ROLLBACK_FAILED');
    const web = await nested(sandbox.cfn, 'Web');
    expect(web.status).toBe('UPDATE_ROLLBACK_FAILED');
    expect((await events(sandbox.cfn, web.id))[0]).toMatchObject({ LogicalResourceId: web.name, ResourceStatus: 'UPDATE_ROLLBACK_FAILED' });
    expect((await events(sandbox.cfn, web.id)).find((e) => e.LogicalResourceId === 'WebFunction')?.ResourceStatus).toBe('UPDATE_FAILED');
  });

  // BC StackName: "Don't specify the name of a nested stack ... Instead, use this operation on
  // the parent stack".
  it('refuses ContinueUpdateRollback on the nested stack', async () => {
    const web = await nested(sandbox.cfn, 'Web');
    expect(await sdkError(sandbox.cfn.send(new ContinueUpdateRollbackCommand({ StackName: web.id })))).toMatchObject({ name: 'ValidationError', status: 400 });
  });

  // BC ResourcesToSkip: "To skip resources that are part of nested stacks, use the following
  // format: NestedStackName.ResourceLogicalID ... Don't confuse a child stack's name with its
  // corresponding logical ID"; "You can specify only resources that are in the UPDATE_FAILED state
  // because a rollback failed"; a stack resource only when its embedded stack is DELETE_*.
  it('refuses the logical-id path, a resource whose rollback did not fail, and the nested stack resource', async () => {
    expect(await sdkError(skip('Web.WebFunction'))).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('[Web.WebFunction]') });
    const web = await nested(sandbox.cfn, 'Web');
    expect(await sdkError(skip(`${web.name}.LoadBalancer`))).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('only resources in UPDATE_FAILED state because their rollback failed') });
    expect(await sdkError(skip('Web'))).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('DELETE_IN_PROGRESS, DELETE_COMPLETE or DELETE_FAILED') });
    expect((await sandbox.cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0]?.StackStatus).toBe('UPDATE_ROLLBACK_FAILED');
  });

  // UG example: `aws cloudformation continue-update-rollback --stack-name WebInfra
  // --resources-to-skip ... WebInfra-Compute-Asg.myAsg ...`; skipped resources become
  // UPDATE_COMPLETE and the stack reaches UPDATE_ROLLBACK_COMPLETE (BC ResourcesToSkip).
  it('accepts `<nested stack name>.<LogicalId>` from the AWS CLI and finishes the rollback', async () => {
    const web = await nested(sandbox.cfn, 'Web');
    const wrong = await awsCli(sandbox.endpoint, ['cloudformation', 'continue-update-rollback', '--stack-name', 'panther-root', '--resources-to-skip', 'Web.WebFunction']);
    expect(wrong.stderr).toContain('An error occurred (ValidationError) when calling the ContinueUpdateRollback operation');
    const r = await awsCli(sandbox.endpoint, ['cloudformation', 'continue-update-rollback', '--stack-name', 'panther-root', '--resources-to-skip', `${web.name}.WebFunction`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((await waitForStack(sandbox.cfn, 'panther-root')).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect((await nested(sandbox.cfn, 'Web')).status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const skipped = (await events(sandbox.cfn, web.id)).find((e) => e.LogicalResourceId === 'WebFunction');
    expect(skipped).toMatchObject({ ResourceStatus: 'UPDATE_COMPLETE', ResourceStatusReason: 'Resource skipped during continue update rollback' });
  });

  it('retries without skipping, through the SDK, when the cause is gone', async () => {
    await sandbox.cfn.send(new ContinueUpdateRollbackCommand({ StackName: 'panther-root', ClientRequestToken: 'retry-1' }));
    // Idempotent with its token (BC ContinueUpdateRollback ClientRequestToken).
    await sandbox.cfn.send(new ContinueUpdateRollbackCommand({ StackName: 'panther-root', ClientRequestToken: 'retry-1' }));
    expect((await waitForStack(sandbox.cfn, 'panther-root')).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const ops = await admin<{ operations: { kind: string }[] }>(sandbox.endpoint, 'GET', 'operations');
    expect(ops.operations.filter((o) => o.kind === 'continue-rollback')).toHaveLength(1);
  });
});
