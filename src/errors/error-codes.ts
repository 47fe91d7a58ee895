/**
 * Every error code pantherctl throws, declared once: its source (which decides the exit code),
 * a description and the type of its `meta` (printed in the `--json` error document). Scripts
 * match on these codes, so a code is never renamed. `new PantherctlError('code', ...)` only
 * compiles for a declared code, with a `meta` of the declared shape. `npm run codes`
 * regenerates docs/codes.md from this file.
 */
import type { ReportedIssue } from '../deployments/configure/validation.js';
import type { RootCauseSummary } from '../deployments/deps/executor-deps.js';
import type { FleetIssue } from '../fleet/file/types.js';
import type { LockOwner } from '../journal/lock.js';

/** Who is to blame, which decides the exit code (README "Exit codes"). */
export type ErrorSource = 'user' | 'usage' | 'aws' | 'deployment' | 'interrupted' | 'locked' | 'internal';

export interface ErrorSpec<S extends ErrorSource, M> {
  readonly source: S;
  readonly description: string;
  /** Type carrier only, never set: the shape of `meta`. */
  readonly _meta?: M;
}

/** Meta of errors whose details vary by site; still JSON-safe and never secret. */
export type LooseMeta = Record<string, unknown>;

function spec<S extends ErrorSource>(source: S) {
  return <M = LooseMeta>(description: string): ErrorSpec<S, M> => ({ source, description });
}

const e = {
  user: spec('user'),
  usage: spec('usage'),
  aws: spec('aws'),
  deployment: spec('deployment'),
  interrupted: spec('interrupted'),
  locked: spec('locked'),
  internal: spec('internal'),
};

/** What the SDK gateways record about a failed call (src/deployments/aws/errors.ts). */
export type AwsCallMeta = {
  awsCode?: string;
  operation?: string;
  stack?: string;
  httpStatus?: number;
  requestId?: string;
};

/** What `stack-busy` says of the operation running on a stack. */
export type StackBusyMeta = {
  stack: string;
  status: string;
  /** When that operation started (its first stack event). */
  startedAt?: string;
  /** Its ClientRequestToken, when AWS echoes one: `pantherctl-...` is another pantherctl run's. */
  clientRequestToken?: string;
  /** Who runs it, when the token or a lock says: `pantherctl upgrade (pid 12, host, since ...)`, `another pantherctl run (token ...)`. */
  holder?: string;
};

/** A plan the planner refuses: what was asked, and from which catalog. */
export type PlanRefusalMeta = {
  from: string;
  to: string;
  catalog: string;
  target?: string;
  minor?: string;
  oldestMinor?: string;
  /** The minors the catalog lacks (current-too-old). */
  missing?: string;
  reason?: string;
};

/** A stack operation or build that failed, with what the operator needs to continue. */
export type DeploymentFailureMeta = {
  hop?: string;
  step?: string;
  stage?: number;
  total?: number;
  parameters?: string[];
  stack?: string;
  rootStack?: string;
  finalStatus?: string;
  /** The state the deployment is left in, one sentence. */
  state?: string;
  rootCause?: RootCauseSummary;
  changeSetName?: string;
  changeSet?: string;
  reason?: string;
  buildId?: string;
  status?: string;
  found?: string;
};

/** A file the operator named that could not be read. */
export type FileMeta = {
  file: string;
  reason?: string;
};

