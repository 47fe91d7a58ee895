/**
 * Every message code pantherctl sends, declared once: level, description, payload type.
 * Scripts match on these codes (and `--json` prints them), so a code is never renamed; add
 * new ones here, then run `npm run codes` to regenerate docs/codes.md (a test fails while it
 * is stale). Payloads never hold a secret value.
 */
import type { ResourceChange } from '../deployments/aws/types.js';
import type { ConfigureResult } from '../deployments/configure/configure.js';
import type { DeployResult } from '../deployments/configure/deploy.js';
import type { ParameterDiffEntry } from '../deployments/configure/parameter-diff.js';
import type { RootCauseSummary } from '../deployments/deps/executor-deps.js';
import type { VersionSource } from '../deployments/status/read-version.js';
import type { ParameterDiffRow } from '../deployments/upgrade/hop-parameters.js';
import type { PreflightCheck } from '../deployments/preflight/upgrade-checks.js';
import type { StackEventMessage, StackProgressMessage } from '../deployments/wait/types.js';
import type { IssueCode } from '../parameters/issue-codes.js';
import type { StepName } from '../journal/entry.js';
import { declareMessages, declareRequests, make, type MessageOf, type RequestOf } from './message-maker.js';

/** A stage as messages carry it: keys only, never values. */
export interface StageSummary {
  index: number;
  groups: string[];
  risky: boolean;
  parameters: string[];
}

/** Data of `step.start`, `step.done` and `step.skip`: the step, and for an upgrade its hop. */
export interface StepData {
  step: StepName;
  /** Upgrade steps: the hop's version and its 1-based index. */
  hop?: string;
  index?: number;
  stack?: string;
  resumed?: boolean;
  changeSetName?: string;
  changes?: number;
  finalStatus?: string;
  elapsedMs?: number;
  noUpdates?: boolean;
  buildId?: string;
  project?: string;
  version?: string;
  /** `continue-rollback`: ResourcesToSkip as sent (absent when none). */
  resourcesToSkip?: string[];
}

export interface HopData {
  index: number;
  total: number;
  version: string;
}

/** Data of `build.failed`: what a failed build says about itself (every text redacted). */
export interface BuildFailureData {
  buildId: string;
  /** The journal hop (an upgrade's version, or a staged run's `build`). */
  hop?: string;
  /** FAILED, FAULT, TIMED_OUT, STOPPED. */
  status: string;
  /** The first phase that did not succeed. */
  phase?: string;
  /** That phase's context message (`COMMAND_EXECUTION_ERROR`'s "Error while executing command: ..."). */
  message?: string;
  /** The last lines of the build log (at most 50), oldest first. */
  logTail: string[];
  logGroup?: string;
  logStream?: string;
  /** The CloudWatch console link to the whole log. */
  deepLink?: string;
}

/** A remaining-time estimate: the median and the 90th percentile of earlier runs, in ms. */
export interface Remaining {
  p50Ms: number;
  p90Ms: number;
}

/** Data of `eta.update`: elapsed and remaining time of the run and of the hop under way. */
export interface EtaData {
  /** Since the run's first hop started. */
  elapsedMs: number;
  /** Absent while a step still to run has never run before (no estimate rather than a guess). */
  remaining?: Remaining;
  /** Earlier runs the estimate was learned from. */
  basis: number;
  hop?: { index: number; total: number; version: string; elapsedMs: number; remaining?: Remaining; unknownSteps: ('role' | 'root' | 'build')[] };
}

/** Data of `resource.overdue`. */
export interface OverdueData {
  /** `stackPath/LogicalId` as learned across runs (`root.Core/AlertsFn`). */
  key: string;
  stack?: string;
  logicalId?: string;
  elapsedMs: number;
  p90Ms: number;
  /** elapsed / p90. */
  ratio: number;
  hop?: string;
}

/** Data of a stage's plan line (`deploy.stage-plan`, `configure.stage-plan`). */
export type StagePlanData = { stage: number } & Omit<StageSummary, 'index'>;

