/**
 * The gateway contract over the in-memory fake: the fake answers page by page, and the
 * production gateway and waiters do the rest. Operations are scripted here, on real timers, in
 * the order the sandbox plays them (stack event, each resource started and finished, end).
 */
import { describe } from 'vitest';
import type { ChangeSetSummary, CreateChangeSetInput, GatewayOptions, ResourceChange } from './types.js';
import { awsLikeError, FakeCloudFormation, type FakeCloudFormationCalls, type FakeStack } from './test-support/fake-cloudformation.js';
import { CONTRACT_PARAMETER, runGatewayContract, type ContractAction, type ContractTarget } from './test-support/gateway-contract.js';

const STEP_MS = 5;
const NESTED_STACK = 'AWS::CloudFormation::Stack';

/** The page-level method that serves an action: `DescribeStacks` -> `describeStacks`. */
const methodOf = (action: ContractAction): string => action[0]!.toLowerCase() + action.slice(1);

function makeFakeTarget(options: GatewayOptions): ContractTarget {
  const gateway = new FakeCloudFormation(() => Date.now(), options);
  const fake: FakeCloudFormationCalls = gateway.fake;
  const failures = new Map<string, { logicalId: string; reason: string }>();
  const running = new Set<Promise<void>>();

  /** Runs the steps STEP_MS apart; `settle` waits for every script still running. */
  const play = (steps: Array<() => void>): void => {
    const done = (async () => {
      for (const step of steps) {
        await new Promise((r) => setTimeout(r, STEP_MS));
        step();
      }
    })();
    running.add(done);
    void done.finally(() => running.delete(done));
  };

  const seed = (name: string, resources: number): FakeStack => {
    const stack = fake.addStack(name, 'CREATE_IN_PROGRESS', { parameters: [{ key: CONTRACT_PARAMETER, value: 'a' }] });
    fake.event(stack, name, 'CREATE_IN_PROGRESS', { reason: 'User Initiated' });
    for (let i = 0; i < resources; i++) {
      fake.event(stack, `R${i}`, 'CREATE_IN_PROGRESS');
      fake.event(stack, `R${i}`, 'CREATE_COMPLETE');
      stack.resources.push({ logicalId: `R${i}`, physicalId: `${name}-R${i}`, resourceType: 'AWS::Lambda::Function', status: 'CREATE_COMPLETE' });
    }
    fake.event(stack, name, 'CREATE_COMPLETE');
    return stack;
  };

  /** A root stack whose one resource, `Inner`, is a nested stack holding `resources` resources. */
  const seedNested = (name: string, resources: number): void => {
    const root = fake.addStack(name, 'CREATE_IN_PROGRESS', { parameters: [{ key: CONTRACT_PARAMETER, value: 'a' }] });
    fake.event(root, name, 'CREATE_IN_PROGRESS', { reason: 'User Initiated' });
    fake.event(root, 'Inner', 'CREATE_IN_PROGRESS', { resourceType: NESTED_STACK });
    const inner = seed(`${name}-Inner-${Math.random().toString(36).slice(2, 10).toUpperCase()}`, resources);
    inner.summary.parentId = root.summary.stackId;
    inner.summary.rootId = root.summary.stackId;
    fake.event(root, 'Inner', 'CREATE_COMPLETE', { resourceType: NESTED_STACK, physicalId: inner.summary.stackId });
    root.resources.push({ logicalId: 'Inner', physicalId: inner.summary.stackId, resourceType: NESTED_STACK, status: 'CREATE_COMPLETE' });
    fake.event(root, name, 'CREATE_COMPLETE');
  };

  /** The rows of a change set on `stack` that sets the parameter: every resource is modified. */
  const modifyAll = (stack: FakeStack): ResourceChange[] =>
    stack.resources.map((r) => ({
      action: 'Modify',
      logicalId: r.logicalId,
      ...(r.physicalId ? { physicalId: r.physicalId } : {}),
      resourceType: r.resourceType,
      replacement: 'False',
      scope: ['Properties'],
    }));

  fake.onUpdateStack = (stack) => {
    const name = stack.summary.name;
    const failure = failures.get(name);
    failures.delete(name);
    const steps: Array<() => void> = [() => fake.event(stack, name, 'UPDATE_IN_PROGRESS', { reason: 'User Initiated' })];
    const updated: string[] = [];
    for (const r of stack.resources) {
      steps.push(() => fake.event(stack, r.logicalId, 'UPDATE_IN_PROGRESS'));
      if (failure?.logicalId === r.logicalId) {
        steps.push(() => fake.event(stack, r.logicalId, 'UPDATE_FAILED', { reason: failure.reason }));
        steps.push(() => fake.event(stack, name, 'UPDATE_ROLLBACK_IN_PROGRESS', { reason: `The following resource(s) failed to update: [${r.logicalId}].` }));
        for (const id of [...updated].reverse()) {
          steps.push(() => fake.event(stack, id, 'UPDATE_IN_PROGRESS'));
          steps.push(() => fake.event(stack, id, 'UPDATE_COMPLETE'));
        }
        steps.push(() => fake.event(stack, name, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'));
        steps.push(() => fake.event(stack, name, 'UPDATE_ROLLBACK_COMPLETE'));
        return play(steps);
      }
      steps.push(() => {
        fake.event(stack, r.logicalId, 'UPDATE_COMPLETE');
        r.status = 'UPDATE_COMPLETE';
      });
      updated.push(r.logicalId);
    }
    steps.push(() => fake.event(stack, name, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'));
    steps.push(() => fake.event(stack, name, 'UPDATE_COMPLETE'));
    play(steps);
  };

  fake.onCreateChangeSet = (cs: ChangeSetSummary, input: CreateChangeSetInput) => {
    const stack = fake.find(input.stackName)!;
    const current = new Map(stack.summary.parameters.map((p) => [p.key, p.value]));
    const changed = input.parameters.some((p) => !p.usePreviousValue && current.get(p.key) !== p.value);
    play([
      () => (cs.status = 'CREATE_IN_PROGRESS'),
      () => {
        if (!changed) {
          cs.status = 'FAILED';
          cs.statusReason = "The submitted information didn't contain changes. Submit different information to create a change set.";
          return;
        }
        cs.status = 'CREATE_COMPLETE';
        cs.executionStatus = 'AVAILABLE';
        cs.changes = modifyAll(stack);
        if (!input.includeNestedStacks) return;
        // One nested change set per nested stack, named by its row, executable from the root only.
        for (const row of cs.changes) {
          const child = row.resourceType === NESTED_STACK && row.physicalId ? fake.find(row.physicalId) : undefined;
          if (!child) continue;
          const nestedName = `${cs.changeSetName}-${row.logicalId}`;
          const nested: ChangeSetSummary = {
            changeSetId: `arn:aws:cloudformation:us-east-2:123456789012:changeSet/${nestedName}/${child.summary.stackId.slice(-8)}`,
            changeSetName: nestedName,
            stackId: child.summary.stackId,
            status: 'CREATE_COMPLETE',
            executionStatus: 'UNAVAILABLE',
            statusReason: 'Executable from root change set',
            changes: modifyAll(child),
            parameters: [],
            tags: cs.tags,
          };
          fake.changeSets.set(`${child.summary.stackId}/${nestedName}`, nested);
          row.changeSetId = nested.changeSetId;
        }
      },
    ]);
  };

  return {
    gateway,
    pageSize: fake.pageSize,
    async createStack(name, resources) {
      seed(name, resources);
    },
    async createStacks(names) {
      for (const name of names) seed(name, 1);
    },
    async createNestedStack(name, resources) {
      seedNested(name, resources);
    },
    async settle() {
      await Promise.all([...running]);
    },
    async callCount(action) {
      return fake.calls.filter((c) => c.method === methodOf(action)).length;
    },
    async failNext(action, kind, times) {
      const err = () => (kind === 'throttle' ? awsLikeError('Throttling', 'Rate exceeded') : awsLikeError('ServiceUnavailable', 'Service Unavailable', 503));
      fake.failNext.set(methodOf(action), Array.from({ length: times }, err));
    },
    async failNextUpdate(stack, logicalId, reason) {
      failures.set(stack, { logicalId, reason });
    },
    async close() {
      await Promise.all([...running]);
    },
  };
}

describe('CloudFormation gateway contract: in-memory fake', () => {
  runGatewayContract({ makeGateway: async (options) => makeFakeTarget(options) });
});
