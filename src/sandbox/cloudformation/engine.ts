import { AwsError, isAwsError, validationError } from '../aws-error.js';
import type { ActivityLog } from '../activity-log.js';
import type { FaultBook } from '../faults.js';
import type { Random } from '../random.js';
import type { Scheduler } from '../scheduler.js';
import type { S3Store } from '../s3/s3-store.js';
import { resolveProperties, resolveString, type ResolveContext } from './intrinsics.js';
import type { ChangeDetail, ChangeSet, ResourceChange, Stack, StackResource, StackSnapshot, Tag } from './model.js';
import { DriftBook } from './drift.js';
import { UPDATABLE_STATUSES } from './model.js';
import { resolveParameters, sameValues, type ParameterInput } from './parameters.js';
import { StackRun, type OperationContext } from './stack-run.js';
import { missingCapability, NESTED_STACK_TYPE, parseTemplate, type ParsedTemplate, type ResourceDecl } from './template.js';

export interface TemplateSource {
  templateBody?: string;
  templateUrl?: string;
  usePreviousTemplate?: boolean;
}

export interface StackInput extends TemplateSource {
  stackName: string;
  parameters: ParameterInput[];
  /** Absent: keep the stack's tags (update) or none (create). */
  tags?: Tag[];
  capabilities: string[];
  roleArn?: string;
  token?: string;
  disableRollback?: boolean;
  notificationArns?: string[];
  timeoutInMinutes?: number;
}

export interface ChangeSetInput extends StackInput {
  changeSetName: string;
  changeSetType: 'CREATE' | 'UPDATE';
  description?: string;
  /** Nested change sets for every nested stack, one per level (IncludeNestedStacks). */
  includeNestedStacks?: boolean;
}

export interface EngineDeps {
  scheduler: Scheduler;
  region: string;
  accountId: string;
  random: Random;
  s3: S3Store;
  faults: FaultBook;
  activity: ActivityLog;
  onChange: () => void;
  /**
   * A root stack operation succeeded. The sandbox uses it to make resources that other
   * services serve real (the template's `AWS::CodeBuild::Project` becomes a CodeBuild project).
   */
  onCommitted?: (stack: Stack, resources: readonly StackResource[]) => void;
  /**
   * Another service refuses what a resource's handler asks of it (Lambda refusing a reserved
   * concurrency): the reason the resource fails with, or undefined. Asked as the resource
   * finishes, with its resolved properties.
   */
  refuseResource?: (resource: { type: string; physicalId: string }, props: Record<string, unknown>) => string | undefined;
}

const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;
const IN_PROGRESS = /_IN_PROGRESS$/;
const MAX_TEMPLATE_BODY = 51_200;

