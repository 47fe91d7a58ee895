/**
 * The CloudFormation API over the AWS SDK: one SDK command per call, SDK shapes mapped to
 * plain data. Retries, classification and paging are the gateway's (cloudformation-gateway.ts).
 * This module loads the SDK's CloudFormation client: only `createAwsGateways` imports it, on
 * the first CloudFormation call, so commands that never call CloudFormation never load it.
 */
import {
  CancelUpdateStackCommand,
  UpdateTerminationProtectionCommand,
  DetectStackDriftCommand,
  GetStackPolicyCommand,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  type StackResourceDriftStatus,
  CloudFormationClient,
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
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  StackStatus,
  UpdateStackCommand,
  type Capability,
  type Parameter,
  type Stack,
  type StackEvent as SdkStackEvent,
  type Tag,
} from '@aws-sdk/client-cloudformation';
import {
  PANTHER_CAPABILITIES,
  type ChangeSetListEntry,
  type ChangeSetSummary,
  type CloudFormationCalls,
  type ContinueUpdateRollbackInput,
  type CreateChangeSetInput,
  type CreateStackInput,
  type Page,
  type ParameterValue,
  type ResourceChange,
  type StackEvent,
  type StackEventsPage,
  type StackListEntry,
  type StackResource,
  type StackSummary,
  type TemplateSummary,
  type UpdateStackInput,
  type DriftDetectionStatus,
  type ResourceDrift,
} from '../types.js';

export { CloudFormationClient };

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
    ...optional('terminationProtection', s.EnableTerminationProtection),
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

export class SdkCloudFormationCalls implements CloudFormationCalls {
  constructor(private readonly client: CloudFormationClient) {}

  async describeStacks(input: { stackName: string }): Promise<StackSummary | undefined> {
    const out = await this.client.send(new DescribeStacksCommand({ StackName: input.stackName }));
    const stack = out.Stacks?.[0];
    return stack ? toStackSummary(stack) : undefined;
  }

  async listStacks(input: { includeDeleted: boolean; nextToken?: string }): Promise<Page<StackListEntry>> {
    const page = await this.client.send(
      new ListStacksCommand({ ...optional('NextToken', input.nextToken), ...(input.includeDeleted ? {} : { StackStatusFilter: LIVE_STATUSES }) }),
    );
    return {
      items: (page.StackSummaries ?? []).map((s) => ({
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
      })),
      ...optional('nextToken', page.NextToken),
    };
  }

  async getTemplate(input: { stackName: string }): Promise<string> {
    const out = await this.client.send(new GetTemplateCommand({ StackName: input.stackName, TemplateStage: 'Original' }));
    return out.TemplateBody ?? '';
  }

  async getTemplateSummary(input: { templateUrl: string }): Promise<TemplateSummary> {
    const out = await this.client.send(new GetTemplateSummaryCommand({ TemplateURL: input.templateUrl }));
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
    const out = await this.client.send(
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
    );
    return { changeSetId: out.Id ?? '', stackId: out.StackId ?? '' };
  }

