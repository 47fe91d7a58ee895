import { describe, expect, it } from 'vitest';
import { MSG, type AnyMessage, type IoHost } from '../../io/messages.js';
import { defaultResponse } from '../../io/messages.js';
import { learnDurations, resourceKey, type PastRun } from './estimate.js';
import { EtaTracker } from './eta-tracker.js';

const MIN = 60_000;
const ROOT_ID = 'arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/1';
const CORE_ID = 'arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root-Core-X/2';

function recorder(): IoHost & { messages: AnyMessage[] } {
  const messages: AnyMessage[] = [];
  return { messages, notify: (m) => void messages.push(m), requestResponse: (q) => defaultResponse(q) };
}

const history: PastRun[] = [
  { hops: [{ version: 'v1.26.9', steps: { role: 1 * MIN, root: 10 * MIN, build: 4 * MIN } }], resources: [{ key: resourceKey('root.Core', 'AlertsFn'), durationMs: 2 * MIN }] },
  { hops: [{ version: 'v1.27.8', steps: { role: 1 * MIN, root: 10 * MIN, build: 4 * MIN } }], resources: [{ key: resourceKey('root.Core', 'AlertsFn'), durationMs: 2 * MIN }] },
];

const event = (logicalId: string, status: string, time: number, extra: { stackId?: string; stack?: string; physicalId?: string; resourceType?: string; nested?: boolean } = {}) =>
  MSG['stack.event'].msg('info', `${logicalId} ${status}`, {
    stack: extra.stack ?? 'panther-root',
    stackId: extra.stackId ?? ROOT_ID,
    logicalId,
    resourceType: extra.resourceType ?? 'AWS::Lambda::Function',
    status,
    time: new Date(time).toISOString(),
    nested: extra.nested ?? false,
    ...(extra.physicalId ? { physicalId: extra.physicalId } : {}),
  });

