/**
 * The core of `pantherctl upgrade` and `pantherctl resume`: typed options in, a typed result
 * out, progress through the IoHost, the confirmation as an `upgrade.confirm` request.
 */
import { parseVersion, parseVersionSpec } from '../../catalog/version.js';
import { isPantherctlError } from '../../errors/pantherctl-error.js';
import { MSG, type IoHost } from '../../io/messages.js';
import type { Plan } from '../../planning/plan-artifact.js';
import { readLatestStagedRun, resumeStagedRun } from '../configure/resume.js';
import type { ConfigureResult } from '../configure/configure.js';
import type { DeployResult } from '../configure/deploy.js';
import { withDeployment, type DeploymentOptions, type OpenedDeployment } from '../deployment.js';
import { runUpgrade, type UpgradeResult } from './run-upgrade.js';
import type { Acceptance } from '../preflight/types.js';
import { chooseRootStack } from '../status/discover-root.js';
import { refuseIfStuck } from '../diagnose/diagnose.js';

export type { UpgradeResult } from './run-upgrade.js';

export interface UpgradeOptions extends DeploymentOptions {
  /** `v1.28.7`, `1.28`, `1.28.x` or `latest`. Default: the saved plan's target (`plan`), else latest. */
  to?: string;
  /** The version deployed, when the stacks do not say (no PantherVersion tag, no template mapping). Default: read from the stacks. */
  current?: string;
  /** Ids of the plan's manual steps the operator has done (as `--ack`). Default none: such a plan is refused. */
  acks?: readonly string[];
  /** Values for parameters a hop adds without a default, or changes (as `--param`). Never journaled. */
  parameters?: Readonly<Record<string, string>>;
  /** A plan saved by `pantherctl plan --out`; refused when its inputs changed since. */
  plan?: Plan;
  /** Allow a target the catalog does not list. Default false. */
  allowUnlisted?: boolean;
  /** Preflight and preview the first change set, then delete it; change nothing. Default false. */
  dryRun?: boolean;
  /** `--accept ID=REASON`: required preflight checks to let pass; the reasons are journaled. Default none. */
  accepts?: readonly Acceptance[];
  /** `--enable-termination-protection`: turn it on for the root stack as part of the run. Default false: a warning when off. */
  enableTerminationProtection?: boolean;
  /**
   * The fleet plan digest this run carries out (`fleet upgrade`), recorded in `run.start` so
   * that promotion can read it from the journal. A fresh run refuses to start when the
   * templates it fetched and `parameterChanges` digest to another plan. Default: none.
   */
  planDigest?: string;
  /** The hashed `--param` changes `planDigest` covers (keys and keyed value hashes). Default: none. */
  parameterChanges?: readonly { key: string; valueSha256: string }[];
}

/**
 * `pantherctl upgrade`: plan, preflight every hop, preview, ask once (`upgrade.confirm`; a host
 * that cannot ask declines: outcome `declined`), then each hop: role stack, root change set,
 * `panther-pulumi` build, version check. Journaled before every mutating call; a failure
 * reports its root cause (`failure.root-cause`, `failure.state`) and throws.
 */
export function upgrade(options: UpgradeOptions, io: IoHost): Promise<UpgradeResult> {
  // Bad input is refused before any AWS call.
  if (options.to !== undefined) parseVersionSpec(options.to);
  if (options.current !== undefined) parseVersion(options.current);
  return withDeployment(options, io, async (d) => {
    await refuseIfStuck(d, d.settings.rootStack ?? (await chooseRootStack(d.deps.cloudFormation, { roleStack: d.settings.roleStack })).name);
    return run(d, options, io, false);
  });
}

export interface ResumeOptions extends DeploymentOptions {
  /** As `upgrade`'s: the version deployed, when the stacks do not say. */
  current?: string;
  /** The `--param` values the run was started with (they are never stored). */
  parameters?: Readonly<Record<string, string>>;
  /** Allow a target the catalog does not list. Default false. */
  allowUnlisted?: boolean;
}

export type ResumeResult =
  | { command: 'upgrade'; upgrade: UpgradeResult }
  | { command: 'deploy' | 'configure'; staged: DeployResult | ConfigureResult | { alreadyDone: true } };

