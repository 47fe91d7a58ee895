import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIamPolicy } from './iam-policy.js';
import { allowingStatements } from './test-support/policy-eval.js';

const policy = buildIamPolicy({ account: '123456789012', region: 'us-east-2' });

describe('buildIamPolicy', () => {
  it('scopes stack changes to panther-* and the build to panther-pulumi', () => {
    const update = policy.Statement.find((s) => s.Sid === 'UpdatePantherStacks');
    expect(update?.Resource).toEqual(['arn:aws:cloudformation:us-east-2:123456789012:stack/panther-*/*']);
    expect(policy.Statement.find((s) => s.Sid === 'RunPulumiBuild')?.Resource).toBe('arn:aws:codebuild:us-east-2:123456789012:project/panther-pulumi');
    expect(policy.Statement.find((s) => s.Sid === 'PassDeploymentRoleToCloudFormation')?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
    // No statement grants a mutating action on every resource.
    for (const s of policy.Statement) {
      if (s.Resource === '*') expect(s.Action.every((a) => /:(List|Describe|Get|Validate)/.test(a))).toBe(true);
    }
  });

  it('lets the operator pass the role the role stack outputs (DeploymentRoleArn), only to CloudFormation', () => {
    // The sandbox role fixture's output, as the real role template names it.
    const pass = allowingStatements(policy, 'iam:PassRole', 'arn:aws:iam::123456789012:role/PantherDeploymentRole-us-east-2');
    expect(pass).toHaveLength(1);
    expect(pass[0]?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
    expect(allowingStatements(policy, 'iam:PassRole', 'arn:aws:iam::123456789012:role/SomeAdminRole')).toEqual([]);
  });

  it('allows every SDK command the gateways send, on Panther resources', () => {
    const resources: Record<string, string> = {
      cloudformation: 'arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/0a1b',
      codebuild: 'arn:aws:codebuild:us-east-2:123456789012:project/panther-pulumi',
      s3: 'arn:aws:s3:::panther-enterprise-us-east-2/v1.28.7/panther.yml',
      sts: '*',
      lambda: '*',
      logs: 'arn:aws:logs:us-east-2:123456789012:log-group:/aws/codebuild/panther-pulumi:log-stream:0b9f3c1e-5b1f-4c1e-9a0b-1234567890ab',
    };
    const files: Record<string, string> = { cloudformation: 'sdk/cloudformation.ts', codebuild: 'codebuild-gateway.ts', s3: 'templates.ts', sts: 'identity.ts', logs: 'sdk/logs.ts', lambda: 'lambda-gateway.ts' };
    const missing: string[] = [];
    let seen = 0;
    for (const [service, file] of Object.entries(files)) {
      const text = readFileSync(join(import.meta.dirname, '..', 'aws', file), 'utf8');
      for (const m of text.matchAll(/new (\w+)Command\(/g)) {
        seen++;
        const action = `${service}:${m[1]}`;
        if (allowingStatements(policy, action, resources[service]!).length === 0) missing.push(action);
      }
    }
    expect(seen).toBeGreaterThanOrEqual(20);
    expect(missing).toEqual([]);
  });

  it('reads only the pulumi build\'s log group, and publishes only to the topics runs notify', () => {
    expect(allowingStatements(policy, 'logs:GetLogEvents', 'arn:aws:logs:us-east-2:123456789012:log-group:/aws/lambda/other:log-stream:x')).toEqual([]);
    expect(allowingStatements(policy, 'sns:Publish', 'arn:aws:sns:us-east-2:123456789012:panther-upgrades')).toEqual([]);
    const topic = 'arn:aws:sns:us-east-2:123456789012:panther-upgrades';
    const withSns = buildIamPolicy({ account: '123456789012', region: 'us-east-2', notifyTopics: [topic, topic] });
    expect(allowingStatements(withSns, 'sns:Publish', topic).map((s) => s.Resource)).toEqual([[topic]]);
    expect(allowingStatements(withSns, 'sns:Publish', 'arn:aws:sns:us-east-2:123456789012:other')).toEqual([]);
  });

  it('adds a role stack outside panther-*', () => {
    const p = buildIamPolicy({ roleStack: 'PantherDeploymentRole' });
    expect(p.Statement.find((s) => s.Sid === 'UpdatePantherStacks')?.Resource).toContain('arn:aws:cloudformation:*:*:stack/PantherDeploymentRole/*');
  });

  it('refuses a malformed account or an unknown region with one-line usage errors', () => {
    expect(() => buildIamPolicy({ account: '1234' })).toThrow(/^Expected `--account` to be a 12-digit AWS account id, got "1234"$/);
    expect(() => buildIamPolicy({ region: 'mars-1' })).toThrow(/^Expected `--region` to be a region Panther publishes templates for, got "mars-1"$/);
    expect(() => buildIamPolicy({ region: 'me-south-1' })).toThrow(/usage|Expected/);
    expect(buildIamPolicy({ region: 'me-south-1', allowUnsupportedRegion: true }).Statement.length).toBeGreaterThan(0);
    try {
      buildIamPolicy({ account: 'x' });
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
  });

  it('--state adds the state bucket: list the prefix, get and put its objects, never delete; --state-kms-key its key', () => {
    const withState = buildIamPolicy({ account: '123456789012', region: 'us-east-2', state: 's3://acme-state/panther', stateKmsKey: 'arn:aws:kms:us-east-2:123456789012:key/k-1' });
    const lock = 'arn:aws:s3:::acme-state/panther/123456789012-us-east-2-panther-root/lock.json';
    // Every call the S3 state gateway makes.
    for (const action of ['s3:GetObject', 's3:PutObject']) expect(allowingStatements(withState, action, lock)).toHaveLength(1);
    expect(allowingStatements(withState, 's3:ListBucket', 'arn:aws:s3:::acme-state')[0]?.Condition).toEqual({ StringLike: { 's3:prefix': ['panther/*'] } });
    expect(allowingStatements(withState, 's3:DeleteObject', lock)).toEqual([]);
    expect(allowingStatements(withState, 's3:PutObject', 'arn:aws:s3:::acme-state/other/x')).toEqual([]);
    expect(allowingStatements(withState, 'kms:GenerateDataKey', 'arn:aws:kms:us-east-2:123456789012:key/k-1')).toHaveLength(1);
    // Without --state, nothing of S3 state.
    expect(policy.Statement.some((st) => st.Sid.includes('SharedState'))).toBe(false);
    expect(() => buildIamPolicy({ stateKmsKey: 'alias/x' })).toThrow(/needs `--state/);
    expect(() => buildIamPolicy({ state: 'https://acme-state' })).toThrow(/s3:\/\/BUCKET/);
  });
});
