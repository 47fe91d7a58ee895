/**
 * A thin gateway over the CloudFormation SDK client: plain data in and out, every call
 * retried (throttled/transient only) and every failure classified once (errors.ts).
 */
import {
  CancelUpdateStackCommand,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  GetTemplateSummaryCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  StackStatus,
  UpdateStackCommand,
  type Capability,
  type CloudFormationClient,
  type Parameter,
  type Stack,
  type StackEvent as SdkStackEvent,
  type Tag,
} from '@aws-sdk/client-cloudformation';
import { awsErrorCode } from './errors.js';
import { gatewayCall } from './gateway-call.js';
import {
  PANTHER_CAPABILITIES,
  type ChangeSetSummary,
  type CloudFormationGateway,
  type ContinueUpdateRollbackInput,
  type CreateChangeSetInput,
  type CreateStackInput,
  type DescribeEventsOptions,
  type GatewayOptions,
  type ParameterValue,
  type SingleCallOptions,
  type ResourceChange,
  type StackEvent,
  type StackEventsPage,
  type StackListEntry,
  type StackResource,
  type StackSummary,
  type TemplateSummary,
  type UpdateStackInput,
} from './types.js';

/** Every status but DELETE_COMPLETE: ListStacks without deleted stacks, filtered server-side. */
const LIVE_STATUSES = Object.values(StackStatus).filter((s) => s !== StackStatus.DELETE_COMPLETE);

function toSdkParameters(params: ParameterValue[]): Parameter[] {
  return params.map((p) =>
    p.usePreviousValue ? { ParameterKey: p.key, UsePreviousValue: true } : { ParameterKey: p.key, ParameterValue: p.value ?? '' },
  );
}

function toSdkTags(tags: Record<string, string> | undefined): Tag[] | undefined {
  return tags ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : undefined;
}

function capabilities(caps: readonly string[] | undefined): Capability[] {
  return [...(caps ?? PANTHER_CAPABILITIES)] as Capability[];
}

