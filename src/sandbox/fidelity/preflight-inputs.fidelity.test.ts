/**
 * What preflight reads, as AWS serves it: Lambda's account settings and its refusal of a
 * reservation below the minimum (through CloudFormation's handler), and termination
 * protection. Through the SDK v3 and the AWS CLI. Sources are cited per case.
 */
import {
  DeleteStackCommand,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { awsCliJson } from '../test-support/aws-cli.js';
import { admin, waitForStack } from '../test-support/clients.js';
import { events, nested, sdkError, updateRoot } from '../test-support/fidelity.js';
import { useSandbox } from '../test-support/use-sandbox.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

// 250 concurrent executions; the seeded deployment reserves 40 + 50 + 40 = 130.
const sandbox = useSandbox({ speed: 400, seed: 31, lambdaConcurrencyLimit: 250 });
const opened: { destroy(): void }[] = [];
afterAll(() => {
  for (const c of opened) c.destroy();
});

function lambda(): LambdaClient {
  const c = new LambdaClient({ region: 'us-east-2', endpoint: sandbox.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  opened.push(c);
  return c;
}

describe('Lambda GetAccountSettings', () => {
  // `GET /2016-08-19/account-settings` (botocore lambda/2015-03-31 GetAccountSettings, rest-json):
  // AccountLimit {TotalCodeSize, CodeSizeUnzipped, CodeSizeZipped, ConcurrentExecutions,
  // UnreservedConcurrentExecutions}, AccountUsage {TotalCodeSize, FunctionCount}. The reply of
  // a 50-limit account is quoted in aws-samples/s3-to-lambda-patterns#36.
  it('reports the limit and what no function reserves, through the SDK and the AWS CLI', async () => {
    const out = await lambda().send(new GetAccountSettingsCommand({}));
    expect(out.AccountLimit).toEqual({ TotalCodeSize: 80_530_636_800, CodeSizeUnzipped: 262_144_000, CodeSizeZipped: 52_428_800, ConcurrentExecutions: 250, UnreservedConcurrentExecutions: 120 });
    expect(out.AccountUsage?.FunctionCount).toBeGreaterThanOrEqual(3);
    const cli = await awsCliJson<{ AccountLimit: { UnreservedConcurrentExecutions: number } }>(sandbox.endpoint, ['lambda', 'get-account-settings']);
    expect(cli.AccountLimit.UnreservedConcurrentExecutions).toBe(120);
  });

  // "You can reserve up to the Unreserved account concurrency value minus 100" (Lambda Developer
  // Guide, configuration-concurrency, quoted in aws-samples/one-observability-demo#278); in
  // CloudFormation the function fails with Lambda's InvalidParameterValueException text inside
  // the handler's message (aws-samples/siem-on-amazon-opensearch-service#175,
  // awslabs/amazon-neptune-tools#324) and the stack rolls back.
  it('refuses, through CloudFormation, a reservation that leaves less than 100 unreserved', async () => {
    await updateRoot(sandbox.cfn, 'v1.25.18', [{ ParameterKey: 'MessageForwarderReservedConcurrency', ParameterValue: '100' }]);
    const root = await waitForStack(sandbox.cfn, 'panther-root');
    expect(root.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const la = await nested(sandbox.cfn, 'LogAnalysis');
    const failed = (await events(sandbox.cfn, la.id)).find((e) => e.LogicalResourceId === 'MessageForwarderFunction' && e.ResourceStatus === 'UPDATE_FAILED');
    expect(failed?.ResourceStatusReason).toMatch(
      /^Resource handler returned message: "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of \[100\]\. \(Service: Lambda, Status Code: 400, Request ID: [0-9a-f-]{36}\)" \(RequestToken: [0-9a-f-]{36}, HandlerErrorCode: InvalidRequest\)$/,
    );
    // Nothing was reserved: the figure is unchanged.
    expect((await lambda().send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions).toBe(120);
    // 70 more (to 120 unreserved - 20 = 100) is exactly the most that fits.
    await updateRoot(sandbox.cfn, 'v1.25.18', [{ ParameterKey: 'MessageForwarderReservedConcurrency', ParameterValue: '70' }]);
    expect((await waitForStack(sandbox.cfn, 'panther-root')).StackStatus).toBe('UPDATE_COMPLETE');
    expect((await lambda().send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions).toBe(100);
  });
});

describe('termination protection', () => {
  // UpdateTerminationProtection(EnableTerminationProtection, StackName) -> StackId (botocore);
  // "Enabling or disabling termination protection on a stack sets it for any nested stacks
  // belonging to that stack as well", and a protected stack's delete "fails and the stack--
  // including its status--remains unchanged" (User Guide, using-cfn-protect-stacks.md). The
  // ValidationError text is the one clients match on (aws-nuke's CloudFormationStack resource).
  it('is off by default; on, it covers the nested stacks and DeleteStack is refused with the stack unchanged', async () => {
    const cfn = sandbox.cfn;
    expect((await cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0]?.EnableTerminationProtection).toBe(false);
    const out = await cfn.send(new UpdateTerminationProtectionCommand({ StackName: 'panther-root', EnableTerminationProtection: true }));
    expect(out.StackId).toMatch(/:stack\/panther-root\//);
    const core = await nested(cfn, 'Core');
    expect((await cfn.send(new DescribeStacksCommand({ StackName: core.id }))).Stacks?.[0]?.EnableTerminationProtection).toBe(true);
    for (const name of ['panther-root', core.name]) {
      expect(await sdkError(cfn.send(new DeleteStackCommand({ StackName: name })))).toMatchObject({ name: 'ValidationError', message: `Stack [${name}] cannot be deleted while TerminationProtection is enabled`, status: 400 });
    }
    expect((await cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    // Set on the root only: a nested stack refuses it (message: UNVERIFIED.md).
    expect(await sdkError(cfn.send(new UpdateTerminationProtectionCommand({ StackName: core.name, EnableTerminationProtection: false })))).toMatchObject({ name: 'ValidationError' });
    const cli = await awsCliJson<{ StackId: string }>(sandbox.endpoint, ['cloudformation', 'update-termination-protection', '--stack-name', 'panther-root', '--no-enable-termination-protection']);
    expect(cli.StackId).toMatch(/:stack\/panther-root\//);
    await cfn.send(new DeleteStackCommand({ StackName: 'panther-root' }));
    expect((await waitForStack(cfn, out.StackId ?? '')).StackStatus).toBe('DELETE_COMPLETE');
  });
});

describe('drift detection', () => {
  // DetectStackDrift -> StackDriftDetectionId; DescribeStackDriftDetectionStatus: DetectionStatus,
  // StackDriftStatus DRIFTED | IN_SYNC, DriftedStackResourceCount; DescribeStackResourceDrifts:
  // StackResourceDriftStatus MODIFIED with PropertyDifferences {PropertyPath "/MemorySize",
  // ExpectedValue, ActualValue, DifferenceType NOT_EQUAL}, DELETED without ActualProperties
  // (botocore cloudformation/2010-05-15). "CloudFormation doesn't detect drift on any nested
  // stacks that belong to that stack" (DetectStackDrift API reference): the root stays IN_SYNC.
  it('finds a property changed and a resource deleted out of band on the nested stack only, through the SDK and the AWS CLI', async () => {
    const cfn = sandbox.cfn;
    await admin(sandbox.endpoint, 'PUT', 'faults', {
      faults: [
        { kind: 'drift', stack: 'panther-root', logicalId: 'WebFunction', property: 'MemorySize', value: 1024 },
        { kind: 'drift', stack: 'panther-root', logicalId: 'LoadBalancer', deleted: true },
      ],
    });
    const rootId = (await cfn.send(new DetectStackDriftCommand({ StackName: 'panther-root' }))).StackDriftDetectionId;
    expect(await cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: rootId }))).toMatchObject({ DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'IN_SYNC', DriftedStackResourceCount: 0 });
    const web = await nested(cfn, 'Web');
    const id = (await cfn.send(new DetectStackDriftCommand({ StackName: web.id }))).StackDriftDetectionId;
    expect(await cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: id }))).toMatchObject({ DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'DRIFTED', DriftedStackResourceCount: 2 });
    const drifts = (await cfn.send(new DescribeStackResourceDriftsCommand({ StackName: web.id, StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'] }))).StackResourceDrifts ?? [];
    expect(drifts.map((d) => [d.LogicalResourceId, d.StackResourceDriftStatus])).toEqual([
      ['LoadBalancer', 'DELETED'],
      ['WebFunction', 'MODIFIED'],
    ]);
    expect(drifts[0]?.ActualProperties).toBeUndefined();
    expect(drifts[1]?.PropertyDifferences).toEqual([{ PropertyPath: '/MemorySize', ExpectedValue: '512', ActualValue: '1024', DifferenceType: 'NOT_EQUAL' }]);
    const cli = await awsCliJson<{ StackResourceDrifts: { StackResourceDriftStatus: string }[] }>(sandbox.endpoint, ['cloudformation', 'describe-stack-resource-drifts', '--stack-name', web.id, '--stack-resource-drift-status-filters', 'MODIFIED']);
    expect(cli.StackResourceDrifts.map((d) => d.StackResourceDriftStatus)).toEqual(['MODIFIED']);
    // MaxResults is 1..100 (botocore BoxedMaxResults).
    expect(await sdkError(cfn.send(new DescribeStackResourceDriftsCommand({ StackName: web.id, MaxResults: 101 })))).toMatchObject({ name: 'ValidationError' });
  });
});
