/**
 * CLI bodies of `deploy`, `configure`, `params diff` and the staged part of `resume`, loaded
 * with `await import()` from src/cli/commands/configure.ts (this module loads the AWS SDK).
 */
import { createInterface } from 'node:readline/promises';
import type { CliContext } from '../../cli/context.js';
import { ExitCode, PantherctlError } from '../../errors/pantherctl-error.js';
import type { ConnectionFlags } from '../config/settings.js';
import type { StagingOptions } from '../staging/types.js';
import { openDeployment, resumeCommandFor, withInterrupt } from '../upgrade/cli-support.js';
import type { Confirm } from './confirm.js';
import { runConfigure, runParamsDiff } from './configure.js';
import { runDeploy } from './deploy.js';
import { resumeStagedRun } from './resume.js';

export interface ParamsFlags extends ConnectionFlags {
  params: string;
  param?: string[];
}

export interface StagedFlags extends ParamsFlags {
  yes?: boolean;
  stageSize?: number;
  singleUpdate?: boolean;
  /** `--no-build` sets it false. */
  build?: boolean;
}

export interface DeployFlags extends StagedFlags {
  version: string;
  replaceFailed?: boolean;
}

export interface DiffFlags extends ParamsFlags {
  secretsDiffer?: boolean;
}

function stagingOf(o: StagedFlags): StagingOptions {
  return { ...(o.stageSize !== undefined ? { stageSize: o.stageSize } : {}), ...(o.singleUpdate ? { singleUpdate: true } : {}) };
}

/** `--yes` answers; a terminal prompts; otherwise refuse before anything is read or changed. */
function confirmFor(ctx: CliContext, yes: boolean | undefined): Confirm {
  if (yes) return () => Promise.resolve(true);
  if (!ctx.interactive) {
    throw new PantherctlError('confirmation-required', 'this command changes the deployment, and there is no terminal to confirm it on', {
      hint: 'Pass --yes to confirm up front (CI).',
    });
  }
  return async (question) => {
    const rl = createInterface({ input: ctx.streams.stdin, output: ctx.streams.stdout });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  };
}

export async function deployCommand(ctx: CliContext, o: DeployFlags): Promise<number> {
  const confirm = confirmFor(ctx, o.yes);
  const { settings, deps } = await openDeployment(ctx, o);
  try {
    if (!settings.rootStack) throw new PantherctlError('usage', 'Expected `--root-stack NAME` (or rootStack in pantherctl.yml): a first deploy names its stack', { source: 'usage' });
    const rootStack = settings.rootStack;
    await withInterrupt((signal) =>
      runDeploy(deps, ctx.io, {
        version: o.version,
        rootStack,
        roleStack: settings.roleStack,
        region: settings.connection.region,
        paramsFile: o.params,
        overrides: o.param ?? [],
        staging: stagingOf(o),
        replaceFailed: Boolean(o.replaceFailed),
        ...(o.build === false ? { build: false } : {}),
        useDeploymentRole: settings.useDeploymentRole,
        stateDir: settings.stateDir,
        timeoutMs: settings.timeoutMs,
        confirm,
        signal,
        resumeCommand: resumeCommandFor(o, rootStack),
      }),
    );
    return ExitCode.ok;
  } finally {
    deps.close();
  }
}

export async function configureCommand(ctx: CliContext, o: StagedFlags): Promise<number> {
  const confirm = confirmFor(ctx, o.yes);
  const { settings, deps } = await openDeployment(ctx, o);
  try {
    await withInterrupt((signal) =>
      runConfigure(deps, ctx.io, {
        ...(settings.rootStack ? { rootStack: settings.rootStack } : {}),
        roleStack: settings.roleStack,
        region: settings.connection.region,
        paramsFile: o.params,
        overrides: o.param ?? [],
        staging: stagingOf(o),
        ...(o.build === false ? { build: false } : {}),
        useDeploymentRole: settings.useDeploymentRole,
        stateDir: settings.stateDir,
        timeoutMs: settings.timeoutMs,
        confirm,
        signal,
        resumeCommand: resumeCommandFor(o, settings.rootStack),
      }),
    );
    return ExitCode.ok;
  } finally {
    deps.close();
  }
}

/** Exit 0 when the live stack equals the file, 1 when it differs. */
export async function paramsDiffCommand(ctx: CliContext, o: DiffFlags): Promise<number> {
  const { settings, deps } = await openDeployment(ctx, o);
  try {
    const result = await runParamsDiff(deps, ctx.io, {
      ...(settings.rootStack ? { rootStack: settings.rootStack } : {}),
      roleStack: settings.roleStack,
      paramsFile: o.params,
      overrides: o.param ?? [],
      secretsDiffer: Boolean(o.secretsDiffer),
    });
    return result.different ? ExitCode.refused : ExitCode.ok;
  } finally {
    deps.close();
  }
}

/**
 * For `pantherctl resume`: when the deployment's journal ends in an unfinished `deploy` or
 * `configure`, continue it and return the exit code; `undefined` when the journal's latest
 * run is not one of them (the upgrade executor's resume takes over).
 */
export async function resumeStagedCommand(ctx: CliContext, o: ConnectionFlags): Promise<number | undefined> {
  const { settings, deps } = await openDeployment(ctx, o);
  try {
    if (!settings.rootStack) return undefined;
    const { pendingStagedRun } = await import('./resume.js');
    const pending = await pendingStagedRun(deps, { rootStack: settings.rootStack, region: settings.connection.region, stateDir: settings.stateDir });
    if (!pending) return undefined;
    const rootStack = settings.rootStack;
    await withInterrupt((signal) =>
      resumeStagedRun(deps, ctx.io, {
        rootStack,
        roleStack: settings.roleStack,
        region: settings.connection.region,
        stateDir: settings.stateDir,
        timeoutMs: settings.timeoutMs,
        useDeploymentRole: settings.useDeploymentRole,
        signal,
        resumeCommand: resumeCommandFor(o, rootStack),
      }),
    );
    return ExitCode.ok;
  } finally {
    deps.close();
  }
}
