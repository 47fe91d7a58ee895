import { el, escapeXml, isoTime, members, stringMembers } from '../xml.js';
import type { ChangeSet, Stack, StackEvent, StackResource } from './model.js';
import type { ResourceDrift } from './drift.js';
import { parseTemplate, type ParamDecl, type ParsedTemplate } from './template.js';

/** CloudFormation's XML shapes, member order as AWS sends them. */
export function parametersXml(values: Record<string, string>, template: ParsedTemplate): string {
  const items: string[] = [];
  for (const decl of template.parameters) {
    const v = values[decl.name];
    if (v === undefined) continue;
    items.push(el('ParameterKey', decl.name) + el('ParameterValue', decl.noEcho ? '****' : v));
  }
  return members('Parameters', items);
}

function tagsXml(tags: Stack['tags']): string {
  return members('Tags', tags.map((t) => el('Key', t.Key) + el('Value', t.Value)));
}

/** A time member AWS omits until it is set. */
function optionalTimeEl(name: string, ms: number | undefined): string {
  return ms !== undefined ? el(name, isoTime(ms)) : '';
}

const ROLLBACK_CONFIGURATION = '<RollbackConfiguration><RollbackTriggers/></RollbackConfiguration>';
const STACK_DRIFT = '<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus></DriftInformation>';

// The members a stack and its summary share, each run in the same order in both.
const stackIdsXml = (s: Stack): string => el('StackId', s.stackId) + el('StackName', s.stackName);
const stackStatusXml = (s: Stack): string => el('StackStatus', s.status) + el('StackStatusReason', s.statusReason);
const stackLineageXml = (s: Stack): string => el('ParentId', s.parentId) + el('RootId', s.rootId) + STACK_DRIFT;

export function stackXml(s: Stack): string {
  const template = parseTemplate(s.templateBody);
  return (
    stackIdsXml(s) +
    el('ChangeSetId', s.changeSetId) +
    el('Description', s.description) +
    parametersXml(s.parameters, template) +
    el('CreationTime', isoTime(s.creationTime)) +
    optionalTimeEl('DeletionTime', s.deletionTime) +
    optionalTimeEl('LastUpdatedTime', s.lastUpdatedTime) +
    ROLLBACK_CONFIGURATION +
    stackStatusXml(s) +
    el('DisableRollback', s.disableRollback) +
    stringMembers('NotificationARNs', s.notificationArns) +
    el('TimeoutInMinutes', s.timeoutInMinutes) +
    stringMembers('Capabilities', s.capabilities) +
    members(
      'Outputs',
      s.outputs.map((o) => el('OutputKey', o.OutputKey) + el('OutputValue', o.OutputValue) + el('Description', o.Description) + el('ExportName', o.ExportName)),
    ) +
    el('RoleARN', s.roleArn) +
    tagsXml(s.tags) +
    el('EnableTerminationProtection', s.terminationProtection === true) +
    stackLineageXml(s)
  );
}

/** The members naming a resource, in the order every resource-level shape (event, resource, change) has them. */
function resourceIdXml(logicalId: string, physicalId: string | undefined, type: string): string {
  return el('LogicalResourceId', logicalId) + el('PhysicalResourceId', physicalId) + el('ResourceType', type);
}

// Events never change once written, so each is rendered once.
const eventCache = new WeakMap<StackEvent, string>();

export function eventXml(e: StackEvent): string {
  let xml = eventCache.get(e);
  if (xml === undefined) {
    xml =
      el('StackId', e.stackId) +
      el('EventId', e.eventId) +
      el('StackName', e.stackName) +
      resourceIdXml(e.logicalId, e.physicalId, e.resourceType) +
      el('Timestamp', isoTime(e.timestamp)) +
      el('ResourceStatus', e.status) +
      el('ResourceStatusReason', e.reason) +
      el('ClientRequestToken', e.token);
    eventCache.set(e, xml);
  }
  return xml;
}

export function stackSummaryXml(s: Stack): string {
  return (
    stackIdsXml(s) +
    el('TemplateDescription', s.description) +
    el('CreationTime', isoTime(s.creationTime)) +
    optionalTimeEl('LastUpdatedTime', s.lastUpdatedTime) +
    optionalTimeEl('DeletionTime', s.deletionTime) +
    stackStatusXml(s) +
    stackLineageXml(s)
  );
}

const RESOURCE_DRIFT = '<DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation>';

/**
 * The members every resource shape shares. `timestamp` names the time member: `Timestamp`
 * in DescribeStackResources, `LastUpdatedTimestamp` in DescribeStackResource and ListStackResources.
 */
function resourceXml(r: StackResource, timestamp: 'Timestamp' | 'LastUpdatedTimestamp'): string {
  return (
    resourceIdXml(r.logicalId, r.physicalId || undefined, r.type) +
    el(timestamp, isoTime(r.updatedAt)) +
    el('ResourceStatus', r.status) +
    el('ResourceStatusReason', r.reason) +
    RESOURCE_DRIFT
  );
}

export function stackResourceXml(s: Stack, r: StackResource): string {
  return el('StackName', s.stackName) + el('StackId', s.stackId) + resourceXml(r, 'Timestamp');
}

export function stackResourceDetailXml(s: Stack, r: StackResource): string {
  return el('StackName', s.stackName) + el('StackId', s.stackId) + resourceXml(r, 'LastUpdatedTimestamp');
}

export function resourceSummaryXml(r: StackResource): string {
  return resourceXml(r, 'LastUpdatedTimestamp');
}

const changeSetStatusXml = (cs: ChangeSet): string =>
  el('ExecutionStatus', cs.executionStatus) + el('Status', cs.status) + el('StatusReason', cs.statusReason);

