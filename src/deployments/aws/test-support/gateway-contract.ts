/**
 * The CloudFormation gateway contract: one suite, run against every implementation of the
 * page-level calls (as hono's router/common.case.test.ts runs one suite for every router).
 * `gateway-contract.fake.test.ts` runs it over the in-memory fake, and
 * `gateway-contract.sandbox.test.ts` over the SDK talking HTTP to a sandbox process. The
 * gateway (paging, retrying, error classification) and the waiters are the production code in
 * both; only the page-level calls differ, so what passes here behaves alike in unit tests and
 * against the wire.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryIoHost } from '../../../io/messages.js';
import { waitForChangeSet } from '../../wait/change-set-waiter.js';
import { captureStartMarker, waitForStackOperation } from '../../wait/stack-waiter.js';
import type { CloudFormationGateway, GatewayOptions } from '../types.js';

/** The AWS actions whose calls the suite counts or fails. */
export type ContractAction = 'DescribeStacks' | 'ListStacks' | 'DescribeStackEvents' | 'ListStackResources' | 'DescribeChangeSet' | 'UpdateStack';

/** The parameter every contract stack has; its resources read it, so changing it modifies them. */
export const CONTRACT_PARAMETER = 'Label';

export interface ContractTarget {
  /** The gateway under test, built with the options the suite passed to `makeGateway`. */
  gateway: CloudFormationGateway;
  /** Items per page of the implementation's paged calls. */
  pageSize: number;
  /**
   * Creates a stack and resolves once it is CREATE_COMPLETE: `resources` resources `R0`... that
   * read the parameter `Label` (value `a`), so the stack has more than 2 × `resources` events.
   */
  createStack(name: string, resources: number): Promise<void>;
  /** Several stacks of one resource each, CREATE_COMPLETE when this resolves. */
  createStacks(names: string[]): Promise<void>;
  /**
   * Creates a root stack holding one nested stack, `Inner` (AWS::CloudFormation::Stack), whose
   * `resources` resources `R0`... read the root's parameter `Label` (value `a`), passed down as
   * the nested stack's own `Label`; resolves once both are CREATE_COMPLETE.
   */
  createNestedStack(name: string, resources: number): Promise<void>;
  /** Finishes every operation in flight (deletions, updates) at once. */
  settle(): Promise<void>;
  /** How many calls of `action` the implementation has answered so far (failed ones included). */
  callCount(action: ContractAction): Promise<number>;
  /** The next `times` calls of `action` fail: AWS's `Throttling` (HTTP 400), or a 503. */
  failNext(action: ContractAction, kind: 'throttle' | 'server-error', times: number): Promise<void>;
  /** The next update of `stack` fails at its resource `logicalId` with `reason`, then rolls back. */
  failNextUpdate(stack: string, logicalId: string, reason: string): Promise<void>;
  close(): Promise<void>;
}

export interface GatewayContractOptions {
  /** Starts an implementation and builds the gateway over it with `options`. */
  makeGateway(options: GatewayOptions): Promise<ContractTarget>;
}

const POLL_MS = 20;
const NESTED_STACK = 'AWS::CloudFormation::Stack';

/** A unique `panther-*` stack name, so tests never see each other's stacks. */
function stackName(what: string): string {
  return `panther-contract-${what}-${randomUUID().slice(0, 8)}`;
}

