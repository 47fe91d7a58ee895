import { el, escapeXml, isoTime, members, stringMembers } from '../xml.js';
import type { ChangeSet, Stack, StackEvent, StackResource } from './model.js';
import { parseTemplate, type ParsedTemplate } from './template.js';

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

export function stackXml(s: Stack): string {
  const template = parseTemplate(s.templateBody);
  return (
    el('StackId', s.stackId) +
    el('StackName', s.stackName) +
    el('ChangeSetId', s.changeSetId) +
    el('Description', s.description) +
    parametersXml(s.parameters, template) +
    el('CreationTime', isoTime(s.creationTime)) +
    (s.deletionTime !== undefined ? el('DeletionTime', isoTime(s.deletionTime)) : '') +
    (s.lastUpdatedTime !== undefined ? el('LastUpdatedTime', isoTime(s.lastUpdatedTime)) : '') +
    '<RollbackConfiguration><RollbackTriggers/></RollbackConfiguration>' +
    el('StackStatus', s.status) +
    el('StackStatusReason', s.statusReason) +
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
    el('EnableTerminationProtection', false) +
    el('ParentId', s.parentId) +
    el('RootId', s.rootId) +
    '<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus></DriftInformation>'
  );
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
      el('LogicalResourceId', e.logicalId) +
      el('PhysicalResourceId', e.physicalId) +
      el('ResourceType', e.resourceType) +
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
    el('StackId', s.stackId) +
    el('StackName', s.stackName) +
    el('TemplateDescription', s.description) +
    el('CreationTime', isoTime(s.creationTime)) +
    (s.lastUpdatedTime !== undefined ? el('LastUpdatedTime', isoTime(s.lastUpdatedTime)) : '') +
    (s.deletionTime !== undefined ? el('DeletionTime', isoTime(s.deletionTime)) : '') +
    el('StackStatus', s.status) +
    el('StackStatusReason', s.statusReason) +
    el('ParentId', s.parentId) +
    el('RootId', s.rootId) +
    '<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus></DriftInformation>'
  );
}

const DRIFT = '<DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation>';

export function stackResourceXml(s: Stack, r: StackResource): string {
  return (
    el('StackName', s.stackName) +
    el('StackId', s.stackId) +
    el('LogicalResourceId', r.logicalId) +
    el('PhysicalResourceId', r.physicalId || undefined) +
    el('ResourceType', r.type) +
    el('Timestamp', isoTime(r.updatedAt)) +
    el('ResourceStatus', r.status) +
    el('ResourceStatusReason', r.reason) +
    DRIFT
  );
}

export function stackResourceDetailXml(s: Stack, r: StackResource): string {
  return (
    el('StackName', s.stackName) +
    el('StackId', s.stackId) +
    el('LogicalResourceId', r.logicalId) +
    el('PhysicalResourceId', r.physicalId || undefined) +
    el('ResourceType', r.type) +
    el('LastUpdatedTimestamp', isoTime(r.updatedAt)) +
    el('ResourceStatus', r.status) +
    el('ResourceStatusReason', r.reason) +
    DRIFT
  );
}

export function resourceSummaryXml(r: StackResource): string {
  return (
    el('LogicalResourceId', r.logicalId) +
    el('PhysicalResourceId', r.physicalId || undefined) +
    el('ResourceType', r.type) +
    el('LastUpdatedTimestamp', isoTime(r.updatedAt)) +
    el('ResourceStatus', r.status) +
    el('ResourceStatusReason', r.reason) +
    DRIFT
  );
}

export function changeSetXml(cs: ChangeSet): string {
  const template = parseTemplate(cs.templateBody);
  const changes = cs.changes.map((c) => {
    const details = c.details.map(
      (d) =>
        `<Target>${el('Attribute', d.name === 'Tags' ? 'Tags' : 'Properties')}${d.name === 'Tags' ? '' : el('Name', d.name)}${el('RequiresRecreation', d.requiresRecreation)}</Target>` +
        el('Evaluation', d.requiresRecreation === 'Conditionally' ? 'Dynamic' : 'Static') +
        el('ChangeSource', 'DirectModification'),
    );
    return (
      el('Type', 'Resource') +
      '<ResourceChange>' +
      el('Action', c.action) +
      el('LogicalResourceId', c.logicalId) +
      el('PhysicalResourceId', c.physicalId) +
      el('ResourceType', c.resourceType) +
      el('Replacement', c.replacement) +
      stringMembers('Scope', c.scope) +
      members('Details', details) +
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
    el('ExecutionStatus', cs.executionStatus) +
    el('Status', cs.status) +
    el('StatusReason', cs.statusReason) +
    '<NotificationARNs/>' +
    '<RollbackConfiguration><RollbackTriggers/></RollbackConfiguration>' +
    stringMembers('Capabilities', cs.capabilities) +
    tagsXml(cs.tags) +
    members('Changes', changes) +
    el('IncludeNestedStacks', false)
  );
}

export function changeSetSummaryXml(cs: ChangeSet): string {
  return (
    el('StackId', cs.stackId) +
    el('StackName', cs.stackName) +
    el('ChangeSetId', cs.changeSetId) +
    el('ChangeSetName', cs.changeSetName) +
    el('ExecutionStatus', cs.executionStatus) +
    el('Status', cs.status) +
    el('StatusReason', cs.statusReason) +
    el('CreationTime', isoTime(cs.creationTime)) +
    el('Description', cs.description) +
    el('IncludeNestedStacks', false)
  );
}

export function capabilitiesReason(template: ParsedTemplate): string | undefined {
  return template.capabilities.length > 0 ? `The following resource(s) require capabilities: [${template.capabilityTypes.join(', ')}]` : undefined;
}

export function templateSummaryXml(t: ParsedTemplate): string {
  const params = t.parameters.map(
    (p) =>
      el('ParameterKey', p.name) +
      el('DefaultValue', p.default) +
      el('ParameterType', p.type) +
      el('NoEcho', p.noEcho) +
      el('Description', p.description) +
      `<ParameterConstraints>${p.allowedValues ? stringMembers('AllowedValues', p.allowedValues) : ''}</ParameterConstraints>`,
  );
  const byType = new Map<string, string[]>();
  for (const r of t.resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r.logicalId]);
  return (
    members('Parameters', params) +
    el('Description', t.description) +
    stringMembers('Capabilities', t.capabilities) +
    el('CapabilitiesReason', capabilitiesReason(t)) +
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
    members(
      'Parameters',
      t.parameters.map((p) => el('ParameterKey', p.name) + el('DefaultValue', p.default) + el('NoEcho', p.noEcho) + el('Description', p.description)),
    ) +
    el('Description', t.description) +
    stringMembers('Capabilities', t.capabilities) +
    el('CapabilitiesReason', capabilitiesReason(t)) +
    stringMembers('DeclaredTransforms', t.transforms)
  );
}

export { escapeXml };
