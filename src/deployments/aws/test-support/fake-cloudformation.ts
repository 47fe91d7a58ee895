/**
 * An in-memory CloudFormation gateway for unit tests: stacks, their event histories and
 * change sets are plain data the test scripts; every call is counted per stack.
 */
import { PantherctlError } from '../../../errors/pantherctl-error.js';
import type {
  ChangeSetSummary,
  CloudFormationGateway,
  ContinueUpdateRollbackInput,
  CreateChangeSetInput,
  DescribeEventsOptions,
  StackEvent,
  StackEventsPage,
  StackListEntry,
  StackResource,
  StackSummary,
  TemplateSummary,
} from '../types.js';

export interface FakeStack {
  summary: StackSummary;
  /** Oldest first. */
  events: StackEvent[];
  deleted?: boolean;
}

export interface FakeCall {
  method: string;
  stack?: string;
  time: number;
  /** describeEventsPage: the NextToken sent (absent for a first page). */
  token?: string;
}

let seq = 0;

export class FakeCloudFormation implements CloudFormationGateway {
  readonly stacks = new Map<string, FakeStack>();
  readonly calls: FakeCall[] = [];
  readonly changeSets = new Map<string, ChangeSetSummary>();
  /** Errors thrown by the next calls of a method (raw SDK-like or classified). */
  readonly failNext = new Map<string, unknown[]>();
  /** Page size of describeEvents, to test pagination. */
  pageSize = 100;
  pagesServed = 0;
  continueCalls: ContinueUpdateRollbackInput[] = [];
  /** What listStackResources answers, by stack id or name. */
  readonly resources = new Map<string, StackResource[]>();
  onContinueUpdateRollback?: (input: ContinueUpdateRollbackInput) => void;

  constructor(private readonly now: () => number = () => Date.now()) {}

