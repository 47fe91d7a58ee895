/**
 * The AWS-facing contract of pantherctl: plain data shapes and gateway interfaces.
 * The executor, the waiters and root-cause analysis depend only on these types, so they can
 * run against the real SDK gateways, the sandbox over HTTP, or in-memory fakes in tests.
 * This file has no runtime dependency on the AWS SDK (type-only imports), so importing it
 * never loads the SDK.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CodeBuildClient } from '@aws-sdk/client-codebuild';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { IoHost } from '../../io/messages.js';

/** Panther's root template creates named IAM resources and uses nested stacks/macros. */
export const PANTHER_CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

// ---------------------------------------------------------------------------------------------
// Connection

export interface ConnectionOptions {
  region: string;
  /** Named profile from ~/.aws/config; default: the SDK's default credential chain. */
  profile?: string;
  /** Custom endpoint for every service (the sandbox); S3 then uses path-style addressing. */
  endpointUrl?: string;
  /** Role to assume on top of the base credentials (`--assume-role`). */
  assumeRoleArn?: string;
  /**
   * SDK-level attempts per call. Default 1: pantherctl owns retrying (withRetry) so that
   * throttling is visible and counted instead of hidden inside the SDK.
   */
  maxAttempts?: number;
  /**
   * Called with the CloudFormation SDK client once it is built, before its first request: a
   * fleet run attaches its shared API pacing here (src/fleet/pacing/sdk-pacing.ts). Default: none.
   */
  onCloudFormationClient?: (client: object) => void;
}

/**
 * The SDK clients of one connection, each imported and built on its first use: importing the
 * four clients costs most of a second, and most commands need one or two of them.
 */
export interface AwsClients {
  cloudFormation(): Promise<CloudFormationClient>;
  codeBuild(): Promise<CodeBuildClient>;
  s3(): Promise<S3Client>;
  sts(): Promise<STSClient>;
  lambda(): Promise<LambdaClient>;
  /** Releases the sockets of the clients built so far (keep-alive agents), so a command can exit. */
  destroy(): void;
}

// ---------------------------------------------------------------------------------------------
// Time and retry

/** Injected time so the waiters run on fake time in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason (an AbortError) when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface RetryOptions {
  /** Total attempts including the first. Default 8. */
  attempts?: number;
  /** Base delay of the exponential backoff. Default 250 ms. */
  baseMs?: number;
  /** Cap of one backoff delay. Default 15 000 ms (as the CDK does). */
  capMs?: number;
  /** Default: real timers. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Default Math.random; injected for deterministic tests. */
  random?: () => number;
  signal?: AbortSignal;
  /** Called before each backoff sleep, e.g. to count and report throttling. */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  /** The classified error code: `throttled` or `transient`. */
  code: string;
  operation?: string;
  error: unknown;
}

/** Options shared by the SDK gateways. */
export interface GatewayOptions {
  retry?: RetryOptions;
  /** Receives `aws.retry` debug messages (throttling made visible). */
  io?: IoHost;
}

// ---------------------------------------------------------------------------------------------
// CloudFormation data

export interface StackParameter {
  key: string;
  /** NoEcho parameters come back from AWS as `****`: never a real secret. */
  value: string;
  resolvedValue?: string;
}

export interface StackSummary {
  stackId: string;
  name: string;
  status: string;
  statusReason?: string;
  parameters: StackParameter[];
  tags: Record<string, string>;
  outputs: Record<string, string>;
  roleArn?: string;
  /** Set on nested stacks: the direct parent's stack id. */
  parentId?: string;
  /** Set on nested stacks: the top-level stack id. */
  rootId?: string;
  creationTime: Date;
  lastUpdatedTime?: Date;
  deletionTime?: Date;
  description?: string;
  /** DescribeStacks' EnableTerminationProtection (false when AWS leaves it out). */
  terminationProtection?: boolean;
}

