import { ExitCode } from '../../errors/pantherctl-error.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import type { ProgramBuilder } from '../main.js';
import { catalogOption, connectionOptions } from './connection-options.js';
import { collect } from './option-parsers.js';
import { preflightOptions, preflightValues, type PreflightFlags } from './preflight-options.js';
import { paramValues } from './upgrade.js';

interface PreflightCommandFlags extends ConnectionFlags, PreflightFlags {
  to?: string;
  current?: string;
  ack?: string[];
  param?: string[];
  allowUnlisted?: boolean;
}

/** `pantherctl preflight`: exit 0 when the upgrade would start, 1 when a check blocks it. */
export function registerPreflightCommand(b: ProgramBuilder): void {
  const cmd = preflightOptions(
    catalogOption(connectionOptions(b.command('preflight', "run every check of the upgrade path (upgrade's own preflight); change nothing; exit 1 when one blocks"))),
  )
    .option('--to <version>', 'target: v1.28.7, 1.28, 1.28.x or latest (default latest)')
    .option('--current <version>', 'the version deployed, when the stacks do not say')
    .option('--ack <id>', 'acknowledge a manual step of the plan (repeatable)', collect)
    .option('--param <key=value>', 'value for a parameter, as the upgrade would get it; repeatable', collect)
    .option('--allow-unlisted', 'allow a target the catalog does not list');
  b.action<PreflightCommandFlags>(cmd, async (ctx, o) => {
    const { parseVersion, parseVersionSpec } = await import('../../catalog/version.js');
    if (o.to !== undefined) parseVersionSpec(o.to);
    if (o.current !== undefined) parseVersion(o.current);
    const extra = await preflightValues(o);
    const parameters = await paramValues(o.param);
    const { deploymentOptions } = await import('../deployment-options.js');
    const { preflight } = await import('../../deployments/preflight/preflight.js');
    const report = await preflight(
      {
        ...(await deploymentOptions(ctx, o, { ...(o.current ? { current: o.current } : {}), allowUnlisted: Boolean(o.allowUnlisted) })),
        ...(o.to ? { to: o.to } : {}),
        ...(o.current ? { current: o.current } : {}),
        acks: o.ack ?? [],
        parameters,
        allowUnlisted: Boolean(o.allowUnlisted),
        ...extra,
      },
      ctx.io,
    );
    return report.passed ? ExitCode.ok : ExitCode.refused;
  });
}
