/**
 * The CloudFormation gateway: plain data in and out, every call retried (throttled/transient
 * only) and every failure classified once (errors.ts), lists read page by page. It runs over
 * any `CloudFormationCalls` (one request per call): the SDK's (sdk/cloudformation.ts) and the
 * in-memory fake's alike, so the paging, retrying and classifying code is the same for both
 * and one contract suite (test-support/gateway-contract.ts) checks them together.
 * No runtime dependency on the AWS SDK: the SDK side is loaded on the first call.
 */
import { awsErrorCode } from './errors.js';
import { gatewayCall } from './gateway-call.js';
import type {
  ChangeSetListEntry,
  ChangeSetSummary,
  CloudFormationCalls,
  CloudFormationGateway,
  ContinueUpdateRollbackInput,
  CreateChangeSetInput,
  CreateStackInput,
  DescribeEventsOptions,
  DriftDetectionStatus,
  ResourceDrift,
  GatewayOptions,
  Page,
  SingleCallOptions,
  StackEvent,
  StackEventsPage,
  StackListEntry,
  StackResource,
  StackSummary,
  TemplateSummary,
  UpdateStackInput,
} from './types.js';

/** The calls themselves, or how to load them on first use (the SDK client is built then). */
export type CloudFormationCallsSource = CloudFormationCalls | (() => Promise<CloudFormationCalls>);

export class PagedCloudFormationGateway implements CloudFormationGateway {
  private loaded: Promise<CloudFormationCalls> | undefined;

  constructor(
    private readonly source: CloudFormationCallsSource,
    private readonly options: GatewayOptions = {},
  ) {}

  private api(): Promise<CloudFormationCalls> {
    const source = this.source;
    this.loaded ??= typeof source === 'function' ? source() : Promise.resolve(source);
    return this.loaded;
  }

  /**
   * One AWS call through withRetry and classification. Loading the SDK happens before, outside
   * the retry: a failure to load is a bug to surface as it is, not an AWS error.
   */
  private async call<T>(operation: string, stack: string | undefined, fn: (api: CloudFormationCalls) => Promise<T>, once = false): Promise<T> {
    const api = await this.api();
    return gatewayCall(this.options, () => fn(api), { operation: `CloudFormation.${operation}`, ...(stack ? { stack } : {}) }, once ? 1 : undefined);
  }