/** One row of ListStacks (includes deleted stacks when asked). */
export interface StackListEntry {
  stackId: string;
  name: string;
  status: string;
  statusReason?: string;
  parentId?: string;
  rootId?: string;
  creationTime: Date;
  lastUpdatedTime?: Date;
  deletionTime?: Date;
  templateDescription?: string;
}

/** What one resource event says: shared by StackEvent, root causes and `stack.event` messages. */
export interface ResourceEventFields {
  stackId: string;
  logicalId: string;
  /** For AWS::CloudFormation::Stack resources: the nested stack's ARN (stack id). */
  physicalId?: string;
  resourceType: string;
  status: string;
  reason?: string;
}

export interface StackEvent extends ResourceEventFields {
  eventId: string;
  stackName: string;
  time: Date;
  clientRequestToken?: string;
}

export interface StackResource {
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  status: string;
  reason?: string;
  lastUpdatedTime?: Date;
}

export interface TemplateParameter {
  key: string;
  defaultValue?: string;
  noEcho: boolean;
  allowedValues?: string[];
  description?: string;
  type?: string;
}

export interface TemplateSummary {
  parameters: TemplateParameter[];
  capabilities: string[];
  description?: string;
  /** The template's `Metadata` section, raw JSON text, when present. */
  metadata?: string;
}

/** A parameter as sent to CreateChangeSet/UpdateStack. */
export interface ParameterValue {
  key: string;
  /** Omit with `usePreviousValue: true`. */
  value?: string;
  usePreviousValue?: boolean;
}

export interface CreateChangeSetInput {
  stackName: string;
  changeSetName: string;
  templateUrl?: string;
  usePreviousTemplate?: boolean;
  parameters: ParameterValue[];
  tags?: Record<string, string>;
  roleArn?: string;
  /** Default PANTHER_CAPABILITIES. */
  capabilities?: readonly string[];
  /** Idempotency token for CreateChangeSet (its ClientToken). */
  clientToken?: string;
  /** Default 'UPDATE'. */
  changeSetType?: 'UPDATE' | 'CREATE';
  description?: string;
  /**
   * IncludeNestedStacks: a nested change set for every nested stack, which is the only way to
   * see what really changes inside one. Default false.
   */
  includeNestedStacks?: boolean;
}

export interface ResourceChange {
  /** Add | Modify | Remove | Import | Dynamic */
  action: string;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  /** 'True' | 'False' | 'Conditional' for Modify; undefined otherwise. */
  replacement?: string;
  scope?: string[];
  /** For a nested stack in a change set made with includeNestedStacks: its nested change set (ARN). */
  changeSetId?: string;
  /**
   * Set on a change found in a nested change set: the logical ids of the nested stack
   * resources from the root down (`Core`, `Core.Alerts`).
   */
  nestedPath?: string;
}

export interface ChangeSetSummary {
  changeSetId: string;
  changeSetName: string;
  stackId: string;
  /** CREATE_PENDING | CREATE_IN_PROGRESS | CREATE_COMPLETE | DELETE_* | FAILED */
  status: string;
  /** UNAVAILABLE | AVAILABLE | EXECUTE_IN_PROGRESS | EXECUTE_COMPLETE | EXECUTE_FAILED | OBSOLETE */
  executionStatus?: string;
  statusReason?: string;
  changes: ResourceChange[];
  parameters: StackParameter[];
  tags: Record<string, string>;
}

/** One entry of ListChangeSets (ChangeSetSummary in the API): no changes, no parameters. */
export type ChangeSetListEntry = Pick<ChangeSetSummary, 'changeSetId' | 'changeSetName' | 'stackId' | 'status' | 'executionStatus' | 'statusReason'> & {
  creationTime?: Date;
  description?: string;
};

export interface UpdateStackInput {
  stackName: string;
  templateUrl?: string;
  usePreviousTemplate?: boolean;
  parameters: ParameterValue[];
  /** Default PANTHER_CAPABILITIES. */
  capabilities?: readonly string[];
  roleArn?: string;
  tags?: Record<string, string>;
  clientRequestToken?: string;
}

