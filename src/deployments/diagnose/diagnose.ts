/**
 * `pantherctl diagnose`: what state a stack is in, what that means for the operator, why the
 * last operation failed, and the command that continues from here.
 */
import { ExitCode, PantherctlError } from '../../errors/pantherctl-error.js';
import { diagnoseDeployment, type CommandLines, type DeploymentDiagnosis } from './deployment-diagnosis.js';
import type { CloudFormationGateway } from '../aws/types.js';
import { isInProgress, isStableStatus } from '../wait/stack-status.js';
import { findFailures, type RootCause, type RootCauseOptions } from './root-cause.js';
import type { IoHost } from '../../io/messages.js';
import { withDeployment, type DeploymentOptions, type OpenedDeployment } from '../deployment.js';
import { chooseRootStack } from '../status/discover-root.js';

export interface Diagnosis {
  stack: string;
  stackId: string;
  status: string;
  statusReason?: string;
  /** An operation may start on the stack as it is. */
  stable: boolean;
  inProgress: boolean;
  /** One sentence for the operator: what this status means for the deployment. */
  state: string;
  rootCause?: RootCause;
  /** UPDATE_ROLLBACK_FAILED: the resources whose rollback failed. */
  rollbackFailures: RootCause[];
  /**
   * `--skip` values for `pantherctl recover` if a plain retry of the rollback fails again,
   * exactly as ContinueUpdateRollback's ResourcesToSkip takes them (`RootCause.resourceToSkip`):
   * skipped resources are left as they are, so this is a last resort, never the default.
   */
  suggestedSkips: string[];
  /** The command that continues from here, when there is one. */
  nextCommand?: string;
}

export interface DiagnoseStackOptions extends RootCauseOptions {
  /**
   * The stack is the deployment's root stack: a failed first deploy (ROLLBACK_COMPLETE) is
   * then replaced with `pantherctl deploy --replace-failed`. Default false (any stack).
   */
  rootStack?: boolean;
}

export function describeState(status: string): { state: string; nextCommand?: string } {
  switch (status) {
    case 'CREATE_COMPLETE':
    case 'UPDATE_COMPLETE':
    case 'IMPORT_COMPLETE':
      return { state: 'The last operation succeeded.' };
    case 'UPDATE_ROLLBACK_COMPLETE':
      return {
        state: 'The update failed and was rolled back to the previous template and parameters; the deployment works as before.',
        nextCommand: 'pantherctl resume',
      };
    case 'ROLLBACK_COMPLETE':
      return {
        state: 'ROLLBACK_COMPLETE: the first deploy failed; the stack can only be deleted and created again.',
        nextCommand: 'aws cloudformation delete-stack --stack-name STACK',
      };
    case 'UPDATE_ROLLBACK_FAILED':
      return {
        state: 'UPDATE_ROLLBACK_FAILED: the rollback itself failed and the stack cannot be updated until it finishes; run `pantherctl recover`.',
        nextCommand: 'pantherctl recover',
      };
    case 'ROLLBACK_FAILED':
      return { state: 'ROLLBACK_FAILED: the failed first deploy could not be cleaned up; delete the stack (retaining the failed resources) and deploy again.' };
    case 'DELETE_FAILED':
      return { state: 'DELETE_FAILED: some resources could not be deleted; fix them and delete the stack again.' };
    case 'UPDATE_FAILED':
      return { state: 'UPDATE_FAILED: the update failed and rollback was disabled; roll back or update again.' };
    case 'DELETE_COMPLETE':
      return { state: 'The stack is deleted.' };
    case 'REVIEW_IN_PROGRESS':
      return { state: 'The stack was never created: it only holds a change set awaiting review.' };
    default:
      return isInProgress(status)
        ? { state: `An operation is running (${status}); wait for it to end.`, nextCommand: 'pantherctl status' }
        : { state: status };
  }
}

export async function diagnoseStack(
  gateway: CloudFormationGateway,
  stackIdOrName: string,
  options: DiagnoseStackOptions = {},
): Promise<Diagnosis> {
  const summary = await gateway.describeStack(stackIdOrName);
  if (!summary) {
    throw new PantherctlError('stack-not-found', `Stack ${stackIdOrName} does not exist.`, {
      source: 'aws',
      hint: 'Check the stack name and the region (`--region`).',
      meta: { stack: stackIdOrName },
    });
  }
  const described = describeState(summary.status);
  const { state } = described;
  let nextCommand = described.nextCommand;
  if (summary.status === 'ROLLBACK_COMPLETE' && options.rootStack && !summary.parentId) {
    // pantherctl deletes the failed root stack and creates it again, journaled and resumable.
    nextCommand = `pantherctl deploy --replace-failed --root-stack ${summary.name} --version ${summary.tags.PantherVersion ?? 'VERSION'} --params FILE`;
  }
  const failures = isStableStatus(summary.status) && summary.status !== 'UPDATE_ROLLBACK_COMPLETE' ? [] : await findFailures(gateway, summary.stackId, options.since ? { since: options.since } : {});
  const rootCause = failures.find((f) => !f.duringRollback) ?? failures[0];
  const rollbackFailures = summary.status === 'UPDATE_ROLLBACK_FAILED' ? failures.filter((f) => f.duringRollback) : [];
  // Only resources left in UPDATE_FAILED by the rollback can be skipped; a nested stack
  // resource only once its stack is being deleted, so the resources inside it are named instead.
  const suggestedSkips = [
    ...new Set(rollbackFailures.filter((f) => f.status === 'UPDATE_FAILED' && f.resourceType !== 'AWS::CloudFormation::Stack').map((f) => f.resourceToSkip)),
  ];
  return {
    stack: summary.name,
    stackId: summary.stackId,
    status: summary.status,
    ...(summary.statusReason ? { statusReason: summary.statusReason } : {}),
    stable: isStableStatus(summary.status),
    inProgress: isInProgress(summary.status),
    state,
    ...(rootCause ? { rootCause } : {}),
    rollbackFailures,
    suggestedSkips,
    ...(nextCommand ? { nextCommand: nextCommand.replace('STACK', summary.name) } : {}),
  };
}

