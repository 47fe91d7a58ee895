import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rootTemplateUrl } from './s3/panther-buckets.js';
import { startSandbox, type SandboxServer } from './index.js';
import { awsCli, awsCliJson } from './test-support/aws-cli.js';
import { admin } from './test-support/clients.js';

// Each AWS CLI run starts a Python interpreter: seconds apiece on a busy machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

/** The same scenarios driven by the AWS CLI (Debian's awscli in CI; see test-support/aws-cli.ts). */
let sandbox: SandboxServer;

const aws = (...args: string[]) => awsCli(sandbox.endpoint, args);
const json = <T>(...args: string[]) => awsCliJson<T>(sandbox.endpoint, args);

async function previousValueArgs(): Promise<string[]> {
  const keys = await json<string[]>('cloudformation', 'describe-stacks', '--stack-name', 'panther-root', '--query', 'Stacks[0].Parameters[].ParameterKey');
  return keys.map((k) => `ParameterKey=${k},UsePreviousValue=true`);
}

const CAPS = ['--capabilities', 'CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];

describe('the AWS CLI against the sandbox', () => {
  beforeAll(async () => {
    // Fast enough that an update is over before `aws cloudformation wait` first polls (it
    // would otherwise sleep 30 s between polls).
    sandbox = await startSandbox({ port: 0, speed: 5000, seed: 9 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('describes the seeded stack', async () => {
    const out = await json<{ Stacks: { StackStatus: string; Tags: { Key: string; Value: string }[] }[] }>('cloudformation', 'describe-stacks', '--stack-name', 'panther-root');
    expect(out.Stacks[0]?.StackStatus).toBe('CREATE_COMPLETE');
    expect(out.Stacks[0]?.Tags).toContainEqual({ Key: 'PantherVersion', Value: 'v1.25.18' });
  });

  it('updates with --template-url and UsePreviousValue=true, then waits for it', async () => {
    const params = await previousValueArgs();
    const updated = await json<{ StackId: string }>(
      'cloudformation', 'update-stack', '--stack-name', 'panther-root',
      '--template-url', rootTemplateUrl('v1.26.9', 'us-east-2'),
      '--parameters', ...params, ...CAPS,
      '--tags', 'Key=PantherVersion,Value=v1.26.9', 'Key=Application,Value=Panther',
    );
    expect(updated.StackId).toMatch(/:stack\/panther-root\//);
    // The CLI's waiters sleep 30 s between polls: finish the operation first, so the first poll sees the end.
    await admin(sandbox.endpoint, 'POST', 'settle');
    const wait = await aws('cloudformation', 'wait', 'stack-update-complete', '--stack-name', 'panther-root');
    expect(wait.code).toBe(0);
    const events = await json<{ ResourceStatus: string }[]>('cloudformation', 'describe-stack-events', '--stack-name', 'panther-root', '--query', 'StackEvents[?LogicalResourceId==`panther-root`]');
    expect(events.map((e) => e.ResourceStatus).slice(0, 3)).toEqual(['UPDATE_COMPLETE', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_IN_PROGRESS']);
  });

  it('creates, describes and executes a change set', async () => {
    const params = await previousValueArgs();
    const created = await json<{ Id: string }>(
      'cloudformation', 'create-change-set', '--stack-name', 'panther-root', '--change-set-name', 'to-v1-27-8',
      '--template-url', rootTemplateUrl('v1.27.8', 'us-east-2'), '--parameters', ...params, ...CAPS,
    );
    await admin(sandbox.endpoint, 'POST', 'settle');
    expect((await aws('cloudformation', 'wait', 'change-set-create-complete', '--change-set-name', created.Id)).code).toBe(0);
    const cs = await json<{ Status: string; Changes: { ResourceChange: { Action: string; LogicalResourceId: string } }[] }>('cloudformation', 'describe-change-set', '--change-set-name', created.Id);
    expect(cs.Status).toBe('CREATE_COMPLETE');
    expect(cs.Changes.map((c) => c.ResourceChange.LogicalResourceId)).toContain('Core');
    expect((await aws('cloudformation', 'execute-change-set', '--change-set-name', created.Id)).code).toBe(0);
    await admin(sandbox.endpoint, 'POST', 'settle');
    expect((await aws('cloudformation', 'wait', 'stack-update-complete', '--stack-name', 'panther-root')).code).toBe(0);
    const params2 = await json<{ ParameterKey: string }[]>('cloudformation', 'describe-stacks', '--stack-name', 'panther-root', '--query', 'Stacks[0].Parameters');
    expect(params2.map((p) => p.ParameterKey)).toContain('EnableFips');
  });

  it('fails a constraint violation with a non-zero exit and the message', async () => {
    const params = (await previousValueArgs()).filter((p) => !p.includes('PythonRuntime'));
    const r = await aws(
      'cloudformation', 'update-stack', '--stack-name', 'panther-root', '--template-url', rootTemplateUrl('v1.28.7', 'us-east-2'),
      '--parameters', ...params, 'ParameterKey=PythonRuntime,ParameterValue=python2.7', ...CAPS,
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('An error occurred (ValidationError) when calling the UpdateStack operation: Parameter \'PythonRuntime\' must be one of AllowedValues');
  });

  it('starts a CodeBuild build and reads it back', async () => {
    const started = await json<{ build: { id: string; buildStatus: string } }>('codebuild', 'start-build', '--project-name', 'panther-pulumi');
    expect(started.build.buildStatus).toBe('IN_PROGRESS');
    const got = await json<{ builds: { id: string; buildStatus: string; currentPhase: string }[] }>('codebuild', 'batch-get-builds', '--ids', started.build.id);
    expect(got.builds[0]?.id).toBe(started.build.id);
    expect(['IN_PROGRESS', 'SUCCEEDED']).toContain(got.builds[0]?.buildStatus);
  });
});
