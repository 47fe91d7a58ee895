/**
 * What every core function that talks to AWS takes: where the deployment is and how to reach
 * it. The CLI fills it from flags and pantherctl.yml (src/settings/); a script fills it itself.
 * Opening a deployment binds the AWS SDK gateways (loaded only then) unless `deps` are given.
 */
import { embeddedCatalog } from '../catalog/embedded.js';
import { validateRegion } from '../catalog/regions.js';
import type { Catalog } from '../catalog/types.js';
import { DEFAULT_ROLE_STACK } from '../catalog/urls.js';
import type { IoHost } from '../io/messages.js';
import { lazyLocalStateStore } from '../journal/lazy-local-state-store.js';
import { defaultStateDir } from '../journal/paths.js';
import type { DeploymentKey, StateStore } from '../journal/state-store.js';
import type { ConnectionOptions, StackSummary } from './aws/types.js';
import type { LiveStack } from '../journal/ownership.js';
import type { ExecutorDeps } from './deps/executor-deps.js';
import type { EstimateOptions } from './eta/estimate.js';

/** Default wait bound of one operation: 2 hours; Panther's root stack updates take tens of minutes. */
export const DEFAULT_TIMEOUT_MINUTES = 120;

export interface DeploymentOptions {
  /** AWS region of the deployment. Required: it is in the template URLs and the endpoints. */
  region: string;
  /** Named profile of ~/.aws/config. Default: the SDK's default credential chain. */
  profile?: string;
  /** Talk to this endpoint instead of AWS (the sandbox). Default: AWS. */
  endpointUrl?: string;
  /** Assume this IAM role first. Default: none. */
  assumeRoleArn?: string;
  /** The root stack. Default: discovered, the one `panther-*` stack tagged PantherVersion that is neither nested nor the role stack. */
  rootStack?: string;
  /** The deployment role stack. Default `panther-deployment-role`, the name Panther's docs use. */
  roleStack?: string;
  /** The AWS account the deployment lives in; preflight refuses credentials of another. Default: any. */
  account?: string;
  /**
   * Where journals and locks are kept when `stateStore` is not given. Default: the user's state
   * home (`$XDG_STATE_HOME/pantherctl`, else `~/.local/state/pantherctl`), so that runs from
   * any working directory meet the same lock, and a run and its resume the same journal.
   */
  stateDir?: string;
  /** Longest wait for one stack operation or build. Default 120 minutes: Panther's root stack updates take tens of minutes. */
  timeoutMs?: number;
  /**
   * Pass the role stack's `DeploymentRoleArn` as the root stack's RoleARN. Default true, as
   * Panther's docs do, so the operator needs no rights of their own on the stack's resources.
   */
  useDeploymentRole?: boolean;
  /** The release catalog. Default: the embedded one (the documentation's recommended releases). */
  catalog?: Catalog;
  /** Accept a well-formed region Panther publishes no templates for (a private mirror). Default false. */
  allowUnsupportedRegion?: boolean;
  /** Ctrl-C: stops waiting, never the AWS operation (the run is then resumable). Default: none. */
  signal?: AbortSignal;
  /**
   * The command line that continues a stopped run, for hints; `paramKeys` are the `--param`
   * keys whose values must be given again (they are never stored). Default:
   * `pantherctl resume --root-stack NAME --region REGION`.
   */
  resumeCommand?: (context: { rootStack: string; paramKeys: readonly string[] }) => string;
  /**
   * The command line of any pantherctl command to run next (`recover --stack X`, `diagnose
   * --wait`, ...) with every flag this run was given, for hints and `nextCommand`. Default:
   * `pantherctl COMMAND ARGS --root-stack NAME --region REGION` and the endpoint, profile, role
   * stack and state directory when given.
   */
  commandLine?: (context: CommandLineContext) => string;
  /** Delay between polls of every waiter. Default 1000 ms (tests go faster). */
  pollIntervalMs?: number;
  /** The gateways, waiters and clock to use (tests, fakes). Default: the AWS SDK ones for the connection above. */
  deps?: ExecutorDeps;
  /** Where journals and locks live. Default: `state` in S3 when given, else a LocalStateStore in `stateDir`. */
  stateStore?: StateStore;
  /** Shared journal and lock in S3, `s3://BUCKET/PREFIX` (src/journal/s3-state-store.ts). Default: none, the local `stateDir`. */
  state?: string;
  /** SSE-KMS key of the S3 state objects. Default: the bucket's default encryption. */
  stateKmsKey?: string;
  /** Lease of the S3 lock. Default 120 s (S3StateStoreOptions.leaseMs). */
  stateLeaseMs?: number;
  /**
   * When a resource of an upgrade counts as overdue (`resource.overdue`). Default: past 1.25 ×
   * its p90 in earlier runs and by 30 s at least (a resource that usually takes 4 s is not
   * worth a line at 6 s).
   */
  eta?: EstimateOptions;
  /** Called with the CloudFormation SDK client when it is built (a fleet run's shared pacing). Default: none. */
  onCloudFormationClient?: (client: object) => void;
}

