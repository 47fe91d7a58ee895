import { describe, expect, it } from 'vitest';
import { policyDenial } from './stack-policy.js';

const policy = (...Statement: object[]) => JSON.stringify({ Statement });
const allowAll = { Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' };

describe('stack policy evaluation (User Guide, protect-stack-resources.md)', () => {
  it('an explicit Deny wins over an Allow, naming its statement', () => {
    expect(policyDenial(policy(allowAll, { Effect: 'Deny', Action: 'Update:Replace', Principal: '*', Resource: 'LogicalResourceId/Db*' }), 'Update:Replace', 'DbMain', 'AWS::RDS::DBInstance')).toBe(
      'Action denied by stack policy: Statement [#2] does not allow [Update:Replace] for resource [LogicalResourceId/DbMain];',
    );
    expect(policyDenial(policy(allowAll, { Effect: 'Deny', Action: 'Update:Replace', Principal: '*', Resource: 'LogicalResourceId/Db*' }), 'Update:Modify', 'DbMain', 'AWS::RDS::DBInstance')).toBeUndefined();
  });
  it('once set, what no statement allows is denied; NotAction and NotResource invert', () => {
    expect(policyDenial(policy({ Effect: 'Allow', Action: 'Update:Modify', Principal: '*', Resource: 'LogicalResourceId/A' }), 'Update:Modify', 'B', 'T')).toMatch(/^Action not allowed by stack policy/);
    expect(policyDenial(policy({ Effect: 'Allow', NotAction: 'Update:Delete', Principal: '*', Resource: '*' }), 'Update:Delete', 'A', 'T')).toMatch(/^Action not allowed/);
    expect(policyDenial(policy({ Effect: 'Allow', Action: 'Update:*', Principal: '*', NotResource: 'LogicalResourceId/A' }), 'Update:Modify', 'A', 'T')).toMatch(/^Action not allowed/);
    expect(policyDenial(policy({ Effect: 'Allow', Action: 'Update:*', Principal: '*', NotResource: 'LogicalResourceId/A' }), 'Update:Modify', 'B', 'T')).toBeUndefined();
  });
  it('ResourceType conditions: StringEquals exact, StringLike with wild cards', () => {
    const deny = (op: string, t: string) => policy(allowAll, { Effect: 'Deny', Action: 'Update:*', Principal: '*', Resource: '*', Condition: { [op]: { ResourceType: [t] } } });
    expect(policyDenial(deny('StringEquals', 'AWS::CloudFormation::Stack'), 'Update:Modify', 'Core', 'AWS::CloudFormation::Stack')).toMatch(/Statement \[#2\]/);
    expect(policyDenial(deny('StringEquals', 'AWS::IAM::Role'), 'Update:Modify', 'Core', 'AWS::CloudFormation::Stack')).toBeUndefined();
    expect(policyDenial(deny('StringLike', 'AWS::CloudFormation::*'), 'Update:Modify', 'Core', 'AWS::CloudFormation::Stack')).toMatch(/Statement \[#2\]/);
  });
});
