/**
 * An in-memory CloudFormation for unit tests: stacks, their event histories and change sets
 * are plain data the test scripts; every call is counted per stack.
 *
 * Only the page-level calls are modelled (`CloudFormationCalls`: one request, one page, raw
 * AWS-like failures). `FakeCloudFormation` is the real gateway (`PagedCloudFormationGateway`)
 * over them, so paging, retrying and error classification run the production code here too,
 * and the contract suite (gateway-contract.ts) holds the fake and the sandbox to one behaviour.
 */
import { PagedCloudFormationGateway } from '../cloudformation-gateway.js';
import type {
  ChangeSetListEntry,
  ChangeSetSummary,
  CloudFormationCalls,
  ContinueUpdateRollbackInput,
  CreateChangeSetInput,
  CreateStackInput,
  GatewayOptions,
  Page,
  StackEvent,
  StackEventsPage,
  StackListEntry,
  StackResource,
  StackSummary,
  TemplateSummary,
  UpdateStackInput,
  DriftDetectionStatus,
  ResourceDrift,
} from '../types.js';

export interface FakeStack {
  summary: StackSummary;
  /** Oldest first. */
  events: StackEvent[];
  /** What ListStackResources answers, in order. */
  resources: StackResource[];
  deleted?: boolean;
}

export interface FakeCall {
  /** The page-level call: `describeStacks`, `describeStackEvents`, `listStacks`, ... */
  method: string;
  stack?: string;
  time: number;
  /** Paged calls: the NextToken sent (absent for a first page). */
  token?: string;
}

/** An error shaped like the SDK's service exceptions (name, message, `$metadata`, `$fault`). */
export function awsLikeError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

let seq = 0;

/** The state of the fake and its page-level calls. */
export class FakeCloudFormationCalls implements CloudFormationCalls {
  readonly stacks = new Map<string, FakeStack>();
  readonly calls: FakeCall[] = [];
  readonly changeSets = new Map<string, ChangeSetSummary>();
  /** Errors thrown by the next calls of a method (raw SDK-like, or already classified). */
  readonly failNext = new Map<string, unknown[]>();
  /** Page size of every paged call (DescribeStackEvents, ListStacks, ListStackResources), as the sandbox's 100. */
  pageSize = 100;
  /** DescribeStackEvents pages served. */
  pagesServed = 0;
  continueCalls: ContinueUpdateRollbackInput[] = [];
  onContinueUpdateRollback?: (input: ContinueUpdateRollbackInput) => void;
  /** Called after an accepted UpdateStack: a test scripts the operation's events here. */
  onUpdateStack?: (stack: FakeStack, input: UpdateStackInput) => void;
  /** Called after CreateChangeSet, with the new change set (CREATE_PENDING): a test moves it on. */
  onCreateChangeSet?: (changeSet: ChangeSetSummary, input: CreateChangeSetInput) => void;

  constructor(readonly now: () => number = () => Date.now()) {}

  addStack(name: string, status = 'UPDATE_COMPLETE', extra: Partial<StackSummary> = {}): FakeStack {
    const stackId = extra.stackId ?? `arn:aws:cloudformation:us-east-2:123456789012:stack/${name}/${(++seq).toString(16).padStart(8, '0')}`;
    const stack: FakeStack = {
      summary: { stackId, name, status, parameters: [], tags: {}, outputs: {}, creationTime: new Date(this.now() - 86_400_000), ...extra },
      events: [],
      resources: [],
    };
    this.stacks.set(stackId, stack);
    return stack;
  }

  /** Appends an event (time = now unless given) and updates the stack status for own events. */
  event(stack: FakeStack, logicalId: string, status: string, extra: Partial<StackEvent> = {}): StackEvent {
    const own = logicalId === stack.summary.name;
    const e: StackEvent = {
      eventId: `ev-${++seq}`,
      stackId: stack.summary.stackId,
      stackName: stack.summary.name,
      logicalId,
      resourceType: own ? 'AWS::CloudFormation::Stack' : 'AWS::Lambda::Function',
      status,
      time: new Date(this.now()),
      ...(own ? { physicalId: stack.summary.stackId } : {}),
      ...extra,
    };
    stack.events.push(e);
    if (own) {
      stack.summary.status = status;
      stack.summary.lastUpdatedTime = e.time;
      if (extra.reason) stack.summary.statusReason = extra.reason;
    }
    return e;
  }