export const MSG = declareMessages({
  // AWS calls and waits
  'aws.retry': make.debug<{ operation: string | undefined; code: string; attempt: number; delayMs: number; stack?: string }>('An AWS call was throttled or failed transiently and is retried after a backoff.',
  ),
  'stack.event': make.leveled(['info', 'warn'])<StackEventMessage>('A resource event of the stack operation being waited on (warn when it failed).'),
  'stack.progress': make.info<StackProgressMessage>('Resources still in progress while waiting (feeds the live view; no line of its own).'),
  'stack.poll-retry': make.debug<{ stack: string; code: string }>('Polling a stack failed transiently; the waiter backs off.'),
  'change-set.ready': make.info<{ stack: string; changeSet: string; noChanges: boolean; changes: number }>('A change set can be executed, or holds no changes.'),
  'build.phase': make.info<{ buildId: string; phase: string; status: string }>('The CodeBuild build entered a new phase (feeds the live view).'),

  // Finding the deployment
  'deployment.root-stack': make.info<{ name: string; how: 'named' | 'discovered'; account: string; region: string }>('The root stack the command acts on, and how it was chosen.'),
  'deployment.version': make.info<{ version: string; source: VersionSource; from?: string }>('The version the deployment runs, and where it was read from.'),
  'root-stack.discovered': make.info<{ rootStack: string }>('No root stack was named: the only candidate was found.'),

  // Upgrade: plan, preflight, preview
  'plan.warning': make.warn('The planner warns about the target (unlisted, not recommended).'),
  'plan.hop': make.info<{ index: number; total: number; version: string; reason: string; postDeploy: string[] }>('One hop of the upgrade path, and why it is a stop.'),
  'preflight.check': make.leveled(['info', 'warn', 'error'])<{ id: string; class: PreflightCheck['class']; ok: boolean; severity: PreflightCheck['severity']; hop?: string; accepted?: { reason: string }; data?: Record<string, unknown> }>('One preflight check: passed (info), a warning or an accepted failure (warn), or failed (error); `class` is strict, required or advisory (docs/preflight.md).',
  ),
  'preflight.failed': make.error<{ failures: PreflightCheck[] }>('Preflight found problems; nothing was changed.'),
  'preflight.passed': make.info('Every preflight check passed.'),
  'preflight.termination-protection': make.info<{ stack: string }>('`--enable-termination-protection`: the run turned on the root stack\'s termination protection (journaled in run.start).'),
  'preflight.result': make.result<{ passed: boolean; rootStack: string; from: string; to: string; hops: string[]; checks: PreflightCheck[]; accepted: { id: string; reason: string }[] }>('`pantherctl preflight`: every check of the path, and whether the upgrade would start (nothing was changed).'),
  'preview.change-set': make.info<{ hop: string; changes: number; changeSetName?: string }>('The first hop\'s change set, shown before the confirmation.'),
  'preview.resource': make.info<ResourceChange>('One resource change of the previewed change set.'),
  'preview.parameters': make.info<{ changed: number; kept: number }>('How many parameters the first hop changes and keeps.'),
  'preview.parameter': make.info<ParameterDiffRow>('One parameter the first hop changes (secrets masked).'),
  'preview.later-parameter': make.info<{ hop: string } & ParameterDiffRow>('A parameter a later hop adds, removes or changes.'),

  // Upgrade: the run
  'hop.start': make.info<HopData>('A hop of the upgrade begins.'),
  'hop.done': make.info<HopData>('Every step of a hop is done and its version verified.'),
  'step.start': make.info<StepData>('A step begins (or a stopped run\'s step is waited for again: `resumed`).'),
  'step.done': make.info<StepData>('A step finished.'),
  'step.skip': make.info<StepData>('A step was already done.'),
  'upgrade.already-at': make.result<{ version: string }>('The deployment is already at the target: nothing to do.'),
  'upgrade.dry-run': make.result<{ from: string; to: string; hops: string[] }>('Dry run: preflight passed, the change set was previewed and deleted.'),
  'upgrade.declined': make.result('The confirmation was declined; nothing changed.'),
  'upgrade.done': make.result<{ from: string; to: string; hops: string[] }>('The deployment reached the target.'),
  'failure.root-cause': make.error<RootCauseSummary | undefined>('Why a stack operation or build of the run failed (no data when no failed event was found).'),
  'failure.state': make.error<{ state: string }>('The state a failed run left the deployment in.'),
  'recover.done': make.result<{ stack: string; finalStatus: string; nextCommand?: string }>('The stuck rollback finished.'),
  'recover.root-stack': make.info<{ nested: string; rootStack: string }>('recover was given a nested stack: ContinueUpdateRollback goes to its root stack.'),
  'recover.skip-translated': make.info<{ given: string; sent: string }>('A `--skip` logical-id path (Web.WebFunction) was translated through the live nested stacks into the ResourcesToSkip form (NestedStackName.LogicalId).'),

  // Parameters
  'params.issue': make.leveled(['error', 'warn'])<{ severity: 'error' | 'warning'; parameter: string; code: IssueCode }>('A finding about a parameter of the file (validation rules, the template\'s constraints).',
  ),
  'params.diff': make.info<ParameterDiffEntry>('One row of the file against the live stack (secrets masked).'),
  'params.equal': make.result<ParamsCounts>('The live stack has every value of the file.'),
  'params.different': make.result<ParamsCounts>('The live stack differs from the file.'),

  // Deploy and configure
  'deploy.version-warning': make.warn<{ version: string }>('The version deployed is unlisted or not recommended.'),
  'deploy.plan': make.info<{ rootStack: string; version: string; create: string[]; stages: StageSummary[]; atDefault: string[] }>('What a first deploy will do: the create call, then the stages.'),
  'deploy.create-value': make.info<{ key: string }>('One value of the create call (secrets masked in the text).'),
  'deploy.stage-plan': make.info<StagePlanData>('One stage of a first deploy, before the confirmation.'),
  'deploy.at-default': make.info<{ keys: string[] }>('Values of the file that are already the template default.'),
  'deploy.root-cause': make.error<{ rootCause: RootCauseSummary }>('Why an earlier first deploy failed (its stack is in ROLLBACK_COMPLETE).'),
  'deploy.role': make.info<{ stack: string; version: string; action: 'create' | 'update' | 'none' }>('The deployment role stack is created, updated, or already at the version.'),
  'deploy.replace-failed': make.warn<{ stack: string; stackId: string }>('A failed first deploy is deleted to be created again (--replace-failed).'),
  'deploy.create': make.info<{ stack: string; version: string; parameters: string[] }>('The root stack is being created with the safe minimum.'),
  'deploy.created': make.info<{ stack: string; stackId: string; elapsedMs: number }>('The root stack was created.'),
  'deploy.create-failed': make.error<{ stack: string; finalStatus: string; rootCause?: RootCauseSummary }>('Creating the root stack failed.'),
  'deploy.done': make.result<DeployResult>('The first deploy finished: created, then every stage applied.'),
  'configure.plan': make.info<{ rootStack: string; stages: StageSummary[] }>('The staged updates configure will apply.'),
  'configure.stage-plan': make.info<StagePlanData>('One stage of configure, before the confirmation.'),
  'configure.no-changes': make.result<{ rootStack: string }>('The file equals the live stack: nothing was updated.'),
  'configure.done': make.result<ConfigureResult>('Every stage was applied (or needed no change).'),
  'stage.preview': make.info<{ stage: number; parameters: string[]; changeSetName: string; changes: Pick<ResourceChange, 'action' | 'logicalId' | 'resourceType' | 'replacement' | 'nestedPath'>[] }>('The change set of a stage, made before it is applied.',
  ),
  'stage.start': make.info<{ stage: number; total: number; groups: string[]; risky: boolean; parameters: string[] }>('A staged update begins.'),
  'stage.skip': make.info<{ stage: number; parameters: string[] }>('A stage was already applied (resume).'),
  'stage.no-changes': make.info<{ stage: number }>('A stage changed nothing: the stack already had its values.'),
  'stage.done': make.info<{ stage: number; parameters: string[]; finalStatus: string; elapsedMs: number }>('A stage was applied.'),
  'stage.failed': make.error<{ stage: number; parameters: string[]; finalStatus: string; state: string; rootCause?: RootCauseSummary }>('A stage failed and was rolled back; earlier stages stay.'),
  'build.start': make.info<{ project: string; hop: string; buildId?: string; resumed?: boolean }>('The panther-pulumi build of a deploy or configure starts (or is waited for again).'),
  'build.done': make.info<{ buildId: string; elapsedMs: number }>('The panther-pulumi build of a deploy or configure succeeded.'),
  'build.token-reused': make.info<{ project: string; hop: string }>('Resume repeats the StartBuild a stopped run made, with its journaled idempotency token (inside the token\'s window): CodeBuild answers with the build already started.'),
  'build.no-project': make.warn<{ project: string }>('The panther-pulumi project does not exist yet; no build was started.'),
  'resume.start': make.info<{ command: 'deploy' | 'configure' }>('resume continues a deploy or configure from its journal.'),
  'resume.already-done': make.result<{ command: 'deploy' | 'configure' | 'upgrade' }>('The last upgrade, deploy or configure already finished; nothing to resume.'),

  // Build logs (issue 13)
  'build.log': make.info<{ buildId: string; hop?: string; line: string; time: string }>('One line of the panther-pulumi build log (redacted): the live view shows the last ones under the build, CI prints each, prefixed.'),
  'build.log-unavailable': make.warn<{ buildId: string; reason: string }>('The build log cannot be read (permissions, throttling); the build is still waited for.'),
  'build.failed': make.error<BuildFailureData>('A panther-pulumi build failed: its failing phase, that phase\'s context message and the last lines of its log.'),

  // Notifications (issue 13)
  'notify.undelivered': make.warn<{ target: string; event: string; outcome: 'failed' | 'dropped'; attempts: number; reason?: string }>('A notification could not be delivered (after its retries, or at the exit bound); the run itself is unaffected.'),

  // Failure paths (issue 9): a journal belongs to one stack; the whole deployment's state and what to run next
  'journal.migrated': make.info<{ from: string; to: string; entries: number }>('The journal kept under the deployment\'s name (a first deploy, or a pantherctl that keyed journals by name) belongs to the live root stack: moved into that stack\'s journal.'),
  'journal.archived': make.warn<{ from: string; to: string; reason: 'stack-gone' | 'superseded' }>('A journal of a root stack that no longer exists (deleted, or created again under the same name) was moved aside, never applied.'),
  // Time to go (issue 13)
  'eta.update': make.info<EtaData>('Elapsed and estimated remaining time of the hop under way and of the run, learned from this deployment\'s earlier runs (at each hop and step).'),
  'eta.unavailable': make.info<{ runs: 0 }>('No earlier run of this deployment to learn durations from: no estimate (said once).'),
  'resource.overdue': make.warn<OverdueData>('A resource has been in progress for more than 1.25 × its p90 in earlier runs (said once per resource).'),
  // Fleets (`pantherctl fleet plan|upgrade|resume`, docs/fleet.md). A deployment's own messages
  // during a fleet run carry `data.deployment` (its name) and are otherwise those of `upgrade`.
  'fleet.planned': make.info<{ deployment: string; wave: string; from: string; to: string; hops: string[]; digest: string }>('One deployment of the fleet was planned: its hops and plan digest.'),
  'fleet.warning': make.warn<{ code: string; deployment?: string }>('The fleet plan and the fleet file differ in a way that does not stop the run.'),
  'fleet.deployment': make.leveled(['info', 'warn', 'error'])<{ deployment: string; wave: string; phase: 'running' | 'done' | 'failed' | 'not-started' | 'refused'; reasonCode?: string; reason?: string; promotion?: { deployment: string; code: string; message: string }[]; earlierRun?: boolean }>('A deployment of the fleet run started or reached its final phase.'),
  'fleet.done': make.result<{ target: string; done: string[]; failed: string[]; notStarted: string[]; refused: string[]; halted?: string }>('The fleet run ended: every deployment by its final phase.'),
});

