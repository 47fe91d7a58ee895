import type { RootCause } from '../diagnose/root-cause.js';
import type { LogsGateway } from '../logs/logs-gateway.js';
import type { Clock, CloudFormationGateway, CodeBuildGateway, IdentityGateway, LambdaGateway, TemplateFetcher } from '../aws/types.js';
import type {
  BuildWaitOptions,
  BuildWaitResult,
  ChangeSetWaitOptions,
  ChangeSetWaitResult,
  StackWaitOptions,
  StackWaitResult,
} from '../wait/types.js';

/** The root cause of a failed stack operation, as the executor reports it. */
export interface RootCauseSummary {
  /** One line: `panther-root-Core-ABC / AlertsFunction (AWS::Lambda::Function): UPDATE_FAILED: reason`. */
  text: string;
  stack?: string;
  logicalId?: string;
  resourceType?: string;
  status?: string;
  reason?: string;
  /** True when found in a nested stack that is already deleted. */
  deletedStack?: boolean;
  /** A failed build: the first build phase that did not succeed. */
  phase?: string;
}

/** One line and the fields of a root cause, as messages, errors and `diagnose` show it. */
export function rootCauseSummary(cause: RootCause): RootCauseSummary {
  const where = cause.path.length > 1 ? `${cause.stack} (nested in ${cause.path[0]})` : cause.stack;
  return {
    text: `${where} / ${cause.logicalId} (${cause.resourceType}) ${cause.status}${cause.reason ? `: ${cause.reason}` : ''}`,
    stack: cause.stack,
    logicalId: cause.logicalId,
    resourceType: cause.resourceType,
    status: cause.status,
    ...(cause.reason ? { reason: cause.reason } : {}),
  };
}

/**
 * Everything the executor talks to. The CLI binds it to the SDK gateways and the real wait
 * loops (load-executor-deps.ts, loaded lazily); tests may bind fakes.
 */
export interface ExecutorDeps {
  cloudFormation: CloudFormationGateway;
  codeBuild: CodeBuildGateway;
  templates: TemplateFetcher;
  identity: IdentityGateway;
  /** Preflight's account checks (GetAccountSettings). Absent (test doubles): the Lambda check is not run. */
  lambda?: LambdaGateway;
  /** CloudWatch Logs, for the build's log. Optional: without it builds are waited for without their log. */
  logs?: LogsGateway;
  waitForStack(options: StackWaitOptions): Promise<StackWaitResult>;
  waitForChangeSet(options: ChangeSetWaitOptions): Promise<ChangeSetWaitResult>;
  waitForBuild(options: BuildWaitOptions): Promise<BuildWaitResult>;
  /** First failed resource event of the stack's latest operation, nested and deleted stacks included. */
  findRootCause(stack: string, options: { since?: Date; events?: StackWaitResult['events']; signal?: AbortSignal }): Promise<RootCauseSummary | undefined>;
  clock?: Clock;
  /** Poll interval of every waiter; default theirs (1 s). */
  pollIntervalMs?: number;
  close?(): void;
}
