import { ExitCode, PantherctlError } from '../../errors/pantherctl-error.js';
import type { ProgramBuilder } from '../main.js';
import { acceptOption, preflightValues, type PreflightFlags } from './preflight-options.js';
import { catalogOption, confirmingHost, overrideValues, paramsOptions, stagedChoices, stagedConnection, stagedOptions, type StagedFlags } from './staged-options.js';

interface DeployFlags extends StagedFlags, PreflightFlags {
  version: string;
  replaceFailed?: boolean;
  allowUnlisted?: boolean;
}

/**
 * `pantherctl deploy`: a first deploy (create with the safe minimum, then staged updates).
 * Exit codes: 0 done; 1 refused (invalid parameters, name without `panther-`, a failed first
 * deploy left untouched, not confirmed); 2 usage; 3 AWS error; 4 a stack operation or build
 * failed; 5 interrupted (run `pantherctl resume`); 6 locked.
 */
export function registerDeployCommand(b: ProgramBuilder): void {
  const cmd = acceptOption(stagedConnection(
    stagedOptions(
      paramsOptions(
        catalogOption(
          b
            .command('deploy', 'first deploy into an account without Panther: create with the safe minimum, then staged updates')
            .requiredOption('--version <version>', 'Panther version to deploy, e.g. v1.28.7; refused unless the catalog lists it'),
        )
          .option('--allow-unlisted', 'deploy a version the catalog does not list (with a warning)')
          .option('--replace-failed', 'delete a root stack left in ROLLBACK_COMPLETE by a failed first deploy, then create it again'),
      ),
    ),
  ));
  b.action<DeployFlags>(cmd, async (ctx, o) => {
    const io = confirmingHost(ctx, o.yes);
    const { accepts } = await preflightValues(o);
    const { deploymentOptions, withInterrupt } = await import('../deployment-options.js');
    const { deploy } = await import('../../deployments/configure/deploy.js');
    const deployment = await deploymentOptions(ctx, o);
    const rootStack = deployment.rootStack;
    if (!rootStack) throw new PantherctlError('usage', 'Expected `--root-stack NAME` (or rootStack in pantherctl.yml): a first deploy names its stack', { source: 'usage' });
    const { withNotifications } = await import('../notify-run.js');
    await withNotifications(ctx, o, { command: 'deploy', deployment, values: overrideValues(o.param) }, io, (host) => withInterrupt((signal) =>
      deploy(
        {
          ...deployment,
          rootStack,
          signal,
          version: o.version,
          paramsFile: o.params,
          overrides: o.param ?? [],
          ...stagedChoices(o),
          replaceFailed: Boolean(o.replaceFailed),
          allowUnlisted: Boolean(o.allowUnlisted),
          accepts,
        },
        host,
      ),
    ));
    return ExitCode.ok;
  });
}
