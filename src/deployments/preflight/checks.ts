/**
 * Every preflight check, declared once: its stable id, its class, what it reads, the AWS
 * permission it needs and how to fix a failure. The collector classifies each result by this
 * table, `--accept` is validated against it, and docs/preflight.md is checked against it.
 *
 * Classes:
 * - `strict`: a failure always stops the run.
 * - `required`: a failure stops the run unless the operator accepts it (`--accept ID=REASON`);
 *   the reason is journaled with the run.
 * - `advisory`: a warning; never stops the run.
 */
export type CheckClass = 'strict' | 'required' | 'advisory';

export interface CheckInfo {
  class: CheckClass;
  /** What the check reads (AWS calls or local inputs). */
  reads: string;
  /** The IAM actions the check's calls need; empty when it reads nothing from AWS. */
  permissions: readonly string[];
  /** How an operator fixes a failure. */
  fix: string;
}

export const PREFLIGHT_CHECKS = {
  'root-stack-name': { class: 'strict', reads: 'DescribeStacks', permissions: ['cloudformation:DescribeStacks'], fix: 'Name the root stack panther-*: the deployment role only acts on panther* stacks.' },
  'root-stack-stable': { class: 'strict', reads: 'DescribeStacks', permissions: ['cloudformation:DescribeStacks'], fix: 'Wait for the operation in flight to end, or run `pantherctl recover` for a stack stuck in UPDATE_ROLLBACK_FAILED.' },
  'role-stack': { class: 'strict', reads: 'DescribeStacks', permissions: ['cloudformation:DescribeStacks'], fix: 'Name the deployment role stack with --role-stack (default panther-deployment-role), and let its operation finish.' },
  account: { class: 'strict', reads: 'GetCallerIdentity', permissions: ['sts:GetCallerIdentity'], fix: 'Use credentials of the configured account (--profile), or correct `account` in pantherctl.yml.' },
  region: { class: 'strict', reads: 'the root stack id', permissions: [], fix: 'Pass the --region the root stack is in.' },
  'saved-plan': { class: 'strict', reads: 'the --plan file and the catalog', permissions: [], fix: 'Make a new plan with `pantherctl plan --out`, or leave out --plan.' },
  'manual-step': { class: 'strict', reads: 'the catalog', permissions: [], fix: 'Do the manual step, then confirm it with --ack ID.' },
  note: { class: 'advisory', reads: 'the catalog', permissions: [], fix: 'Read the release note.' },
  'build-project': { class: 'strict', reads: 'BatchGetProjects', permissions: ['codebuild:BatchGetProjects'], fix: 'Deploy the panther-pulumi CodeBuild project (it comes with the root stack).' },
  'template-fetch': { class: 'strict', reads: 'GetObject of each hop\'s templates', permissions: ['s3:GetObject'], fix: 'Check the network and the catalog\'s template URLs.' },
  'template-digest': { class: 'strict', reads: 'GetObject of each hop\'s templates', permissions: ['s3:GetObject'], fix: 'A published template changed: check the catalog (--catalog) before going on.' },
  'template-parse': { class: 'strict', reads: 'each hop\'s templates', permissions: [], fix: 'Check the template URL; it does not hold a CloudFormation template.' },
  parameters: { class: 'strict', reads: 'DescribeStacks and each hop\'s template', permissions: ['cloudformation:DescribeStacks', 's3:GetObject'], fix: 'Give the values a hop needs with --param KEY=VALUE, or correct the values the templates reject.' },
  'lambda-concurrency': {
    class: 'required',
    reads: 'Lambda GetAccountSettings',
    permissions: ['lambda:GetAccountSettings'],
    fix: 'Lower the *ReservedConcurrency parameters (--param), release reserved concurrency of other functions, or request a higher "Concurrent executions" quota (Service Quotas console, AWS Lambda). Accept (--accept lambda-concurrency=REASON) only when the quota was raised since.',
  },
  drift: {
    class: 'required',
    reads: 'ListStacks, then DetectStackDrift, DescribeStackDriftDetectionStatus and DescribeStackResourceDrifts on the root, every nested stack and the role stack',
    permissions: ['cloudformation:ListStacks', 'cloudformation:DetectStackDrift', 'cloudformation:DescribeStackDriftDetectionStatus', 'cloudformation:DescribeStackResourceDrifts'],
    fix: 'Carry the change into the stack parameters, or revert it by hand; accept (--accept drift=REASON) to let the update revert it.',
  },
  'drift-deleted': {
    class: 'strict',
    reads: 'as drift',
    permissions: ['cloudformation:DetectStackDrift', 'cloudformation:DescribeStackDriftDetectionStatus', 'cloudformation:DescribeStackResourceDrifts'],
    fix: 'Recreate the resource with the same name, or import it back into its stack (resource import), then run again.',
  },
  'termination-protection': { class: 'advisory', reads: 'DescribeStacks (EnableTerminationProtection)', permissions: ['cloudformation:DescribeStacks'], fix: 'Pass --enable-termination-protection to turn it on as part of the run.' },
} as const satisfies Record<string, CheckInfo>;

export type PreflightCheckId = keyof typeof PREFLIGHT_CHECKS;

/** The family of a check id: `root-parameter-constraint` and `role-parameter-removed` are `parameters`. */
export function checkFamily(id: string): PreflightCheckId {
  if (id in PREFLIGHT_CHECKS) return id as PreflightCheckId;
  if (id.startsWith('root-') || id.startsWith('role-')) return 'parameters';
  throw new Error(`undeclared preflight check ${id}`);
}

export function classOf(id: string): CheckClass {
  return PREFLIGHT_CHECKS[checkFamily(id)].class;
}

/** The ids `--accept` takes. */
export function acceptableChecks(): PreflightCheckId[] {
  return (Object.keys(PREFLIGHT_CHECKS) as PreflightCheckId[]).filter((id) => PREFLIGHT_CHECKS[id].class === 'required');
}