export interface CreateStackInput {
  stackName: string;
  templateUrl: string;
  parameters: ParameterValue[];
  capabilities?: readonly string[];
  roleArn?: string;
  tags?: Record<string, string>;
  clientRequestToken?: string;
  /** Default false: a failed first deploy rolls back (ROLLBACK_COMPLETE). */
  disableRollback?: boolean;
}

export interface DescribeEventsOptions {
  /** Stop paginating at this event id (exclusive): only newer events are returned. */
  sinceEventId?: string;
  /** Stop paginating at the first event older than this time (exclusive). */
  since?: Date;
  /** Stop after this many events. */
  limit?: number;
  /** Stop after the first event (newest first) for which this returns true; that event is included. */
  stopAt?: (event: StackEvent) => boolean;
}

/** One DescribeStackEvents answer: its events newest first, and the token of the next (older) page. */
export interface StackEventsPage {
  events: StackEvent[];
  nextToken?: string;
}

/** For callers that pace and retry their own calls (the stack waiter). */
export interface SingleCallOptions {
  /** Retry throttled/transient failures inside the gateway. Default true; false: exactly one request. */
  retry?: boolean;
}

export interface ContinueUpdateRollbackInput {
  stackName: string;
  /** Logical ids; nested resources as `NestedStackLogicalId.LogicalId`, as AWS expects. */
  resourcesToSkip?: string[];
  roleArn?: string;
  clientRequestToken?: string;
}

/** One page of a paginated call: its items, and the token of the next page when there is one. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * The CloudFormation API as AWS serves it: one request per method, one page per call (a
 * `nextToken` in, the next one out), failures thrown as they come (SDK exceptions, or errors
 * already classified). Implemented over the SDK (sdk/cloudformation.ts) and in memory for unit
 * tests (test-support/fake-cloudformation.ts). Retrying, error classification and paging are
 * not here: `PagedCloudFormationGateway` (cloudformation-gateway.ts) adds them over any
 * implementation, so the code that pages is the same against AWS, the sandbox and the fake.
 */
export interface CloudFormationCalls {
  /** DescribeStacks for one stack; `undefined` when AWS answers with no stack. */
  describeStacks(input: { stackName: string }): Promise<StackSummary | undefined>;
  /** ListStacks; `includeDeleted: false` filters DELETE_COMPLETE out server-side. */
  listStacks(input: { includeDeleted: boolean; nextToken?: string }): Promise<Page<StackListEntry>>;
  /** GetTemplate (TemplateStage Original): the body. */
  getTemplate(input: { stackName: string }): Promise<string>;
  getTemplateSummary(input: { templateUrl: string }): Promise<TemplateSummary>;
  createChangeSet(input: CreateChangeSetInput): Promise<{ changeSetId: string; stackId: string }>;
  /** DescribeChangeSet: the change set with this page of its changes. */
  describeChangeSet(input: { stackName: string; changeSetName: string; nextToken?: string }): Promise<ChangeSetSummary & { nextToken?: string }>;
  executeChangeSet(input: { stackName: string; changeSetName: string; clientRequestToken?: string }): Promise<void>;
  deleteChangeSet(input: { stackName: string; changeSetName: string }): Promise<void>;
  /** ListChangeSets: one page of the stack's change sets (summaries only). */
  listChangeSets(input: { stackName: string; nextToken?: string }): Promise<Page<ChangeSetListEntry>>;
  updateStack(input: UpdateStackInput): Promise<{ stackId: string }>;
  createStack(input: CreateStackInput): Promise<{ stackId: string }>;
  deleteStack(input: { stackName: string; roleArn?: string; clientRequestToken?: string }): Promise<void>;
  /** DescribeStackEvents: one page, newest first. */
  describeStackEvents(input: { stackName: string; nextToken?: string }): Promise<StackEventsPage>;
  listStackResources(input: { stackName: string; nextToken?: string }): Promise<Page<StackResource>>;
  continueUpdateRollback(input: ContinueUpdateRollbackInput): Promise<void>;
  cancelUpdateStack(input: { stackName: string; clientRequestToken?: string }): Promise<void>;
  /** UpdateTerminationProtection on a root stack (its nested stacks follow). */
  updateTerminationProtection(input: { stackName: string; enable: boolean }): Promise<void>;
  /** DetectStackDrift: the detection id. One stack's own resources (not its nested stacks). */
  detectStackDrift(input: { stackName: string }): Promise<string>;
  describeStackDriftDetectionStatus(input: { detectionId: string }): Promise<DriftDetectionStatus>;
  /** DescribeStackResourceDrifts: one page, of the statuses asked for. */
  describeStackResourceDrifts(input: { stackName: string; statuses: readonly string[]; nextToken?: string }): Promise<Page<ResourceDrift>>;
  /** GetStackPolicy: the policy body; undefined when the stack has none. */
  getStackPolicy(input: { stackName: string }): Promise<string | undefined>;
}