  /** Every page of a list call, in order. */
  private async all<T>(operation: string, stack: string | undefined, page: (api: CloudFormationCalls, nextToken: string | undefined) => Promise<Page<T>>): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    do {
      const current = token;
      const p = await this.call(operation, stack, (api) => page(api, current));
      out.push(...p.items);
      token = p.nextToken;
    } while (token);
    return out;
  }

  async describeStack(stackIdOrName: string, options: SingleCallOptions = {}): Promise<StackSummary | undefined> {
    try {
      return await this.call('DescribeStacks', stackIdOrName, (api) => api.describeStacks({ stackName: stackIdOrName }), options.retry === false);
    } catch (err) {
      if (awsErrorCode(err) === 'stack-not-found') return undefined;
      throw err;
    }
  }

  listStacks(options: { includeDeleted?: boolean } = {}): Promise<StackListEntry[]> {
    const includeDeleted = Boolean(options.includeDeleted);
    return this.all('ListStacks', undefined, (api, nextToken) => api.listStacks({ includeDeleted, ...(nextToken ? { nextToken } : {}) }));
  }

  getTemplateBody(stackIdOrName: string): Promise<string> {
    return this.call('GetTemplate', stackIdOrName, (api) => api.getTemplate({ stackName: stackIdOrName }));
  }

  getTemplateSummary(input: { templateUrl: string }): Promise<TemplateSummary> {
    return this.call('GetTemplateSummary', undefined, (api) => api.getTemplateSummary(input));
  }

  createChangeSet(input: CreateChangeSetInput): Promise<{ changeSetId: string; stackId: string }> {
    return this.call('CreateChangeSet', input.stackName, (api) => api.createChangeSet(input));
  }

  async describeChangeSet(input: { stackName: string; changeSetName: string }): Promise<ChangeSetSummary> {
    let token: string | undefined;
    let summary: ChangeSetSummary | undefined;
    do {
      const current = token;
      const { nextToken, ...page } = await this.call('DescribeChangeSet', input.stackName, (api) =>
        api.describeChangeSet({ ...input, ...(current ? { nextToken: current } : {}) }),
      );
      if (summary) summary.changes.push(...page.changes);
      else summary = page;
      token = nextToken;
    } while (token);
    return summary;
  }

  async executeChangeSet(input: { stackName: string; changeSetName: string; clientRequestToken?: string }): Promise<void> {
    await this.call('ExecuteChangeSet', input.stackName, (api) => api.executeChangeSet(input));
  }

  async deleteChangeSet(input: { stackName: string; changeSetName: string }): Promise<void> {
    await this.call('DeleteChangeSet', input.stackName, (api) => api.deleteChangeSet(input));
  }

  listChangeSets(stackIdOrName: string): Promise<ChangeSetListEntry[]> {
    return this.all('ListChangeSets', stackIdOrName, (api, nextToken) => api.listChangeSets({ stackName: stackIdOrName, ...(nextToken ? { nextToken } : {}) }));
  }

  updateStack(input: UpdateStackInput): Promise<{ stackId: string }> {
    return this.call('UpdateStack', input.stackName, (api) => api.updateStack(input));
  }

  createStack(input: CreateStackInput): Promise<{ stackId: string }> {
    return this.call('CreateStack', input.stackName, (api) => api.createStack(input));
  }

  async deleteStack(input: { stackName: string; roleArn?: string; clientRequestToken?: string }): Promise<void> {
    await this.call('DeleteStack', input.stackName, (api) => api.deleteStack(input));
  }

  async describeEvents(stackIdOrName: string, options: DescribeEventsOptions = {}): Promise<StackEvent[]> {
    const out: StackEvent[] = [];
    let token: string | undefined;
    do {
      const page = await this.describeEventsPage(stackIdOrName, token === undefined ? {} : { nextToken: token });
      for (const event of page.events) {
        // Pages come newest first: the first known or too old event ends the walk.
        if (options.sinceEventId !== undefined && event.eventId === options.sinceEventId) return out;
        if (options.since !== undefined && event.time.getTime() < options.since.getTime()) return out;
        out.push(event);
        if (options.limit !== undefined && out.length >= options.limit) return out;
        if (options.stopAt?.(event)) return out;
      }
      token = page.nextToken;
    } while (token);
    return out;
  }

  describeEventsPage(stackIdOrName: string, options: SingleCallOptions & { nextToken?: string } = {}): Promise<StackEventsPage> {
    const { nextToken } = options;
    return this.call(
      'DescribeStackEvents',
      stackIdOrName,
      (api) => api.describeStackEvents({ stackName: stackIdOrName, ...(nextToken === undefined ? {} : { nextToken }) }),
      options.retry === false,
    );
  }

  listStackResources(stackIdOrName: string): Promise<StackResource[]> {
    return this.all('ListStackResources', stackIdOrName, (api, nextToken) => api.listStackResources({ stackName: stackIdOrName, ...(nextToken ? { nextToken } : {}) }));
  }

  async continueUpdateRollback(input: ContinueUpdateRollbackInput): Promise<void> {
    await this.call('ContinueUpdateRollback', input.stackName, (api) => api.continueUpdateRollback(input));
  }

  async cancelUpdateStack(input: { stackName: string; clientRequestToken?: string }): Promise<void> {
    await this.call('CancelUpdateStack', input.stackName, (api) => api.cancelUpdateStack(input));
  }

  async updateTerminationProtection(input: { stackName: string; enable: boolean }): Promise<void> {
    await this.call('UpdateTerminationProtection', input.stackName, (api) => api.updateTerminationProtection(input));
  }

  detectStackDrift(stackName: string): Promise<string> {
    return this.call('DetectStackDrift', stackName, (api) => api.detectStackDrift({ stackName }));
  }

  driftDetectionStatus(detectionId: string): Promise<DriftDetectionStatus> {
    return this.call('DescribeStackDriftDetectionStatus', undefined, (api) => api.describeStackDriftDetectionStatus({ detectionId }));
  }

  resourceDrifts(stackName: string, statuses: readonly string[]): Promise<ResourceDrift[]> {
    return this.all('DescribeStackResourceDrifts', stackName, (api, nextToken) => api.describeStackResourceDrifts({ stackName, statuses, ...(nextToken ? { nextToken } : {}) }));
  }

  getStackPolicy(stackName: string): Promise<string | undefined> {
    return this.call('GetStackPolicy', stackName, (api) => api.getStackPolicy({ stackName }));
  }
}
