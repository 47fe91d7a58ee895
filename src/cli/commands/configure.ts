import { Option, type Command } from 'commander';
import type { ProgramBuilder } from '../main.js';
import { connectionOptions, deploymentRoleOption, journalOptions } from './connection-options.js';
import { collect, intOption } from './option-parsers.js';

/** Connection and journal options, as the upgrade commands take them. */
function connection(cmd: Command): Command {
  return journalOptions(connectionOptions(cmd));
}

function params(cmd: Command): Command {
  return cmd
    .requiredOption('--params <file>', 'parameter file: YAML/JSON map, AWS CLI list, or {"Parameters": {...}}')
    .option('--param <key=value>', 'override or add one value (repeatable)', collect);
}

function staged(cmd: Command): Command {
  return deploymentRoleOption(
    cmd
      .option('--yes', 'confirm up front (needed without a terminal)')
      .addOption(new Option('--stage-size <n>', 'at most N parameters per staged update; small groups share one').argParser(intOption('--stage-size', 1, 1000)).conflicts('singleUpdate'))
      .option('--single-update', 'apply every change in one update instead of stages')
      .option('--no-build', 'do not run the panther-pulumi build after the stack operations'),
  );
}

/**
 * `deploy` (a first deploy: create with the safe minimum, then staged updates) and
 * `configure` (parameter changes as staged updates). Exit codes: 0 done or nothing to
 * change; 1 refused (invalid parameters, name without `panther-`, a failed first deploy left
 * untouched, not confirmed); 2 usage; 3 AWS error; 4 a stack operation or build failed (a
 * failed stage: earlier stages stay live); 5 interrupted (run `pantherctl resume`); 6 locked.
 */
export function registerConfigureCommands(b: ProgramBuilder): void {
  const deploy = connection(
    staged(
      params(
        b
          .command('deploy', 'first deploy into an account without Panther: create with the safe minimum, then staged updates')
          .requiredOption('--version <version>', 'Panther version to deploy, e.g. v1.28.7; refused unless the catalog lists it')
          .option('--catalog <file>', 'release catalog file instead of the embedded one')
          .option('--allow-unlisted', 'deploy a version the catalog does not list (with a warning)')
          .option('--replace-failed', 'delete a root stack left in ROLLBACK_COMPLETE by a failed first deploy, then create it again'),
      ),
    ),
  );
  b.action(deploy, async (ctx, o) => {
    const { deployCommand } = await import('./staged-commands.js');
    return deployCommand(ctx, o as never);
  });

  const configure = connection(staged(params(b.command('configure', 'change deployment parameters: diff, validate, preview, staged updates'))));
  b.action(configure, async (ctx, o) => {
    const { configureCommand } = await import('./staged-commands.js');
    return configureCommand(ctx, o as never);
  });
}

/**
 * `params diff --params FILE`: the file against the live stack, changing nothing; exit 0
 * when equal, 1 when different (for drift checks in CI), 2 when the file cannot be read or is
 * invalid (so a broken check is never read as drift), 3 on an AWS error. `--json` prints one
 * document (`equal`, `differences`, `secretsNotCompared`, ...). NoEcho values come back from AWS as
 * `****`, so secrets are listed as "cannot compare" and count as different only with
 * `--secrets-differ`.
 */
export function registerParamsDiff(paramsCommand: Command, b: ProgramBuilder): void {
  const diff = connection(
    params(
      paramsCommand
        .command('diff')
        .description('compare a parameter file with the live stack (exit 0 equal, 1 different, 2 invalid file)')
        .option('--secrets-differ', 'count secrets, which cannot be compared, as different'),
    ),
  );
  b.action(diff, async (ctx, o) => {
    const { paramsDiffCommand } = await import('./staged-commands.js');
    return paramsDiffCommand(ctx, o as never);
  });
}