/** Whether a stack's status means its last operation failed (or it is stuck): `diagnose` exits 4. */
export function isFailedStatus(status: string): boolean {
  return status.endsWith('_FAILED') || status === 'UPDATE_ROLLBACK_COMPLETE' || status === 'ROLLBACK_COMPLETE';
}

export interface DiagnoseOptions extends DeploymentOptions {
  /** The stack whose details go at the top level. Default: the first stack that needs attention, else the root stack. */
  stack?: string;
}

/**
 * `pantherctl diagnose`: the whole deployment (root, nested and role stacks, the last build,
 * the lock, the journal), each thing that needs attention with the command that continues
 * from it, and the root cause of the last failure. Reads only.
 */
export function diagnose(options: DiagnoseOptions, io: IoHost): Promise<DeploymentDiagnosis> {
  return withDeployment(options, io, async (d) => {
    const { deps, settings } = d;
    const rootStack = (await chooseRootStack(deps.cloudFormation, { ...(settings.rootStack ? { named: settings.rootStack } : {}), roleStack: settings.roleStack })).name;
    return diagnoseDeployment({
      deps,
      store: d.store,
      region: settings.connection.region,
      rootStack,
      roleStack: settings.roleStack,
      ...(options.stack ? { stack: options.stack } : {}),
      commands: commandLines(d, rootStack),
    });
  });
}

/** Statuses no update can start from: the stack needs another command first (recover, replace, delete). */
const STUCK = new Set(['UPDATE_ROLLBACK_FAILED', 'ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'DELETE_FAILED']);

/**
 * Refuses a run (upgrade, resume) on a deployment with a stack no update can start from
 * (`stack-stuck`, exit 4), naming the same next command `diagnose` names, before anything is
 * locked or changed. `allow` lets a status through (a `deploy --replace-failed` that stopped
 * before it deleted the failed stack continues from ROLLBACK_COMPLETE).
 */
export async function refuseIfStuck(d: OpenedDeployment, rootStack: string, allow: ReadonlySet<string> = new Set()): Promise<void> {
  const { deps, settings } = d;
  const stacks = [await deps.cloudFormation.describeStack(rootStack), await deps.cloudFormation.describeStack(settings.roleStack)];
  const stuck = stacks.find((s) => s && STUCK.has(s.status) && !allow.has(s.status));
  if (!stuck) return;
  const diagnosis = await diagnoseDeployment({
    deps,
    store: d.store,
    region: settings.connection.region,
    rootStack,
    roleStack: settings.roleStack,
    commands: commandLines(d, rootStack),
  });
  const finding = diagnosis.findings.find((f) => f.name === stuck.name && f.nextCommand);
  const next = finding?.nextCommand ?? diagnosis.nextCommand ?? d.commandLine('diagnose', [], { rootStack });
  const resume = d.resumeCommand({ rootStack });
  throw new PantherctlError('stack-stuck', `${stuck.name === rootStack ? 'root' : 'role'} stack ${stuck.name} is ${stuck.status}: no update can start on it`, {
    source: 'deployment',
    hint: stuck.status === 'UPDATE_ROLLBACK_FAILED' ? `Run \`${next}\` first (it continues the rollback), then \`${resume}\`.` : `Run \`${next}\`.`,
    meta: { stack: stuck.name, status: stuck.status, nextCommand: next },
  });
}

/** The command lines a diagnosis names, with this run's flags. */
function commandLines(d: OpenedDeployment, rootStack: string): CommandLines {
  return { pantherctl: (command, args, paramKeys) => d.commandLine(command, args, { rootStack, ...(paramKeys ? { paramKeys } : {}) }), aws: (args) => d.awsCommand(args) };
}

/** diagnose's exit code: 0 nothing needs attention, 4 something failed or stopped (run `nextCommand`), 6 an operation runs (wait). */
export function diagnoseExitCode(d: Pick<DeploymentDiagnosis, 'attention'>): number {
  return d.attention === 'busy' ? ExitCode.locked : d.attention === 'action' ? ExitCode.deploymentFailed : ExitCode.ok;
}
