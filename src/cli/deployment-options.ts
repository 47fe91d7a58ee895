/**
 * What every CLI adapter of a command that talks to AWS shares: flags + pantherctl.yml into
 * the core's DeploymentOptions, Ctrl-C into an AbortSignal, and the command line that
 * continues a stopped run. Loaded only by those commands; the config's YAML parser and schema
 * load only when there is a pantherctl.yml to read (settings/load.ts).
 */
import type { CliContext } from './context.js';
import type { Catalog } from '../catalog/types.js';
import { loadConfig } from '../settings/load.js';
import { resolveSettings, type ConnectionFlags } from '../settings/settings.js';
import type { DeploymentOptions } from '../deployments/deployment.js';
import { DEFAULT_ROLE_STACK } from '../catalog/urls.js';

/** Test and benchmark hook: every waiter's poll interval (ms). Not a documented option. */
const POLL_ENV = 'PANTHERCTL_POLL_INTERVAL_MS';

/**
 * Flags + pantherctl.yml (+ AWS_REGION) → the deployment the core acts on, with the catalog
 * (`--catalog`) loaded and the resume command built from these very flags. Checks everything
 * it can offline; no AWS call.
 */
export async function deploymentOptions(ctx: CliContext, flags: ConnectionFlags, extras: ResumeExtras = {}): Promise<DeploymentOptions> {
  const settings = resolveSettings(flags, await loadConfig(flags.config), ctx.streams.env);
  const poll = Number(ctx.streams.env[POLL_ENV]);
  let catalog: Catalog | undefined;
  if (settings.catalogFile) {
    const { loadCatalogFile } = await import('../catalog/load.js');
    catalog = loadCatalogFile(settings.catalogFile);
  }
  const { catalogFile: _catalogFile, ...options } = settings;
  return {
    ...options,
    ...(catalog ? { catalog } : {}),
    ...(poll > 0 ? { pollIntervalMs: poll } : {}),
    resumeCommand: ({ rootStack, paramKeys }) => resumeCommandFor(flags, rootStack, { ...extras, paramKeys }),
    commandLine: ({ command, args, rootStack, paramKeys }) => commandLineFor(flags, command, args, rootStack, command === 'resume' ? { ...extras, paramKeys } : {}),
  };
}

/**
 * Runs `body` with an AbortSignal that Ctrl-C (SIGINT) and SIGTERM fire. The first signal
 * stops waiting (never the AWS operation); the handlers are removed afterwards.
 */
export async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** What else the run needed beyond the connection flags, for `resumeCommandFor`. */
export interface ResumeExtras {
  /** `--current VERSION`. */
  current?: string;
  /** `--allow-unlisted`. */
  allowUnlisted?: boolean;
  /** `--param` keys: written as `--param KEY=<value>`, since values (maybe secrets) are never stored. */
  paramKeys?: readonly string[];
}

/** Quotes a value for a POSIX shell when it needs it. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line that continues a run: every flag it needed (connection, state dir,
 * catalog, role and version options, `--param KEY=<value>` placeholders), never a secret value.
 */
export function resumeCommandFor(flags: ConnectionFlags, rootStack?: string, extras: ResumeExtras = {}): string {
  return commandLineFor(flags, 'resume', [], rootStack, extras);
}

/** Commands that update the root stack, and so take `--skip-deployment-role`. */
const ROOT_UPDATES = new Set(['resume', 'upgrade', 'deploy', 'configure']);
/** Commands that wait for operations, and so take `--timeout`. */
const WAITING = new Set(['resume', 'upgrade', 'deploy', 'configure', 'recover']);
/** Commands that take `--catalog`. */
const WITH_CATALOG = new Set(['resume', 'upgrade', 'status', 'diagnose', 'recover', 'deploy', 'configure']);

/**
 * The command line of any pantherctl command to run next (`recover --stack X`, `diagnose`,
 * `resume`), with its own `args` and every connection flag this run was given that the
 * command takes, so that it meets the same deployment, lock and journal.
 */
export function commandLineFor(flags: ConnectionFlags, command: string, args: readonly string[], rootStack?: string, extras: ResumeExtras = {}): string {
  const parts = [`pantherctl ${command}`, ...args.map(shellWord)];
  const add = (flag: string, value: string | undefined): void => {
    if (value) parts.push(`${flag} ${shellWord(value)}`);
  };
  add('--config', flags.config);
  add('--profile', flags.profile);
  add('--region', flags.region);
  if (flags.allowUnsupportedRegion) parts.push('--allow-unsupported-region');
  add('--endpoint-url', flags.endpointUrl);
  add('--assume-role', flags.assumeRole);
  add('--account', flags.account);
  add('--root-stack', flags.rootStack ?? rootStack);
  if (flags.roleStack && flags.roleStack !== DEFAULT_ROLE_STACK) add('--role-stack', flags.roleStack);
  add('--state-dir', flags.stateDir);
  add('--state', flags.state);
  add('--state-kms-key', flags.stateKmsKey);
  if (WITH_CATALOG.has(command)) add('--catalog', flags.catalog);
  if (flags.skipDeploymentRole && ROOT_UPDATES.has(command)) parts.push('--skip-deployment-role');
  if (flags.timeout !== undefined && WAITING.has(command)) add('--timeout', String(flags.timeout));
  add('--current', extras.current);
  if (extras.allowUnlisted) parts.push('--allow-unlisted');
  for (const key of extras.paramKeys ?? []) parts.push(`--param ${shellWord(key)}=<value>`);
  return parts.join(' ');
}