/** Counts of a `params diff`. */
export interface ParamsCounts {
  rootStack: string;
  different: boolean;
  changed: number;
  added: number;
  'cannot-compare': number;
  unchanged: number;
}

/** The view an upgrade asks to confirm: the plan and the first hop's change set. */
export interface UpgradeConfirmation {
  rootStack: string;
  from: string;
  to: string;
  hops: string[];
  changes?: number;
}

/** Questions the core asks through `IoHost.requestResponse`; a host that cannot ask returns the default (no). */
export const REQ = declareRequests({
  'upgrade.confirm': make.request<UpgradeConfirmation, boolean>('Confirm the upgrade shown (plan, first change set, parameter diff).'),
  'deploy.confirm': make.request<{ rootStack: string; version: string; region: string }, boolean>('Confirm the first deploy shown.'),
  'configure.confirm': make.request<{ rootStack: string; stages: number }, boolean>('Confirm the staged updates shown.'),
  'fleet.confirm': make.request<{ target: string; deployments: string[] }, boolean>('Confirm a fleet upgrade: every deployment of the run, each upgraded without a question of its own.'),
});

/** Every message the core may send: a union discriminated on `code`. */
export type AnyMessage = MessageOf<(typeof MSG)[keyof typeof MSG]>;
export type MessageCode = AnyMessage['code'];
/** The message of one code, e.g. `CodeMessage<'hop.start'>`. */
export type CodeMessage<C extends MessageCode> = Extract<AnyMessage, { code: C }>;

export type AnyRequest = RequestOf<(typeof REQ)[keyof typeof REQ]>;
export type RequestCode = AnyRequest['code'];