  find(ref: string): FakeStack | undefined {
    const byId = this.stacks.get(ref);
    if (byId) return byId;
    return [...this.stacks.values()].find((s) => s.summary.name === ref && !s.deleted);
  }

  private record(method: string, stack?: string, token?: string): void {
    this.calls.push({ method, ...(stack ? { stack } : {}), time: this.now(), ...(token === undefined ? {} : { token }) });
    const queue = this.failNext.get(method);
    const err = queue?.shift();
    if (err !== undefined) throw err;
  }

  /** What AWS says for an unknown stack (the sandbox's engine.ts cites the same message). */
  private notFound(ref: string): Error {
    return awsLikeError('ValidationError', `Stack with id ${ref} does not exist`);
  }

  private live(ref: string): FakeStack {
    const s = this.find(ref);
    if (!s || s.deleted) throw this.notFound(ref);
    return s;
  }

  callsFor(stackNameOrId: string): FakeCall[] {
    const s = this.find(stackNameOrId);
    return this.calls.filter((c) => c.stack === stackNameOrId || (s && (c.stack === s.summary.stackId || c.stack === s.summary.name)));
  }

  /** One page of `items` from the index in `token`, `pageSize` long. */
  private page<T>(items: readonly T[], token: string | undefined): Page<T> {
    const start = token === undefined ? 0 : Number(token);
    const end = start + this.pageSize;
    return { items: items.slice(start, end), ...(end < items.length ? { nextToken: String(end) } : {}) };
  }

  async describeStacks(input: { stackName: string }): Promise<StackSummary | undefined> {
    this.record('describeStacks', input.stackName);
    const s = this.find(input.stackName);
    if (!s) throw this.notFound(input.stackName);
    return structuredClone(s.summary);
  }

  async listStacks(input: { includeDeleted: boolean; nextToken?: string }): Promise<Page<StackListEntry>> {
    this.record('listStacks', undefined, input.nextToken);
    const all = [...this.stacks.values()]
      .filter((s) => input.includeDeleted || !s.deleted)
      .map((s) => ({
        stackId: s.summary.stackId,
        name: s.summary.name,
        status: s.summary.status,
        creationTime: s.summary.creationTime,
        ...(s.summary.parentId ? { parentId: s.summary.parentId } : {}),
        ...(s.summary.rootId ? { rootId: s.summary.rootId } : {}),
      }));
    return this.page(all, input.nextToken);
  }

  async getTemplate(input: { stackName: string }): Promise<string> {
    this.record('getTemplate', input.stackName);
    this.live(input.stackName);
    return '{}';
  }

  async getTemplateSummary(): Promise<TemplateSummary> {
    this.record('getTemplateSummary');
    return { parameters: [], capabilities: [] };
  }

  async createChangeSet(input: CreateChangeSetInput): Promise<{ changeSetId: string; stackId: string }> {
    this.record('createChangeSet', input.stackName);
    const s = this.live(input.stackName);
    // An ARN, as AWS answers: a change set is named by it too (nested change sets only so).
    const changeSetId = `arn:aws:cloudformation:us-east-2:123456789012:changeSet/${input.changeSetName}/${(++seq).toString(16).padStart(8, '0')}`;
    const cs: ChangeSetSummary = {
      changeSetId,
      changeSetName: input.changeSetName,
      stackId: s.summary.stackId,
      status: 'CREATE_PENDING',
      changes: [],
      parameters: [],
      tags: input.tags ?? {},
    };
    this.changeSets.set(`${input.stackName}/${input.changeSetName}`, cs);
    this.onCreateChangeSet?.(cs, input);
    return { changeSetId, stackId: s.summary.stackId };
  }

  /** A change set by stack and name, or by its id (ChangeSetName takes either, as on AWS). */
  findChangeSet(stackName: string, changeSetName: string): ChangeSetSummary | undefined {
    const named = this.changeSets.get(`${stackName}/${changeSetName}`);
    if (named || !changeSetName.startsWith('arn:')) return named;
    return [...this.changeSets.values()].find((cs) => cs.changeSetId === changeSetName);
  }

