import type { CliContext } from '../../cli/context.js';
import type { Catalog } from '../../catalog/types.js';
import { embeddedCatalog } from '../../catalog/embedded.js';
import { loadConfig } from '../config/load.js';
import { resolveSettings, type ConnectionFlags, type DeploymentSettings } from '../config/settings.js';
import type { ExecutorDeps } from './deps.js';
import { loadExecutorDeps } from './load-deps.js';
import { DEFAULT_ROLE_STACK } from '../../catalog/urls.js';

/** Test and benchmark hook: every waiter's poll interval (ms). Not a documented option. */
const POLL_ENV = 'PANTHERCTL_POLL_INTERVAL_MS';

export interface OpenedDeployment {
  settings: DeploymentSettings;
  deps: ExecutorDeps & { close(): void };
  catalog: Catalog;
}

/** Flags + pantherctl.yml → settings, gateways and the catalog for one deployment command. */
export async function openDeployment(ctx: CliContext, flags: ConnectionFlags): Promise<OpenedDeployment> {
  const config = await loadConfig(flags.config);
  const settings = resolveSettings(flags, config, ctx.streams.env);
  const poll = Number(ctx.streams.env[POLL_ENV]);
  const deps = loadExecutorDeps(settings.connection, { io: ctx.io, ...(poll > 0 ? { pollIntervalMs: poll } : {}) });
  let catalog: Catalog;
  if (settings.catalogFile) {
    const { loadCatalogFile } = await import('../../catalog/load.js');
    catalog = loadCatalogFile(settings.catalogFile);
  } else {
    catalog = embeddedCatalog();
  }
  return { settings, deps, catalog };
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
  const parts = ['pantherctl resume'];
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
  add('--catalog', flags.catalog);
  if (flags.skipDeploymentRole) parts.push('--skip-deployment-role');
  if (flags.timeout !== undefined) add('--timeout', String(flags.timeout));
  add('--current', extras.current);
  if (extras.allowUnlisted) parts.push('--allow-unlisted');
  for (const key of extras.paramKeys ?? []) parts.push(`--param ${shellWord(key)}=<value>`);
  return parts.join(' ');
}
