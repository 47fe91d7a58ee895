import type { StagingOptions } from '../staging/types.js';
import type { Confirm } from './confirm.js';

/** Options `deploy` and `configure` share: where the deployment is, how to stage, how to wait. */
export interface StagedRunOptions {
  /** Default `panther-deployment-role`. */
  roleStack: string;
  region: string;
  paramsFile: string;
  /** `--param KEY=VALUE` flags. */
  overrides?: readonly string[];
  staging?: StagingOptions;
  /** Run `panther-pulumi` after the stack operations. Default: from v1.22 on, as the spec says. */
  build?: boolean;
  /** Pass the role stack's DeploymentRoleArn as the root stack's RoleARN. Default true. */
  useDeploymentRole?: boolean;
  stateDir: string;
  /** Bound of each wait. */
  timeoutMs: number;
  confirm: Confirm;
  signal?: AbortSignal;
  /** The command that continues the run, shown in hints. Default: `pantherctl resume --root-stack NAME --region REGION`. */
  resumeCommand?: string;
}

/** Journal "hop" names of a staged run (the journal keys steps by hop). */
export const HOP = {
  role: 'role',
  create: 'first-deploy',
  build: 'build',
  stage: (index: number): string => `stage-${index}`,
} as const;

/** What `run.start` records for `deploy` and `configure`, so `resume` can continue exactly. */
export interface StagedRunRecord {
  command: 'deploy' | 'configure';
  /** Absolute path of the parameter file and the SHA-256 of its bytes (never its values). */
  paramsFile: string;
  paramsSha256: string;
  /** `--param` keys given on the command line; their values are not stored, so resume refuses them. */
  overrideKeys: string[];
  version?: string;
  /** Parameter keys of each stage, in order. */
  stages: string[][];
  /** Parameter keys of the create call (deploy only). */
  create?: string[];
  build: boolean;
}
