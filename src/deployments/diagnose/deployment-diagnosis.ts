/**
 * `pantherctl diagnose` of the whole deployment: the root stack, each of its nested stacks, the
 * role stack, the last panther-pulumi build, the deployment's lock and its journal. Each thing
 * that needs attention is a finding with the one command that continues from it; the
 * deployment's next command is the first finding's (waiting comes before acting, a stuck
 * rollback before anything that would update the stack). Reads only.
 */
import { PULUMI_PROJECT } from '../../catalog/urls.js';
import type { JournalEntry } from '../../journal/entry.js';
import type { LockOwner, LockState } from '../../journal/lock.js';
import { readReconciled } from '../../journal/ownership.js';
import { summarizeJournal } from '../../journal/progress.js';
import type { StateStore } from '../../journal/state-store.js';
import type { BuildInfo, CloudFormationGateway, CodeBuildGateway, StackSummary } from '../aws/types.js';
import { liveDeploymentKey } from '../deployment.js';
import type { ExecutorDeps } from '../deps/executor-deps.js';
import { isInProgress } from '../wait/stack-status.js';
import { diagnoseStack, type Diagnosis } from './diagnose.js';

/** Which part of the deployment a finding is about. */
export type FindingSubject = 'root-stack' | 'nested-stack' | 'role-stack' | 'build' | 'lock' | 'journal';

/**
 * How much a finding asks of the operator: `busy` (an operation runs: wait for it), `action`
 * (something failed or stopped: run the next command), `info` (nothing to do).
 */
export type FindingLevel = 'busy' | 'action' | 'info';

export interface Finding {
  subject: FindingSubject;
  /** The stack's name, the build id, the lock's or the journal's location. */
  name: string;
  /** The stack or build status; `held`, `stale`, `unreadable` for the lock; `unfinished` for the journal. */
  status: string;
  level: FindingLevel;
  /** One sentence: what this means for the deployment. */
  state: string;
  /** The command that continues from here, with every flag it needs. */
  nextCommand?: string;
}

/** `pantherctl diagnose --json`: a public contract. The top-level Diagnosis fields are of the stack shown first (`--stack`, else the first stack that needs attention, else the root). */
export interface DeploymentDiagnosis extends Diagnosis {
  rootStack: string;
  roleStack: string;
  /** The root stack, its nested stacks, the role stack (when it exists). */
  stacks: (Diagnosis & { kind: 'root' | 'nested' | 'role' })[];
  lastBuild?: { id: string; status: string; startTime?: string; endTime?: string; failedPhase?: string };
  lock?: { location: string; state: LockState['state']; holder?: LockOwner };
  journal?: { location: string; command?: string; to?: string; unfinished: boolean; stoppedBy?: string };
  /** Everything that is not as it should be, most pressing first. */
  findings: Finding[];
  /** `none`: exit 0; `busy`: exit 6 (wait); `action`: exit 4 (run `nextCommand`). */
  attention: 'none' | 'busy' | 'action';
}

/** Builds the command lines the findings name: pantherctl commands with this run's flags, and AWS CLI commands. */
export interface CommandLines {
  pantherctl(command: string, args: readonly string[], paramKeys?: readonly string[]): string;
  aws(args: readonly string[]): string;
}

export interface DiagnoseDeploymentInput {
  deps: Pick<ExecutorDeps, 'cloudFormation' | 'codeBuild' | 'identity'>;
  store: StateStore;
  region: string;
  rootStack: string;
  roleStack: string;
  /** The stack whose details go at the top level. Default: the first stack that needs attention, else the root stack. */
  stack?: string;
  commands: CommandLines;
}

const FAILED_BUILD = new Set(['FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED']);
const NESTED_STACK = 'AWS::CloudFormation::Stack';

