import { describe, expect, it } from 'vitest';
import type { AnyMessage, IoHost } from '../../io/messages.js';
import { FakeCloudFormation } from '../aws/test-support/fake-cloudformation.js';
import type { ExecutorDeps } from '../deps/executor-deps.js';
import type { PreparedHop } from '../preflight/upgrade-checks.js';
import { refuseDeniedByStackPolicy, type StepContext } from './steps.js';

// The gate before ExecuteChangeSet: what preflight cannot predict from the templates (a root
// resource the change set modifies or replaces) is checked on the change set itself.
function setup(policy: string | undefined) {
  const cfn = new FakeCloudFormation();
  cfn.fake.addStack('panther-root');
  if (policy) cfn.fake.policies.set('panther-root', policy);
  cfn.changeSets.set('panther-root/cs-1', {
    changeSetId: 'arn:cs-1',
    changeSetName: 'cs-1',
    stackId: 'arn:stack',
    status: 'CREATE_COMPLETE',
    changes: [
      { action: 'Modify', logicalId: 'PantherFunctionRole', resourceType: 'AWS::IAM::Role', replacement: 'True' },
      { action: 'Modify', logicalId: 'Core', resourceType: 'AWS::CloudFormation::Stack', replacement: 'False' },
    ],
    parameters: [],
    tags: {},
  });
  const messages: AnyMessage[] = [];
  const io: IoHost = { notify: (m) => void messages.push(m), requestResponse: (q) => Promise.resolve(q.defaultResponse) as never };
  const c = { deps: { cloudFormation: cfn } as unknown as ExecutorDeps, io, rootStack: 'panther-root', roleStack: 'panther-deployment-role', resumeCommand: 'pantherctl resume' } as unknown as StepContext;
  return { c, messages, cfn };
}
const hop = { version: 'v1.27.8', index: 1 } as PreparedHop;

describe('stack policy before a change set is executed', () => {
  it('without a policy, only GetStackPolicy is asked', async () => {
    const { c, cfn } = setup(undefined);
    await refuseDeniedByStackPolicy(c, hop, 'cs-1');
    expect(cfn.fake.calls.map((x) => x.method)).toEqual(['getStackPolicy']);
  });
  it('refuses a change set that replaces a protected root resource, naming it', async () => {
    const deny = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }, { Effect: 'Deny', Action: 'Update:Replace', Principal: '*', Resource: '*', Condition: { StringEquals: { ResourceType: ['AWS::IAM::Role'] } } }] });
    const { c, messages } = setup(deny);
    await expect(refuseDeniedByStackPolicy(c, hop, 'cs-1')).rejects.toMatchObject({
      code: 'preflight-failed',
      meta: { failures: [{ id: 'stack-policy', class: 'strict', hop: 'v1.27.8' }] },
    });
    expect(messages.find((m) => m.code === 'preflight.check')?.data).toMatchObject({ id: 'stack-policy', ok: false, data: { denied: [{ logicalId: 'PantherFunctionRole', action: 'Update:Replace', statement: 2 }] } });
  });
  it('lets through what the policy allows', async () => {
    const { c } = setup(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }] }));
    await expect(refuseDeniedByStackPolicy(c, hop, 'cs-1')).resolves.toBeUndefined();
  });
});