  async describeChangeSet(input: { stackName: string; changeSetName: string; nextToken?: string }): Promise<ChangeSetSummary & { nextToken?: string }> {
    const page = await this.client.send(
      new DescribeChangeSetCommand({ StackName: input.stackName, ChangeSetName: input.changeSetName, ...optional('NextToken', input.nextToken) }),
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
    return {
      changeSetId: page.ChangeSetId ?? '',
      changeSetName: page.ChangeSetName ?? input.changeSetName,
      stackId: page.StackId ?? '',
      status: page.Status ?? 'UNKNOWN',
      ...optional('executionStatus', page.ExecutionStatus),
      ...optional('statusReason', page.StatusReason),
      changes,
      parameters: (page.Parameters ?? []).map((p) => ({ key: p.ParameterKey ?? '', value: p.ParameterValue ?? '' })),
      tags: tagRecord(page.Tags),
      ...optional('nextToken', page.NextToken),
    };
  }

  async executeChangeSet(input: { stackName: string; changeSetName: string; clientRequestToken?: string }): Promise<void> {
    await this.client.send(
      new ExecuteChangeSetCommand({
        StackName: input.stackName,
        ChangeSetName: input.changeSetName,
        ...optional('ClientRequestToken', input.clientRequestToken),
      }),
    );
  }

  async deleteChangeSet(input: { stackName: string; changeSetName: string }): Promise<void> {
    await this.client.send(new DeleteChangeSetCommand({ StackName: input.stackName, ChangeSetName: input.changeSetName }));
  }

  async updateStack(input: UpdateStackInput): Promise<{ stackId: string }> {
    const out = await this.client.send(
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
    );
    return { stackId: out.StackId ?? '' };
  }

  async createStack(input: CreateStackInput): Promise<{ stackId: string }> {
    const out = await this.client.send(
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
    );
    return { stackId: out.StackId ?? '' };
  }

  async deleteStack(input: { stackName: string; roleArn?: string; clientRequestToken?: string }): Promise<void> {
    await this.client.send(
      new DeleteStackCommand({
        StackName: input.stackName,
        ...optional('RoleARN', input.roleArn),
        ...optional('ClientRequestToken', input.clientRequestToken),
      }),
    );
  }

  async describeStackEvents(input: { stackName: string; nextToken?: string }): Promise<StackEventsPage> {
    const page = await this.client.send(new DescribeStackEventsCommand({ StackName: input.stackName, ...optional('NextToken', input.nextToken) }));
    return { events: (page.StackEvents ?? []).map(toStackEvent), ...optional('nextToken', page.NextToken) };
  }

  async listChangeSets(input: { stackName: string; nextToken?: string }): Promise<Page<ChangeSetListEntry>> {
    const page = await this.client.send(new ListChangeSetsCommand({ StackName: input.stackName, ...optional('NextToken', input.nextToken) }));
    return {
      items: (page.Summaries ?? []).map((c) => ({
        changeSetId: c.ChangeSetId ?? '',
        changeSetName: c.ChangeSetName ?? '',
        stackId: c.StackId ?? '',
        status: c.Status ?? '',
        ...optional('executionStatus', c.ExecutionStatus),
        ...optional('statusReason', c.StatusReason),
        ...optional('creationTime', c.CreationTime),
        ...optional('description', c.Description),
      })),
      ...optional('nextToken', page.NextToken),
    };
  }

  async listStackResources(input: { stackName: string; nextToken?: string }): Promise<Page<StackResource>> {
    const page = await this.client.send(new ListStackResourcesCommand({ StackName: input.stackName, ...optional('NextToken', input.nextToken) }));
    return {
      items: (page.StackResourceSummaries ?? []).map((r) => ({
        logicalId: r.LogicalResourceId ?? '',
        ...optional('physicalId', r.PhysicalResourceId || undefined),
        resourceType: r.ResourceType ?? '',
        status: r.ResourceStatus ?? '',
        ...optional('reason', r.ResourceStatusReason),
        ...optional('lastUpdatedTime', r.LastUpdatedTimestamp),
      })),
      ...optional('nextToken', page.NextToken),
    };
  }

  async continueUpdateRollback(input: ContinueUpdateRollbackInput): Promise<void> {
    await this.client.send(
      new ContinueUpdateRollbackCommand({
        StackName: input.stackName,
        ...(input.resourcesToSkip && input.resourcesToSkip.length > 0 ? { ResourcesToSkip: input.resourcesToSkip } : {}),
        ...optional('RoleARN', input.roleArn),
        ...optional('ClientRequestToken', input.clientRequestToken),
      }),
    );
  }

  async cancelUpdateStack(input: { stackName: string; clientRequestToken?: string }): Promise<void> {
    await this.client.send(new CancelUpdateStackCommand({ StackName: input.stackName, ...optional('ClientRequestToken', input.clientRequestToken) }));
  }

  async updateTerminationProtection(input: { stackName: string; enable: boolean }): Promise<void> {
    await this.client.send(new UpdateTerminationProtectionCommand({ StackName: input.stackName, EnableTerminationProtection: input.enable }));
  }

  async getStackPolicy(input: { stackName: string }): Promise<string | undefined> {
    const out = await this.client.send(new GetStackPolicyCommand({ StackName: input.stackName }));
    return out.StackPolicyBody || undefined;
  }

  async detectStackDrift(input: { stackName: string }): Promise<string> {
    const out = await this.client.send(new DetectStackDriftCommand({ StackName: input.stackName }));
    return out.StackDriftDetectionId ?? '';
  }

  async describeStackDriftDetectionStatus(input: { detectionId: string }): Promise<DriftDetectionStatus> {
    const out = await this.client.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: input.detectionId }));
    return {
      status: out.DetectionStatus ?? 'DETECTION_IN_PROGRESS',
      ...optional('driftStatus', out.StackDriftStatus),
      ...optional('reason', out.DetectionStatusReason),
      ...optional('driftedCount', out.DriftedStackResourceCount),
    };
  }

  async describeStackResourceDrifts(input: { stackName: string; statuses: readonly string[]; nextToken?: string }): Promise<Page<ResourceDrift>> {
    const out = await this.client.send(
      new DescribeStackResourceDriftsCommand({
        StackName: input.stackName,
        ...(input.statuses.length ? { StackResourceDriftStatusFilters: input.statuses as StackResourceDriftStatus[] } : {}),
        MaxResults: 100,
        ...optional('NextToken', input.nextToken),
      }),
    );
    return {
      items: (out.StackResourceDrifts ?? []).map((d) => ({
        stackId: d.StackId ?? '',
        logicalId: d.LogicalResourceId ?? '',
        ...optional('physicalId', d.PhysicalResourceId || undefined),
        resourceType: d.ResourceType ?? '',
        status: d.StackResourceDriftStatus ?? 'UNKNOWN',
        differences: (d.PropertyDifferences ?? []).map((x) => ({ path: x.PropertyPath ?? '', expected: x.ExpectedValue ?? '', actual: x.ActualValue ?? '', type: x.DifferenceType ?? '' })),
      })),
      ...optional('nextToken', out.NextToken),
    };
  }
}