/** Properties whose change replaces the resource (a new physical resource), by type. */
const REPLACING: Record<string, readonly string[] | '*'> = {
  'AWS::IAM::Role': ['RoleName', 'Path'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::DynamoDB::Table': ['TableName', 'KeySchema'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::Lambda::LayerVersion': '*',
  'AWS::SQS::Queue': ['QueueName', 'FifoQueue'],
  'AWS::SNS::Topic': ['TopicName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
};

export interface PlannedChange {
  decl: ResourceDecl;
  kind: 'create' | 'update';
}

/**
 * CloudFormation's API semantics over the sandbox state: what each call accepts, refuses
 * (with AWS's codes and messages) and starts. Operations themselves run in StackRun.
 */
export class CloudFormationEngine {
  readonly scheduler: Scheduler;
  readonly region: string;
  readonly accountId: string;
  readonly random: Random;
  readonly s3: S3Store;
  readonly faults: FaultBook;
  readonly activity: ActivityLog;
  private readonly onChange: () => void;

  private readonly byId = new Map<string, Stack>();
  private readonly byName = new Map<string, Stack>();
  /** Every stack ever created, oldest first (ListStacks shows deleted ones too). */
  stacks: Stack[] = [];
  readonly changeSets = new Map<string, ChangeSet>();
  private readonly runs = new Map<string, StackRun>();

  constructor(deps: EngineDeps) {
    this.scheduler = deps.scheduler;
    this.region = deps.region;
    this.accountId = deps.accountId;
    this.random = deps.random;
    this.s3 = deps.s3;
    this.faults = deps.faults;
    this.activity = deps.activity;
    this.onChange = deps.onChange;
    this.onCommitted = deps.onCommitted;
    this.refuseResource = deps.refuseResource;
    this.drift = new DriftBook(deps.random, () => this.scheduler.now());
  }

  readonly refuseResource: EngineDeps['refuseResource'];
  readonly drift: DriftBook;

  /** DetectStackDrift: one stack's own resources (nested stacks are not covered: run it on each). */
  detectStackDrift(nameOrId: string | undefined, logicalIds?: readonly string[]): string {
    if (!nameOrId) throw validationError("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null");
    return this.drift.detect(this.liveStack(nameOrId), logicalIds);
  }

  /**
   * A `drift` fault: the leaf `logicalId` anywhere in `rootName`'s tree changed out of band
   * (one property set to `value`) or deleted. Throws when there is no such resource.
   */
  applyDrift(f: { stack: string; logicalId: string; property?: string; value?: unknown; deleted?: boolean }): void {
    const root = this.findStack(f.stack);
    const tree = root ? this.stacks.filter((s) => s.status !== 'DELETE_COMPLETE' && (s === root || s.rootId === root.stackId)) : [];
    const res = tree.map((s) => s.resources[f.logicalId]).find((r) => r && r.type !== 'AWS::CloudFormation::Stack' && !r.status.startsWith('DELETE'));
    if (!res) throw validationError(`drift fault: no resource ${f.logicalId} in the tree of stack ${f.stack}`);
    if (f.deleted) res.deletedOutOfBand = true;
    else if (f.property !== undefined) res.actualProps = JSON.stringify({ ...(JSON.parse(res.actualProps ?? res.props) as Record<string, unknown>), [f.property]: f.value });
    this.changed();
  }

  /**
   * What an update of a resource deleted out of band fails with: the resource handler cannot
   * find it. CloudFormation's handler text for a missing resource (HandlerErrorCode NotFound) as
   * Cloud Control words it; the exact text per type is in UNVERIFIED.md.
   */
  outOfBandFailure(res: StackResource, kind: 'create' | 'update'): string | undefined {
    if (kind !== 'update' || !res.deletedOutOfBand) return undefined;
    return `Resource handler returned message: "Resource of type '${res.type}' with identifier '${res.physicalId}' was not found." (RequestToken: ${this.random.uuid()}, HandlerErrorCode: NotFound)`;
  }

  private readonly onCommitted: EngineDeps['onCommitted'];

  /** Called by a root run whose operation succeeded, with the resources of its whole tree. */
  committed(stack: Stack): void {
    if (!this.onCommitted) return;
    const tree: StackResource[] = [];
    const visit = (st: Stack): void => {
      for (const r of Object.values(st.resources)) {
        tree.push(r);
        const nested = r.nestedStackId ? this.stacks.find((x) => x.stackId === r.nestedStackId) : undefined;
        if (nested) visit(nested);
      }
    };
    visit(stack);
    this.onCommitted(stack, tree);
  }

  /** Swaps the clock (seeding runs on a manual one, then the server runs on real time). */
  useScheduler(scheduler: Scheduler): void {
    (this as { scheduler: Scheduler }).scheduler = scheduler;
  }

  changed(): void {
    this.onChange();
  }

  // --- lookups ------------------------------------------------------------------------------

  stackById(id: string): Stack | undefined {
    return this.byId.get(id);
  }

  /** By name: live stacks only; by id (ARN): deleted ones too, like AWS. */
  findStack(nameOrId: string): Stack | undefined {
    return nameOrId.startsWith('arn:') ? this.byId.get(nameOrId) : this.byName.get(nameOrId);
  }

  requireStack(nameOrId: string | undefined): Stack {
    if (!nameOrId) throw validationError("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null");
    const s = this.findStack(nameOrId);
    if (!s) throw validationError(`Stack with id ${nameOrId} does not exist`);
    return s;
  }

  liveStacks(): Stack[] {
    return this.stacks.filter((s) => s.status !== 'DELETE_COMPLETE');
  }

  // --- state changes used by runs -----------------------------------------------------------

  private eventId(stack: Stack, logicalId: string, status: string, ts: number): string {
    const base = `${logicalId}-${status}-${new Date(ts).toISOString()}`;
    let id = base;
    let n = 1;
    for (let i = stack.events.length - 1; i >= 0; i--) {
      const e = stack.events[i] as Stack['events'][number];
      if (e.timestamp !== ts) break;
      if (e.eventId === id) {
        id = `${base}-${++n}`;
        i = stack.events.length;
      }
    }
    return id;
  }

  resourceEvent(stack: Stack, res: Pick<StackResource, 'logicalId' | 'physicalId' | 'type'>, status: string, reason: string | undefined, token: string | undefined): void {
    const ts = this.scheduler.now();
    const full = stack.resources[res.logicalId];
    if (full && full === res) {
      full.status = status;
      full.updatedAt = ts;
      if (reason !== undefined) full.reason = reason;
      else delete full.reason;
    }
    stack.events.push({
      eventId: this.eventId(stack, res.logicalId, status, ts),
      stackId: stack.stackId,
      stackName: stack.stackName,
      logicalId: res.logicalId,
      physicalId: res.physicalId,
      resourceType: res.type,
      timestamp: ts,
      status,
      ...(reason !== undefined ? { reason } : {}),
      ...(token !== undefined ? { token } : {}),
    });
  }

  stackStatus(stack: Stack, status: string, reason: string | undefined, token: string | undefined): void {
    const ts = this.scheduler.now();
    stack.status = status;
    if (reason !== undefined) stack.statusReason = reason;
    else delete stack.statusReason;
    stack.events.push({
      eventId: this.random.uuid(),
      stackId: stack.stackId,
      stackName: stack.stackName,
      logicalId: stack.stackName,
      physicalId: stack.stackId,
      resourceType: 'AWS::CloudFormation::Stack',
      timestamp: ts,
      status,
      ...(reason !== undefined ? { reason } : {}),
      ...(token !== undefined ? { token } : {}),
    });
  }

  private newStack(name: string, template: ParsedTemplate, parameters: Record<string, string>, tags: Tag[], extra: Partial<Stack>): Stack {
    const stack: Stack = {
      stackId: `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${name}/${this.random.uuid()}`,
      stackName: name,
      status: 'CREATE_IN_PROGRESS',
      creationTime: this.scheduler.now(),
      templateBody: template.body,
      parameters,
      tags,
      outputs: [],
      capabilities: [],
      disableRollback: false,
      notificationArns: [],
      resources: {},
      events: [],
      tokens: {},
      ...extra,
    };
    if (template.description !== undefined) stack.description = template.description;
    this.addStack(stack);
    return stack;
  }

  addStack(stack: Stack): void {
    this.stacks.push(stack);
    this.byId.set(stack.stackId, stack);
    if (stack.status !== 'DELETE_COMPLETE') this.byName.set(stack.stackName, stack);
  }

  createNestedStack(parent: Stack, logicalId: string, template: ParsedTemplate, params: Record<string, string>, tags: Tag[], capabilities: string[]): Stack {
    const name = `${parent.stackName}-${logicalId}-${this.random.chars(12)}`.slice(0, 128);
    return this.newStack(name, template, params, tags, {
      parentId: parent.stackId,
      rootId: parent.rootId ?? parent.stackId,
      capabilities,
      ...(parent.terminationProtection ? { terminationProtection: true } : {}),
      ...(parent.roleArn ? { roleArn: parent.roleArn } : {}),
    });
  }

  markDeleted(stack: Stack): void {
    stack.deletionTime = this.scheduler.now();
    if (this.byName.get(stack.stackName) === stack) this.byName.delete(stack.stackName);
    for (const [id, cs] of this.changeSets) if (cs.stackId === stack.stackId) this.changeSets.delete(id);
  }

  resolveContext(stack: Stack, params: Record<string, string> = stack.parameters): ResolveContext {
    const template = parseTemplate(stack.templateBody);
    return {
      params,
      region: this.region,
      accountId: this.accountId,
      stackName: stack.stackName,
      stackId: stack.stackId,
      mappings: template.mappings,
      resource: (id) => {
        const r = stack.resources[id];
        if (!r || !r.physicalId || r.status === 'DELETE_COMPLETE') return undefined;
        return { physicalId: r.physicalId, attribute: (attr) => this.attribute(r, attr) };
      },
    };
  }

  physicalIdFor(stack: Stack, decl: ResourceDecl, props: Record<string, unknown>): string {
    const named = (prop: string) => (typeof props[prop] === 'string' ? (props[prop] as string) : undefined);
    const generated = `${stack.stackName}-${decl.logicalId}-${this.random.chars(12)}`;
    switch (decl.type) {
      case 'AWS::IAM::Role':
        return (named('RoleName') ?? generated).slice(0, 64);
      case 'AWS::S3::Bucket':
        return (named('BucketName') ?? generated).toLowerCase().slice(0, 63);
      case 'AWS::Lambda::Function':
        return (named('FunctionName') ?? generated).slice(0, 64);
      case 'AWS::DynamoDB::Table':
        return named('TableName') ?? generated;
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.region}.amazonaws.com/${this.accountId}/${(named('QueueName') ?? generated).slice(0, 80)}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${this.region}:${this.accountId}:${named('TopicName') ?? generated}`;
      case 'AWS::Lambda::LayerVersion':
        return `arn:aws:lambda:${this.region}:${this.accountId}:layer:${named('LayerName') ?? generated}:${1 + this.random.int(40)}`;
      case 'AWS::Logs::LogGroup':
        return named('LogGroupName') ?? generated;
      default:
        return generated;
    }
  }

  attribute(res: StackResource, attr: string): string | undefined {
    const p = res.physicalId;
    if (res.type === NESTED_STACK_TYPE) {
      if (!attr.startsWith('Outputs.')) return undefined;
      const child = res.nestedStackId ? this.byId.get(res.nestedStackId) : undefined;
      return child?.outputs.find((o) => o.OutputKey === attr.slice(8))?.OutputValue;
    }
    const r = this.region;
    const a = this.accountId;
    switch (attr) {
      case 'Arn':
        switch (res.type) {
          case 'AWS::IAM::Role':
            return `arn:aws:iam::${a}:role/${p}`;
          case 'AWS::Lambda::Function':
            return `arn:aws:lambda:${r}:${a}:function:${p}`;
          case 'AWS::S3::Bucket':
            return `arn:aws:s3:::${p}`;
          case 'AWS::DynamoDB::Table':
            return `arn:aws:dynamodb:${r}:${a}:table/${p}`;
          case 'AWS::SQS::Queue':
            return `arn:aws:sqs:${r}:${a}:${p.split('/').pop()}`;
          case 'AWS::SNS::Topic':
          case 'AWS::Lambda::LayerVersion':
            return p;
          default:
            return `arn:aws:${res.type.split('::')[1]?.toLowerCase() ?? 'sandbox'}:${r}:${a}:${p}`;
        }
      case 'RoleId':
        return `AROA${p.replace(/[^A-Z0-9]/gi, '').toUpperCase().padEnd(17, 'X').slice(0, 17)}`;
      case 'DNSName':
        return `${p.toLowerCase().slice(0, 32)}-1234567890.${r}.elb.amazonaws.com`;
      case 'DomainName':
        return `${p}.s3.amazonaws.com`;
      case 'RegionalDomainName':
        return `${p}.s3.${r}.amazonaws.com`;
      case 'QueueName':
        return p.split('/').pop();
      case 'QueueUrl':
        return p;
      case 'TopicName':
        return p.split(':').pop();
      case 'StreamArn':
        return `arn:aws:dynamodb:${r}:${a}:table/${p}/stream/2024-01-01T00:00:00.000`;
      default:
        return `${p}/${attr}`;
    }
  }

  refreshOutputs(stack: Stack): void {
    const template = parseTemplate(stack.templateBody);
    const ctx = this.resolveContext(stack);
    stack.outputs = [];
    for (const o of template.outputs) {
      const value = resolveString(o.value, ctx);
      if (value === undefined) continue;
      const exportName = o.exportName === undefined ? undefined : resolveString(o.exportName, ctx);
      stack.outputs.push({
        OutputKey: o.key,
        OutputValue: value,
        ...(o.description !== undefined ? { Description: o.description } : {}),
        ...(exportName !== undefined ? { ExportName: exportName } : {}),
      });
    }
  }

  /** Which resources an operation with this template and these parameters creates, updates and removes. */
  planResources(stack: Stack, template: ParsedTemplate, params: Record<string, string> = stack.parameters, tags: Tag[] = stack.tags): { changes: PlannedChange[]; removed: string[]; details: Map<string, ResourceChange> } {
    const ctx = this.resolveContext(stack, params);
    ctx.mappings = template.mappings;
    const changes: PlannedChange[] = [];
    const details = new Map<string, ResourceChange>();
    for (const decl of template.resources) {
      const existing = stack.resources[decl.logicalId];
      if (!existing || existing.status === 'DELETE_COMPLETE' || existing.type !== decl.type || !existing.physicalId) {
        changes.push({ decl, kind: 'create' });
        details.set(decl.logicalId, { action: 'Add', logicalId: decl.logicalId, resourceType: decl.type, scope: [], details: [] });
        continue;
      }
      const { values, unresolved } = resolveProperties(decl.properties, ctx);
      const before = JSON.parse(existing.props) as Record<string, unknown>;
      const changedKeys = new Set<string>();
      for (const k of new Set([...Object.keys(before), ...Object.keys(values)])) {
        if (JSON.stringify(before[k]) !== JSON.stringify(values[k])) changedKeys.add(k);
      }
      const nested = decl.type === NESTED_STACK_TYPE;
      if (nested) {
        const child = existing.nestedStackId ? this.byId.get(existing.nestedStackId) : undefined;
        const url = values.TemplateURL;
        let body: string | undefined;
        try {
          body = typeof url === 'string' ? this.s3.readTemplate(url) : undefined;
        } catch {
          body = undefined;
        }
        if (!child || body !== child.templateBody) changedKeys.add('TemplateURL');
        if (child && JSON.stringify(sortTags(child.tags)) !== JSON.stringify(sortTags(tags))) changedKeys.add('Tags');
      }
      // A nested stack is always updated with its parent, and every change set lists it as a
      // Modify, even when nothing inside it changes: CloudFormation "attempts to update nested
      // stacks even if their template haven't changed" (an aws-cdk maintainer in aws/aws-cdk#6216;
      // the symptom in aws/aws-cdk#4488 and #6046). Only a nested change set (IncludeNestedStacks)
      // tells whether anything inside changes.
      if (changedKeys.size === 0 && !nested) continue;
      changes.push({ decl, kind: 'update' });
      const replacing = REPLACING[decl.type];
      const rows: ChangeDetail[] = [...changedKeys].map((name) => {
        const always = replacing === '*' || (replacing?.includes(name) ?? false);
        const requiresRecreation: 'Never' | 'Conditionally' | 'Always' = always ? (unresolved.has(name) ? 'Conditionally' : 'Always') : 'Never';
        return name === 'Tags' ? { attribute: 'Tags', requiresRecreation } : { attribute: 'Properties', name, requiresRecreation };
      });
      // The row AWS adds for every nested stack (User Guide, change-sets-for-nested-stacks.md:
      // Target Attribute Properties, RequiresRecreation Never, Evaluation Dynamic, ChangeSource Automatic).
      if (nested) rows.push({ attribute: 'Properties', requiresRecreation: 'Never', evaluation: 'Dynamic', changeSource: 'Automatic' });
      const replacement = rows.some((r) => r.requiresRecreation === 'Always') ? 'True' : rows.some((r) => r.requiresRecreation === 'Conditionally') ? 'Conditional' : 'False';
      const scope = changedKeys.has('Tags') ? (changedKeys.size === 1 && !nested ? ['Tags'] : ['Properties', 'Tags']) : ['Properties'];
      details.set(decl.logicalId, {
        action: 'Modify',
        logicalId: decl.logicalId,
        physicalId: existing.physicalId,
        resourceType: decl.type,
        replacement,
        scope,
        details: rows,
      });
    }
    const removed = Object.values(stack.resources)
      .filter((r) => !template.resourceById.has(r.logicalId) && r.status !== 'DELETE_COMPLETE')
      .map((r) => r.logicalId);
    for (const id of removed) {
      const r = stack.resources[id] as StackResource;
      details.set(id, { action: 'Remove', logicalId: id, physicalId: r.physicalId, resourceType: r.type, scope: [], details: [] });
    }
    return { changes, removed, details };
  }

  // --- template sources -----------------------------------------------------------------------

  templateBody(src: TemplateSource, stack?: Stack): string {
    const given = [src.templateBody !== undefined, src.templateUrl !== undefined, src.usePreviousTemplate === true].filter(Boolean).length;
    if (given === 0) throw validationError('Either Template URL or Template Body must be specified.');
    if (given > 1) throw validationError('Specify exactly one of TemplateBody, TemplateURL or UsePreviousTemplate.');
    if (src.templateBody !== undefined) {
      if (src.templateBody.length > MAX_TEMPLATE_BODY) {
        throw validationError(
          `1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TEMPLATE_BODY}`,
        );
      }
      return src.templateBody;
    }
    if (src.templateUrl !== undefined) return this.s3.readTemplate(src.templateUrl);
    if (!stack) throw validationError('UsePreviousTemplate can only be used with an existing stack.');
    return stack.templateBody;
  }

  // --- API ------------------------------------------------------------------------------------

  private validateStackName(name: string | undefined): string {
    if (!name) throw validationError("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null");
    if (!STACK_NAME.test(name) || name.length > 128) {
      throw validationError(
        `1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    return name;
  }

  private checkCapabilities(template: ParsedTemplate, given: string[]): void {
    const missing = missingCapability(template, given);
    if (missing) throw new AwsError('InsufficientCapabilitiesException', `Requires capabilities : [${missing}]`);
  }

  private context(stack: Stack, template: ParsedTemplate, input: StackInput, kind: 'create' | 'update'): OperationContext {
    const rootName = stack.rootId ? (this.byId.get(stack.rootId)?.stackName ?? stack.stackName) : stack.stackName;
    const targetVersion = template.pantherVersion ?? (input.tags ?? stack.tags).find((t) => t.Key === 'PantherVersion')?.Value;
    const ctx: OperationContext = {
      capabilities: input.capabilities,
      rootStackName: rootName,
      record: this.activity.startOperation({ stack: stack.stackName, kind }),
      disableRollback: kind === 'create' ? stack.disableRollback : (input.disableRollback ?? false),
    };
    if (input.token !== undefined) ctx.token = input.token;
    if (targetVersion !== undefined) ctx.targetVersion = targetVersion;
    const fr = this.faults.failResource(rootName, targetVersion);
    if (fr) {
      // Without a logical id, a resource in the last nested stack fails: in the fixtures it
      // runs beside a sibling, so the failure comes with "Resource update cancelled" noise.
      const lastNested = template.resources.filter((r) => r.type === NESTED_STACK_TYPE).at(-1)?.logicalId;
      const logicalId = fr.fault.logicalId ?? lastNested;
      ctx.failResource = {
        reason: fr.fault.reason ?? 'Resource handler returned message: "Invalid request provided: the sandbox was told to fail this resource" (HandlerErrorCode: InvalidRequest)',
        anyDepth: !template.resources.some((r) => r.type === NESTED_STACK_TYPE),
        fired: false,
        take: fr.take,
        ...(logicalId ? { logicalId } : {}),
      };
    }
    return ctx;
  }

  private startRun(stack: Stack, template: ParsedTemplate, ctx: OperationContext, kind: 'create' | 'update'): void {
    const run = new StackRun(this, stack, ctx, 0);
    this.runs.set(stack.stackId, run);
    run.onFinished = () => {
      if (this.runs.get(stack.stackId) === run) this.runs.delete(stack.stackId);
    };
    run.startApply(kind, template);
    this.changed();
  }

  createStack(input: StackInput): string {
    const name = this.validateStackName(input.stackName);
    const existing = this.byName.get(name);
    if (existing && input.token !== undefined && existing.tokens[input.token] === 'CreateStack') return existing.stackId;
    if (existing && existing.status !== 'REVIEW_IN_PROGRESS') throw new AwsError('AlreadyExistsException', `Stack [${name}] already exists`);
    if (existing) throw new AwsError('AlreadyExistsException', `Stack [${name}] already exists`);
    const template = parseTemplate(this.templateBody(input));
    const params = resolveParameters(template.parameters, input.parameters, undefined);
    this.checkCapabilities(template, input.capabilities);
    const stack = this.newStack(name, template, params, input.tags ?? [], {
      capabilities: input.capabilities,
      disableRollback: input.disableRollback ?? false,
      notificationArns: input.notificationArns ?? [],
      ...(input.roleArn ? { roleArn: input.roleArn } : {}),
      ...(input.timeoutInMinutes ? { timeoutInMinutes: input.timeoutInMinutes } : {}),
    });
    if (input.token !== undefined) stack.tokens[input.token] = 'CreateStack';
    this.startRun(stack, template, this.context(stack, template, input, 'create'), 'create');
    return stack.stackId;
  }

  private refuseBusy(stack: Stack): void {
    if (IN_PROGRESS.test(stack.status) || !UPDATABLE_STATUSES.has(stack.status)) {
      throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    }
  }

  private liveStack(nameOrId: string | undefined): Stack {
    if (!nameOrId) throw validationError("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null");
    const stack = this.findStack(nameOrId);
    if (!stack || stack.status === 'DELETE_COMPLETE') throw validationError(`Stack [${nameOrId}] does not exist`);
    return stack;
  }

  updateStack(input: StackInput): string {
    const stack = this.liveStack(input.stackName);
    if (input.token !== undefined && stack.tokens[input.token] === 'UpdateStack') return stack.stackId;
    if (input.token !== undefined && stack.tokens[input.token] !== undefined) {
      throw new AwsError('TokenAlreadyExistsException', `Another Stack operation with ClientRequestToken ${input.token} already exists.`);
    }
    this.refuseBusy(stack);
    const template = parseTemplate(this.templateBody(input, stack));
    const params = resolveParameters(template.parameters, input.parameters, stack.parameters);
    this.checkCapabilities(template, input.capabilities);
    const tags = input.tags ?? stack.tags;
    // With a nested stack there is always something to update (aws/aws-cdk#6216, see planResources).
    const hasNested = template.resources.some((r) => r.type === NESTED_STACK_TYPE);
    if (!hasNested && template.body === stack.templateBody && sameValues(params, stack.parameters) && sameTags(tags, stack.tags)) {
      throw validationError('No updates are to be performed.');
    }
    this.applyUpdate(stack, template, params, tags, input, 'UpdateStack');
    return stack.stackId;
  }

  private applyUpdate(stack: Stack, template: ParsedTemplate, params: Record<string, string>, tags: Tag[], input: StackInput, action: string): void {
    const ctx = this.context(stack, template, input, 'update');
    const snapshot: StackSnapshot = { templateBody: stack.templateBody, parameters: stack.parameters, tags: stack.tags };
    stack.previous = snapshot;
    stack.templateBody = template.body;
    if (template.description !== undefined) stack.description = template.description;
    else delete stack.description;
    stack.parameters = params;
    stack.tags = tags;
    stack.capabilities = input.capabilities;
    if (input.roleArn) stack.roleArn = input.roleArn;
    if (input.notificationArns) stack.notificationArns = input.notificationArns;
    // DisableRollback is per operation ("Preserve the state of previously provisioned resources
    // when an operation fails. Default: False", botocore UpdateStack); DescribeStacks shows the
    // last one's (User Guide, stack-failure-options.md).
    stack.disableRollback = input.disableRollback ?? false;
    stack.lastUpdatedTime = this.scheduler.now();
    if (input.token !== undefined) stack.tokens[input.token] = action;
    this.startRun(stack, template, ctx, 'update');
  }

  deleteStack(nameOrId: string | undefined, token?: string): void {
    if (!nameOrId) throw validationError("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null");
    const stack = this.findStack(nameOrId);
    // Deleting what does not exist (or is already going) succeeds, as on AWS.
    if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return;
    if (token !== undefined && stack.tokens[token] === 'DeleteStack') return;
    // "If a user attempts to delete a stack with termination protection enabled, the deletion
    // fails and the stack--including its status--remains unchanged" (User Guide,
    // using-cfn-protect-stacks.md); a nested stack of a protected root likewise. The message as
    // clients match on it (ValidationError): aws-nuke's CloudFormationStack resource, quoted
    // in public issues ("Stack [my-prod-stack] cannot be deleted while TerminationProtection is enabled").
    if (stack.terminationProtection) throw validationError(`Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`);
    if (IN_PROGRESS.test(stack.status) && stack.status !== 'REVIEW_IN_PROGRESS') {
      throw validationError(`Stack [${stack.stackName}] cannot be deleted while in status ${stack.status}`);
    }
    if (token !== undefined) stack.tokens[token] = 'DeleteStack';
    const ctx: OperationContext = { capabilities: stack.capabilities, rootStackName: stack.stackName, record: this.activity.startOperation({ stack: stack.stackName, kind: 'delete' }) };
    if (token !== undefined) ctx.token = token;
    const run = new StackRun(this, stack, ctx, 0);
    this.runs.set(stack.stackId, run);
    run.onFinished = () => this.runs.delete(stack.stackId);
    run.startDelete();
    this.changed();
  }

  /**
   * UpdateTerminationProtection (botocore: EnableTerminationProtection, StackName -> StackId).
   * Set on a root stack, it applies to its whole tree; a nested stack refuses it ("You cannot
   * enable or disable termination protection directly on a nested stack", User Guide
   * using-cfn-protect-stacks.md; the exact refusal text is in UNVERIFIED.md), and so does a
   * stack being deleted ("any status except DELETE_IN_PROGRESS or DELETE_COMPLETE").
   */
  updateTerminationProtection(nameOrId: string | undefined, enable: boolean): string {
    if (!nameOrId) throw validationError("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null");
    const stack = this.requireStack(nameOrId);
    if (stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') throw validationError(`Stack [${stack.stackName}] is in ${stack.status} state and can not be updated.`);
    if (stack.parentId) throw validationError(`Termination protection cannot be changed on nested stack [${stack.stackName}]; change it on its root stack.`);
    for (const s of this.stacks) if (s === stack || s.rootId === stack.stackId) s.terminationProtection = enable;
    this.changed();
    return stack.stackId;
  }

  cancelUpdateStack(nameOrId: string | undefined): void {
    const stack = this.liveStack(nameOrId);
    const run = this.runs.get(stack.stackId);
    if (stack.status !== 'UPDATE_IN_PROGRESS' || stack.parentId || !run || !run.cancelByUser()) {
      throw validationError('CancelUpdateStack cannot be called from current stack status');
    }
    this.changed();
  }

  /**
   * ContinueUpdateRollback (botocore cloudformation ContinueUpdateRollback): on the root stack
   * only ("Don't specify the name of a nested stack ... use this operation on the parent
   * stack"), and ResourcesToSkip may name only "resources that are in the UPDATE_FAILED state
   * because a rollback failed": a root resource by its logical id, a nested one as
   * `NestedStackName.ResourceLogicalID` with the nested stack's NAME (the User Guide's
   * `WebInfra-Compute-Asg.myAsg`), and a nested stack resource only when its stack is
   * DELETE_IN_PROGRESS, DELETE_COMPLETE or DELETE_FAILED. Anything else is a ValidationError
   * (its wording is in UNVERIFIED.md).
   */
  continueUpdateRollback(nameOrId: string | undefined, skip: string[], token?: string): void {
    const stack = this.liveStack(nameOrId);
    if (token !== undefined && stack.tokens[token] === 'ContinueUpdateRollback') return;
    if (stack.parentId) {
      throw validationError(`RootStack ${stack.rootId ?? stack.parentId} must be used for ContinueUpdateRollback of a nested stack`);
    }
    if (stack.status !== 'UPDATE_ROLLBACK_FAILED') throw validationError('ContinueUpdateRollback cannot be called from current stack status');
    for (const entry of skip) this.checkSkippable(stack, entry);
    if (token !== undefined) stack.tokens[token] = 'ContinueUpdateRollback';
    const ctx: OperationContext = {
      capabilities: stack.capabilities,
      rootStackName: stack.stackName,
      record: this.activity.startOperation({ stack: stack.stackName, kind: 'continue-rollback' }),
    };
    if (token !== undefined) ctx.token = token;
    const f = this.faults.takeFailRollback(stack.stackName, stack.tags.find((t) => t.Key === 'PantherVersion')?.Value);
    if (f) ctx.rollbackFail = { fired: false, reason: f.reason ?? 'Resource handler returned message: "Resource not found" (HandlerErrorCode: NotFound)' };
    const run = new StackRun(this, stack, ctx, 0);
    this.runs.set(stack.stackId, run);
    run.onFinished = () => this.runs.delete(stack.stackId);
    run.startContinueRollback(new Set(skip));
    this.changed();
  }

  /** Refuses a ResourcesToSkip entry AWS would refuse (see continueUpdateRollback). */
  private checkSkippable(root: Stack, entry: string): void {
    const dot = entry.indexOf('.');
    let owner = root;
    const logicalId = dot < 0 ? entry : entry.slice(dot + 1);
    if (dot >= 0) {
      const name = entry.slice(0, dot);
      const nested = this.stacks.find((s) => s.stackName === name && s.rootId === root.stackId && s.status !== 'DELETE_COMPLETE');
      if (!nested) {
        throw validationError(
          `Nested stack [${name}] of ResourcesToSkip entry [${entry}] is not part of stack [${root.stackName}]: name a nested stack by its stack name (NestedStackName.ResourceLogicalID), not by its logical ID`,
        );
      }
      owner = nested;
    }
    const res = owner.resources[logicalId];
    if (!res || res.status !== 'UPDATE_FAILED' || !res.rollbackFailed) {
      throw validationError(
        `Resource [${entry}] cannot be skipped: only resources in UPDATE_FAILED state because their rollback failed can be skipped${res ? ` (it is ${res.status})` : ` (stack [${owner.stackName}] has no resource [${logicalId}])`}`,
      );
    }
    if (res.type === NESTED_STACK_TYPE) {
      const child = res.nestedStackId ? this.byId.get(res.nestedStackId) : undefined;
      if (child && !child.status.startsWith('DELETE_')) {
        throw validationError(
          `Resource [${entry}] cannot be skipped: a nested stack resource can be skipped only when its stack is DELETE_IN_PROGRESS, DELETE_COMPLETE or DELETE_FAILED (it is ${child.status}); skip the resources inside it instead`,
        );
      }
    }
  }

  // --- change sets ------------------------------------------------------------------------------

  createChangeSet(input: ChangeSetInput): ChangeSet {
    // AWS takes an existing stack's id (ARN) wherever it takes its name; a new stack needs a name.
    const byArn = input.stackName?.startsWith('arn:') ? this.findStack(input.stackName) : undefined;
    if (input.stackName?.startsWith('arn:') && (!byArn || byArn.status === 'DELETE_COMPLETE')) {
      throw validationError(`Stack [${input.stackName}] does not exist`);
    }
    const name = byArn ? byArn.stackName : this.validateStackName(input.stackName);
    if (!input.changeSetName || !STACK_NAME.test(input.changeSetName) || input.changeSetName.length > 128) {
      throw validationError(
        `1 validation error detected: Value '${input.changeSetName ?? 'null'}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    let stack = byArn ?? this.byName.get(name);
    const existing = stack ? [...this.changeSets.values()].find((c) => c.stackId === stack?.stackId && c.changeSetName === input.changeSetName) : undefined;
    // ClientToken: "Specify this token if you plan to retry requests so that CloudFormation knows
    // that you're not attempting to create another change set with the same name" (botocore
    // cloudformation CreateChangeSet): the retry gets the change set its first call made.
    if (existing && input.token !== undefined && existing.token === input.token) return existing;
    if (input.changeSetType === 'CREATE') {
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') {
        throw new AwsError('AlreadyExistsException', `Stack [${name}] already exists and cannot be created again with the changeSet [${input.changeSetName}].`);
      }
      // The message quoted in mapbox/cfn-config#182 and aws/serverless-application-model#122.
      if (input.parameters.some((p) => p.usePreviousValue)) throw validationError('Cannot specify UsePreviousValue on Parameters when ChangeSetType is CREATE');
    } else {
      if (!stack || stack.status === 'REVIEW_IN_PROGRESS') throw validationError(`Stack [${name}] does not exist`);
      this.refuseBusy(stack);
    }
    if (existing) throw new AwsError('AlreadyExistsException', `ChangeSet [${input.changeSetName}] already exists`);
    const template = parseTemplate(this.templateBody(input, stack));
    const previous = input.changeSetType === 'UPDATE' ? stack?.parameters : undefined;
    const params = resolveParameters(template.parameters, input.parameters, previous);
    this.checkCapabilities(template, input.capabilities);
    if (!stack) {
      stack = this.newStack(name, template, {}, input.tags ?? [], { status: 'REVIEW_IN_PROGRESS', capabilities: input.capabilities });
      this.stackStatus(stack, 'REVIEW_IN_PROGRESS', 'User Initiated', input.token);
    }
    const tags = input.tags ?? stack.tags;
    const { details } = this.planResources(stack, template, params, tags);
    const changes = [...details.values()];
    const includeNested = input.changeSetType === 'UPDATE' && input.includeNestedStacks === true;
    const cs: ChangeSet = {
      changeSetId: `arn:aws:cloudformation:${this.region}:${this.accountId}:changeSet/${input.changeSetName}/${this.random.uuid()}`,
      changeSetName: input.changeSetName,
      stackId: stack.stackId,
      stackName: stack.stackName,
      type: input.changeSetType,
      status: 'CREATE_PENDING',
      executionStatus: 'UNAVAILABLE',
      creationTime: this.scheduler.now(),
      templateBody: template.body,
      parameters: params,
      tags,
      capabilities: input.capabilities,
      changes,
      ...(input.description ? { description: input.description } : {}),
      ...(input.roleArn ? { roleArn: input.roleArn } : {}),
      ...(input.token !== undefined ? { token: input.token } : {}),
      ...(includeNested ? { includeNestedStacks: true } : {}),
    };
    // "The submitted information didn't contain changes" is for a stack without nested stacks:
    // with one, the change set always holds its Modify.
    const unchanged = input.changeSetType === 'UPDATE' && changes.length === 0 && sameValues(params, stack.parameters) && sameTags(tags, stack.tags);
    this.changeSets.set(cs.changeSetId, cs);
    const nested: ChangeSet[] = [];
    let nestedFailure: string | undefined;
    if (includeNested) {
      nestedFailure = this.nestedChangeSets(cs, stack, template, params, tags, cs, nested);
    }
    this.scheduler.after(1_000, () => {
      for (const c of [cs, ...nested]) if (c.status === 'CREATE_PENDING') c.status = 'CREATE_IN_PROGRESS';
      this.changed();
    });
    this.scheduler.after(3_000, () => {
      if (cs.status !== 'CREATE_IN_PROGRESS' && cs.status !== 'CREATE_PENDING') return;
      if (unchanged) {
        cs.status = 'FAILED';
        cs.statusReason = "The submitted information didn't contain changes. Submit different information to create a change set.";
      } else if (nestedFailure) {
        cs.status = 'FAILED';
        cs.statusReason = nestedFailure;
      } else {
        cs.status = 'CREATE_COMPLETE';
        cs.executionStatus = 'AVAILABLE';
        // A nested change set is executed through its root only (User Guide,
        // change-sets-for-nested-stacks.md: ExecutionStatus UNAVAILABLE, StatusReason
        // "Executable from root change set").
        for (const c of nested) {
          if (c.status === 'FAILED') continue;
          c.status = 'CREATE_COMPLETE';
          c.statusReason = 'Executable from root change set';
        }
      }
      this.changed();
    });
    this.changed();
    return cs;
  }

  /**
   * The nested change sets of `parent` (one per nested stack it modifies, recursively), each
   * on its nested stack with ParentChangeSetId and RootChangeSetId, and the nested stack's
   * ResourceChange pointing at it (ChangeSetId). A nested stack with nothing to change gets a
   * change set with an empty Changes list, not a failed one (aws-cloudformation/rain#152 and
   * #154). Returns the root's failure reason when a nested change set cannot be made, in the
   * words aws/aws-sam-cli#2406 quotes ("Nested change set <arn> was not successfully created:
   * Currently in FAILED.").
   */
  private nestedChangeSets(parent: ChangeSet, stack: Stack, template: ParsedTemplate, params: Record<string, string>, tags: Tag[], root: ChangeSet, out: ChangeSet[]): string | undefined {
    const ctx = this.resolveContext(stack, params);
    ctx.mappings = template.mappings;
    let failure: string | undefined;
    for (const change of parent.changes) {
      if (change.resourceType !== NESTED_STACK_TYPE || change.action !== 'Modify') continue;
      const res = stack.resources[change.logicalId];
      const child = res?.nestedStackId ? this.byId.get(res.nestedStackId) : undefined;
      const decl = template.resourceById.get(change.logicalId);
      if (!child || !decl) continue;
      const resolved = resolveProperties(decl.properties, ctx).values;
      const name = `${root.changeSetName}-${change.logicalId}-${this.random.chars(12)}`.slice(0, 128);
      const cs: ChangeSet = {
        changeSetId: `arn:aws:cloudformation:${this.region}:${this.accountId}:changeSet/${name}/${this.random.uuid()}`,
        changeSetName: name,
        stackId: child.stackId,
        stackName: child.stackName,
        type: 'UPDATE',
        status: 'CREATE_PENDING',
        executionStatus: 'UNAVAILABLE',
        creationTime: this.scheduler.now(),
        templateBody: child.templateBody,
        parameters: child.parameters,
        tags,
        capabilities: parent.capabilities,
        changes: [],
        includeNestedStacks: true,
        parentChangeSetId: parent.changeSetId,
        rootChangeSetId: root.changeSetId,
      };
      change.changeSetId = cs.changeSetId;
      this.changeSets.set(cs.changeSetId, cs);
      out.push(cs);
      try {
        const url = resolved.TemplateURL;
        if (typeof url !== 'string') throw validationError('TemplateURL must be a supported URL.');
        const childTemplate = parseTemplate(this.s3.readTemplate(url));
        const given = resolved.Parameters;
        const inputs = Object.entries(typeof given === 'object' && given !== null ? (given as Record<string, unknown>) : {}).map(([key, value]) => ({
          key,
          value: typeof value === 'string' ? value : (resolveString(value, ctx) ?? ''),
        }));
        const childParams = resolveParameters(childTemplate.parameters, inputs, child.parameters);
        cs.templateBody = childTemplate.body;
        cs.parameters = childParams;
        cs.changes = [...this.planResources(child, childTemplate, childParams, tags).details.values()];
        const inner = this.nestedChangeSets(cs, child, childTemplate, childParams, tags, root, out);
        if (inner) throw validationError(inner);
      } catch (err) {
        cs.status = 'FAILED';
        cs.statusReason = isAwsError(err) || err instanceof Error ? err.message : String(err);
        failure ??= `Nested change set ${cs.changeSetId} was not successfully created: Currently in FAILED.`;
      }
    }
    return failure;
  }

  /** Names of the parameters a published template declares (for seeding). */
  templateParameterNames(url: string): string[] {
    return parseTemplate(this.s3.readTemplate(url)).parameters.map((p) => p.name);
  }

  findChangeSet(nameOrId: string | undefined, stackName: string | undefined): ChangeSet {
    if (!nameOrId) throw validationError("1 validation error detected: Value null at 'changeSetName' failed to satisfy constraint: Member must not be null");
    let cs: ChangeSet | undefined;
    if (nameOrId.startsWith('arn:')) cs = this.changeSets.get(nameOrId);
    else {
      if (!stackName) throw validationError('StackName must be specified if ChangeSetName is not specified as an ARN.');
      const stack = this.findStack(stackName);
      cs = stack ? [...this.changeSets.values()].find((c) => c.stackId === stack.stackId && c.changeSetName === nameOrId) : undefined;
    }
    if (!cs) throw new AwsError('ChangeSetNotFound', `ChangeSet [${nameOrId}] does not exist`, 404);
    this.refreshExecution(cs);
    return cs;
  }

  /** EXECUTE_IN_PROGRESS ends when the stack operation it started ends. */
  private refreshExecution(cs: ChangeSet): void {
    if (cs.executionStatus !== 'EXECUTE_IN_PROGRESS') return;
    const stack = this.byId.get(cs.stackId);
    if (!stack || IN_PROGRESS.test(stack.status)) return;
    cs.executionStatus = stack.status === 'CREATE_COMPLETE' || stack.status === 'UPDATE_COMPLETE' ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
  }

  listChangeSets(stackName: string | undefined): ChangeSet[] {
    const stack = this.requireStack(stackName);
    const out = [...this.changeSets.values()].filter((c) => c.stackId === stack.stackId);
    for (const cs of out) this.refreshExecution(cs);
    return out;
  }

  executeChangeSet(nameOrId: string | undefined, stackName: string | undefined, token?: string, disableRollback?: boolean): void {
    const cs = this.findChangeSet(nameOrId, stackName);
    const stack = this.byId.get(cs.stackId) as Stack;
    if (token !== undefined && stack.tokens[token] === 'ExecuteChangeSet') return;
    if (cs.executionStatus !== 'AVAILABLE') {
      throw new AwsError('InvalidChangeSetStatus', `ChangeSet [${cs.changeSetId}] cannot be executed in its current execution status of [${cs.executionStatus}]`);
    }
    const template = parseTemplate(cs.templateBody);
    const input: StackInput = {
      stackName: stack.stackName,
      parameters: [],
      capabilities: cs.capabilities,
      tags: cs.tags,
      ...(token !== undefined ? { token } : {}),
      ...(cs.roleArn ? { roleArn: cs.roleArn } : {}),
      ...(disableRollback !== undefined ? { disableRollback } : {}),
    };
    if (cs.type === 'CREATE') {
      if (stack.status !== 'REVIEW_IN_PROGRESS') throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
      stack.templateBody = template.body;
      if (template.description !== undefined) stack.description = template.description;
      stack.parameters = cs.parameters;
      stack.tags = cs.tags;
      stack.capabilities = cs.capabilities;
      if (cs.roleArn) stack.roleArn = cs.roleArn;
      if (token !== undefined) stack.tokens[token] = 'ExecuteChangeSet';
      this.startRun(stack, template, this.context(stack, template, input, 'create'), 'create');
    } else {
      this.refuseBusy(stack);
      this.applyUpdate(stack, template, cs.parameters, cs.tags, input, 'ExecuteChangeSet');
    }
    stack.changeSetId = cs.changeSetId;
    cs.executionStatus = 'EXECUTE_IN_PROGRESS';
    // The root's execution applies its nested change sets to their stacks.
    for (const n of this.changeSets.values()) if (n.rootChangeSetId === cs.changeSetId && n.status === 'CREATE_COMPLETE') n.executionStatus = 'EXECUTE_IN_PROGRESS';
    for (const other of this.changeSets.values()) {
      if (other !== cs && other.stackId === cs.stackId && other.executionStatus === 'AVAILABLE') other.executionStatus = 'OBSOLETE';
    }
  }

  deleteChangeSet(nameOrId: string | undefined, stackName: string | undefined): void {
    const cs = this.findChangeSet(nameOrId, stackName);
    if (cs.executionStatus === 'EXECUTE_IN_PROGRESS') {
      throw new AwsError('InvalidChangeSetStatus', `ChangeSet [${cs.changeSetId}] cannot be deleted in its current execution status of [EXECUTE_IN_PROGRESS]`);
    }
    this.changeSets.delete(cs.changeSetId);
    // Deleting a root change set deletes the whole hierarchy (User Guide, change-sets-for-nested-stacks.md).
    for (const [id, n] of this.changeSets) if (n.rootChangeSetId === cs.changeSetId) this.changeSets.delete(id);
    this.changed();
  }

  // --- lifecycle --------------------------------------------------------------------------------

  /** Stops everything in flight and forgets all stacks (reset). */
  clear(): void {
    for (const run of this.runs.values()) run.abort();
    this.runs.clear();
    this.byId.clear();
    this.byName.clear();
    this.stacks = [];
    this.changeSets.clear();
    this.drift.clear();
  }

  activeRuns(): number {
    return this.runs.size;
  }
}

function sortTags(tags: Tag[]): Tag[] {
  return [...tags].sort((a, b) => a.Key.localeCompare(b.Key));
}

function sameTags(a: Tag[], b: Tag[]): boolean {
  return JSON.stringify(sortTags(a)) === JSON.stringify(sortTags(b));
}