  addStack(name: string, status = 'UPDATE_COMPLETE', extra: Partial<StackSummary> = {}): FakeStack {
    const stackId = extra.stackId ?? `arn:aws:cloudformation:us-east-2:123456789012:stack/${name}/${(++seq).toString(16).padStart(8, '0')}`;
    const stack: FakeStack = {
      summary: { stackId, name, status, parameters: [], tags: {}, outputs: {}, creationTime: new Date(this.now() - 86_400_000), ...extra },
      events: [],
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

  private find(ref: string): FakeStack | undefined {
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

  private notFound(ref: string): PantherctlError {
    return new PantherctlError('stack-not-found', `Stack with id ${ref} does not exist`, { source: 'aws' });
  }

  callsFor(stackNameOrId: string): FakeCall[] {
    const s = this.find(stackNameOrId);
    return this.calls.filter((c) => c.stack === stackNameOrId || (s && (c.stack === s.summary.stackId || c.stack === s.summary.name)));
  }

  async describeStack(ref: string): Promise<StackSummary | undefined> {
    this.record('describeStack', ref);
    const s = this.find(ref);
    return s ? structuredClone(s.summary) : undefined;
  }

  async listStacks(options: { includeDeleted?: boolean } = {}): Promise<StackListEntry[]> {
    this.record('listStacks');
    return [...this.stacks.values()]
      .filter((s) => options.includeDeleted || !s.deleted)
      .map((s) => ({
        stackId: s.summary.stackId,
        name: s.summary.name,
        status: s.summary.status,
        creationTime: s.summary.creationTime,
        ...(s.summary.parentId ? { parentId: s.summary.parentId } : {}),
        ...(s.summary.rootId ? { rootId: s.summary.rootId } : {}),
      }));
  }

  async getTemplateBody(ref: string): Promise<string> {
    this.record('getTemplateBody', ref);
    return '{}';
  }

  async getTemplateSummary(): Promise<TemplateSummary> {
    this.record('getTemplateSummary');
    return { parameters: [], capabilities: [] };
  }

  async createChangeSet(input: CreateChangeSetInput): Promise<{ changeSetId: string; stackId: string }> {
    this.record('createChangeSet', input.stackName);
    const s = this.find(input.stackName);
    if (!s) throw this.notFound(input.stackName);
    const changeSetId = `cs-${++seq}`;
    this.changeSets.set(`${input.stackName}/${input.changeSetName}`, {
      changeSetId,
      changeSetName: input.changeSetName,
      stackId: s.summary.stackId,
      status: 'CREATE_PENDING',
      changes: [],
      parameters: [],
      tags: input.tags ?? {},
    });
    return { changeSetId, stackId: s.summary.stackId };
  }

  async describeChangeSet(input: { stackName: string; changeSetName: string }): Promise<ChangeSetSummary> {
    this.record('describeChangeSet', input.stackName);
    const cs = this.changeSets.get(`${input.stackName}/${input.changeSetName}`);
    if (!cs) throw new PantherctlError('change-set-not-found', `ChangeSet ${input.changeSetName} does not exist`, { source: 'aws' });
    return structuredClone(cs);
  }

  async executeChangeSet(input: { stackName: string; changeSetName: string }): Promise<void> {
    this.record('executeChangeSet', input.stackName);
  }

  async deleteChangeSet(input: { stackName: string; changeSetName: string }): Promise<void> {
    this.record('deleteChangeSet', input.stackName);
    this.changeSets.delete(`${input.stackName}/${input.changeSetName}`);
  }

  async updateStack(input: { stackName: string }): Promise<{ stackId: string }> {
    this.record('updateStack', input.stackName);
    const s = this.find(input.stackName);
    if (!s) throw this.notFound(input.stackName);
    return { stackId: s.summary.stackId };
  }

  async createStack(input: { stackName: string }): Promise<{ stackId: string }> {
    this.record('createStack', input.stackName);
    return { stackId: this.addStack(input.stackName, 'CREATE_IN_PROGRESS').summary.stackId };
  }

  async deleteStack(input: { stackName: string }): Promise<void> {
    this.record('deleteStack', input.stackName);
  }

  /** Walks pages like the real gateway: one recorded call per page. */
  async describeEvents(ref: string, options: DescribeEventsOptions = {}): Promise<StackEvent[]> {
    const out: StackEvent[] = [];
    let token: string | undefined;
    do {
      this.record('describeEvents', ref, token);
      const page = this.page(ref, token);
      for (const e of page.events) {
        if (options.sinceEventId !== undefined && e.eventId === options.sinceEventId) return out;
        if (options.since !== undefined && e.time.getTime() < options.since.getTime()) return out;
        out.push(e);
        if (options.limit !== undefined && out.length >= options.limit) return out;
        if (options.stopAt?.(e)) return out;
      }
      token = page.nextToken;
    } while (token !== undefined);
    return out;
  }

  async describeEventsPage(ref: string, options: { nextToken?: string } = {}): Promise<StackEventsPage> {
    this.record('describeEventsPage', ref, options.nextToken);
    return this.page(ref, options.nextToken);
  }

  /** Pages like AWS and the sandbox: newest first, tokens index the append-only history. */
  private page(ref: string, nextToken: string | undefined): StackEventsPage {
    const s = this.stacks.get(ref) ?? this.find(ref);
    if (!s || (s.deleted && !ref.startsWith('arn:'))) throw this.notFound(ref);
    this.pagesServed++;
    const end = Math.min(nextToken === undefined ? s.events.length : Number(nextToken), s.events.length);
    const start = Math.max(0, end - this.pageSize);
    const events = s.events.slice(start, end).reverse().map((e) => ({ ...e }));
    return { events, ...(start > 0 ? { nextToken: String(start) } : {}) };
  }

  async listStackResources(ref: string): Promise<StackResource[]> {
    this.record('listStackResources', ref);
    return this.resources.get(ref) ?? [];
  }

  async continueUpdateRollback(input: ContinueUpdateRollbackInput): Promise<void> {
    this.record('continueUpdateRollback', input.stackName);
    this.continueCalls.push(input);
    this.onContinueUpdateRollback?.(input);
  }

  async cancelUpdateStack(input: { stackName: string }): Promise<void> {
    this.record('cancelUpdateStack', input.stackName);
  }
}
