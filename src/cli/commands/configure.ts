import { ExitCode } from '../../errors/pantherctl-error.js';
import type { ProgramBuilder } from '../main.js';
import { confirmingHost, overrideValues, paramsOptions, stagedChoices, stagedConnection, stagedOptions, type StagedFlags } from './staged-options.js';
import { acceptOption, preflightValues, type PreflightFlags } from './preflight-options.js';

/**
 * `pantherctl configure --params FILE`: parameter changes of a live deployment as staged
 * updates. Exit codes: 0 done or nothing to change; 1 refused (invalid parameters, not
 * confirmed); 2 usage; 3 AWS error; 4 a stage failed (earlier stages stay live); 5
 * interrupted (run `pantherctl resume`); 6 locked.
 */
export function registerConfigureCommand(b: ProgramBuilder): void {
  const cmd = acceptOption(stagedConnection(stagedOptions(paramsOptions(b.command('configure', 'change deployment parameters: diff, validate, preview, staged updates')))));
  b.action<StagedFlags & PreflightFlags>(cmd, async (ctx, o) => {
    const io = confirmingHost(ctx, o.yes);
    const { accepts } = await preflightValues(o);
    const { deploymentOptions, withInterrupt } = await import('../deployment-options.js');
    const { configure } = await import('../../deployments/configure/configure.js');
    const deployment = await deploymentOptions(ctx, o);
    const { withNotifications } = await import('../notify-run.js');
    await withNotifications(ctx, o, { command: 'configure', deployment, values: overrideValues(o.param) }, io, (host) =>
      withInterrupt((signal) => configure({ ...deployment, signal, paramsFile: o.params, overrides: o.param ?? [], ...stagedChoices(o), accepts }, host)),
    );
    return ExitCode.ok;
  });
}
