import { Option, type Command } from 'commander';
import type { ProgramBuilder } from '../main.js';
import { connectionOptions, deploymentRoleOption, journalOptions } from './connection-options.js';
import { collect, intOption } from './option-parsers.js';
import { DEFAULT_ROLE_STACK } from '../../catalog/urls.js';

/**
 * Commands that talk to AWS (status, upgrade, resume, diagnose, recover) and iam-policy.
 * Their bodies live in src/deployments and are imported inside the action, so that the AWS
 * SDK loads only when one of them runs.
 */
export function registerDeploymentCommands(b: ProgramBuilder): void {
  const status = connection(b.command('status', 'show the deployment: versions, stacks, last build; exit 10 when behind'))
    .option('--current <version>', 'the version deployed, when the stacks do not say');
  b.action(status, async (ctx, o) => {
    const { statusCommand } = await import('./status.js');
    return statusCommand(ctx, o as never);
  });

  const upgrade = journaled(connection(b.command('upgrade', 'upgrade the deployment hop by hop (role stack, root stack, pulumi build)')))
    .option('--to <version>', "target: v1.28.7, 1.28, 1.28.x or latest (default: the --plan file's target, else latest)")
    .option('--yes', 'confirm up front (needed without a terminal)')
    .option('--dry-run', 'run the preflight and preview the first change set, then delete it; change nothing')
    .option('--ack <id>', 'acknowledge a manual step of the plan (repeatable)', collect)
    .option('--plan <file>', 'a plan saved with `pantherctl plan --out`; refuse when its inputs changed')
    .option('--current <version>', 'the version deployed, when the stacks do not say')
    .option('--allow-unlisted', 'allow a target the catalog does not list');
  b.action(upgrade, async (ctx, o) => {
    const { upgradeCommand } = await import('./upgrade.js');
    return upgradeCommand(ctx, o as never, { resume: false });
  });

  const resume = journaled(connection(b.command('resume', 'continue an upgrade, deploy or configure that stopped (failure, Ctrl-C, crash), from its journal')))
    .option('--current <version>', 'the version deployed, when the stacks do not say')
    .option('--allow-unlisted', 'allow a target the catalog does not list');
  b.action(resume, async (ctx, o) => {
    // A journal ending in an unfinished deploy or configure is theirs to continue.
    const staged = await (await import('./staged-commands.js')).resumeStagedCommand(ctx, o as never);
    if (staged !== undefined) return staged;
    const { upgradeCommand } = await import('./upgrade.js');
    return upgradeCommand(ctx, o as never, { resume: true });
  });

  const diagnose = connection(b.command('diagnose', 'why did the last operation of a stack fail: state, root cause, next command')).option(
    '--stack <name>',
    'the stack to look at (default: the root stack)',
  );
  b.action(diagnose, async (ctx, o) => {
    const { diagnoseCommand } = await import('./diagnose.js');
    return diagnoseCommand(ctx, o as never);
  });

  const recover = connection(b.command('recover', 'finish a rollback that failed (UPDATE_ROLLBACK_FAILED) with ContinueUpdateRollback'))
    .option('--stack <name>', 'the stuck stack (default: the root stack)')
    .option('--skip <resource>', 'a resource to skip, NestedStack.LogicalId for nested ones (repeatable)', collect)
    .option('--state-dir <dir>', 'where journals and locks are kept (default .pantherctl)')
    .addOption(new Option('--timeout <minutes>', 'longest wait for the rollback').argParser(intOption('--timeout', 1, 1440)));
  b.action(recover, async (ctx, o) => {
    const { recoverCommand } = await import('./diagnose.js');
    return recoverCommand(ctx, o as never);
  });

  const iam = b
    .command('iam-policy', 'print the least-privilege IAM policy for running pantherctl against a deployment')
    .option('--account <id>', 'narrow the policy to this account (default any)')
    .option('--region <region>', 'narrow the policy to this region (default any)')
    .option('--partition <name>', 'aws, aws-us-gov or aws-cn', 'aws')
    .option('--role-stack <name>', 'deployment role stack name', DEFAULT_ROLE_STACK)
    .option('--allow-unsupported-region', 'allow a region Panther does not publish templates for');
  b.action<{ account?: string; region?: string; partition: string; roleStack: string; allowUnsupportedRegion?: boolean }>(iam, async (ctx, o) => {
    const { buildIamPolicy } = await import('../../deployments/iam/iam-policy.js');
    const policy = buildIamPolicy({
      partition: o.partition,
      roleStack: o.roleStack,
      ...(o.account ? { account: o.account } : {}),
      ...(o.region ? { region: o.region } : {}),
      ...(o.allowUnsupportedRegion ? { allowUnsupportedRegion: true } : {}),
    });
    ctx.out(JSON.stringify(policy, null, ctx.json ? undefined : 2));
    return 0;
  });
}

/** Connection options every deployment command takes; pantherctl.yml supplies defaults. */
function connection(cmd: Command): Command {
  return connectionOptions(cmd).option('--catalog <file>', 'release catalog file instead of the embedded one');
}

/** Options of the commands that change stacks and keep a journal. */
function journaled(cmd: Command): Command {
  return deploymentRoleOption(journalOptions(cmd).option('--param <key=value>', 'value for a parameter (new ones without a default); repeatable', collect));
}
