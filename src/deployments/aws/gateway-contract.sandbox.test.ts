/**
 * The gateway contract over the wire: the SDK gateways talking HTTP to a sandbox process (the
 * built `bin/pantherctl.js sandbox start`; run `npm run build` first).
 */
import { randomUUID } from 'node:crypto';
import { CreateStackCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe } from 'vitest';
import { admin, clientsFor, waitForStack } from '../../sandbox/test-support/clients.js';
import { spawnSandbox, type SpawnedSandbox } from '../../sandbox/test-support/spawn-sandbox.js';
import { createAwsGateways } from './gateways.js';
import { CONTRACT_PARAMETER, runGatewayContract, type ContractTarget } from './test-support/gateway-contract.js';
import type { GatewayOptions } from './types.js';

/** The sandbox's page size (PAGE in src/sandbox/cloudformation/handler.ts). */
const SANDBOX_PAGE = 100;

/** `resources` functions that read the parameter, so a new value modifies each of them. */
function template(resources: number): string {
  const Resources: Record<string, unknown> = {};
  for (let i = 0; i < resources; i++) {
    Resources[`R${i}`] = { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'python3.12', Handler: 'main.handler', Environment: { Variables: { LABEL: { Ref: CONTRACT_PARAMETER } } } } };
  }
  return JSON.stringify({ Parameters: { [CONTRACT_PARAMETER]: { Type: 'String' } }, Resources });
}

async function create(cfn: CloudFormationClient, name: string, resources: number): Promise<void> {
  await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: template(resources), Parameters: [{ ParameterKey: CONTRACT_PARAMETER, ParameterValue: 'a' }] }));
}

/** A root template whose one resource, `Inner`, is the nested stack at `url`, given the root's parameter. */
function rootTemplate(url: string): string {
  return JSON.stringify({
    Parameters: { [CONTRACT_PARAMETER]: { Type: 'String' } },
    Resources: { Inner: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: url, Parameters: { [CONTRACT_PARAMETER]: { Ref: CONTRACT_PARAMETER } } } } },
  });
}

async function makeSandboxTarget(options: GatewayOptions): Promise<ContractTarget> {
  const sandbox: SpawnedSandbox = await spawnSandbox(['--empty', '--speed', '200']);
  const endpoint = sandbox.endpoint;
  const aws = createAwsGateways({ region: 'us-east-2', endpointUrl: endpoint }, options);
  // Seeding goes around the gateway under test: a plain SDK client with a template body.
  const { cfn, s3 } = clientsFor(endpoint);
  // Nested templates live in a bucket of the sandbox account, as CloudFormation reads them from S3.
  const bucket = `pantherctl-contract-${randomUUID().slice(0, 8)}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
  let templates = 0;
  const settle = async (): Promise<void> => {
    await admin(endpoint, 'POST', 'settle');
  };
  return {
    gateway: aws.cloudFormation,
    pageSize: SANDBOX_PAGE,
    async createStack(name, resources) {
      await create(cfn, name, resources);
      await settle();
      await waitForStack(cfn, name);
    },
    async createStacks(names) {
      for (let i = 0; i < names.length; i += 20) await Promise.all(names.slice(i, i + 20).map((name) => create(cfn, name, 1)));
      await settle();
    },
    async createNestedStack(name, resources) {
      const key = `inner-${++templates}.json`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: template(resources), ContentType: 'application/json' }));
      const url = `https://${bucket}.s3.us-east-2.amazonaws.com/${key}`;
      await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: rootTemplate(url), Parameters: [{ ParameterKey: CONTRACT_PARAMETER, ParameterValue: 'a' }] }));
      await settle();
      await waitForStack(cfn, name);
    },
    settle,
    async callCount(action) {
      const { calls } = await admin<{ calls: Array<{ service: string; action: string }> }>(endpoint, 'GET', 'calls');
      return calls.filter((c) => c.service === 'cloudformation' && c.action === action).length;
    },
    async failNext(action, kind, times) {
      await admin(endpoint, 'PUT', 'faults', { faults: [{ kind, service: 'cloudformation', action, times }] });
    },
    async failNextUpdate(stack, logicalId, reason) {
      await admin(endpoint, 'PUT', 'faults', { faults: [{ kind: 'fail-resource', stack, logicalId, reason, times: 1 }] });
    },
    async close() {
      aws.close();
      cfn.destroy();
      s3.destroy();
      await sandbox.stop();
    },
  };
}

describe('CloudFormation gateway contract: SDK over HTTP to a sandbox process', () => {
  runGatewayContract({ makeGateway: makeSandboxTarget });
});
