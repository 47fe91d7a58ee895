/**
 * Stack policies, as the User Guide defines them (doc_source/protect-stack-resources.md,
 * "Prevent updates to stack resources"): statements of Effect, Action or NotAction
 * (`Update:Modify`, `Update:Replace`, `Update:Delete`, `Update:*`), Principal `*`, Resource or
 * NotResource (`LogicalResourceId/ID`, `*`, with wild cards) and a Condition on `ResourceType`
 * (`StringEquals`, or `StringLike` for wild cards). "After you set a stack policy, all of the
 * resources in the stack are protected by default" and "a Deny statement always overrides an
 * Allow statement".
 */
import { validationError } from '../aws-error.js';

export type UpdateAction = 'Update:Modify' | 'Update:Replace' | 'Update:Delete';

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

/**
 * SetStackPolicy's check of the body. A body that is not a policy document fails with
 * "Error validating stack policy: Invalid stack policy" (a ValidationError: localstack's
 * AWS-recorded snapshot of test_stack_policies.py::test_invalid_policy).
 */
export function parseStackPolicy(body: string): Statement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw validationError('Error validating stack policy: Invalid stack policy');
  }
  const statements = (doc as { Statement?: unknown } | null)?.Statement;
  const list = Array.isArray(statements) ? statements : statements && typeof statements === 'object' ? [statements] : undefined;
  if (!list || list.some((s) => !s || typeof s !== 'object' || (s as Statement).Effect !== 'Allow' && (s as Statement).Effect !== 'Deny')) {
    throw validationError('Error validating stack policy: Invalid stack policy');
  }
  return list as Statement[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
const glob = (pattern: string, text: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(text);

function matches(s: Statement, action: UpdateAction, logicalId: string, resourceType: string): boolean {
  const resource = `LogicalResourceId/${logicalId}`;
  const actionOk = s.NotAction !== undefined ? !strings(s.NotAction).some((p) => glob(p, action)) : strings(s.Action).some((p) => glob(p, action));
  const resourceOk = s.NotResource !== undefined ? !strings(s.NotResource).some((p) => glob(p, resource)) : strings(s.Resource).some((p) => p === '*' || glob(p, resource));
  if (!actionOk || !resourceOk) return false;
  const cond = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
  for (const [op, keys] of Object.entries(cond)) {
    const types = strings(keys?.ResourceType);
    if (op === 'StringEquals' && !types.includes(resourceType)) return false;
    if (op === 'StringLike' && !types.some((p) => glob(p, resourceType))) return false;
  }
  return true;
}

/**
 * The reason an update action on a resource fails under the policy, or undefined when it is
 * allowed. An explicit Deny names its statement, as AWS words it: "Action denied by stack
 * policy: Statement [#1] does not allow [Update:Replace] for resource [LogicalResourceId/VPC];"
 * (a stack event quoted in a public walkthrough of stack policies; see UNVERIFIED.md for the
 * wording of the implicit deny, which is "Action not allowed by stack policy" in localstack's
 * AWS-validated test_stack_policies.py).
 */
export function policyDenial(body: string, action: UpdateAction, logicalId: string, resourceType: string): string | undefined {
  const statements = parseStackPolicy(body);
  const deny = statements.findIndex((s) => s.Effect === 'Deny' && matches(s, action, logicalId, resourceType));
  if (deny >= 0) return `Action denied by stack policy: Statement [#${deny + 1}] does not allow [${action}] for resource [LogicalResourceId/${logicalId}];`;
  if (statements.some((s) => s.Effect === 'Allow' && matches(s, action, logicalId, resourceType))) return undefined;
  return `Action not allowed by stack policy: No statement allows [${action}] for resource [LogicalResourceId/${logicalId}];`;
}
