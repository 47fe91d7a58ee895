import type { IoHost } from '../../io/messages.js';
import type { Journal } from '../../journal/journal.js';
import type { ExecutorDeps } from '../upgrade/deps.js';

/** What every step of `deploy` and `configure` needs; one per run. */
export interface StagedRunContext {
  deps: ExecutorDeps;
  io: IoHost;
  journal: Journal;
  /** Ctrl-C: stops waiting, never the AWS operation. */
  signal: AbortSignal;
  /** Bound of each single wait (stack operation, change set, build). */
  timeoutMs: number;
  rootStack: string;
  /** RoleARN passed to CloudFormation for the root stack (the role stack's DeploymentRoleArn). */
  roleArn?: string;
  /** The command that continues this run, for hints (`pantherctl resume --root-stack ...`). */
  resumeCommand: string;
}

/** Journal "hop" names of a staged run (the journal keys steps by hop). */
export const HOP = {
  role: 'role',
  create: 'first-deploy',
  build: 'build',
  stage: (index: number): string => `stage-${index}`,
} as const;

/** Journal steps of a staged run beyond the upgrade executor's StepName. */
export type StagedStep = 'create-role' | 'update-role' | 'create-stack' | 'delete-stack' | 'create-change-set' | 'execute-change-set' | 'start-build';

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
