import { Option } from 'commander';
import { ExitCode } from '../../errors/pantherctl-error.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import type { ProgramBuilder } from '../main.js';
import { catalogOption, connectionOptions, stateDirOption, stateOptions } from './connection-options.js';
import { collect, intOption } from './option-parsers.js';

interface RecoverFlags extends ConnectionFlags {
  stack?: string;
  skip?: string[];
}

/**
 * `pantherctl recover [--skip RESOURCE...]`: ContinueUpdateRollback on a stack stuck in
 * UPDATE_ROLLBACK_FAILED (the root stack of a nested one), then wait. Exit 0 when the stack is UPDATE_ROLLBACK_COMPLETE, 4 when
 * the rollback failed again, 1 when there is nothing to recover, 5 interrupted, 6 locked.
 */
export function registerRecoverCommand(b: ProgramBuilder): void {
  const cmd = stateOptions(stateDirOption(catalogOption(connectionOptions(b.command('recover', 'finish a rollback that failed (UPDATE_ROLLBACK_FAILED) with ContinueUpdateRollback')))))
    .option('--stack <name>', 'the stuck stack (default: the one stack of the deployment in UPDATE_ROLLBACK_FAILED, root or role)')
    .option(
      '--skip <resource>',
      'a resource whose rollback failed, to skip: LogicalId in the root stack, NestedStackName.LogicalId as `pantherctl diagnose` prints it, or the logical-id path Web.WebFunction (translated and shown); repeatable',
      collect,
    )
    .addOption(new Option('--timeout <minutes>', 'longest wait for the rollback').argParser(intOption('--timeout', 1, 1440)));
  b.action<RecoverFlags>(cmd, async (ctx, o) => {
    const { deploymentOptions, withInterrupt } = await import('../deployment-options.js');
    const { recover } = await import('../../deployments/diagnose/recover.js');
    const deployment = await deploymentOptions(ctx, o);
    await withInterrupt((signal) => recover({ ...deployment, signal, ...(o.stack ? { stack: o.stack } : {}), ...(o.skip?.length ? { skip: o.skip } : {}) }, ctx.io));
    return ExitCode.ok;
  });
}