export function runGatewayContract({ makeGateway }: GatewayContractOptions): void {
  const io = new MemoryIoHost();
  let target: ContractTarget;
  let cf: CloudFormationGateway;

  beforeAll(async () => {
    // Quick backoff: the suite checks what is retried and how often, not how long it sleeps.
    target = await makeGateway({ io, retry: { baseMs: 1, capMs: 5 } });
    cf = target.gateway;
  });
  afterAll(async () => {
    await target?.close();
  });
  beforeEach(() => {
    io.messages.length = 0;
  });

  /** Calls of `action` made while `body` ran. */
  async function counting<T>(action: ContractAction, body: () => Promise<T>): Promise<{ result: T; calls: number }> {
    const before = await target.callCount(action);
    const result = await body();
    return { result, calls: (await target.callCount(action)) - before };
  }

  describe('paging', () => {
    it('reads every event of a long history, newest first, one call per page', async () => {
      const name = stackName('events');
      await target.createStack(name, 60);
      const { result: events, calls } = await counting('DescribeStackEvents', () => cf.describeEvents(name));
      expect(events.length).toBeGreaterThan(target.pageSize);
      expect(calls).toBe(Math.ceil(events.length / target.pageSize));
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      const times = events.map((e) => e.time.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(events[0]).toMatchObject({ logicalId: name, status: 'CREATE_COMPLETE', resourceType: 'AWS::CloudFormation::Stack' });
      expect(events.at(-1)).toMatchObject({ logicalId: name, status: 'CREATE_IN_PROGRESS' });
      expect(events.filter((e) => e.logicalId === 'R7').map((e) => e.status)).toContain('CREATE_COMPLETE');
    });

    it('stops paging at the first stop condition met', async () => {
      const name = stackName('stops');
      await target.createStack(name, 60);
      const all = await cf.describeEvents(name);
      const past = all[target.pageSize + 10]!;

      const since = await counting('DescribeStackEvents', () => cf.describeEvents(name, { sinceEventId: past.eventId }));
      expect(since.result.map((e) => e.eventId)).toEqual(all.slice(0, target.pageSize + 10).map((e) => e.eventId));
      expect(since.calls).toBe(2);

      const newest = await counting('DescribeStackEvents', () => cf.describeEvents(name, { limit: 1 }));
      expect(newest.result.map((e) => e.eventId)).toEqual([all[0]!.eventId]);
      expect(newest.calls).toBe(1);

      const upTo = await counting('DescribeStackEvents', () => cf.describeEvents(name, { stopAt: (e) => e.eventId === all[5]!.eventId }));
      expect(upTo.result).toHaveLength(6);
      expect(upTo.calls).toBe(1);
    });

    it('hands out one page at a time, and the token continues where the page ended', async () => {
      const name = stackName('page');
      await target.createStack(name, 60);
      const all = await cf.describeEvents(name);
      const first = await cf.describeEventsPage(name);
      expect(first.events.map((e) => e.eventId)).toEqual(all.slice(0, target.pageSize).map((e) => e.eventId));
      expect(first.nextToken).toBeDefined();
      const second = await cf.describeEventsPage(name, { nextToken: first.nextToken! });
      expect(second.events.map((e) => e.eventId)).toEqual(all.slice(target.pageSize, 2 * target.pageSize).map((e) => e.eventId));
    });

    it('lists every resource of a stack across pages', async () => {
      const name = stackName('resources');
      await target.createStack(name, target.pageSize + 20);
      const { result, calls } = await counting('ListStackResources', () => cf.listStackResources(name));
      expect(result.map((r) => r.logicalId).sort()).toEqual(Array.from({ length: target.pageSize + 20 }, (_, i) => `R${i}`).sort());
      expect(result.every((r) => r.status === 'CREATE_COMPLETE')).toBe(true);
      expect(calls).toBe(2);
    });

    it('lists every live stack across pages, and deleted ones only when asked', async () => {
      const prefix = stackName('many');
      const names = Array.from({ length: target.pageSize + 5 }, (_, i) => `${prefix}-${i}`);
      await target.createStacks(names);
      await cf.deleteStack({ stackName: names[0]! });
      await target.settle();

      const { result: live, calls } = await counting('ListStacks', () => cf.listStacks());
      const liveNames = live.map((s) => s.name);
      expect(new Set(liveNames).size).toBe(liveNames.length);
      expect(liveNames).toEqual(expect.arrayContaining(names.slice(1)));
      expect(liveNames).not.toContain(names[0]);
      expect(calls).toBe(Math.ceil(live.length / target.pageSize));

      const withDeleted = await cf.listStacks({ includeDeleted: true });
      expect(withDeleted.find((s) => s.name === names[0])?.status).toBe('DELETE_COMPLETE');
    });

    it('finds a deleted stack by its id, not by its name', async () => {
      const name = stackName('deleted');
      await target.createStacks([name]);
      const stack = await cf.describeStack(name);
      await cf.deleteStack({ stackName: name });
      await target.settle();
      expect(await cf.describeStack(name)).toBeUndefined();
      expect((await cf.describeStack(stack!.stackId))?.status).toBe('DELETE_COMPLETE');
    });
  });

  describe('error classification', () => {
    it('answers undefined for a stack that does not exist, and stack-not-found where a stack is needed', async () => {
      const missing = stackName('missing');
      expect(await cf.describeStack(missing)).toBeUndefined();
      await expect(cf.describeEventsPage(missing)).rejects.toMatchObject({ code: 'stack-not-found', source: 'aws' });
      await expect(cf.listStackResources(missing)).rejects.toMatchObject({ code: 'stack-not-found' });
      await expect(cf.updateStack({ stackName: missing, usePreviousTemplate: true, parameters: [] })).rejects.toMatchObject({ code: 'stack-not-found' });
    });

    it('classifies an update with nothing to change as no-updates', async () => {
      const name = stackName('noop');
      await target.createStacks([name]);
      await expect(
        cf.updateStack({ stackName: name, usePreviousTemplate: true, parameters: [{ key: CONTRACT_PARAMETER, usePreviousValue: true }] }),
      ).rejects.toMatchObject({ code: 'no-updates', source: 'aws' });
    });

    it('classifies an unknown change set as change-set-not-found', async () => {
      const name = stackName('nocs');
      await target.createStacks([name]);
      await expect(cf.describeChangeSet({ stackName: name, changeSetName: 'pantherctl-none' })).rejects.toMatchObject({ code: 'change-set-not-found' });
    });

    it('retries throttling and server errors, reporting each backoff', async () => {
      const name = stackName('retry');
      await target.createStacks([name]);
      await target.failNext('DescribeStacks', 'throttle', 2);
      const throttled = await counting('DescribeStacks', () => cf.describeStack(name));
      expect(throttled.result?.name).toBe(name);
      expect(throttled.calls).toBe(3);
      expect(io.messages.filter((m) => m.code === 'aws.retry').map((m) => m.data?.code)).toEqual(['throttled', 'throttled']);

      io.messages.length = 0;
      await target.failNext('ListStackResources', 'server-error', 1);
      expect(await cf.listStackResources(name)).toHaveLength(1);
      expect(io.messages.filter((m) => m.code === 'aws.retry').map((m) => m.data?.code)).toEqual(['transient']);
    });

    it('makes exactly one request when asked not to retry, and throws it classified', async () => {
      const name = stackName('once');
      await target.createStacks([name]);
      await target.failNext('DescribeStackEvents', 'throttle', 1);
      const once = await counting('DescribeStackEvents', () => cf.describeEventsPage(name, { retry: false }).catch((e: unknown) => e));
      expect(once.result).toMatchObject({ code: 'throttled', source: 'aws' });
      expect(once.calls).toBe(1);
      // The fault is used up: the next call goes through.
      expect((await cf.describeEventsPage(name, { retry: false })).events.length).toBeGreaterThan(0);
    });
  });

  describe('nested stacks', () => {
    it('lists a nested stack among its parent\'s resources, by the id of its own stack', async () => {
      const name = stackName('nested');
      await target.createNestedStack(name, 2);
      const root = await cf.describeStack(name);
      const inner = (await cf.listStackResources(name)).find((r) => r.logicalId === 'Inner');
      expect(inner).toMatchObject({ resourceType: NESTED_STACK, status: 'CREATE_COMPLETE' });
      const child = await cf.describeStack(inner!.physicalId!);
      expect(child).toMatchObject({ stackId: inner!.physicalId, parentId: root!.stackId, rootId: root!.stackId, status: 'CREATE_COMPLETE' });
      expect((await cf.listStackResources(inner!.physicalId!)).map((r) => r.logicalId).sort()).toEqual(['R0', 'R1']);
    });

    // CreateChangeSet's IncludeNestedStacks makes a nested change set for each nested stack
    // (User Guide, change-sets-for-nested-stacks.md); the nested stack's row names it
    // (API reference, ResourceChange.ChangeSetId: "The change set ID of the nested change set"),
    // and DescribeChangeSet takes that ARN as ChangeSetName.
    it('makes a nested change set for a modified nested stack with includeNestedStacks, described by its id', async () => {
      const name = stackName('nestedcs');
      await target.createNestedStack(name, 2);
      const changed = [{ key: CONTRACT_PARAMETER, value: 'e' }];
      await cf.createChangeSet({ stackName: name, changeSetName: 'pantherctl-nested', usePreviousTemplate: true, parameters: changed, includeNestedStacks: true });
      const ready = await waitForChangeSet({ gateway: cf, stackName: name, changeSetName: 'pantherctl-nested', timeoutMs: 30_000, pollIntervalMs: POLL_MS });
      const row = ready.changeSet.changes.find((c) => c.logicalId === 'Inner');
      expect(row).toMatchObject({ action: 'Modify', resourceType: NESTED_STACK });
      expect(row?.changeSetId).toMatch(/^arn:aws:cloudformation:[^:]+:\d{12}:changeSet\//);
      const nested = await cf.describeChangeSet({ stackName: row!.physicalId!, changeSetName: row!.changeSetId! });
      expect(nested).toMatchObject({ changeSetId: row!.changeSetId, stackId: row!.physicalId });
      expect(nested.changes.map((c) => `${c.action} ${c.logicalId}`).sort()).toEqual(['Modify R0', 'Modify R1']);

      // Without it, the nested stack is one opaque Modify row.
      await cf.createChangeSet({ stackName: name, changeSetName: 'pantherctl-flat', usePreviousTemplate: true, parameters: changed });
      const flat = await waitForChangeSet({ gateway: cf, stackName: name, changeSetName: 'pantherctl-flat', timeoutMs: 30_000, pollIntervalMs: POLL_MS });
      const opaque = flat.changeSet.changes.find((c) => c.logicalId === 'Inner');
      expect(opaque).toMatchObject({ action: 'Modify', resourceType: NESTED_STACK });
      expect(opaque?.changeSetId).toBeUndefined();
    });
  });

  describe('waiting', () => {
    it('waits for an update from its first event to its end, and nothing before it', async () => {
      const name = stackName('update');
      await target.createStack(name, 3);
      const before = new Set((await cf.describeEvents(name)).map((e) => e.eventId));
      const marker = await captureStartMarker(cf, name);
      await cf.updateStack({ stackName: name, usePreviousTemplate: true, parameters: [{ key: CONTRACT_PARAMETER, value: 'b' }] });
      const result = await waitForStackOperation({ gateway: cf, stack: name, startedAfter: marker, timeoutMs: 30_000, pollIntervalMs: POLL_MS });
      expect(result).toMatchObject({ outcome: 'succeeded', finalStatus: 'UPDATE_COMPLETE', stackName: name });
      expect(result.events.some((e) => before.has(e.eventId))).toBe(false);
      expect(result.events[0]).toMatchObject({ logicalId: name, status: 'UPDATE_IN_PROGRESS' });
      expect(result.events.at(-1)).toMatchObject({ logicalId: name, status: 'UPDATE_COMPLETE' });
      expect(result.events.filter((e) => e.logicalId === 'R1').map((e) => e.status)).toContain('UPDATE_COMPLETE');
      const after = await cf.describeStack(name);
      expect(after?.status).toBe('UPDATE_COMPLETE');
      expect(after?.parameters.find((p) => p.key === CONTRACT_PARAMETER)?.value).toBe('b');
    });

    it('waits through a failed update to its rollback, the failure among the events', async () => {
      const name = stackName('rollback');
      await target.createStack(name, 3);
      await target.failNextUpdate(name, 'R2', 'contract: resource failed');
      const marker = await captureStartMarker(cf, name);
      await cf.updateStack({ stackName: name, usePreviousTemplate: true, parameters: [{ key: CONTRACT_PARAMETER, value: 'c' }] });
      const result = await waitForStackOperation({ gateway: cf, stack: name, startedAfter: marker, timeoutMs: 30_000, pollIntervalMs: POLL_MS });
      expect(result).toMatchObject({ outcome: 'rolled-back', finalStatus: 'UPDATE_ROLLBACK_COMPLETE' });
      expect(result.events.find((e) => e.status === 'UPDATE_FAILED' && e.logicalId === 'R2')?.reason).toBe('contract: resource failed');
    });

    it('waits for a change set to be ready, or to have nothing to change', async () => {
      const name = stackName('changeset');
      await target.createStack(name, 2);
      await cf.createChangeSet({ stackName: name, changeSetName: 'pantherctl-ready', usePreviousTemplate: true, parameters: [{ key: CONTRACT_PARAMETER, value: 'd' }] });
      const ready = await waitForChangeSet({ gateway: cf, stackName: name, changeSetName: 'pantherctl-ready', timeoutMs: 30_000, pollIntervalMs: POLL_MS });
      expect(ready.noChanges).toBe(false);
      expect(ready.changeSet.status).toBe('CREATE_COMPLETE');
      expect(ready.changeSet.changes.map((c) => `${c.action} ${c.logicalId}`).sort()).toEqual(['Modify R0', 'Modify R1']);

      await cf.createChangeSet({ stackName: name, changeSetName: 'pantherctl-same', usePreviousTemplate: true, parameters: [{ key: CONTRACT_PARAMETER, usePreviousValue: true }] });
      const same = await waitForChangeSet({ gateway: cf, stackName: name, changeSetName: 'pantherctl-same', timeoutMs: 30_000, pollIntervalMs: POLL_MS });
      expect(same.noChanges).toBe(true);
    });
  });
}