/**
 * DescribeChangeSet's shape (botocore cloudformation DescribeChangeSetOutput, ResourceChange,
 * ResourceChangeDetail): a nested stack's change carries the ChangeSetId of its nested change
 * set, nested change sets their ParentChangeSetId and RootChangeSetId (User Guide,
 * change-sets-for-nested-stacks.md).
 */
export function changeSetXml(cs: ChangeSet): string {
  const template = parseTemplate(cs.templateBody);
  const changes = cs.changes.map((c) => {
    const details = c.details.map(
      (d) =>
        `<Target>${el('Attribute', d.attribute ?? 'Properties')}${el('Name', d.name)}${el('RequiresRecreation', d.requiresRecreation)}</Target>` +
        el('Evaluation', d.evaluation ?? (d.requiresRecreation === 'Conditionally' ? 'Dynamic' : 'Static')) +
        el('ChangeSource', d.changeSource ?? 'DirectModification'),
    );
    return (
      el('Type', 'Resource') +
      '<ResourceChange>' +
      el('Action', c.action) +
      resourceIdXml(c.logicalId, c.physicalId, c.resourceType) +
      el('Replacement', c.replacement) +
      stringMembers('Scope', c.scope) +
      members('Details', details) +
      el('ChangeSetId', c.changeSetId) +
      '</ResourceChange>'
    );
  });
  return (
    el('ChangeSetName', cs.changeSetName) +
    el('ChangeSetId', cs.changeSetId) +
    el('StackId', cs.stackId) +
    el('StackName', cs.stackName) +
    el('Description', cs.description) +
    parametersXml(cs.parameters, template) +
    el('CreationTime', isoTime(cs.creationTime)) +
    changeSetStatusXml(cs) +
    '<NotificationARNs/>' +
    ROLLBACK_CONFIGURATION +
    stringMembers('Capabilities', cs.capabilities) +
    tagsXml(cs.tags) +
    members('Changes', changes) +
    el('IncludeNestedStacks', cs.includeNestedStacks === true) +
    el('ParentChangeSetId', cs.parentChangeSetId) +
    el('RootChangeSetId', cs.rootChangeSetId)
  );
}

export function changeSetSummaryXml(cs: ChangeSet): string {
  return (
    el('StackId', cs.stackId) +
    el('StackName', cs.stackName) +
    el('ChangeSetId', cs.changeSetId) +
    el('ChangeSetName', cs.changeSetName) +
    changeSetStatusXml(cs) +
    el('CreationTime', isoTime(cs.creationTime)) +
    el('Description', cs.description) +
    el('IncludeNestedStacks', cs.includeNestedStacks === true) +
    el('ParentChangeSetId', cs.parentChangeSetId) +
    el('RootChangeSetId', cs.rootChangeSetId)
  );
}

export function capabilitiesReason(template: ParsedTemplate): string | undefined {
  return template.capabilities.length > 0 ? `The following resource(s) require capabilities: [${template.capabilityTypes.join(', ')}]` : undefined;
}

/** A declared parameter; GetTemplateSummary also gives its type and constraints, ValidateTemplate does not. */
function templateParameterXml(p: ParamDecl, summary: boolean): string {
  return (
    el('ParameterKey', p.name) +
    el('DefaultValue', p.default) +
    (summary ? el('ParameterType', p.type) : '') +
    el('NoEcho', p.noEcho) +
    el('Description', p.description) +
    (summary ? `<ParameterConstraints>${p.allowedValues ? stringMembers('AllowedValues', p.allowedValues) : ''}</ParameterConstraints>` : '')
  );
}

const capabilitiesXml = (t: ParsedTemplate): string => stringMembers('Capabilities', t.capabilities) + el('CapabilitiesReason', capabilitiesReason(t));

export function templateSummaryXml(t: ParsedTemplate): string {
  const params = t.parameters.map((p) => templateParameterXml(p, true));
  const byType = new Map<string, string[]>();
  for (const r of t.resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r.logicalId]);
  return (
    members('Parameters', params) +
    el('Description', t.description) +
    capabilitiesXml(t) +
    stringMembers('ResourceTypes', [...byType.keys()]) +
    el('Version', t.formatVersion) +
    (t.metadata !== undefined ? el('Metadata', JSON.stringify(t.metadata)) : '') +
    stringMembers('DeclaredTransforms', t.transforms) +
    members(
      'ResourceIdentifierSummaries',
      [...byType.entries()].map(([type, ids]) => el('ResourceType', type) + stringMembers('LogicalResourceIds', ids) + '<ResourceIdentifiers/>'),
    )
  );
}

export function validateTemplateXml(t: ParsedTemplate): string {
  return (
    members('Parameters', t.parameters.map((p) => templateParameterXml(p, false))) +
    el('Description', t.description) +
    capabilitiesXml(t) +
    stringMembers('DeclaredTransforms', t.transforms)
  );
}

export { escapeXml };

/** One StackResourceDrift (botocore shape; ActualProperties and PropertyDifferences absent when DELETED). */
export function resourceDriftXml(d: ResourceDrift): string {
  return (
    el('StackId', d.stackId) +
    el('LogicalResourceId', d.logicalId) +
    el('PhysicalResourceId', d.physicalId) +
    el('ResourceType', d.type) +
    el('ExpectedProperties', d.expected) +
    el('ActualProperties', d.actual) +
    (d.status === 'MODIFIED'
      ? members(
          'PropertyDifferences',
          d.differences.map((x) => el('PropertyPath', x.PropertyPath) + el('ExpectedValue', x.ExpectedValue) + el('ActualValue', x.ActualValue) + el('DifferenceType', x.DifferenceType)),
        )
      : '') +
    el('StackResourceDriftStatus', d.status) +
    el('Timestamp', isoTime(d.timestamp))
  );
}
