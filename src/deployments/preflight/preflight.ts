/**
 * `pantherctl preflight [--to V]`: every check of the upgrade path (the same checks
 * `upgrade` runs first), without changing anything: no journal, no lock, no change set.
 */
import { parseVersion, parseVersionSpec } from '../../catalog/version.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { MSG, type IoHost } from '../../io/messages.js';
import { buildPlan } from '../../planning/plan-artifact.js';
import { planUpgrade } from '../../planning/plan-upgrade.js';
import { withDeployment, type DeploymentOptions } from '../deployment.js';
import { chooseRootStack } from '../status/discover-root.js';
import { readDeploymentVersion } from '../status/read-version.js';
import type { Acceptance, PreflightCheck } from './types.js';
import { runPreflight } from './upgrade-checks.js';

export interface PreflightOptions extends DeploymentOptions {
  /** As `upgrade --to`: v1.28.7, 1.28, 1.28.x or latest. Default latest. */
  to?: string;
  /** The version deployed, when the stacks do not say. Default: read from the stacks. */
  current?: string;
  /** `--ack ID` of manual steps. Default none: a plan with manual steps fails `manual-step`. */
  acks?: readonly string[];
  /** `--param KEY=VALUE`, as the upgrade would be given them. Never journaled (nothing is). */
  parameters?: Readonly<Record<string, string>>;
  /** `--accept ID=REASON`: required checks reported as accepted rather than failed. Default none. */
  accepts?: readonly Acceptance[];
  /** `--enable-termination-protection`: the upgrade would turn it on, so it is not a warning. Default false. */
  enableTerminationProtection?: boolean;
  /** Allow a target the catalog does not list. Default false. */
  allowUnlisted?: boolean;
}

export interface PreflightReport {
  /** No check blocks: the upgrade would start. */
  passed: boolean;
  rootStack: string;
  from: string;
  to: string;
  hops: string[];
  checks: PreflightCheck[];
  failures: PreflightCheck[];
  accepted: Acceptance[];
}

export function preflight(options: PreflightOptions, io: IoHost): Promise<PreflightReport> {
  if (options.to !== undefined) parseVersionSpec(options.to);
  if (options.current !== undefined) parseVersion(options.current);
  return withDeployment(options, io, async (d) => {
    const { deps, settings } = d;
    const cfn = deps.cloudFormation;
    const identity = await deps.identity.getCallerIdentity();
    const choice = await chooseRootStack(cfn, { ...(settings.rootStack ? { named: settings.rootStack } : {}), roleStack: settings.roleStack });
    const [root, role] = await Promise.all([cfn.describeStack(choice.name), cfn.describeStack(settings.roleStack)]);
    if (!root) throw new PantherctlError('stack-not-found', `root stack ${choice.name} does not exist`, { source: 'aws', hint: 'Check --root-stack and --region.' });
    io.notify(MSG['deployment.root-stack'].msg(`root stack ${choice.name} (account ${identity.account}, ${settings.connection.region})`, { name: choice.name, how: choice.how, account: identity.account, region: settings.connection.region }));
    const live = await readDeploymentVersion(cfn, root, options.current ? { current: options.current } : {});
    io.notify(MSG['deployment.version'].msg(`${root.name} runs ${live.version} (read from ${live.source})`, { ...live }));
    const planned = planUpgrade({ from: live.version, to: options.to ?? 'latest', catalog: d.catalog, allowUnlisted: Boolean(options.allowUnlisted) });
    for (const w of planned.warnings) io.notify(MSG['plan.warning'].msg(w));
    const plan = buildPlan(planned, { region: settings.connection.region, catalog: d.catalog });
    const pre = await runPreflight({
      deps,
      io,
      plan,
      root,
      role,
      region: settings.connection.region,
      account: identity.account,
      ...(settings.account ? { expectedAccount: settings.account } : {}),
      catalog: d.catalog,
      acks: options.acks ?? [],
      overrides: new Map(Object.entries(options.parameters ?? {})),
      ...(deps.pollIntervalMs ? { pollIntervalMs: deps.pollIntervalMs } : {}),
    accepts: options.accepts ?? [],
      ...(options.enableTerminationProtection ? { enableTerminationProtection: true } : {}),
    });
    const report: PreflightReport = {
      passed: pre.failures.length === 0,
      rootStack: root.name,
      from: live.version,
      to: plan.to,
      hops: plan.hops.map((h) => h.version),
      checks: pre.checks,
      failures: pre.failures,
      accepted: pre.accepted,
    };
    const n = pre.failures.length;
    io.notify(
      MSG['preflight.result'].msg(n === 0 ? `preflight passed (${pre.checks.length} checks, ${report.hops.length} hop${report.hops.length === 1 ? '' : 's'}); nothing was changed` : `preflight found ${n} problem${n === 1 ? '' : 's'}; nothing was changed`, {
        passed: report.passed,
        rootStack: report.rootStack,
        from: report.from,
        to: report.to,
        hops: report.hops,
        checks: report.checks,
        accepted: report.accepted,
      }),
    );
    return report;
  });
}
