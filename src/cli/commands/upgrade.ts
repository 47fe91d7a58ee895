import { PantherctlError } from '../../errors/pantherctl-error.js';
import { ExitCode } from '../../errors/pantherctl-error.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import type { CliContext } from '../context.js';
import type { ProgramBuilder } from '../main.js';
import { catalogOption, connectionOptions, upgradeRunOptions } from './connection-options.js';
import { collect } from './option-parsers.js';
import { preflightOptions, preflightValues, type PreflightFlags } from './preflight-options.js';
import { notifyOption } from './notify-option.js';

export interface UpgradeFlags extends ConnectionFlags, PreflightFlags {
  notify?: string[];
  to?: string;
  yes?: boolean;
  dryRun?: boolean;
  ack?: string[];
  param?: string[];
  plan?: string;
  current?: string;
  allowUnlisted?: boolean;
}

/**
 * `pantherctl upgrade`. Exit codes: 0 done / already at / dry run; 1 refused (preflight, no
 * confirmation possible, declined); 3 AWS error; 4 a hop failed; 5 interrupted; 6 locked.
 */
export function registerUpgradeCommand(b: ProgramBuilder): void {
  const cmd = notifyOption(preflightOptions(upgradeRunOptions(catalogOption(connectionOptions(b.command('upgrade', 'upgrade the deployment hop by hop (role stack, root stack, pulumi build)'))))
    .option('--to <version>', "target: v1.28.7, 1.28, 1.28.x or latest (default: the --plan file's target, else latest)")
    .option('--yes', 'confirm up front (needed without a terminal)')
    .option('--dry-run', 'run the preflight and preview the first change set, then delete it; change nothing')
    .option('--ack <id>', 'acknowledge a manual step of the plan (repeatable)', collect)
    .option('--plan <file>', 'a plan saved with `pantherctl plan --out`; refuse when its inputs changed')
    .option('--current <version>', 'the version deployed, when the stacks do not say')
    .option('--allow-unlisted', 'allow a target the catalog does not list')),
  );
  b.action<UpgradeFlags>(cmd, (ctx, o) => upgradeCommand(ctx, o));
}

async function upgradeCommand(ctx: CliContext, o: UpgradeFlags): Promise<number> {
  const { parseVersion, parseVersionSpec } = await import('../../catalog/version.js');
  // Bad input is refused before any AWS call.
  if (o.to !== undefined) parseVersionSpec(o.to);
  if (o.current !== undefined) parseVersion(o.current);
  const parameters = await paramValues(o.param);
  const extra = await preflightValues(o);
  const plan = o.plan ? (await import('../../planning/read-plan.js')).readPlanFile(o.plan) : undefined;
  // Refuse before touching AWS when nobody can answer the question.
  if (!o.yes && !o.dryRun && !ctx.interactive) {
    throw new PantherctlError('confirmation-required', 'an upgrade needs a confirmation, and there is no terminal to ask on', {
      hint: 'Pass --yes to confirm up front (CI), or --dry-run to only preview.',
    });
  }
  const { deploymentOptions, withInterrupt } = await import('../deployment-options.js');
  const { upgrade } = await import('../../deployments/upgrade/upgrade.js');
  const deployment = await deploymentOptions(ctx, o, { ...(o.current ? { current: o.current } : {}), allowUnlisted: Boolean(o.allowUnlisted) });
  const { withNotifications } = await import('../notify-run.js');
  const values = Object.entries(parameters).map(([key, value]) => ({ key, value }));
  // A dry run changes nothing: nothing to notify about.
  const notify = o.dryRun ? { ...o, notify: [] } : o;
  return withNotifications(ctx, notify, { command: 'upgrade', deployment, values }, o.yes ? ctx.io.approving() : ctx.io, (io) => withInterrupt(async (signal) => {
    const result = await upgrade(
      {
        ...deployment,
        signal,
        ...(o.to ? { to: o.to } : {}),
        ...(o.current ? { current: o.current } : {}),
        acks: o.ack ?? [],
        parameters,
        ...(plan ? { plan } : {}),
        allowUnlisted: Boolean(o.allowUnlisted),
        dryRun: Boolean(o.dryRun),
        ...extra,
      },
      io,
    );
    return result.outcome === 'declined' ? ExitCode.refused : ExitCode.ok;
  }));
}

/** `--param KEY=VALUE` flags as the core takes them; malformed ones are a usage error. */
export async function paramValues(flags: readonly string[] | undefined): Promise<Record<string, string>> {
  const { parseParamOverrides } = await import('../../parameters/inputs.js');
  return Object.fromEntries(parseParamOverrides(flags ?? []).map((p) => [p.key, p.value ?? '']));
}