export async function diagnoseDeployment(input: DiagnoseDeploymentInput): Promise<DeploymentDiagnosis> {
  const { deps, commands } = input;
  const cfn = deps.cloudFormation;
  const rootSummary = await cfn.describeStack(input.rootStack);
  const root = await diagnoseStack(cfn, input.rootStack, { rootStack: true });
  const nested = rootSummary ? await nestedDiagnoses(cfn, rootSummary) : [];
  const roleSummary = await cfn.describeStack(input.roleStack);
  const role = roleSummary ? await diagnoseStack(cfn, roleSummary.stackId) : undefined;
  const build = await lastBuild(deps.codeBuild);

  const { key, live } = await liveDeploymentKey(deps, input.region, input.rootStack, rootSummary);
  const lock = input.store.inspectLock ? await input.store.inspectLock(key) : undefined;
  const lockLocation = input.store.locate(key).lock;
  const journal = await readReconciled(input.store, key, live);
  const summary = summarizeJournal(journal.entries);
  const unfinished = Boolean(summary.start && !summary.finished);
  const paramKeys = summary.start?.overrideKeys ?? [];
  const resume = commands.pantherctl('resume', [], paramKeys);

  const stacks = [{ ...root, kind: 'root' as const }, ...nested.map((d) => ({ ...d, kind: 'nested' as const })), ...(role ? [{ ...role, kind: 'role' as const }] : [])];
  const findings: Finding[] = [];

  // A lock held by a live run: its run is on the deployment; wait for it.
  if (lock?.state === 'held') {
    findings.push({
      subject: 'lock',
      name: lockLocation,
      status: 'held',
      level: 'busy',
      state: lock.holder
        ? `pantherctl ${lock.holder.command} (pid ${lock.holder.pid} on ${lock.holder.hostname}, since ${lock.holder.since}) holds the deployment's lock: wait for it to finish.`
        : "Another pantherctl run holds the deployment's lock: wait for it to finish.",
      nextCommand: commands.pantherctl('diagnose', []),
    });
  } else if (lock?.state === 'unreadable' && !lock.takenOver) {
    findings.push({ subject: 'lock', name: lockLocation, status: 'unreadable', level: 'busy', state: 'The lock file is being written (empty or torn for a moment): a run is starting; wait for it.', nextCommand: commands.pantherctl('diagnose', []) });
  }

  for (const s of stacks) {
    const finding = stackFinding(s, { unfinished, resume, commands, rootStack: root.stack, journal: journal.entries });
    if (finding) {
      s.nextCommand = finding.nextCommand;
      if (!finding.nextCommand) delete s.nextCommand;
      findings.push(finding);
    } else {
      delete s.nextCommand;
    }
  }

  if (build && FAILED_BUILD.has(build.status)) {
    const phase = build.phases.find((p) => p.status && p.status !== 'SUCCEEDED')?.type;
    findings.push({
      subject: 'build',
      name: build.id,
      status: build.status,
      level: 'action',
      state: `The last ${PULUMI_PROJECT} build ${build.status}${phase ? ` in ${phase}` : ''}: the stacks may be updated, but what the build deploys is not.`,
      nextCommand: unfinished ? resume : commands.aws(['codebuild', 'start-build', '--project-name', PULUMI_PROJECT]),
    });
  } else if (build?.status === 'IN_PROGRESS' && !(lock?.state === 'held')) {
    findings.push({ subject: 'build', name: build.id, status: build.status, level: 'busy', state: `A ${PULUMI_PROJECT} build is running (since ${build.startTime?.toISOString() ?? '?'}): wait for it to end.`, nextCommand: commands.pantherctl('diagnose', []) });
  }

  if (lock?.state === 'stale' || (lock?.state === 'unreadable' && lock.takenOver)) {
    findings.push({
      subject: 'lock',
      name: lockLocation,
      status: lock.state,
      level: 'info',
      state:
        lock.state === 'stale'
          ? `The lock was left by pantherctl ${lock.holder.command} (pid ${lock.holder.pid}, gone, since ${lock.holder.since}): the next run takes it over.`
          : 'The lock file is empty or torn (a run died while creating it): the next run takes it over.',
    });
  }

  // A run that stopped with every stack and the build fine: resume finishes it.
  if (unfinished && !findings.some((f) => f.nextCommand === resume) && !findings.some((f) => f.level !== 'info')) {
    findings.push({
      subject: 'journal',
      name: journal.location,
      status: 'unfinished',
      level: 'action',
      state: `The last pantherctl ${summary.start!.command}${summary.start!.to ? ` (to ${summary.start!.to})` : ''} did not finish${summary.stoppedBy ? ` (${summary.stoppedBy})` : ''}: resume continues it.`,
      nextCommand: resume,
    });
  }

  findings.sort((a, b) => rank(a) - rank(b));
  const attention = findings.some((f) => f.level === 'busy') ? 'busy' : findings.some((f) => f.level === 'action') ? 'action' : 'none';
  const shown = (input.stack && stacks.find((s) => s.stack === input.stack || s.stackId === input.stack)) || stacks.find((s) => findings.some((f) => f.level !== 'info' && f.name === s.stack)) || stacks[0]!;
  const next = findings.find((f) => f.level !== 'info' && f.nextCommand)?.nextCommand;
  const { kind: _kind, ...top } = shown;
  return {
    ...top,
    ...(next ? { nextCommand: next } : {}),
    rootStack: root.stack,
    roleStack: input.roleStack,
    stacks,
    ...(build ? { lastBuild: buildDoc(build) } : {}),
    ...(lock ? { lock: { location: lockLocation, state: lock.state, ...('holder' in lock && lock.holder ? { holder: lock.holder } : {}) } } : {}),
    ...(summary.start
      ? { journal: { location: journal.location, command: summary.start.command, to: summary.start.to, unfinished, ...(summary.stoppedBy ? { stoppedBy: summary.stoppedBy } : {}) } }
      : {}),
    findings,
    attention,
  };
}

