/**
 * The gateway contract over the wire: the SDK gateways talking HTTP to a sandbox process (the
 * built `bin/pantherctl.js sandbox start`; run `npm run build` first).
 */
import { CreateStackCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
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

async function makeSandboxTarget(options: GatewayOptions): Promise<ContractTarget> {
  const sandbox: SpawnedSandbox = await spawnSandbox(['--empty', '--speed', '200']);
  const endpoint = sandbox.endpoint;
  const aws = createAwsGateways({ region: 'us-east-2', endpointUrl: endpoint }, options);
  // Seeding goes around the gateway under test: a plain SDK client with a template body.
  const { cfn } = clientsFor(endpoint);
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
      await sandbox.stop();
    },
  };
}

describe('CloudFormation gateway contract: SDK over HTTP to a sandbox process', () => {
  runGatewayContract({ makeGateway: makeSandboxTarget });
});