  async describeChangeSet(input: { stackName: string; changeSetName: string }): Promise<ChangeSetSummary> {
    this.record('describeChangeSet', input.stackName);
    const cs = this.findChangeSet(input.stackName, input.changeSetName);
    // The sandbox's engine.ts cites AWS's message and error code for an unknown change set.
    if (!cs) throw awsLikeError('ChangeSetNotFoundException', `ChangeSet [${input.changeSetName}] does not exist`, 404);
    return structuredClone(cs);
  }

  async executeChangeSet(input: { stackName: string; changeSetName: string }): Promise<void> {
    this.record('executeChangeSet', input.stackName);
  }

  async deleteChangeSet(input: { stackName: string; changeSetName: string }): Promise<void> {
    this.record('deleteChangeSet', input.stackName);
    this.changeSets.delete(`${input.stackName}/${input.changeSetName}`);
  }

  /** The stack's change sets in creation order, `pageSize` per page, as the sandbox answers. */
  async listChangeSets(input: { stackName: string; nextToken?: string }): Promise<Page<ChangeSetListEntry>> {
    this.record('listChangeSets', input.stackName, input.nextToken);
    const stackId = this.live(input.stackName).summary.stackId;
    const entries = [...this.changeSets.values()]
      .filter((cs) => cs.stackId === stackId)
      .map((cs) => ({
        changeSetId: cs.changeSetId,
        changeSetName: cs.changeSetName,
        stackId: cs.stackId,
        status: cs.status,
        ...(cs.executionStatus ? { executionStatus: cs.executionStatus } : {}),
        ...(cs.statusReason ? { statusReason: cs.statusReason } : {}),
      }));
    return this.page(entries, input.nextToken);
  }

  async updateStack(input: UpdateStackInput): Promise<{ stackId: string }> {
    this.record('updateStack', input.stackName);
    const s = this.live(input.stackName);
    const current = new Map(s.summary.parameters.map((p) => [p.key, p.value]));
    const sameParameters = input.parameters.every((p) => p.usePreviousValue || current.get(p.key) === p.value);
    const sameTags = input.tags === undefined || JSON.stringify(input.tags) === JSON.stringify(s.summary.tags);
    // Nothing would change: AWS refuses the update (the sandbox's engine.ts models the same rule).
    if (input.usePreviousTemplate && sameParameters && sameTags) throw awsLikeError('ValidationError', 'No updates are to be performed.');
    for (const p of input.parameters) {
      if (!p.usePreviousValue) {
        const known = s.summary.parameters.find((q) => q.key === p.key);
        if (known) known.value = p.value ?? '';
        else s.summary.parameters.push({ key: p.key, value: p.value ?? '' });
      }
    }
    if (input.tags) s.summary.tags = { ...input.tags };
    this.onUpdateStack?.(s, input);
    return { stackId: s.summary.stackId };
  }

  async createStack(input: CreateStackInput): Promise<{ stackId: string }> {
    this.record('createStack', input.stackName);
    return { stackId: this.addStack(input.stackName, 'CREATE_IN_PROGRESS').summary.stackId };
  }

  /** Deletes at once: DELETE_COMPLETE, listed only with deleted stacks, found by id only. */
  async deleteStack(input: { stackName: string }): Promise<void> {
    this.record('deleteStack', input.stackName);
    const s = this.find(input.stackName);
    // Deleting a stack that does not exist succeeds silently on AWS, as in the sandbox.
    if (!s || s.deleted) return;
    this.event(s, s.summary.name, 'DELETE_IN_PROGRESS');
    this.event(s, s.summary.name, 'DELETE_COMPLETE');
    s.deleted = true;
    s.summary.deletionTime = new Date(this.now());
  }

  /** Pages like AWS and the sandbox: newest first, tokens index the append-only history. */
  async describeStackEvents(input: { stackName: string; nextToken?: string }): Promise<StackEventsPage> {
    const ref = input.stackName;
    this.record('describeStackEvents', ref, input.nextToken);
    const s = this.stacks.get(ref) ?? this.find(ref);
    if (!s || (s.deleted && !ref.startsWith('arn:'))) throw this.notFound(ref);
    this.pagesServed++;
    const end = Math.min(input.nextToken === undefined ? s.events.length : Number(input.nextToken), s.events.length);
    const start = Math.max(0, end - this.pageSize);
    const events = s.events.slice(start, end).reverse().map((e) => ({ ...e }));
    return { events, ...(start > 0 ? { nextToken: String(start) } : {}) };
  }

