import { describe, expect, it } from 'vitest';
import { buildIamPolicy } from './iam-policy.js';

describe('buildIamPolicy', () => {
  it('scopes stack changes to panther-* and the build to panther-pulumi', () => {
    const p = buildIamPolicy({ account: '123456789012', region: 'us-east-2' });
    const update = p.Statement.find((s) => s.Sid === 'UpdatePantherStacks');
    expect(update?.Resource).toEqual(['arn:aws:cloudformation:us-east-2:123456789012:stack/panther-*/*']);
    expect(p.Statement.find((s) => s.Sid === 'RunPulumiBuild')?.Resource).toBe('arn:aws:codebuild:us-east-2:123456789012:project/panther-pulumi');
    expect(p.Statement.find((s) => s.Sid === 'PassDeploymentRoleToCloudFormation')?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
    // No statement grants a mutating action on every resource.
    for (const s of p.Statement) {
      if (s.Resource === '*') expect(s.Action.every((a) => /:(List|Describe|Get|Validate)/.test(a))).toBe(true);
    }
  });

  it('adds a role stack outside panther-*', () => {
    const p = buildIamPolicy({ roleStack: 'PantherDeploymentRole' });
    expect(p.Statement.find((s) => s.Sid === 'UpdatePantherStacks')?.Resource).toContain('arn:aws:cloudformation:*:*:stack/PantherDeploymentRole/*');
  });
});