/** Waiting first; then a stuck rollback (nothing else can run), a failed delete, a failed first deploy; then the rest. */
function rank(f: Finding): number {
  if (f.level === 'busy') return 0;
  if (f.level === 'info') return 9;
  if (f.status === 'UPDATE_ROLLBACK_FAILED') return f.subject === 'role-stack' ? 2 : 1;
  if (f.status === 'DELETE_FAILED') return 3;
  if (f.status === 'ROLLBACK_COMPLETE' || f.status === 'ROLLBACK_FAILED') return 4;
  return 5;
}

interface StackContext {
  unfinished: boolean;
  resume: string;
  commands: CommandLines;
  rootStack: string;
  journal: readonly JournalEntry[];
}

/** What a stack's status asks for, and the one command that continues from it; undefined when it is fine. */
function stackFinding(s: Diagnosis & { kind: 'root' | 'nested' | 'role' }, c: StackContext): Finding | undefined {
  const subject: FindingSubject = s.kind === 'root' ? 'root-stack' : s.kind === 'nested' ? 'nested-stack' : 'role-stack';
  const base = { subject, name: s.stack, status: s.status };
  if (isInProgress(s.status)) {
    // A nested stack's operation is its root's: reported once, on the root.
    if (s.kind === 'nested') return undefined;
    return { ...base, level: 'busy', state: `An operation is running on ${s.stack} (${s.status}): wait for it to end.`, nextCommand: c.commands.pantherctl('diagnose', []) };
  }
  switch (s.status) {
    case 'UPDATE_ROLLBACK_FAILED': {
      // ContinueUpdateRollback runs on the root stack of a nested one.
      const target = s.kind === 'nested' ? c.rootStack : s.stack;
      const resumeAfter = c.unfinished ? `, then \`${c.resume}\`` : '';
      return { ...base, level: 'action', state: `${s.stack} is UPDATE_ROLLBACK_FAILED: its rollback failed and nothing can update it until the rollback is continued (recover)${resumeAfter}.`, nextCommand: c.commands.pantherctl('recover', ['--stack', target]) };
    }
    case 'UPDATE_ROLLBACK_COMPLETE':
      if (s.kind === 'nested') return undefined;
      return c.unfinished
        ? { ...base, level: 'action', state: `The last update of ${s.stack} failed and was rolled back; the deployment works as before, and resume continues the run that stopped.`, nextCommand: c.resume }
        : { ...base, level: 'info', state: `The last update of ${s.stack} failed and was rolled back (no pantherctl run of it is unfinished); the deployment works as before.` };
    case 'ROLLBACK_COMPLETE':
    case 'ROLLBACK_FAILED':
      if (s.kind === 'nested') return undefined;
      return { ...base, level: 'action', state: `${s.stack} is ${s.status}: its first deploy failed; it can only be deleted and created again.`, ...(s.kind === 'root' ? { nextCommand: replaceFailedCommand(c) } : { nextCommand: c.commands.aws(['cloudformation', 'delete-stack', '--stack-name', s.stack]) }) };
    case 'DELETE_FAILED':
      return {
        ...base,
        level: 'action',
        state: `${s.stack} is DELETE_FAILED: some of its resources could not be deleted; delete it again, keeping those (RetainResources), or fix them first.`,
        nextCommand: c.commands.aws(['cloudformation', 'delete-stack', '--stack-name', s.kind === 'nested' ? c.rootStack : s.stack, ...retainArgs(s)]),
      };
    case 'UPDATE_FAILED':
    case 'CREATE_FAILED':
      return { ...base, level: 'action', state: `${s.stack} is ${s.status}: the operation failed and was not rolled back.`, nextCommand: c.commands.pantherctl('diagnose', ['--stack', s.stack]) };
    default:
      return undefined;
  }
}