/** A pantherctl command to name as the next one: the command and its own arguments; the connection flags are added. */
export interface CommandLineContext {
  /** `resume`, `recover`, `diagnose`, `upgrade`, `deploy`, ... */
  command: string;
  /** Its own arguments, e.g. `['--stack', 'panther-deployment-role']`. */
  args: readonly string[];
  rootStack: string;
  /** `--param` keys whose values must be given again (never stored): written as `--param KEY=<value>`. */
  paramKeys: readonly string[];
}

/** The options with their defaults, in the shape the runs use. */
export interface ResolvedDeployment {
  connection: ConnectionOptions;
  /** Undefined: discover it. */
  rootStack?: string;
  roleStack: string;
  stateDir: string;
  /** Expected account id; preflight refuses another. */
  account?: string;
  useDeploymentRole: boolean;
  timeoutMs: number;
}

export interface OpenedDeployment {
  settings: ResolvedDeployment;
  deps: ExecutorDeps;
  catalog: Catalog;
  store: StateStore;
  /** `resumeCommand` with its default. */
  resumeCommand(context: { rootStack: string; paramKeys?: readonly string[] }): string;
  /** `commandLine` with its default: a pantherctl command to run next, with every flag it needs. */
  commandLine(command: string, args: readonly string[], context: { rootStack: string; paramKeys?: readonly string[] }): string;
  /** An AWS CLI command on this deployment's account and region (`aws cloudformation ...`), with `--region` and the endpoint and profile when given. */
  awsCommand(args: readonly string[]): string;
  /** Closes the gateways this opened (never injected ones). */
  close(): void;
}

export function resolveDeployment(o: DeploymentOptions): ResolvedDeployment {
  // Checked before any AWS call: the region goes into template URLs and endpoints.
  validateRegion(o.region, Boolean(o.allowUnsupportedRegion));
  return {
    connection: {
      region: o.region,
      ...(o.profile ? { profile: o.profile } : {}),
      ...(o.endpointUrl ? { endpointUrl: o.endpointUrl } : {}),
      ...(o.assumeRoleArn ? { assumeRoleArn: o.assumeRoleArn } : {}),
      ...(o.onCloudFormationClient ? { onCloudFormationClient: o.onCloudFormationClient } : {}),
    },
    ...(o.rootStack ? { rootStack: o.rootStack } : {}),
    roleStack: o.roleStack ?? DEFAULT_ROLE_STACK,
    stateDir: o.stateDir ?? defaultStateDir(),
    ...(o.account ? { account: o.account } : {}),
    useDeploymentRole: o.useDeploymentRole ?? true,
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MINUTES * 60_000,
  };
}

