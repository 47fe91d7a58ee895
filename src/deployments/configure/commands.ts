/**
 * CLI bodies of `deploy`, `configure`, `params diff` and the staged part of `resume`, loaded
 * with `await import()` from src/cli/commands/configure.ts (this module loads the AWS SDK).
 */
import { createInterface } from 'node:readline/promises';
import type { CliContext } from '../../cli/context.js';
import { ExitCode, PantherctlError } from '../../errors/pantherctl-error.js';
import { silentIoHost } from '../../io/messages.js';
import type { ConnectionFlags } from '../config/settings.js';
import type { StagingOptions } from '../staging/types.js';
import { openDeployment, resumeCommandFor, withInterrupt, type OpenedDeployment } from '../upgrade/cli-support.js';
import type { Confirm } from './confirm.js';
import { paramsDiffDocument, runConfigure, runParamsDiff } from './configure.js';
import { runDeploy } from './deploy.js';
import { latestStagedCommand, resumeStagedRun } from './resume.js';
import type { StagedRunOptions } from './types.js';

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
  allowUnlisted?: boolean;
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

/** Runs `body` with the deployment's settings and gateways, closing the gateways after. */
async function withDeployment<T>(ctx: CliContext, o: ConnectionFlags, body: (opened: OpenedDeployment) => Promise<T>): Promise<T> {
  const opened = await openDeployment(ctx, o);
  try {
    return await body(opened);
  } finally {
    opened.deps.close();
  }
}

/**
 * `deploy` and `configure`: the confirmation settled first (refused without a terminal or
 * `--yes`), then the run with the options both take and Ctrl-C wired to stop waiting.
 */
async function stagedCommand(ctx: CliContext, o: StagedFlags, run: (opened: OpenedDeployment, options: StagedRunOptions) => Promise<unknown>): Promise<number> {
  const confirm = confirmFor(ctx, o.yes);
  return withDeployment(ctx, o, async (opened) => {
    const { settings } = opened;
    await withInterrupt((signal) =>
      run(opened, {
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
  });
}

export function deployCommand(ctx: CliContext, o: DeployFlags): Promise<number> {
  return stagedCommand(ctx, o, ({ settings, deps, catalog }, shared) => {
    if (!settings.rootStack) throw new PantherctlError('usage', 'Expected `--root-stack NAME` (or rootStack in pantherctl.yml): a first deploy names its stack', { source: 'usage' });
    return runDeploy(deps, ctx.io, { ...shared, version: o.version, rootStack: settings.rootStack, replaceFailed: Boolean(o.replaceFailed), catalog, allowUnlisted: Boolean(o.allowUnlisted) });
  });
}

export function configureCommand(ctx: CliContext, o: StagedFlags): Promise<number> {
  return stagedCommand(ctx, o, ({ settings, deps }, shared) => runConfigure(deps, ctx.io, { ...shared, ...(settings.rootStack ? { rootStack: settings.rootStack } : {}) }));
}

/**
 * Exit 0 when the live stack equals the file, 1 when it differs, and nothing else: a file
 * that cannot be read or is invalid exits 2 (usage class), AWS failures 3, so a CI drift
 * check never mistakes a broken check for drift. `--json` prints one document (the result,
 * or `{"error": {...}}` with the findings in `error.issues`) and no progress events.
 */
export async function paramsDiffCommand(ctx: CliContext, o: DiffFlags): Promise<number> {
  // In --json mode the messages are dropped, not printed: stdout holds one document, which
  // says everything they do (keeping them cost a copy of each of 20,000 rows).
  const quiet = ctx.json ? { ...silentIoHost, close: () => undefined } : undefined;
  const run = quiet ? { ...ctx, io: quiet } : ctx;
  try {
    return await withDeployment(run, o, async ({ settings, deps }) => {
      const result = await runParamsDiff(deps, run.io, {
        ...(settings.rootStack ? { rootStack: settings.rootStack } : {}),
        roleStack: settings.roleStack,
        paramsFile: o.params,
        overrides: o.param ?? [],
        secretsDiffer: Boolean(o.secretsDiffer),
      });
      if (quiet) ctx.outJson(paramsDiffDocument(result));
      return result.different ? ExitCode.refused : ExitCode.ok;
    });
  } catch (err) {
    throw asInvalidInput(err);
  }
}

/** A refusal of the input (source `user`) becomes exit 2, keeping its code, message and meta; exit 1 means "different" only. */
function asInvalidInput(err: unknown): unknown {
  if (!(err instanceof PantherctlError) || err.source !== 'user') return err;
  return new PantherctlError(err.code, err.message, { source: 'usage', ...(err.hint ? { hint: err.hint } : {}), meta: err.meta, cause: err });
}

/**
 * For `pantherctl resume`: when the deployment's journal ends in a `deploy` or `configure`,
 * continue it (or say it already finished) and return the exit code; `undefined` when the
 * journal's latest run is not one of them (the upgrade executor's resume takes over).
 */
export function resumeStagedCommand(ctx: CliContext, o: ConnectionFlags): Promise<number | undefined> {
  return withDeployment(ctx, o, async ({ settings, deps }) => {
    const rootStack = settings.rootStack;
    if (!rootStack) return undefined;
    if (!(await latestStagedCommand(deps, { rootStack, region: settings.connection.region, stateDir: settings.stateDir }))) return undefined;
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
  });
}