/** `--retain-resources` of a DELETE_FAILED stack: the resources whose delete failed (DeleteStack RetainResources). */
function retainArgs(s: Diagnosis): string[] {
  const ids = [...new Set([s.rootCause, ...s.rollbackFailures].filter((f) => f && f.status === 'DELETE_FAILED').map((f) => f!.logicalId))];
  return ids.length > 0 ? ['--retain-resources', ...ids] : [];
}

/** The failed first deploy, replaced: with the parameter file and version its journal recorded, else placeholders. */
function replaceFailedCommand(c: StackContext): string {
  const start = [...c.journal].reverse().find((e) => e.type === 'run.start' && e.command === 'deploy');
  const file = start && start.type === 'run.start' && 'paramsFile' in start ? start.paramsFile : 'FILE';
  const version = start && start.type === 'run.start' && 'version' in start && start.version ? start.version : 'VERSION';
  const keys = start && start.type === 'run.start' ? start.overrideKeys : [];
  return c.commands.pantherctl('deploy', ['--replace-failed', '--yes', '--version', version, '--params', file], keys);
}

async function nestedDiagnoses(cfn: CloudFormationGateway, root: StackSummary): Promise<Diagnosis[]> {
  const resources = await cfn.listStackResources(root.stackId).catch(() => []);
  const out: Diagnosis[] = [];
  for (const r of resources) {
    if (r.resourceType !== NESTED_STACK || !r.physicalId) continue;
    const d = await diagnoseStack(cfn, r.physicalId).catch(() => undefined);
    if (d) out.push(d);
  }
  return out;
}

async function lastBuild(codeBuild: CodeBuildGateway): Promise<BuildInfo | undefined> {
  if (!(await codeBuild.projectExists(PULUMI_PROJECT).catch(() => false))) return undefined;
  return codeBuild.lastBuild(PULUMI_PROJECT).catch(() => undefined);
}

function buildDoc(b: BuildInfo): NonNullable<DeploymentDiagnosis['lastBuild']> {
  const failedPhase = FAILED_BUILD.has(b.status) ? b.phases.find((p) => p.status && p.status !== 'SUCCEEDED')?.type : undefined;
  return {
    id: b.id,
    status: b.status,
    ...(b.startTime ? { startTime: b.startTime.toISOString() } : {}),
    ...(b.endTime ? { endTime: b.endTime.toISOString() } : {}),
    ...(failedPhase ? { failedPhase } : {}),
  };
}