/**
 * `pantherctl resume`: continue the deployment's last run from its journal: a `deploy` or
 * `configure` (with a named root stack) where it stopped, else the upgrade. Never repeats a
 * finished step, never asks again.
 */
export function resume(options: ResumeOptions, io: IoHost): Promise<ResumeResult> {
  if (options.current !== undefined) parseVersion(options.current);
  return withDeployment(options, io, async (d) => {
    const { settings } = d;
    // The root stack as every command finds it (named, else discovered), so that a journal is
    // read the same whether --root-stack was given or not.
    const rootStack = settings.rootStack ?? (await chooseRootStack(d.deps.cloudFormation, { roleStack: settings.roleStack })).name;
    // A journal ending in a deploy or configure is theirs to continue.
    const latest = await readLatestStagedRun(d.deps, { rootStack, region: settings.connection.region, store: d.store });
    const staged = latest?.start.command;
    // A stuck stack first: resume would meet AWS's refusal. A `deploy --replace-failed` that
    // stopped before it deleted the failed stack continues from ROLLBACK_COMPLETE.
    const replacing = latest?.start.command === 'deploy' && latest.start.options.replaceFailed === true;
    await refuseIfStuck(d, rootStack, replacing ? new Set(['ROLLBACK_COMPLETE']) : new Set());
    if (staged) {
      const result = await resumeStagedRun(d.deps, io, {
        rootStack,
        roleStack: settings.roleStack,
        region: settings.connection.region,
        store: d.store,
        timeoutMs: settings.timeoutMs,
        useDeploymentRole: settings.useDeploymentRole,
        ...(options.signal ? { signal: options.signal } : {}),
        resumeCommand: d.resumeCommand({ rootStack }),
      });
      return { command: staged, staged: result };
    }
    return { command: 'upgrade', upgrade: await run({ ...d, settings: { ...settings, rootStack } }, options, io, true) };
  });
}

async function run(d: OpenedDeployment, o: UpgradeOptions, io: IoHost, resuming: boolean): Promise<UpgradeResult> {
  try {
    return await runUpgrade({
      deps: d.deps,
      io,
      settings: d.settings,
      catalog: d.catalog,
      store: d.store,
      ...(o.to && !resuming ? { to: o.to } : {}),
      ...(o.current ? { current: o.current } : {}),
      acks: o.acks ?? [],
      accepts: o.accepts ?? [],
      ...(o.enableTerminationProtection && !resuming ? { enableTerminationProtection: true } : {}),
      overrides: new Map(Object.entries(o.parameters ?? {})),
      ...(o.plan && !resuming ? { savedPlan: o.plan } : {}),
      allowUnlisted: Boolean(o.allowUnlisted),
      resume: resuming,
      dryRun: Boolean(o.dryRun) && !resuming,
      ...(o.planDigest && !resuming ? { planDigest: { digest: o.planDigest, parameterChanges: o.parameterChanges ?? [] } } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      resumeCommandWith: (paramKeys, rootStack) => d.resumeCommand({ rootStack, paramKeys }),
      commandLine: (command, args, rootStack) => d.commandLine(command, args, { rootStack }),
      ...(o.eta ? { eta: o.eta } : {}),
    });
  } catch (err) {
    reportStop(io, err);
    throw err;
  }
}

/** On a failed hop: the root cause and the state the deployment is in (the error's hint says what to run next). */
function reportStop(io: IoHost, err: unknown): void {
  if (!isPantherctlError(err) || err.source !== 'deployment') return;
  const cause = err.meta.rootCause;
  // The failures of this command (stack-rolled-back, rollback-failed, change-set-failed, build-failed, version-mismatch) carry a RootCauseSummary.
  if (isRootCause(cause)) io.notify(MSG['failure.root-cause'].msg(`root cause: ${cause.text}`, { ...cause }));
  else io.notify(MSG['failure.root-cause'].msg('root cause: no failed resource event found (see `pantherctl diagnose`)'));
  const state = err.meta.state;
  if (typeof state === 'string' && state) io.notify(MSG['failure.state'].msg(`state: ${state}`, { state }));
}

function isRootCause(value: unknown): value is { text: string } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && 'text' in value && typeof value.text === 'string';
}