export interface CloudFormationGateway {
  /** `undefined` when the stack does not exist (or is deleted and named by name). */
  describeStack(stackIdOrName: string, options?: SingleCallOptions): Promise<StackSummary | undefined>;
  /** Every stack of the account/region (paginated); deleted ones only with includeDeleted. */
  listStacks(options?: { includeDeleted?: boolean }): Promise<StackListEntry[]>;
  /** The original template body (GetTemplate). */
  getTemplateBody(stackIdOrName: string): Promise<string>;
  getTemplateSummary(input: { templateUrl: string }): Promise<TemplateSummary>;
  createChangeSet(input: CreateChangeSetInput): Promise<{ changeSetId: string; stackId: string }>;
  /** All pages of changes merged. */
  describeChangeSet(input: { stackName: string; changeSetName: string }): Promise<ChangeSetSummary>;
  executeChangeSet(input: { stackName: string; changeSetName: string; clientRequestToken?: string }): Promise<void>;
  deleteChangeSet(input: { stackName: string; changeSetName: string }): Promise<void>;
  /** Every change set of the stack (ListChangeSets, all pages), summaries only. */
  listChangeSets(stackIdOrName: string): Promise<ChangeSetListEntry[]>;
  /** Throws PantherctlError code `no-updates` when there is nothing to do (callers: success). */
  updateStack(input: UpdateStackInput): Promise<{ stackId: string }>;
  createStack(input: CreateStackInput): Promise<{ stackId: string }>;
  deleteStack(input: { stackName: string; roleArn?: string; clientRequestToken?: string }): Promise<void>;
  /**
   * Events newest first, paginating only until a stop condition (sinceEventId, since, limit, stopAt)
   * is met; without one, every event of the stack.
   */
  describeEvents(stackIdOrName: string, options?: DescribeEventsOptions): Promise<StackEvent[]>;
  /** Exactly one DescribeStackEvents page (newest first); `nextToken` continues to older events. */
  describeEventsPage(stackIdOrName: string, options?: SingleCallOptions & { nextToken?: string }): Promise<StackEventsPage>;
  listStackResources(stackIdOrName: string): Promise<StackResource[]>;
  continueUpdateRollback(input: ContinueUpdateRollbackInput): Promise<void>;
  cancelUpdateStack(input: { stackName: string; clientRequestToken?: string }): Promise<void>;
  /** UpdateTerminationProtection on a root stack (its nested stacks follow). */
  updateTerminationProtection(input: { stackName: string; enable: boolean }): Promise<void>;
  detectStackDrift(stackName: string): Promise<string>;
  driftDetectionStatus(detectionId: string): Promise<DriftDetectionStatus>;
  /** Every page of the stack's latest detection results with these statuses (MODIFIED, DELETED, ...). */
  resourceDrifts(stackName: string, statuses: readonly string[]): Promise<ResourceDrift[]>;
  /** The stack policy (GetStackPolicy); undefined when none was set. */
  getStackPolicy(stackName: string): Promise<string | undefined>;
}

