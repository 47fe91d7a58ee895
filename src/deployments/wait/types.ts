/**
 * Shapes of the wait loops (stack operations, change sets, builds). Kept apart from the
 * loops themselves so the executor can type against them without loading anything.
 */
import type { IoHost } from '../../io/messages.js';
import type { StackCallPacer } from './call-pacer.js';
import type { BuildInfo, ChangeSetSummary, Clock, CloudFormationGateway, CodeBuildGateway, ResourceEventFields, StackEvent } from '../aws/types.js';

export type StackOutcome = 'succeeded' | 'rolled-back' | 'failed' | 'rollback-failed';

/** Dependencies every waiter takes. */
export interface WaitDeps {
  /** Ctrl-C: stops waiting (never the AWS operation); rejects with code `interrupted`. */
  signal?: AbortSignal;
  /** Required on purpose: no wait is unbounded. Rejects with code `timeout`. */
  timeoutMs: number;
  /** Default: the system clock. */
  clock?: Clock;
  /**
   * Delay between polls of one stack/build. Default 1000 ms: the end of an operation is
   * noticed within about 2 s while each stack gets at most one API call per second.
   */
  pollIntervalMs?: number;
  /** Receives `stack.event`, `stack.progress`, `build.phase`, ... Default: silent. */
  io?: IoHost;
}

export interface StackWaitOptions extends WaitDeps {
  gateway: CloudFormationGateway;
  /** Stack name or id (prefer the id: it still resolves after a deletion). */
  stack: string;
  /**
   * Where the operation starts: the id of the newest event before the operation was started
   * (exact), or a time (events at or after it belong to the operation). With neither, the
   * waiter starts from the stack's current newest event.
   */
  startedAfter?: Date | { afterEventId: string };
  /** When set, root stack status events carrying another token are not this operation's. */
  clientRequestToken?: string;
  /** Interval of `stack.progress` messages. Default 5000 ms. */
  progressIntervalMs?: number;
  /** Label used in messages (e.g. `role` / `root`); default the stack name. */
  label?: string;
  /**
   * Spaces every call per stack (its `intervalMs` wins over `pollIntervalMs`). Pass one to
   * consecutive waits to keep the spacing across them. Default: a new pacer per wait.
   */
  pacer?: StackCallPacer;
}

export interface StackWaitResult {
  stackId: string;
  stackName: string;
  /** The root stack's terminal status: UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, ... */
  finalStatus: string;
  statusReason?: string;
  outcome: StackOutcome;
  /** Every event of the operation seen (root and nested), chronological. */
  events: StackEvent[];
  elapsedMs: number;
}

/** Data of the `stack.event` message. */
export interface StackEventMessage extends ResourceEventFields {
  stack: string;
  time: string;
  nested: boolean;
}

/** Data of the `stack.progress` message. */
export interface StackProgressMessage {
  stack: string;
  /** `Stack/LogicalId` of resources currently in progress. */
  inProgress: string[];
  elapsedMs: number;
}

export interface ChangeSetWaitOptions extends WaitDeps {
  gateway: CloudFormationGateway;
  stackName: string;
  changeSetName: string;
}

export interface ChangeSetWaitResult {
  changeSet: ChangeSetSummary;
  /** True when CloudFormation said the change set contains no changes (not a failure). */
  noChanges: boolean;
}

export interface BuildWaitOptions extends WaitDeps {
  gateway: CodeBuildGateway;
  buildId: string;
  /** Called with every BatchGetBuilds answer (the build log follower learns its stream from it). Default: none. */
  onBuild?: (build: BuildInfo) => void;
}

export type BuildOutcome = 'SUCCEEDED' | 'FAILED' | 'FAULT' | 'STOPPED' | 'TIMED_OUT';

export interface BuildWaitResult {
  status: BuildOutcome;
  build: BuildInfo;
  elapsedMs: number;
}
