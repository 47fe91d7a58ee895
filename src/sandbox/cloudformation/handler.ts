import { AwsError, validationError } from '../aws-error.js';
import { decodeToken, encodeToken, type QueryParams } from '../query-params.js';
import { el, isoTime, members } from '../xml.js';
import type { CloudFormationEngine, StackInput, TemplateSource } from './engine.js';
import type { Stack, Tag } from './model.js';
import type { ParameterInput } from './parameters.js';
import {
  changeSetSummaryXml,
  changeSetXml,
  eventXml,
  resourceDriftXml,
  resourceSummaryXml,
  stackResourceDetailXml,
  stackResourceXml,
  stackSummaryXml,
  stackXml,
  templateSummaryXml,
  validateTemplateXml,
} from './render.js';
import { parseTemplate } from './template.js';

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const PAGE = 100;

/** What a CloudFormation call was about, for the call log. */
export function stackOf(params: QueryParams): string | undefined {
  return params.get('StackName');
}

function respond(action: string, requestId: string, result: string | undefined): string {
  const body = result === undefined ? '' : `<${action}Result>${result}</${action}Result>`;
  return `<${action}Response xmlns="${NS}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

function templateSource(p: QueryParams): TemplateSource {
  const src: TemplateSource = {};
  const body = p.get('TemplateBody');
  if (body !== undefined) src.templateBody = body;
  const url = p.get('TemplateURL');
  if (url !== undefined) src.templateUrl = url;
  if (p.bool('UsePreviousTemplate')) src.usePreviousTemplate = true;
  return src;
}

function parameters(p: QueryParams): ParameterInput[] {
  return (p.structList('Parameters') ?? []).map((m, i) => {
    if (!m.ParameterKey) {
      throw validationError(`1 validation error detected: Value null at 'parameters.${i + 1}.member.parameterKey' failed to satisfy constraint: Member must not be null`);
    }
    const input: ParameterInput = { key: m.ParameterKey };
    if (m.ParameterValue !== undefined) input.value = m.ParameterValue;
    if (m.UsePreviousValue === 'true') input.usePreviousValue = true;
    return input;
  });
}

function tags(p: QueryParams): Tag[] | undefined {
  const list = p.structList('Tags');
  if (!list) return undefined;
  if (list.length > 50) throw validationError('1 validation error detected: Value at \'tags\' failed to satisfy constraint: Member must have length less than or equal to 50');
  return list.map((t) => {
    if (t.Key === undefined || t.Value === undefined) throw validationError('Tag keys and values must be specified');
    return { Key: t.Key, Value: t.Value };
  });
}

function stackInput(p: QueryParams): StackInput {
  const input: StackInput = {
    ...templateSource(p),
    stackName: p.get('StackName') ?? '',
    parameters: parameters(p),
    capabilities: p.list('Capabilities') ?? [],
  };
  const t = tags(p);
  if (t) input.tags = t;
  const role = p.get('RoleARN');
  if (role) input.roleArn = role;
  const token = p.get('ClientRequestToken');
  if (token) input.token = token;
  const onFailure = p.get('OnFailure');
  if (p.bool('DisableRollback') || onFailure === 'DO_NOTHING') input.disableRollback = true;
  const arns = p.list('NotificationARNs');
  if (arns) input.notificationArns = arns;
  const timeout = p.int('TimeoutInMinutes');
  if (timeout !== undefined) input.timeoutInMinutes = timeout;
  return input;
}

function page<T>(items: readonly T[], token: string | undefined, size = PAGE): { slice: T[]; next?: string } {
  const start = decodeToken(token) ?? 0;
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { slice, next: encodeToken(start + size) } : { slice };
}

/** One CloudFormation Query action: returns the XML body, or throws an AwsError. */
export function handleCloudFormation(engine: CloudFormationEngine, action: string, p: QueryParams, requestId: string): string {
  const r = (result: string | undefined) => respond(action, requestId, result);
  switch (action) {
    case 'DescribeStacks': {
      const name = p.get('StackName');
      if (name) return r(members('Stacks', [stackXml(engine.requireStack(name))]));
      const { slice, next } = page(engine.liveStacks(), p.get('NextToken'));
      return r(members('Stacks', slice.map(stackXml)) + el('NextToken', next));
    }
    case 'ListStacks': {
      const filter = p.list('StackStatusFilter');
      const all = [...engine.stacks].reverse().filter((s) => !filter || filter.length === 0 || filter.includes(s.status));
      const { slice, next } = page(all, p.get('NextToken'));
      return r(members('StackSummaries', slice.map(stackSummaryXml)) + el('NextToken', next));
    }
    case 'DescribeStackEvents': {
      const stack = engine.requireStack(p.get('StackName'));
      const events = stack.events;
      // Tokens hold an index into the append-only event array, so pages stay stable while new events arrive.
      const end = Math.min(decodeToken(p.get('NextToken')) ?? events.length, events.length);
      const start = Math.max(0, end - PAGE);
      let xml = '<StackEvents>';
      for (let i = end - 1; i >= start; i--) xml += `<member>${eventXml(events[i] as Stack['events'][number])}</member>`;
      xml += '</StackEvents>';
      return r(xml + (start > 0 ? el('NextToken', encodeToken(start)) : ''));
    }
    case 'DescribeStackResources': {
      const physical = p.get('PhysicalResourceId');
      const logical = p.get('LogicalResourceId');
      let stack: Stack | undefined;
      if (p.get('StackName')) stack = engine.requireStack(p.get('StackName'));
      else if (physical) stack = engine.stacks.find((s) => Object.values(s.resources).some((x) => x.physicalId === physical));
      if (!stack) throw validationError(physical ? `Stack for ${physical} does not exist` : 'Either StackName or PhysicalResourceId must be specified.');
      const found = stack;
      const list = Object.values(found.resources).filter((x) => (!logical || x.logicalId === logical) && (!physical || x.physicalId === physical));
      return r(members('StackResources', list.map((x) => stackResourceXml(found, x))));
    }
    case 'DescribeStackResource': {
      const stack = engine.requireStack(p.get('StackName'));
      const id = p.get('LogicalResourceId') ?? '';
      const res = stack.resources[id];
      if (!res) throw validationError(`Resource ${id} does not exist for stack ${stack.stackName}`);
      return r(`<StackResourceDetail>${stackResourceDetailXml(stack, res)}</StackResourceDetail>`);
    }
    case 'ListStackResources': {
      const stack = engine.requireStack(p.get('StackName'));
      const { slice, next } = page(Object.values(stack.resources), p.get('NextToken'));
      return r(members('StackResourceSummaries', slice.map(resourceSummaryXml)) + el('NextToken', next));
    }
    case 'GetTemplate': {
      const csName = p.get('ChangeSetName');
      const body = csName ? engine.findChangeSet(csName, p.get('StackName')).templateBody : engine.requireStack(p.get('StackName')).templateBody;
      return r(el('TemplateBody', body) + '<StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>');
    }
    case 'GetTemplateSummary': {
      const stackName = p.get('StackName');
      const body = stackName ? engine.requireStack(stackName).templateBody : engine.templateBody(templateSource(p));
      return r(templateSummaryXml(parseTemplate(body)));
    }
    case 'ValidateTemplate':
      return r(validateTemplateXml(parseTemplate(engine.templateBody(templateSource(p)))));
    case 'CreateStack':
      return r(el('StackId', engine.createStack(stackInput(p))));
    case 'UpdateStack':
      return r(el('StackId', engine.updateStack(stackInput(p))));
    case 'DeleteStack':
      engine.deleteStack(p.get('StackName'), p.get('ClientRequestToken'), p.list('RetainResources') ?? []);
      return r(undefined);
    case 'DetectStackDrift':
      return r(el('StackDriftDetectionId', engine.detectStackDrift(p.get('StackName'), p.list('LogicalResourceIds'))));
    case 'DescribeStackDriftDetectionStatus': {
      const d = engine.drift.status(p.get('StackDriftDetectionId'));
      return r(
        el('StackId', d.stackId) + el('StackDriftDetectionId', d.id) + el('StackDriftStatus', d.driftStatus) + el('DetectionStatus', d.status) + el('DriftedStackResourceCount', d.drifted) + el('Timestamp', isoTime(d.timestamp)),
      );
    }
    case 'DescribeStackResourceDrifts': {
      const stack = engine.requireStack(p.get('StackName'));
      const max = p.int('MaxResults');
      if (max !== undefined && (max < 1 || max > 100)) throw validationError(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`);
      const { slice, next } = page(engine.drift.resourceDrifts(stack, p.list('StackResourceDriftStatusFilters')), p.get('NextToken'), max ?? PAGE);
      return r(members('StackResourceDrifts', slice.map(resourceDriftXml)) + el('NextToken', next));
    }
    case 'UpdateTerminationProtection':
      return r(el('StackId', engine.updateTerminationProtection(p.get('StackName'), p.bool('EnableTerminationProtection') === true)));
    case 'SetStackPolicy':
      engine.setStackPolicy(p.get('StackName'), p.get('StackPolicyBody'), p.get('StackPolicyURL'));
      return r(undefined);
    case 'GetStackPolicy':
      return r(el('StackPolicyBody', engine.getStackPolicy(p.get('StackName'))));
    case 'CancelUpdateStack':
      engine.cancelUpdateStack(p.get('StackName'));
      return r(undefined);
    case 'ContinueUpdateRollback':
      engine.continueUpdateRollback(p.get('StackName'), p.list('ResourcesToSkip') ?? [], p.get('ClientRequestToken'));
      return r('');
    case 'CreateChangeSet': {
      const type = p.get('ChangeSetType') ?? 'UPDATE';
      if (type !== 'CREATE' && type !== 'UPDATE') {
        throw validationError(`1 validation error detected: Value '${type}' at 'changeSetType' failed to satisfy constraint: Member must satisfy enum value set: [UPDATE, CREATE, IMPORT]`);
      }
      const description = p.get('Description');
      const token = p.get('ClientToken');
      const cs = engine.createChangeSet({
        ...stackInput(p),
        changeSetName: p.get('ChangeSetName') ?? '',
        changeSetType: type,
        ...(description ? { description } : {}),
        ...(token ? { token } : {}),
        ...(p.bool('IncludeNestedStacks') ? { includeNestedStacks: true } : {}),
      });
      return r(el('Id', cs.changeSetId) + el('StackId', cs.stackId));
    }
    case 'DescribeChangeSet':
      return r(changeSetXml(engine.findChangeSet(p.get('ChangeSetName'), p.get('StackName'))));
    case 'ExecuteChangeSet':
      engine.executeChangeSet(p.get('ChangeSetName'), p.get('StackName'), p.get('ClientRequestToken'), p.bool('DisableRollback'));
      return r('');
    case 'DeleteChangeSet':
      engine.deleteChangeSet(p.get('ChangeSetName'), p.get('StackName'));
      return r('');
    case 'ListChangeSets':
      // botocore cloudformation ListChangeSetsInput/Output: StackName, NextToken in, Summaries
      // and an optional NextToken out. One page without NextToken is a valid answer; AWS's
      // page size is not documented (UNVERIFIED.md, page sizes).
      return r(members('Summaries', engine.listChangeSets(p.get('StackName')).map(changeSetSummaryXml)));
    default:
      throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2010-05-15`);
  }
}
