import { ExitCode } from '../../errors/pantherctl-error.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import type { ProgramBuilder } from '../main.js';
import { catalogOption, connectionOptions, upgradeRunOptions } from './connection-options.js';
import { paramValues } from './upgrade.js';
import { notifyOption } from './notify-option.js';

interface ResumeFlags extends ConnectionFlags {
  notify?: string[];
  param?: string[];
  current?: string;
  allowUnlisted?: boolean;
}

/**
 * `pantherctl resume`: the last upgrade, deploy or configure of the deployment, from its
 * journal, without asking again. Exit codes as `upgrade` (deploy/configure: as theirs).
 */
export function registerResumeCommand(b: ProgramBuilder): void {
  const cmd = notifyOption(upgradeRunOptions(catalogOption(connectionOptions(b.command('resume', 'continue an upgrade, deploy or configure that stopped (failure, Ctrl-C, crash), from its journal'))))
    .option('--current <version>', 'the version deployed, when the stacks do not say')
    .option('--allow-unlisted', 'allow a target the catalog does not list'));
  b.action<ResumeFlags>(cmd, async (ctx, o) => {
    const { parseVersion } = await import('../../catalog/version.js');
    if (o.current !== undefined) parseVersion(o.current);
    const parameters = await paramValues(o.param);
    const { deploymentOptions, withInterrupt } = await import('../deployment-options.js');
    const { resume } = await import('../../deployments/upgrade/upgrade.js');
    const deployment = await deploymentOptions(ctx, o, { ...(o.current ? { current: o.current } : {}), allowUnlisted: Boolean(o.allowUnlisted) });
    // A resume continues what was confirmed when the run started: it never asks again.
    const { withNotifications } = await import('../notify-run.js');
    const values = Object.entries(parameters).map(([key, value]) => ({ key, value }));
    const result = await withNotifications(ctx, o, { command: 'resume', deployment, values }, ctx.io.approving(), (io) =>
      withInterrupt((signal) => resume({ ...deployment, signal, parameters, ...(o.current ? { current: o.current } : {}), allowUnlisted: Boolean(o.allowUnlisted) }, io)),
    );
    return result.command === 'upgrade' && result.upgrade.outcome === 'declined' ? ExitCode.refused : ExitCode.ok;
  });
}
