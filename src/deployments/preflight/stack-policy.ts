/**
 * `stack-policy` (strict): the root stack's policy against what each hop's update does to the
 * root's resources. With a policy set, CloudFormation denies every update action no statement
 * allows, and a Deny overrides any Allow (User Guide, "Prevent updates to stack resources"); a
 * denied resource fails the update after it started ("Action denied by stack policy: Statement
 * [#N] does not allow [Update:Modify] for resource [LogicalResourceId/ID];") and the stack rolls
 * back. A nested stack has a policy of its own; Panther sets none, so only the root is read.
 *
 * Preflight predicts, from each hop's template, what is certain before any change set: every
 * nested stack is updated with its parent (Update:Modify), a resource the template drops is
 * deleted (Update:Delete), one whose type changes is replaced (Update:Replace). The change set
 * itself (what else it modifies or replaces) is checked again right before it is executed.
 */
import { parseDocument } from 'yaml';
import { CLOUDFORMATION_YAML_TAGS } from '../aws/cloudformation-yaml.js';
import type { ResourceChange } from '../aws/types.js';
import type { CheckResult } from './collector.js';

export type UpdateAction = 'Update:Modify' | 'Update:Replace' | 'Update:Delete';

/** One update action on one root resource. */
export interface PolicyTarget {
  logicalId: string;
  resourceType: string;
  action: UpdateAction;
}

export interface PolicyDenial extends PolicyTarget {
  /** The denying statement (1-based); undefined when no statement allows the action. */
  statement?: number;
}

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

const NESTED_STACK = 'AWS::CloudFormation::Stack';
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
const glob = (pattern: string, text: string): boolean => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(text);

function statementsOf(body: string): Statement[] {
  const doc = JSON.parse(body) as { Statement?: unknown } | null;
  const s = doc?.Statement;
  return Array.isArray(s) ? (s as Statement[]) : s && typeof s === 'object' ? [s as Statement] : [];
}

function matches(s: Statement, t: PolicyTarget): boolean {
  const resource = `LogicalResourceId/${t.logicalId}`;
  const action = s.NotAction !== undefined ? !strings(s.NotAction).some((p) => glob(p, t.action)) : strings(s.Action).some((p) => glob(p, t.action));
  const res = s.NotResource !== undefined ? !strings(s.NotResource).some((p) => glob(p, resource)) : strings(s.Resource).some((p) => p === '*' || glob(p, resource));
  if (!action || !res) return false;
  for (const [op, keys] of Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
    const types = strings(keys?.ResourceType);
    if (op === 'StringEquals' && !types.includes(t.resourceType)) return false;
    if (op === 'StringLike' && !types.some((p) => glob(p, t.resourceType))) return false;
  }
  return true;
}

/** The targets the policy denies: an explicit Deny wins; with a policy set, what no statement allows is denied. */
export function evaluateStackPolicy(body: string, targets: readonly PolicyTarget[]): PolicyDenial[] {
  const statements = statementsOf(body);
  const out: PolicyDenial[] = [];
  for (const t of targets) {
    const deny = statements.findIndex((s) => s.Effect === 'Deny' && matches(s, t));
    if (deny >= 0) out.push({ ...t, statement: deny + 1 });
    else if (!statements.some((s) => s.Effect === 'Allow' && matches(s, t))) out.push({ ...t });
  }
  return out;
}

/** Logical id -> type of a template's resources. */
export function templateResources(body: string): Map<string, string> {
  const js = parseDocument(body, { customTags: CLOUDFORMATION_YAML_TAGS, logLevel: 'silent' }).toJS({ maxAliasCount: -1 }) as { Resources?: Record<string, { Type?: unknown }> } | null;
  return new Map(Object.entries(js?.Resources ?? {}).map(([id, r]) => [id, String(r?.Type ?? '')]));
}

/** What an update from `before` to the template's resources certainly does (see the module comment). */
export function predictedTargets(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): PolicyTarget[] {
  const out: PolicyTarget[] = [];
  for (const [logicalId, resourceType] of before) {
    const next = after.get(logicalId);
    if (next === undefined) out.push({ logicalId, resourceType, action: 'Update:Delete' });
    else if (next !== resourceType) out.push({ logicalId, resourceType, action: 'Update:Replace' });
    else if (resourceType === NESTED_STACK) out.push({ logicalId, resourceType, action: 'Update:Modify' });
  }
  return out;
}

/** What a change set does: Modify (Replace when it replaces; both when it may), Remove is Delete; an Add is no update action. */
export function changeSetTargets(changes: readonly ResourceChange[]): PolicyTarget[] {
  const out: PolicyTarget[] = [];
  // Rows of nested change sets belong to the nested stacks' own policies.
  for (const c of changes.filter((x) => !x.nestedPath)) {
    const base = { logicalId: c.logicalId, resourceType: c.resourceType };
    if (c.action === 'Remove') out.push({ ...base, action: 'Update:Delete' });
    if (c.action !== 'Modify') continue;
    if (c.replacement !== 'True') out.push({ ...base, action: 'Update:Modify' });
    if (c.replacement === 'True' || c.replacement === 'Conditional') out.push({ ...base, action: 'Update:Replace' });
  }
  return out;
}

/** One line per denial, in AWS's own terms. */
export function denialText(d: PolicyDenial): string {
  return `${d.statement ? `statement #${d.statement} denies` : 'no statement allows'} ${d.action} on LogicalResourceId/${d.logicalId} (${d.resourceType})`;
}

export interface StackPolicyCheckInput {
  rootStack: string;
  /** GetStackPolicy of the root; undefined: none set. */
  policy: string | undefined;
  /** Each hop with its update's targets. */
  hops: readonly { hop: string; targets: readonly PolicyTarget[] }[];
}

export function stackPolicyChecks(input: StackPolicyCheckInput): CheckResult[] {
  if (input.policy === undefined) return [{ id: 'stack-policy', ok: true, message: `${input.rootStack} has no stack policy` }];
  const out: CheckResult[] = [];
  for (const h of input.hops) {
    let denied: PolicyDenial[];
    try {
      denied = evaluateStackPolicy(input.policy, h.targets);
    } catch {
      return [{ id: 'stack-policy', ok: false, message: `the stack policy of ${input.rootStack} does not parse as a policy document` }];
    }
    if (denied.length === 0) continue;
    out.push({
      id: 'stack-policy',
      hop: h.hop,
      ok: false,
      data: { stack: input.rootStack, denied },
      message: `the stack policy of ${input.rootStack} would fail the update to ${h.hop} after it started: ${denied.map(denialText).join('; ')}. Allow these actions with \`aws cloudformation set-stack-policy\` before upgrading (and restore the policy after).`,
    });
  }
  if (out.length === 0) out.push({ id: 'stack-policy', ok: true, message: `the stack policy of ${input.rootStack} allows what every hop updates (${input.hops.length} hop${input.hops.length === 1 ? '' : 's'})` });
  return out;
}