/** Resolves the options and binds the gateways; the caller closes it. */
export async function openDeployment(o: DeploymentOptions, io: IoHost): Promise<OpenedDeployment> {
  const settings = resolveDeployment(o);
  let deps = o.deps;
  let close = (): void => {};
  if (!deps) {
    // Loading this module loads the AWS SDK: only commands that talk to AWS get here.
    const { loadExecutorDeps } = await import('./deps/load-executor-deps.js');
    const opened = loadExecutorDeps(settings.connection, { io, ...(o.pollIntervalMs ? { pollIntervalMs: o.pollIntervalMs } : {}) });
    deps = opened;
    close = () => opened.close();
  }
  let store = o.stateStore;
  if (!store && o.state) {
    const { openS3State } = await import('./state/open-s3-state.js');
    const opened = openS3State(settings.connection, o.state, { ...(o.stateKmsKey ? { kmsKeyId: o.stateKmsKey } : {}), ...(o.stateLeaseMs ? { leaseMs: o.stateLeaseMs } : {}), io });
    store = opened.store;
    const closeDeps = close;
    close = () => {
      closeDeps();
      opened.close();
    };
  }
  const commandLine = (command: string, args: readonly string[], { rootStack, paramKeys = [] }: { rootStack: string; paramKeys?: readonly string[] }): string => {
    if (command === 'resume' && args.length === 0 && o.resumeCommand) return o.resumeCommand({ rootStack, paramKeys });
    return o.commandLine?.({ command, args, rootStack, paramKeys }) ?? defaultCommandLine(command, args, rootStack, paramKeys, o, settings);
  };
  return {
    settings,
    deps,
    catalog: o.catalog ?? embeddedCatalog(),
    store: store ?? lazyLocalStateStore({ stateDir: settings.stateDir }),
    resumeCommand: ({ rootStack, paramKeys = [] }) => commandLine('resume', [], { rootStack, paramKeys }),
    commandLine,
    awsCommand: (args) => awsCommandLine(args, settings.connection),
    close,
  };
}

/** Quotes a value for a POSIX shell when it needs it. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function defaultCommandLine(command: string, args: readonly string[], rootStack: string, paramKeys: readonly string[], o: DeploymentOptions, settings: ResolvedDeployment): string {
  const parts = ['pantherctl', command, ...args.map(shellWord), '--root-stack', shellWord(rootStack), '--region', settings.connection.region];
  if (settings.connection.endpointUrl) parts.push('--endpoint-url', shellWord(settings.connection.endpointUrl));
  if (settings.connection.profile) parts.push('--profile', shellWord(settings.connection.profile));
  if (settings.roleStack !== DEFAULT_ROLE_STACK) parts.push('--role-stack', shellWord(settings.roleStack));
  if (o.stateDir) parts.push('--state-dir', shellWord(o.stateDir));
  for (const key of paramKeys) parts.push(`--param ${shellWord(key)}=<value>`);
  return parts.join(' ');
}

/** `aws ARGS --region R` with the endpoint and profile of the connection. */
export function awsCommandLine(args: readonly string[], connection: ConnectionOptions): string {
  const parts = ['aws', ...args.map(shellWord), '--region', connection.region];
  if (connection.endpointUrl) parts.push('--endpoint-url', shellWord(connection.endpointUrl));
  if (connection.profile) parts.push('--profile', shellWord(connection.profile));
  return parts.join(' ');
}

/** Runs `body` on the opened deployment, closing its gateways after. */
export async function withDeployment<T>(o: DeploymentOptions, io: IoHost, body: (d: OpenedDeployment) => Promise<T>): Promise<T> {
  const d = await openDeployment(o, io);
  try {
    return await body(d);
  } finally {
    d.close();
  }
}

/** The key of a deployment with its live root stack, when it has one (the journal is that stack's). */
export interface LiveKey {
  key: DeploymentKey;
  /** The live root stack; absent when none holds the name (a first deploy). */
  live?: LiveStack;
  root?: StackSummary;
}

/** The key of the deployment named `rootStack`: of its live root stack when there is one, else of the name. */
export async function liveDeploymentKey(deps: Pick<ExecutorDeps, 'identity' | 'cloudFormation'>, region: string, rootStack: string, known?: StackSummary): Promise<LiveKey> {
  const root = known ?? (await deps.cloudFormation.describeStack(rootStack));
  const key = await deploymentKey(deps, region, rootStack, root?.stackId);
  return root ? { key, live: { stackId: root.stackId, creationTime: root.creationTime }, root } : { key };
}

/**
 * The key of the deployment's lock and journal: the caller's account, the region, the root
 * stack's name, and its id (`stackId`) when the stack exists: a journal belongs to one stack.
 */
export async function deploymentKey(deps: Pick<ExecutorDeps, 'identity'>, region: string, rootStack: string, stackId?: string): Promise<DeploymentKey> {
  const { account } = await deps.identity.getCallerIdentity();
  return { account, region, rootStack, ...(stackId ? { stackId } : {}) };
}
