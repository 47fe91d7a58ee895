import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIamPolicy } from '../iam/iam-policy.js';
import { allowingStatements } from '../iam/test-support/policy-eval.js';
import { acceptableChecks, checkFamily, classOf, PREFLIGHT_CHECKS } from './checks.js';

const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'preflight.md'), 'utf8');

describe('the preflight check table', () => {
  it('docs/preflight.md lists every check with its class and permissions, and nothing else', () => {
    const rows = [...doc.matchAll(/^\| `([a-z-]+)` \| (strict|required|advisory) \| [^|]+ \| ([^|]+) \|/gm)].map((m) => ({ id: m[1]!, cls: m[2]!, perms: m[3]!.trim() }));
    expect(rows.map((r) => r.id)).toEqual(Object.keys(PREFLIGHT_CHECKS));
    for (const r of rows) {
      const c = PREFLIGHT_CHECKS[r.id as keyof typeof PREFLIGHT_CHECKS];
      expect(r.cls).toBe(c.class);
      expect(r.perms).toBe(c.permissions.length ? c.permissions.map((p) => `\`${p}\``).join(', ') : '(none)');
    }
  });

  it('iam-policy allows every permission a check needs', () => {
    const policy = buildIamPolicy({ account: '123456789012', region: 'us-east-2' });
    const stack = 'arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/id';
    const resource: Record<string, string> = { cloudformation: stack, codebuild: 'arn:aws:codebuild:us-east-2:123456789012:project/panther-pulumi', s3: 'arn:aws:s3:::panther-enterprise-us-east-2/v1.28.7/panther.yml' };
    const missing = Object.values(PREFLIGHT_CHECKS)
      .flatMap((c) => c.permissions)
      .filter((p) => allowingStatements(policy, p, resource[p.split(':')[0]!] ?? '*').length === 0);
    expect(missing).toEqual([]);
    expect(allowingStatements(policy, 'cloudformation:UpdateTerminationProtection', stack)).not.toHaveLength(0);
  });

  it('classifies per-parameter findings as parameters, and only required checks can be accepted', () => {
    expect(checkFamily('root-parameter-constraint')).toBe('parameters');
    expect(classOf('role-parameter-removed')).toBe('strict');
    expect(() => classOf('made-up')).toThrow(/undeclared/);
    expect(acceptableChecks().every((id) => PREFLIGHT_CHECKS[id].class === 'required')).toBe(true);
    expect(acceptableChecks()).toContain('lambda-concurrency');
  });
});