export const ERRORS = {
  // Command line and input files
  usage: e.usage('The command line is wrong: unknown command or option, missing or out-of-range value.'),
  'cannot-read-file': e.user<FileMeta>('A file named on the command line cannot be read.'),
  'cannot-write-file': e.user('A file named with --out (a plan, a support bundle) cannot be written.'),
  'config-unreadable': e.user<FileMeta>('pantherctl.yml (or --config) cannot be read.'),
  'config-invalid': e.user('pantherctl.yml is not valid; the message points at file:line:col.'),
  'catalog-unreadable': e.user<FileMeta>('The --catalog file cannot be read.'),
  'invalid-catalog': e.user<{ file: string; issues: unknown[] }>('The --catalog file is not a valid catalog.'),
  'plan-unreadable': e.user<FileMeta>('The --plan file cannot be read.'),
  'invalid-plan': e.user<{ file: string; path?: string }>('The --plan file is not a plan saved by `pantherctl plan --out`.'),
  'invalid-parameter-file': e.user<{ file: string; line: number; column: number }>('A parameter file is neither a map, an AWS CLI list nor CodePipeline JSON.'),
  'invalid-parameters': e.user<{ errors: number; issues: ReportedIssue[] }>('Parameter values fail validation; nothing was changed.'),
  'unknown-parameter': e.user<{ suggestion?: string }>('`params explain NAME`: no such parameter.'),
  'invalid-version': e.user<{ input: string }>('Not a Panther version (v1.25.1, 1.25, latest).'),
  'invalid-region': e.user<{ region: string }>('Not an AWS region name.'),
  'unsupported-region': e.user<{ region: string }>('Panther publishes no templates for the region (see --allow-unsupported-region).'),
  'invalid-stack-name': e.user<{ stack: string }>('Not a valid CloudFormation stack name.'),
  'root-stack-name': e.user<{ rootStack: string }>('The root stack name does not start with panther- (the deployment role only manages panther* stacks).'),
  'confirmation-required': e.user('A change needs a confirmation and there is no terminal to ask on (pass --yes).'),
  'not-confirmed': e.user('The confirmation was declined; nothing changed.'),

  // Fleets (`pantherctl fleet ...`, docs/fleet.md)
  'fleet-unreadable': e.user<FileMeta>('The fleet file (--fleet, default pantherctl-fleet.yml) cannot be read.'),
  'invalid-fleet': e.user<{ file: string; issues: FleetIssue[] }>('The fleet file is not valid; the message points at file:line:col.'),
  'fleet-plan-unreadable': e.user<FileMeta>('The fleet plan file (--plan) cannot be read.'),
  'invalid-fleet-plan': e.user<{ file: string; path: string }>('The fleet plan file is not a plan `pantherctl fleet plan --out` saved, or was edited.'),
  'template-digest-unknown': e.user<{ hop: string }>('A template digest of a hop is not known, so the plan cannot be promoted (fetch the templates, or use a catalog that records them).'),
  'unknown-wave': e.usage<{ wave: string }>('`--wave` names no wave of the fleet file.'),
  'fleet-plan-mismatch': e.user<{ differences: { code: string; deployment?: string; message: string }[] }>('The fleet plan (--plan) does not fit the fleet file or the --param values given.'),
  'fleet-target-differs': e.user<{ targets: Record<string, string> }>('The deployments of the fleet resolve `--to` to different versions: give one exact version.'),
  'plan-digest-mismatch': e.user<{ planned: string; fetched: string }>('The templates fetched now are not those the fleet plan digested: make the plan again.'),

  // Planning
  downgrade: e.user<PlanRefusalMeta>('The target is older than the deployed version.'),
  'major-jump': e.user<PlanRefusalMeta>('The target is in another major version.'),
  'unknown-minor': e.user<PlanRefusalMeta>('A minor release between the current version and the target is not in the catalog.'),
  'unknown-target-minor': e.user<PlanRefusalMeta>('The target minor is not in the catalog.'),
  'yanked-target': e.user<PlanRefusalMeta>('The target is yanked.'),
  'yanked-only-minor': e.user<PlanRefusalMeta>('Every release of a minor on the path is yanked.'),
  'no-recommended-patch': e.user<PlanRefusalMeta>('A minor on the path has no recommended patch.'),
  'unlisted-target': e.user<PlanRefusalMeta>('The target is not in the catalog (see --allow-unlisted).'),
  'current-too-old': e.user<PlanRefusalMeta>('The deployment is older than the catalog\'s first release (give a --catalog that covers it).'),
  'empty-catalog': e.user<PlanRefusalMeta>('The catalog has no release to upgrade to.'),
  'plan-target-mismatch': e.user<{ to: string; planTo: string }>('--to disagrees with the target of the --plan file.'),
  'plan-changed': e.user('The catalog no longer plans the hops an unfinished upgrade started with.'),

  // Deployment state and preconditions
  'root-stack-not-found': e.aws<{ looked: string[] }>('No Panther root stack was found to discover (name it with --root-stack).'),
  'root-stack-ambiguous': e.user<{ candidates: string[] }>('More than one candidate root stack (name one with --root-stack).'),
  'version-unknown': e.user('The deployment\'s version cannot be read from its stacks (give --current).'),
  'preflight-failed': e.user<{ failures: { id: string; class?: string; message: string; hop?: string }[] }>('Preflight found problems; nothing was changed.'),
  'unfinished-run': e.user<{ journal: string; target: string }>('An upgrade to another target did not finish (run `pantherctl resume`).'),
  'nothing-to-resume': e.user<{ journal?: string }>('The journal holds no run to resume.'),
  'cannot-resume': e.user('The run used --param values, which are not stored; run the command again.'),
  'params-required': e.user<{ keys: string[] }>('The upgrade being continued was started with --param values, which are not stored: give them again.'),
  'params-file-changed': e.user('The parameter file changed since the run started.'),
  'yanked-version': e.user<{ version: string; reason: string }>('deploy --version names a yanked release.'),
  'unlisted-version': e.user<{ version: string; catalog: string }>('deploy --version is not in the catalog (see --allow-unlisted).'),
  'root-stack-exists': e.user<{ rootStack: string; status: string }>('deploy found the root stack already there (use configure).'),
  'failed-first-deploy': e.user<{ rootStack: string; status: string; rootCause?: RootCauseSummary }>('The root stack is left from a failed first deploy (see --replace-failed).'),
  'refuse-delete': e.user<{ rootStack: string; status: string }>('--replace-failed refuses a stack that was once created.'),
  'recover-not-needed': e.user<{ stack: string; status: string }>('recover only continues a rollback that failed (UPDATE_ROLLBACK_FAILED).'),
  'skip-not-found': e.user<{ skip: string; stack: string; logicalId: string }>('A `recover --skip` logical-id path names no nested stack of the live deployment.'),
  'stack-busy': e.locked<StackBusyMeta>('An operation pantherctl did not start (in this state directory) is running on the stack: wait for it (exit 6).'),
  'stack-not-stable': e.aws('The stack is not in a state an operation can start from.'),
  'template-url-invalid': e.user<{ url: string }>('A template URL is not an S3 object URL.'),

  // Stack operations and builds that failed
  'stack-rolled-back': e.deployment<DeploymentFailureMeta>('A stack update failed and was rolled back.'),
  'rollback-failed': e.deployment<DeploymentFailureMeta>('A rollback failed: the stack is UPDATE_ROLLBACK_FAILED until `pantherctl recover`.'),
  'change-set-failed': e.deployment<DeploymentFailureMeta>('CloudFormation could not make the change set; nothing was changed.'),
  'build-failed': e.deployment<DeploymentFailureMeta>('The panther-pulumi build failed (the stacks are done).'),
  'version-mismatch': e.deployment<DeploymentFailureMeta>('After the update the stack reports another version.'),
  'stage-failed': e.deployment<DeploymentFailureMeta>('A staged update failed and was rolled back; earlier stages stay.'),
  'first-deploy-failed': e.deployment<DeploymentFailureMeta>('The first deploy failed; the stack is ROLLBACK_COMPLETE.'),
  'role-stack-failed': e.deployment<DeploymentFailureMeta>('Creating or updating the deployment role stack failed.'),
  'delete-failed': e.deployment('Deleting a failed first deploy did not complete.'),
  'recover-failed': e.deployment('The continued rollback failed again.'),
  // Failure paths (issue 9): a stack left where no update can start; the one command that continues.
  'stack-stuck': e.deployment<{ stack: string; status: string; nextCommand: string }>('A stack of the deployment is UPDATE_ROLLBACK_FAILED, DELETE_FAILED or ROLLBACK_COMPLETE: nothing updates it until `nextCommand` has run.'),

  // AWS calls, classified once (src/deployments/aws/errors.ts)
  'stack-not-found': e.aws<AwsCallMeta>('The stack does not exist in this account and region.'),
  'change-set-not-found': e.aws<AwsCallMeta & { changeSet?: string }>('The change set does not exist (or was deleted).'),
  'template-not-found': e.aws<{ url?: string; bucket?: string; key?: string } & AwsCallMeta>('A template is not where its URL says.'),
  'build-not-found': e.aws<{ buildId?: string } & AwsCallMeta>('CodeBuild does not know the build.'),
  'build-project-not-found': e.aws<AwsCallMeta>('The CodeBuild project does not exist.'),
  'no-updates': e.aws<AwsCallMeta>('"No updates are to be performed" (treated as success where it applies).'),
  'change-set-no-changes': e.aws<AwsCallMeta>('The change set contains no changes (treated as success where it applies).'),
  'invalid-change-set-status': e.aws<AwsCallMeta>('The change set cannot be executed in its status.'),
  'already-in-progress': e.aws<AwsCallMeta>('Another operation is running on the stack.'),
  'already-exists': e.aws<AwsCallMeta>('The resource already exists.'),
  'token-already-used': e.aws<AwsCallMeta>('The client request token was used for another call.'),
  'limit-exceeded': e.aws<AwsCallMeta>('An AWS limit was reached.'),
  'insufficient-capabilities': e.aws<AwsCallMeta>('The template needs capabilities the call did not grant.'),
  validation: e.aws<AwsCallMeta>('AWS refused the request as invalid (ValidationError).'),
  throttled: e.aws<AwsCallMeta>('AWS kept throttling the call after retries.'),
  transient: e.aws<AwsCallMeta>('The network or the service stayed unavailable after retries.'),
  'endpoint-unreachable': e.aws<AwsCallMeta>('Nothing answers at the endpoint (--endpoint-url).'),
  'invalid-credentials': e.aws<AwsCallMeta>('The credentials are not valid.'),
  'no-credentials': e.aws<AwsCallMeta>('No credentials were found.'),
  'access-denied': e.aws<AwsCallMeta>('The credentials may not make the call (see `pantherctl iam-policy`).'),
  'aws-error': e.aws<AwsCallMeta>('Any other AWS failure.'),

  // Interrupted: the operation goes on in AWS, `pantherctl resume` continues
  interrupted: e.interrupted<{ stack?: string; elapsedMs?: number } & AwsCallMeta>('Ctrl-C (SIGINT/SIGTERM) stopped the wait; the AWS operation continues.'),
  timeout: e.interrupted<{ stack?: string; elapsedMs?: number }>('A wait exceeded --timeout; the AWS operation continues.'),
  'expired-credentials': e.interrupted<AwsCallMeta>('The credentials expired during a wait; refresh them and resume.'),

  // Journal and lock (the state directory)
  locked: e.locked<{ lock: string; holder?: LockOwner }>('Another run holds the deployment\'s lock.'),
  'lock-lost': e.locked<{ lock: string; holder?: LockOwner }>('Another run took the deployment\'s lock over while this one held it; this run stopped writing.'),
  'lock-unwritable': e.user('The lock cannot be created (check --state-dir).'),
  'journal-unwritable': e.user('The journal cannot be written (check --state-dir).'),
  'journal-unreadable': e.user('The journal cannot be read.'),
  'journal-corrupt': e.user('The journal is corrupt before its last line (move it aside to start over).'),
  'journal-conflict': e.locked<{ journal: string; seq: number }>('Another writer appended to the journal at the same position (the lock was not respected).'),
  'journal-closed': e.internal('An entry was written after the run ended (a bug).'),

  // Shared state in S3 (`--state s3://BUCKET/PREFIX`, src/journal/s3-state-store.ts)
  'invalid-state-url': e.usage('`--state` (or `state:` in pantherctl.yml) is not an s3://BUCKET/PREFIX URL.'),
  'state-unreachable': e.user<{ url: string }>('The state bucket does not exist or cannot be reached.'),

  // `pantherctl sandbox start`: the sandbox has its own SandboxError (src/sandbox/sandbox-error.ts,
  // it imports nothing of the product); src/cli/commands/sandbox.ts raises its codes as these,
  // and fails to compile if the sandbox adds a code not declared here.
  'invalid-faults': e.user('The sandbox fault file is not a valid fault list.'),
  'unknown-version': e.usage('The sandbox has no templates for the version (`sandbox start --version`).'),
  'port-in-use': e.usage('The sandbox port is already in use.'),
  'sandbox-state-unwritable': e.user('The sandbox state file cannot be written.'),
  'sandbox-state-unreadable': e.user('The sandbox state file cannot be read.'),
  'sandbox-state-invalid': e.user('The sandbox state file is not one the sandbox wrote.'),
  'fixtures-missing': e.user('The sandbox\'s fixture templates are not installed next to it (a broken install).'),

  // Preflight (issue 11)
  'invalid-accept': e.usage<{ id: string }>('`--accept ID=REASON` names no required preflight check, or gives no reason.'),
  // history and report (issue 13)
  'run-not-found': e.user<{ run?: string; known: string[] }>('`report --run ID` names a run the deployment\'s journal does not have (or it has none yet).'),

  // Bugs
  internal: e.internal('Anything that is not a PantherctlError: a bug (--debug shows the trace).'),
} as const;

// Checked without `satisfies`: a contextual type would make every undeclared `meta` `unknown`.
const declarations: Readonly<Record<string, ErrorSpec<ErrorSource, unknown>>> = ERRORS;
void declarations;

export type ErrorCode = keyof typeof ERRORS;
/** The source a code is declared with. */
export type SourceOf<C extends ErrorCode> = (typeof ERRORS)[C]['source'];
/** The declared `meta` of a code (of a union of codes: the union of their metas). */
export type ErrorMeta<C extends ErrorCode> = MetaOfSpec<(typeof ERRORS)[C]>;
type MetaOfSpec<S> = S extends ErrorSpec<ErrorSource, infer M> ? M : never;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}