// ---------------------------------------------------------------------------------------------
// CodeBuild

export interface BuildPhase {
  type: string;
  status?: string;
  startTime?: Date;
  endTime?: Date;
  durationSeconds?: number;
  message?: string;
}

export interface BuildInfo {
  id: string;
  projectName?: string;
  buildNumber?: number;
  /** IN_PROGRESS | SUCCEEDED | FAILED | FAULT | TIMED_OUT | STOPPED */
  status: string;
  currentPhase?: string;
  phases: BuildPhase[];
  startTime?: Date;
  endTime?: Date;
  /**
   * Where the build logs (BatchGetBuilds `logs`): group and stream once the stream exists
   * (CodeBuild creates it in PROVISIONING; before, only a link with nulls in it).
   */
  logs?: BuildLogs;
}

export interface BuildLogs {
  /** `/aws/codebuild/<project>` by default. */
  groupName?: string;
  /** A UUID: the build id's second part. */
  streamName?: string;
  /** The CloudWatch console link to the stream. */
  deepLink?: string;
}

export interface CodeBuildGateway {
  projectExists(project: string): Promise<boolean>;
  /** Returns the build id. */
  startBuild(project: string, options?: { idempotencyToken?: string }): Promise<string>;
  /** Throws PantherctlError `build-not-found` when CodeBuild does not know the id. */
  getBuild(id: string): Promise<BuildInfo>;
  /** The most recent build of the project, or undefined when it never ran. */
  lastBuild(project: string): Promise<BuildInfo | undefined>;
}

// ---------------------------------------------------------------------------------------------
// S3 templates and identity

export interface FetchedTemplate {
  url: string;
  body: string;
  /** Hex SHA-256 of the exact bytes, recorded in plans and journals. */
  sha256: string;
}

export interface TemplateFetcher {
  /** Throws PantherctlError `template-not-found` for a missing object or bucket. */
  fetchTemplate(url: string): Promise<FetchedTemplate>;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId?: string;
}

export interface IdentityGateway {
  getCallerIdentity(): Promise<CallerIdentity>;
}

/** Everything the executor needs, built by `createAwsGateways` (src/deployments/aws/gateways.ts). */
export interface AwsGateways {
  cloudFormation: CloudFormationGateway;
  codeBuild: CodeBuildGateway;
  templates: TemplateFetcher;
  identity: IdentityGateway;
  lambda: LambdaGateway;
  connection: ConnectionOptions;
}

/** Lambda's concurrency figures of the account and region (GetAccountSettings' AccountLimit). */
export interface LambdaAccountSettings {
  /** The regional quota: ConcurrentExecutions. */
  concurrentExecutions: number;
  /** What no function reserves: UnreservedConcurrentExecutions. */
  unreservedConcurrentExecutions: number;
}

export interface LambdaGateway {
  getAccountSettings(): Promise<LambdaAccountSettings>;
}

/** DescribeStackDriftDetectionStatus, as the drift check reads it. */
export interface DriftDetectionStatus {
  /** DETECTION_IN_PROGRESS, DETECTION_FAILED or DETECTION_COMPLETE. */
  status: string;
  /** DRIFTED, IN_SYNC, UNKNOWN or NOT_CHECKED. */
  driftStatus?: string;
  reason?: string;
  driftedCount?: number;
}

/** One StackResourceDrift: a resource's state against its template. */
export interface ResourceDrift {
  stackId: string;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  /** IN_SYNC, MODIFIED, DELETED, NOT_CHECKED, UNKNOWN, UNSUPPORTED. */
  status: string;
  differences: { path: string; expected: string; actual: string; type: string }[];
}
