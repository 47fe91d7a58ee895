import { validateRegion } from '../catalog/regions.js';
import { usageError } from '../errors/pantherctl-error.js';
import { DEFAULT_TIMEOUT_MINUTES, type DeploymentOptions } from '../deployments/deployment.js';
import type { PantherctlConfig } from './schema.js';
import { DEFAULT_ROLE_STACK } from '../catalog/urls.js';
import { defaultStateDir } from '../journal/paths.js';
import { parseStateUrl } from '../journal/state-url.js';

/** Options every deployment command accepts (src/cli/commands/connection-options.ts). */
export interface ConnectionFlags {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  assumeRole?: string;
  rootStack?: string;
  roleStack?: string;
  config?: string;
  stateDir?: string;
  account?: string;
  /** `--skip-deployment-role`: no RoleARN on the root stack. */
  skipDeploymentRole?: boolean;
  /** Minutes. */
  timeout?: number;
  catalog?: string;
  /** `--allow-unsupported-region`: a well-formed region outside the supported list (private template mirror). */
  allowUnsupportedRegion?: boolean;
  /** `--state s3://BUCKET/PREFIX`: shared journal and lock in S3 instead of `--state-dir`. */
  state?: string;
  /** `--state-kms-key`: SSE-KMS key of the state objects. */
  stateKmsKey?: string;
}

/**
 * Where one deployment is and how to reach it: flags over pantherctl.yml over the
 * environment and defaults, in the shape the core takes (DeploymentOptions), plus the catalog
 * file the CLI loads.
 */
export interface DeploymentSettings extends Required<Pick<DeploymentOptions, 'region' | 'roleStack' | 'stateDir' | 'useDeploymentRole' | 'timeoutMs'>>, Pick<DeploymentOptions, 'profile' | 'endpointUrl' | 'assumeRoleArn' | 'rootStack' | 'account' | 'allowUnsupportedRegion' | 'state' | 'stateKmsKey' | 'stateLeaseMs'> {
  catalogFile?: string;
}

export function resolveSettings(flags: ConnectionFlags, config: PantherctlConfig, env: NodeJS.ProcessEnv): DeploymentSettings {
  const region = flags.region ?? config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw usageError('No region: give `--region`, set `region` in pantherctl.yml, or set AWS_REGION');
  // Checked before any AWS call: the region goes into template URLs and endpoints.
  validateRegion(region, Boolean(flags.allowUnsupportedRegion));
  const rootStack = flags.rootStack ?? config.rootStack;
  const profile = flags.profile ?? config.profile;
  const endpointUrl = flags.endpointUrl ?? config.endpointUrl;
  const assumeRoleArn = flags.assumeRole ?? config.assumeRole;
  const account = flags.account ?? config.account;
  if (account !== undefined && !/^\d{12}$/.test(account)) throw usageError(`Expected \`--account\` to be a 12-digit AWS account id, got "${account}"`);
  const catalogFile = flags.catalog ?? config.catalog;
  const state = flags.state ?? config.state;
  // Checked offline: a typo must not fall back to local state silently.
  if (state !== undefined) parseStateUrl(state);
  const stateKmsKey = flags.stateKmsKey ?? config.stateKmsKey;
  if (stateKmsKey !== undefined && state === undefined) throw usageError('`--state-kms-key` needs `--state s3://BUCKET/PREFIX` (local state is not encrypted by pantherctl)');
  return {
    ...(state ? { state } : {}),
    ...(stateKmsKey ? { stateKmsKey } : {}),
    ...(config.stateLeaseSeconds ? { stateLeaseMs: config.stateLeaseSeconds * 1000 } : {}),
    region,
    ...(profile ? { profile } : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
    ...(assumeRoleArn ? { assumeRoleArn } : {}),
    ...(flags.allowUnsupportedRegion ? { allowUnsupportedRegion: true } : {}),
    ...(rootStack ? { rootStack } : {}),
    roleStack: flags.roleStack ?? config.roleStack ?? DEFAULT_ROLE_STACK,
    stateDir: flags.stateDir ?? config.stateDir ?? defaultStateDir(env),
    ...(account ? { account } : {}),
    useDeploymentRole: flags.skipDeploymentRole ? false : (config.useDeploymentRole ?? true),
    timeoutMs: (flags.timeout ?? config.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES) * 60_000,
    ...(catalogFile ? { catalogFile } : {}),
  };
}
