import { describe, expect, it } from 'vitest';
import { changeSetTargets, evaluateStackPolicy, predictedTargets, stackPolicyChecks, templateResources } from './stack-policy.js';

const policy = (...Statement: object[]) => JSON.stringify({ Statement });
const allowAll = { Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' };
const core = { logicalId: 'Core', resourceType: 'AWS::CloudFormation::Stack', action: 'Update:Modify' as const };

describe('stack policy evaluation (User Guide, protect-stack-resources.md)', () => {
  it('an explicit Deny wins and is named; once set, what no statement allows is denied', () => {
    expect(evaluateStackPolicy(policy(allowAll, { Effect: 'Deny', Action: 'Update:*', Principal: '*', Resource: 'LogicalResourceId/Co*' }), [core])).toEqual([{ ...core, statement: 2 }]);
    expect(evaluateStackPolicy(policy({ Effect: 'Allow', Action: 'Update:Modify', Principal: '*', Resource: 'LogicalResourceId/Web' }), [core])).toEqual([core]);
    expect(evaluateStackPolicy(policy(allowAll), [core])).toEqual([]);
    expect(evaluateStackPolicy(policy({ Effect: 'Allow', NotAction: 'Update:Delete', Principal: '*', Resource: '*' }), [core, { ...core, action: 'Update:Delete' }])).toEqual([{ ...core, action: 'Update:Delete' }]);
  });
  it('ResourceType conditions (StringEquals, StringLike) narrow a statement', () => {
    const deny = (op: string, t: string) => policy(allowAll, { Effect: 'Deny', Action: 'Update:*', Principal: '*', Resource: '*', Condition: { [op]: { ResourceType: [t] } } });
    expect(evaluateStackPolicy(deny('StringEquals', 'AWS::IAM::Role'), [core])).toEqual([]);
    expect(evaluateStackPolicy(deny('StringLike', 'AWS::CloudFormation::*'), [core])).toHaveLength(1);
  });
});

describe('what an update does to the root resources', () => {
  it('from templates: nested stacks are modified, dropped resources deleted, a changed type replaced; others are left to the change set', () => {
    const before = new Map([
      ['Core', 'AWS::CloudFormation::Stack'],
      ['Old', 'AWS::SNS::Topic'],
      ['Role', 'AWS::IAM::Role'],
      ['Q', 'AWS::SQS::Queue'],
    ]);
    const after = templateResources('Resources:\n  Core:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: !Sub "https://x/${AWS::Region}"\n  Role:\n    Type: AWS::IAM::Role\n  Q:\n    Type: AWS::SNS::Topic\n');
    expect(predictedTargets(before, after)).toEqual([
      { logicalId: 'Core', resourceType: 'AWS::CloudFormation::Stack', action: 'Update:Modify' },
      { logicalId: 'Old', resourceType: 'AWS::SNS::Topic', action: 'Update:Delete' },
      { logicalId: 'Q', resourceType: 'AWS::SQS::Queue', action: 'Update:Replace' },
    ]);
  });
  it('from a change set: Replacement True is Replace, Conditional both, Remove is Delete; Add and nested rows are not the root policy\'s', () => {
    const t = changeSetTargets([
      { action: 'Modify', logicalId: 'A', resourceType: 'T', replacement: 'False' },
      { action: 'Modify', logicalId: 'B', resourceType: 'T', replacement: 'True' },
      { action: 'Modify', logicalId: 'C', resourceType: 'T', replacement: 'Conditional' },
      { action: 'Remove', logicalId: 'D', resourceType: 'T' },
      { action: 'Add', logicalId: 'E', resourceType: 'T' },
      { action: 'Modify', logicalId: 'F', resourceType: 'T', replacement: 'True', nestedPath: 'Core' },
    ]);
    expect(t.map((x) => `${x.logicalId}:${x.action}`)).toEqual(['A:Update:Modify', 'B:Update:Replace', 'C:Update:Modify', 'C:Update:Replace', 'D:Update:Delete']);
  });
  it('the check: ok without a policy, one strict failure per hop it would stop, a policy that does not parse fails', () => {
    expect(stackPolicyChecks({ rootStack: 'panther-root', policy: undefined, hops: [] })).toEqual([expect.objectContaining({ id: 'stack-policy', ok: true })]);
    const deny = policy(allowAll, { Effect: 'Deny', Action: 'Update:Modify', Principal: '*', Resource: 'LogicalResourceId/Core' });
    const out = stackPolicyChecks({ rootStack: 'panther-root', policy: deny, hops: [{ hop: 'v1', targets: [core] }, { hop: 'v2', targets: [] }] });
    expect(out).toEqual([expect.objectContaining({ id: 'stack-policy', ok: false, hop: 'v1', data: { stack: 'panther-root', denied: [{ ...core, statement: 2 }] } })]);
    expect(stackPolicyChecks({ rootStack: 'panther-root', policy: '{', hops: [{ hop: 'v1', targets: [core] }] })).toEqual([expect.objectContaining({ ok: false })]);
  });
});