  async listStackResources(input: { stackName: string; nextToken?: string }): Promise<Page<StackResource>> {
    this.record('listStackResources', input.stackName, input.nextToken);
    return this.page(this.live(input.stackName).resources, input.nextToken);
  }

  async continueUpdateRollback(input: ContinueUpdateRollbackInput): Promise<void> {
    this.record('continueUpdateRollback', input.stackName);
    this.continueCalls.push(input);
    this.onContinueUpdateRollback?.(input);
  }

  async cancelUpdateStack(input: { stackName: string }): Promise<void> {
    this.record('cancelUpdateStack', input.stackName);
  }

  async updateTerminationProtection(input: { stackName: string; enable: boolean }): Promise<void> {
    this.record('updateTerminationProtection', input.stackName);
    const stack = this.stacks.get(input.stackName);
    if (stack) stack.summary = { ...stack.summary, terminationProtection: input.enable };
  }

  /** Drift: every stack in sync unless a test scripts `drifts` (by stack name). */
  readonly drifts = new Map<string, ResourceDrift[]>();

  /** Stack policies by stack name: none unless a test sets one. */
  readonly policies = new Map<string, string>();

  async getStackPolicy(input: { stackName: string }): Promise<string | undefined> {
    this.record('getStackPolicy', input.stackName);
    return this.policies.get(input.stackName);
  }

  async detectStackDrift(input: { stackName: string }): Promise<string> {
    this.record('detectStackDrift', input.stackName);
    return `drift-${input.stackName}`;
  }

  async describeStackDriftDetectionStatus(input: { detectionId: string }): Promise<DriftDetectionStatus> {
    this.record('describeStackDriftDetectionStatus', input.detectionId);
    const name = input.detectionId.replace(/^drift-/, '');
    return { status: 'DETECTION_COMPLETE', driftStatus: (this.drifts.get(name) ?? []).length ? 'DRIFTED' : 'IN_SYNC' };
  }

  async describeStackResourceDrifts(input: { stackName: string; statuses: readonly string[]; nextToken?: string }): Promise<Page<ResourceDrift>> {
    this.record('describeStackResourceDrifts', input.stackName, input.nextToken);
    return this.page((this.drifts.get(input.stackName) ?? []).filter((d) => !input.statuses.length || input.statuses.includes(d.status)), input.nextToken);
  }
}

/**
 * The gateway over a `FakeCloudFormationCalls`, with the fake's scripting helpers at hand:
 * tests pass it wherever a `CloudFormationGateway` goes and script it directly.
 */
export class FakeCloudFormation extends PagedCloudFormationGateway {
  readonly fake: FakeCloudFormationCalls;

  /** `options` default to no retry sleeps worth waiting for: 1 ms backoff. */
  constructor(now: () => number = () => Date.now(), options: GatewayOptions = { retry: { baseMs: 1, capMs: 1 } }) {
    const fake = new FakeCloudFormationCalls(now);
    super(fake, options);
    this.fake = fake;
  }

  get stacks(): Map<string, FakeStack> {
    return this.fake.stacks;
  }

  get calls(): FakeCall[] {
    return this.fake.calls;
  }

  get changeSets(): Map<string, ChangeSetSummary> {
    return this.fake.changeSets;
  }

  get failNext(): Map<string, unknown[]> {
    return this.fake.failNext;
  }

  get pageSize(): number {
    return this.fake.pageSize;
  }

  set pageSize(n: number) {
    this.fake.pageSize = n;
  }

  get pagesServed(): number {
    return this.fake.pagesServed;
  }

  set pagesServed(n: number) {
    this.fake.pagesServed = n;
  }

  get continueCalls(): ContinueUpdateRollbackInput[] {
    return this.fake.continueCalls;
  }

  set onContinueUpdateRollback(hook: ((input: ContinueUpdateRollbackInput) => void) | undefined) {
    this.fake.onContinueUpdateRollback = hook;
  }

  addStack(name: string, status?: string, extra?: Partial<StackSummary>): FakeStack {
    return this.fake.addStack(name, status, extra);
  }

  event(stack: FakeStack, logicalId: string, status: string, extra?: Partial<StackEvent>): StackEvent {
    return this.fake.event(stack, logicalId, status, extra);
  }

  callsFor(stackNameOrId: string): FakeCall[] {
    return this.fake.callsFor(stackNameOrId);
  }
}
