import { Option, type Command } from 'commander';
import { collect, intOption } from './option-parsers.js';

/**
 * Where the deployment is and how to reach it: every command that talks to AWS takes these,
 * spelled the same, so one pantherctl.yml and one set of flags serve them all.
 */
export function connectionOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'AWS profile (default: the SDK credential chain)')
    .option('--region <region>', 'AWS region (default: pantherctl.yml, then AWS_REGION)')
    .option('--allow-unsupported-region', 'allow a region Panther does not publish templates for (a private template mirror)')
    .option('--endpoint-url <url>', 'talk to this endpoint instead of AWS (e.g. the sandbox)')
    .option('--assume-role <arn>', 'assume this IAM role first')
    .option('--root-stack <name>', 'root stack (default: the only panther-* stack tagged PantherVersion)')
    .option('--role-stack <name>', 'deployment role stack (default panther-deployment-role)')
    .option('--account <id>', 'expected AWS account id; refuse others')
    .option('--config <file>', 'connection settings file (default ./pantherctl.yml when present)');
}

/** `--catalog FILE`, for the commands that plan or read versions. */
export function catalogOption(cmd: Command): Command {
  return cmd.option('--catalog <file>', 'release catalog file instead of the embedded one');
}

/** Shared state in S3 instead of the local state directory (src/journal/s3-state-store.ts). */
export function stateOptions(cmd: Command): Command {
  return cmd
    .option('--state <s3-url>', 'keep journals and locks in S3, shared by every operator: s3://BUCKET/PREFIX (default: the local --state-dir)')
    .option('--state-kms-key <key>', 'SSE-KMS key for the S3 state objects (default: the bucket encryption)');
}

/** Where journals and locks are kept: per deployment, in the user's state home, whatever the working directory. */
export const STATE_DIR_HELP = 'where journals and locks are kept (default $XDG_STATE_HOME/pantherctl, else ~/.local/state/pantherctl)';

/** `--state-dir`, for the commands that read the journal and lock without changing stacks (status, diagnose). */
export function stateDirOption(cmd: Command): Command {
  return cmd.option('--state-dir <dir>', STATE_DIR_HELP);
}

/** Where a command that changes stacks keeps its journal and lock, and how long one wait may take. */
export function journalOptions(cmd: Command): Command {
  return stateOptions(stateDirOption(cmd))
    .addOption(new Option('--timeout <minutes>', 'longest wait for one stack operation or build (default 120)').argParser(intOption('--timeout', 1, 1440)));
}

/** `--skip-deployment-role`, for every command that updates the root stack. */
export function deploymentRoleOption(cmd: Command): Command {
  return cmd.option('--skip-deployment-role', "do not pass the role stack's DeploymentRoleArn as the root stack's RoleARN");
}

/** Options of the upgrade commands that change stacks and keep a journal. */
export function upgradeRunOptions(cmd: Command): Command {
  return deploymentRoleOption(journalOptions(cmd).option('--param <key=value>', 'value for a parameter (new ones without a default); repeatable', collect));
}
