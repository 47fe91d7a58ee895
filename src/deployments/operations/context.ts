import type { IoHost } from '../../io/messages.js';
import type { Journal } from '../../journal/journal.js';
import type { ExecutorDeps } from '../deps/executor-deps.js';
import type { WaitDeps } from '../wait/types.js';

/** What every mutating step of `upgrade`, `deploy` and `configure` needs; one per run. */
export interface OperationContext {
  deps: ExecutorDeps;
  io: IoHost;
  journal: Journal;
  /** Ctrl-C: stops waiting, never the AWS operation. */
  signal: AbortSignal;
  /** Bound of each single wait (stack operation, change set, build). */
  timeoutMs: number;
  rootStack: string;
  /** RoleARN passed to CloudFormation for the root stack (the role stack's DeploymentRoleArn), when used. */
  roleArn?: string;
  /** The command that continues this run, for hints (`pantherctl resume --root-stack ...`). */
  resumeCommand: string;
  /**
   * Applied to text the run did not write (build log lines, reasons AWS quotes) before it is
   * shown or journaled: the run's known secret values and key shapes (support/run-redaction.ts).
   * Default: the credential shapes only.
   */
  redact?: (text: string) => string;
}

/** What every waiter takes from the run: its signal and bound, the progress host, the injected clock and poll interval. */
export function waitDeps(c: OperationContext): WaitDeps {
  return {
    signal: c.signal,
    timeoutMs: c.timeoutMs,
    io: c.io,
    ...(c.deps.clock ? { clock: c.deps.clock } : {}),
    ...(c.deps.pollIntervalMs ? { pollIntervalMs: c.deps.pollIntervalMs } : {}),
  };
}
