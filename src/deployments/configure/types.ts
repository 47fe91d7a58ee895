import type { Acceptance } from '../preflight/types.js';
import type { StagingOptions } from '../staging/types.js';
import type { StateStore } from '../../journal/state-store.js';

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
  /** Where the deployment's journal and lock are. */
  store: StateStore;
  /** Bound of each wait. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** `--accept ID=REASON`: required preflight checks to let pass; the reasons are journaled. Default none. */
  accepts?: readonly Acceptance[];
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
