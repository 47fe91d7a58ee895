/** A small IAM evaluator for tests: Allow statements only, `*` and `?` wildcards, conditions ignored. */
import type { IamPolicyDocument } from '../iam-policy.js';

function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'i' : '').test(value);
}

/** The statements of `policy` that allow `action` (`cloudformation:UpdateStack`) on `resource` (an ARN). */
export function allowingStatements(policy: IamPolicyDocument, action: string, resource: string): IamPolicyDocument['Statement'] {
  return policy.Statement.filter((s) => {
    const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    return s.Action.some((a) => glob(a, action, true)) && resources.some((r) => glob(r, resource, false));
  });
}