describe('EtaTracker', () => {
  it('passes every message through and adds remaining times per hop and for the run at each hop and step', () => {
    const io = recorder();
    let now = 0;
    const eta = new EtaTracker(io, learnDurations(history), [{ version: 'v1.28.7', needsBuild: true }, { version: 'v1.29.3', needsBuild: false }], { now: () => now });
    eta.notify(MSG['hop.start'].msg('hop 1 of 2', { index: 1, total: 2, version: 'v1.28.7' }));
    expect(io.messages.map((m) => m.code)).toEqual(['hop.start', 'eta.update']);
    const first = io.messages[1] as Extract<AnyMessage, { code: 'eta.update' }>;
    // Hop 1: role + root + build = 15 min; hop 2: role + root = 11 min.
    expect(first.data).toMatchObject({ elapsedMs: 0, basis: 2, remaining: { p50Ms: 26 * MIN }, hop: { index: 1, total: 2, version: 'v1.28.7', elapsedMs: 0, remaining: { p50Ms: 15 * MIN }, unknownSteps: [] } });

    eta.notify(MSG['step.start'].msg('role', { step: 'update-role', hop: 'v1.28.7', index: 1 }));
    now = 2 * MIN;
    eta.notify(MSG['step.done'].msg('role done', { step: 'update-role', hop: 'v1.28.7', index: 1, elapsedMs: 2 * MIN }));
    const last = io.messages.at(-1) as Extract<AnyMessage, { code: 'eta.update' }>;
    expect(last.code).toBe('eta.update');
    expect(last.data).toMatchObject({ elapsedMs: 2 * MIN, remaining: { p50Ms: 25 * MIN }, hop: { elapsedMs: 2 * MIN, remaining: { p50Ms: 14 * MIN } } });
    // A step the learner does not time (create-change-set) sends no estimate of its own.
    const n = io.messages.length;
    eta.notify(MSG['step.start'].msg('cs', { step: 'create-change-set', hop: 'v1.28.7', index: 1 }));
    expect(io.messages.length).toBe(n + 1);
  });

  it('flags a resource in a nested stack once when it runs past 1.25 × its p90 (and past the least overrun)', () => {
    const io = recorder();
    let now = 0;
    const eta = new EtaTracker(io, learnDurations(history), [{ version: 'v1.28.7', needsBuild: false }], { now: () => now, minOverrunMs: 10_000 });
    eta.notify(MSG['hop.start'].msg('hop 1 of 1', { index: 1, total: 1, version: 'v1.28.7' }));
    eta.notify(MSG['step.start'].msg('root', { step: 'execute-change-set', hop: 'v1.28.7', index: 1 }));
    eta.notify(event('panther-root', 'UPDATE_IN_PROGRESS', 0, { resourceType: 'AWS::CloudFormation::Stack', physicalId: ROOT_ID }));
    eta.notify(event('Core', 'UPDATE_IN_PROGRESS', 0, { resourceType: 'AWS::CloudFormation::Stack', physicalId: CORE_ID }));
    eta.notify(event('AlertsFn', 'UPDATE_IN_PROGRESS', 1_000, { stack: 'panther-root-Core-X', stackId: CORE_ID, nested: true }));
    now = 2.4 * MIN;
    eta.notify(MSG['stack.progress'].msg('root: 2 in progress', { stack: 'root', inProgress: [], elapsedMs: now }));
    expect(io.messages.filter((m) => m.code === 'resource.overdue')).toEqual([]);
    now = 3 * MIN;
    eta.notify(MSG['stack.progress'].msg('root: 2 in progress', { stack: 'root', inProgress: [], elapsedMs: now }));
    now = 4 * MIN;
    eta.notify(MSG['stack.progress'].msg('root: 2 in progress', { stack: 'root', inProgress: [], elapsedMs: now }));
    const overdue = io.messages.filter((m): m is Extract<AnyMessage, { code: 'resource.overdue' }> => m.code === 'resource.overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ level: 'warn', data: { key: 'root.Core/AlertsFn', stack: 'panther-root-Core-X', logicalId: 'AlertsFn', elapsedMs: 3 * MIN - 1_000, p90Ms: 2 * MIN, hop: 'v1.28.7' } });
    // Once it finished, it is no longer running (and the stack itself never counts).
    eta.notify(event('AlertsFn', 'UPDATE_COMPLETE', 4 * MIN, { stack: 'panther-root-Core-X', stackId: CORE_ID, nested: true }));
    expect(io.messages.filter((m) => m.code === 'resource.overdue')).toHaveLength(1);
  });

  it('without history says "no estimate yet" once, and flags nothing', () => {
    const io = recorder();
    const eta = new EtaTracker(io, learnDurations([]), [{ version: 'v1.28.7', needsBuild: true }, { version: 'v1.29.3', needsBuild: true }], { now: () => 10 * MIN, minOverrunMs: 0 });
    eta.notify(MSG['hop.start'].msg('hop 1 of 2', { index: 1, total: 2, version: 'v1.28.7' }));
    eta.notify(MSG['step.start'].msg('root', { step: 'execute-change-set', hop: 'v1.28.7', index: 1 }));
    eta.notify(event('AlertsFn', 'UPDATE_IN_PROGRESS', 0));
    eta.notify(MSG['hop.start'].msg('hop 2 of 2', { index: 2, total: 2, version: 'v1.29.3' }));
    expect(io.messages.map((m) => m.code)).toEqual(['hop.start', 'eta.unavailable', 'step.start', 'stack.event', 'hop.start']);
    // An unreadable history (undefined model) is the same.
    const io2 = recorder();
    new EtaTracker(io2, undefined, [{ version: 'v1.28.7', needsBuild: true }]).notify(MSG['hop.start'].msg('hop 1 of 1', { index: 1, total: 1, version: 'v1.28.7' }));
    expect(io2.messages.map((m) => m.code)).toEqual(['hop.start', 'eta.unavailable']);
  });

  it('gives no run estimate while a step still to run never ran before, naming it', () => {
    const io = recorder();
    const noBuild: PastRun[] = [{ hops: [{ version: 'v1.21.0', steps: { role: MIN, root: 10 * MIN } }] }];
    const eta = new EtaTracker(io, learnDurations(noBuild), [{ version: 'v1.22.0', needsBuild: true }], { now: () => 0 });
    eta.notify(MSG['hop.start'].msg('hop 1 of 1', { index: 1, total: 1, version: 'v1.22.0' }));
    const e = io.messages.at(-1) as Extract<AnyMessage, { code: 'eta.update' }>;
    expect(e.data?.remaining).toBeUndefined();
    expect(e.data?.hop).toMatchObject({ unknownSteps: ['build'] });
    expect(e.data?.hop?.remaining).toBeUndefined();
  });
});