function tagRecord(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

function optional<K extends string, V>(key: K, value: V | undefined | null): Partial<Record<K, V>> {
  return value === undefined || value === null ? {} : ({ [key]: value } as Record<K, V>);
}

export function toStackSummary(s: Stack): StackSummary {
  const outputs: Record<string, string> = {};
  for (const o of s.Outputs ?? []) if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue ?? '';
  return {
    stackId: s.StackId ?? '',
    name: s.StackName ?? '',
    status: s.StackStatus ?? 'UNKNOWN',
    ...optional('statusReason', s.StackStatusReason),
    parameters: (s.Parameters ?? []).map((p) => ({
      key: p.ParameterKey ?? '',
      value: p.ParameterValue ?? '',
      ...optional('resolvedValue', p.ResolvedValue),
    })),
    tags: tagRecord(s.Tags),
    outputs,
    ...optional('roleArn', s.RoleARN),
    ...optional('parentId', s.ParentId),
    ...optional('rootId', s.RootId),
    creationTime: s.CreationTime ?? new Date(0),
    ...optional('lastUpdatedTime', s.LastUpdatedTime),
    ...optional('deletionTime', s.DeletionTime),
    ...optional('description', s.Description),
  };
}

export function toStackEvent(e: SdkStackEvent): StackEvent {
  return {
    eventId: e.EventId ?? '',
    stackId: e.StackId ?? '',
    stackName: e.StackName ?? '',
    logicalId: e.LogicalResourceId ?? '',
    ...optional('physicalId', e.PhysicalResourceId || undefined),
    resourceType: e.ResourceType ?? '',
    status: e.ResourceStatus ?? '',
    ...optional('reason', e.ResourceStatusReason),
    time: e.Timestamp ?? new Date(0),
    ...optional('clientRequestToken', e.ClientRequestToken),
  };
}

export class SdkCloudFormationGateway implements CloudFormationGateway {
  constructor(
    private readonly client: CloudFormationClient,
    private readonly options: GatewayOptions = {},
  ) {}

  private call<T>(operation: string, stack: string | undefined, fn: () => Promise<T>, once = false): Promise<T> {
    return gatewayCall(this.options, fn, { operation: `CloudFormation.${operation}`, ...(stack ? { stack } : {}) }, once ? 1 : undefined);
  }


  async describeStack(stackIdOrName: string, options: SingleCallOptions = {}): Promise<StackSummary | undefined> {
    try {
      const out = await this.call(
        'DescribeStacks',
        stackIdOrName,
        () => this.client.send(new DescribeStacksCommand({ StackName: stackIdOrName })),
        options.retry === false,
      );
      const stack = out.Stacks?.[0];
      return stack ? toStackSummary(stack) : undefined;
    } catch (err) {
      if (awsErrorCode(err) === 'stack-not-found') return undefined;
      throw err;
    }
  }

  async listStacks(options: { includeDeleted?: boolean } = {}): Promise<StackListEntry[]> {
    const out: StackListEntry[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('ListStacks', undefined, () =>
        this.client.send(
          new ListStacksCommand({ ...(token ? { NextToken: token } : {}), ...(options.includeDeleted ? {} : { StackStatusFilter: LIVE_STATUSES }) }),
        ),
      );
      for (const s of page.StackSummaries ?? []) {
        out.push({
          stackId: s.StackId ?? '',
          name: s.StackName ?? '',
          status: s.StackStatus ?? 'UNKNOWN',
          ...optional('statusReason', s.StackStatusReason),
          ...optional('parentId', s.ParentId),
          ...optional('rootId', s.RootId),
          creationTime: s.CreationTime ?? new Date(0),
          ...optional('lastUpdatedTime', s.LastUpdatedTime),
          ...optional('deletionTime', s.DeletionTime),
          ...optional('templateDescription', s.TemplateDescription),
        });
      }
      token = page.NextToken;
    } while (token);
    return out;
  }

  async getTemplateBody(stackIdOrName: string): Promise<string> {
    const out = await this.call('GetTemplate', stackIdOrName, () =>
      this.client.send(new GetTemplateCommand({ StackName: stackIdOrName, TemplateStage: 'Original' })),
    );
    return out.TemplateBody ?? '';
  }

  async getTemplateSummary(input: { templateUrl: string }): Promise<TemplateSummary> {
    const out = await this.call('GetTemplateSummary', undefined, () =>
      this.client.send(new GetTemplateSummaryCommand({ TemplateURL: input.templateUrl })),
    );
    return {
      parameters: (out.Parameters ?? []).map((p) => ({
        key: p.ParameterKey ?? '',
        ...optional('defaultValue', p.DefaultValue),
        noEcho: Boolean(p.NoEcho),
        ...optional('allowedValues', p.ParameterConstraints?.AllowedValues),
        ...optional('description', p.Description),
        ...optional('type', p.ParameterType),
      })),
      capabilities: out.Capabilities ?? [],
      ...optional('description', out.Description),
      ...optional('metadata', out.Metadata),
    };
  }

  async createChangeSet(input: CreateChangeSetInput): Promise<{ changeSetId: string; stackId: string }> {
    const out = await this.call('CreateChangeSet', input.stackName, () =>
      this.client.send(
        new CreateChangeSetCommand({
          StackName: input.stackName,
          ChangeSetName: input.changeSetName,
          ...optional('TemplateURL', input.templateUrl),
          ...(input.usePreviousTemplate ? { UsePreviousTemplate: true } : {}),
          Parameters: toSdkParameters(input.parameters),
          ...optional('Tags', toSdkTags(input.tags)),
          ...optional('RoleARN', input.roleArn),
          Capabilities: capabilities(input.capabilities),
          ...optional('ClientToken', input.clientToken),
          ChangeSetType: input.changeSetType ?? 'UPDATE',
          ...optional('Description', input.description),
          ...(input.includeNestedStacks ? { IncludeNestedStacks: true } : {}),
        }),
      ),
    );
    return { changeSetId: out.Id ?? '', stackId: out.StackId ?? '' };
  }

  async describeChangeSet(input: { stackName: string; changeSetName: string }): Promise<ChangeSetSummary> {
    let token: string | undefined;
    let summary: ChangeSetSummary | undefined;
    do {
      const page = await this.call('DescribeChangeSet', input.stackName, () =>
        this.client.send(
          new DescribeChangeSetCommand({ StackName: input.stackName, ChangeSetName: input.changeSetName, ...optional('NextToken', token) }),
        ),
      );
      const changes: ResourceChange[] = (page.Changes ?? []).flatMap((c) => {
        const r = c.ResourceChange;
        if (!r) return [];
        return [
          {
            action: r.Action ?? '',
            logicalId: r.LogicalResourceId ?? '',
            ...optional('physicalId', r.PhysicalResourceId),
            resourceType: r.ResourceType ?? '',
            ...optional('replacement', r.Replacement),
            ...optional('scope', r.Scope),
            ...optional('changeSetId', r.ChangeSetId),
          },
        ];
      });
      if (!summary) {
        summary = {
          changeSetId: page.ChangeSetId ?? '',
          changeSetName: page.ChangeSetName ?? input.changeSetName,
          stackId: page.StackId ?? '',
          status: page.Status ?? 'UNKNOWN',
          ...optional('executionStatus', page.ExecutionStatus),
          ...optional('statusReason', page.StatusReason),
          changes,
          parameters: (page.Parameters ?? []).map((p) => ({ key: p.ParameterKey ?? '', value: p.ParameterValue ?? '' })),
          tags: tagRecord(page.Tags),
        };
      } else {
        summary.changes.push(...changes);
      }
      token = page.NextToken;
    } while (token);
    return summary;
  }

  async executeChangeSet(input: { stackName: string; changeSetName: string; clientRequestToken?: string }): Promise<void> {
    await this.call('ExecuteChangeSet', input.stackName, () =>
      this.client.send(
        new ExecuteChangeSetCommand({
          StackName: input.stackName,
          ChangeSetName: input.changeSetName,
          ...optional('ClientRequestToken', input.clientRequestToken),
        }),
      ),
    );
  }

  async deleteChangeSet(input: { stackName: string; changeSetName: string }): Promise<void> {
    await this.call('DeleteChangeSet', input.stackName, () =>
      this.client.send(new DeleteChangeSetCommand({ StackName: input.stackName, ChangeSetName: input.changeSetName })),
    );
  }

  async updateStack(input: UpdateStackInput): Promise<{ stackId: string }> {
    const out = await this.call('UpdateStack', input.stackName, () =>
      this.client.send(
        new UpdateStackCommand({
          StackName: input.stackName,
          ...optional('TemplateURL', input.templateUrl),
          ...(input.usePreviousTemplate ? { UsePreviousTemplate: true } : {}),
          Parameters: toSdkParameters(input.parameters),
          Capabilities: capabilities(input.capabilities),
          ...optional('RoleARN', input.roleArn),
          ...optional('Tags', toSdkTags(input.tags)),
          ...optional('ClientRequestToken', input.clientRequestToken),
        }),
      ),
    );
    return { stackId: out.StackId ?? '' };
  }

  async createStack(input: CreateStackInput): Promise<{ stackId: string }> {
    const out = await this.call('CreateStack', input.stackName, () =>
      this.client.send(
        new CreateStackCommand({
          StackName: input.stackName,
          TemplateURL: input.templateUrl,
          Parameters: toSdkParameters(input.parameters),
          Capabilities: capabilities(input.capabilities),
          ...optional('RoleARN', input.roleArn),
          ...optional('Tags', toSdkTags(input.tags)),
          ...optional('ClientRequestToken', input.clientRequestToken),
          ...(input.disableRollback ? { DisableRollback: true } : {}),
        }),
      ),
    );
    return { stackId: out.StackId ?? '' };
  }

  async deleteStack(input: { stackName: string; roleArn?: string; clientRequestToken?: string }): Promise<void> {
    await this.call('DeleteStack', input.stackName, () =>
      this.client.send(
        new DeleteStackCommand({
          StackName: input.stackName,
          ...optional('RoleARN', input.roleArn),
          ...optional('ClientRequestToken', input.clientRequestToken),
        }),
      ),
    );
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

  async describeEventsPage(stackIdOrName: string, options: SingleCallOptions & { nextToken?: string } = {}): Promise<StackEventsPage> {
    const page = await this.call(
      'DescribeStackEvents',
      stackIdOrName,
      () => this.client.send(new DescribeStackEventsCommand({ StackName: stackIdOrName, ...optional('NextToken', options.nextToken) })),
      options.retry === false,
    );
    return { events: (page.StackEvents ?? []).map(toStackEvent), ...optional('nextToken', page.NextToken) };
  }

  async listStackResources(stackIdOrName: string): Promise<StackResource[]> {
    const out: StackResource[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('ListStackResources', stackIdOrName, () =>
        this.client.send(new ListStackResourcesCommand({ StackName: stackIdOrName, ...optional('NextToken', token) })),
      );
      for (const r of page.StackResourceSummaries ?? []) {
        out.push({
          logicalId: r.LogicalResourceId ?? '',
          ...optional('physicalId', r.PhysicalResourceId || undefined),
          resourceType: r.ResourceType ?? '',
          status: r.ResourceStatus ?? '',
          ...optional('reason', r.ResourceStatusReason),
          ...optional('lastUpdatedTime', r.LastUpdatedTimestamp),
        });
      }
      token = page.NextToken;
    } while (token);
    return out;
  }

  async continueUpdateRollback(input: ContinueUpdateRollbackInput): Promise<void> {
    await this.call('ContinueUpdateRollback', input.stackName, () =>
      this.client.send(
        new ContinueUpdateRollbackCommand({
          StackName: input.stackName,
          ...(input.resourcesToSkip && input.resourcesToSkip.length > 0 ? { ResourcesToSkip: input.resourcesToSkip } : {}),
          ...optional('RoleARN', input.roleArn),
          ...optional('ClientRequestToken', input.clientRequestToken),
        }),
      ),
    );
  }

  async cancelUpdateStack(input: { stackName: string; clientRequestToken?: string }): Promise<void> {
    await this.call('CancelUpdateStack', input.stackName, () =>
      this.client.send(new CancelUpdateStackCommand({ StackName: input.stackName, ...optional('ClientRequestToken', input.clientRequestToken) })),
    );
  }
}
