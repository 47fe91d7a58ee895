import { describe, expect, it } from 'vitest';
import { MemoryIoHost } from '../../io/messages.js';
import { FakeCloudFormation, type FakeStack } from '../aws/test-support/fake-cloudformation.js';
import { captureStartMarker, waitForStackOperation } from './stack-waiter.js';
import { FakeClock } from './test-support/fake-clock.js';

const NESTED = 'AWS::CloudFormation::Stack';

function setup(): { clock: FakeClock; cf: FakeCloudFormation; root: FakeStack; core: FakeStack } {
  const clock = new FakeClock();
  const cf = new FakeCloudFormation(() => clock.now());
  const root = cf.addStack('panther-root');
  const core = cf.addStack('panther-root-Core-ABC', 'UPDATE_COMPLETE', {});
  core.summary.parentId = root.summary.stackId;
  // Some history before the operation.
  cf.event(root, 'panther-root', 'UPDATE_IN_PROGRESS');
  cf.event(root, 'panther-root', 'UPDATE_COMPLETE');
  return { clock, cf, root, core };
}

/** A successful update: root -> nested Core (two resources) -> root complete at +30 s. */
function scheduleUpdate(clock: FakeClock, cf: FakeCloudFormation, root: FakeStack, core: FakeStack, finalStatus = 'UPDATE_COMPLETE'): void {
  const coreRes = { resourceType: NESTED, physicalId: core.summary.stackId };
  clock.after(500, () => cf.event(root, 'panther-root', 'UPDATE_IN_PROGRESS', { clientRequestToken: 'tok-1' }));
  clock.after(2_000, () => cf.event(root, 'Core', 'UPDATE_IN_PROGRESS', coreRes));
  clock.after(3_000, () => cf.event(core, 'panther-root-Core-ABC', 'UPDATE_IN_PROGRESS'));
  clock.after(4_000, () => cf.event(core, 'Fn', 'UPDATE_IN_PROGRESS'));
  clock.after(9_000, () => cf.event(core, 'Fn', 'UPDATE_COMPLETE'));
  clock.after(20_000, () => cf.event(core, 'panther-root-Core-ABC', 'UPDATE_COMPLETE'));
  clock.after(21_000, () => cf.event(root, 'Core', 'UPDATE_COMPLETE', coreRes));
  clock.after(30_000, () => cf.event(root, 'panther-root', finalStatus, { clientRequestToken: 'tok-1' }));
}

describe('waitForStackOperation', () => {
  it('follows the nested stack, streams every event in order, and notices the end within one interval', async () => {
    const { clock, cf, root, core } = setup();
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    const start = clock.now();
    scheduleUpdate(clock, cf, root, core);
    const io = new MemoryIoHost(() => new Date(clock.now()));
    const result = await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 600_000, clock, io });

    expect(result.outcome).toBe('succeeded');
    expect(result.finalStatus).toBe('UPDATE_COMPLETE');
    expect(result.stackId).toBe(root.summary.stackId);
    expect(clock.now() - start - 30_000).toBeLessThanOrEqual(1_000);
    const streamed = io.messages.filter((m) => m.code === 'stack.event').map((m) => `${String(m.data?.logicalId)} ${String(m.data?.status)} ${String(m.data?.nested)}`);
    expect(streamed).toEqual([
      'panther-root UPDATE_IN_PROGRESS false',
      'Core UPDATE_IN_PROGRESS false',
      'panther-root-Core-ABC UPDATE_IN_PROGRESS true',
      'Fn UPDATE_IN_PROGRESS true',
      'Fn UPDATE_COMPLETE true',
      'panther-root-Core-ABC UPDATE_COMPLETE true',
      'Core UPDATE_COMPLETE false',
      'panther-root UPDATE_COMPLETE false',
    ]);
    expect(io.codes()).toContain('stack.progress');
    const progress = io.of('stack.progress').find((m) => (m.data?.inProgress.length ?? 0) > 0);
    expect(progress?.data?.inProgress).toContain('panther-root/Core');
  });

  it('makes at most one call per second per stack', async () => {
    const { clock, cf, root, core } = setup();
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    cf.calls.length = 0;
    scheduleUpdate(clock, cf, root, core);
    await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 600_000, clock });
    for (const ref of [root.summary.stackId, core.summary.stackId]) {
      const times = cf.calls.filter((c) => c.stack === ref || (ref === root.summary.stackId && c.stack === 'panther-root')).map((c) => c.time);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    }
    // The nested stack is only polled while it is in progress.
    expect(cf.calls.filter((c) => c.stack === core.summary.stackId).length).toBeLessThanOrEqual(21);
  });

  it('never paginates past the last seen event', async () => {
    const { clock, cf, root, core } = setup();
    for (let i = 0; i < 500; i++) cf.event(root, `Old${i}`, 'UPDATE_COMPLETE');
    cf.pageSize = 100;
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    cf.pagesServed = 0;
    cf.calls.length = 0;
    scheduleUpdate(clock, cf, root, core);
    await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 600_000, clock });
    const polls = cf.calls.filter((c) => c.method === 'describeStackEvents');
    expect(polls.length).toBeGreaterThan(10);
    expect(polls.filter((c) => c.token !== undefined)).toEqual([]);
  });

  it('reports a rollback with its outcome', async () => {
    const { clock, cf, root, core } = setup();
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    scheduleUpdate(clock, cf, root, core, 'UPDATE_ROLLBACK_COMPLETE');
    const result = await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 600_000, clock });
    expect(result.outcome).toBe('rolled-back');
  });

  it.each([
    ['UPDATE_ROLLBACK_FAILED', 'rollback-failed'],
    ['ROLLBACK_COMPLETE', 'rolled-back'],
    ['DELETE_FAILED', 'failed'],
  ])('maps %s to %s', async (status, outcome) => {
    const { clock, cf, root, core } = setup();
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    scheduleUpdate(clock, cf, root, core, status);
    const result = await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 600_000, clock });
    expect(result.outcome).toBe(outcome);
  });

  it('ignores the previous operation when resuming with a start time', async () => {
    const { clock, cf, root, core } = setup();
    clock.advance(60_000);
    const startedAfter = new Date(clock.now());
    scheduleUpdate(clock, cf, root, core);
    const result = await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter, timeoutMs: 600_000, clock });
    expect(result.events[0]?.status).toBe('UPDATE_IN_PROGRESS');
    expect(result.events.at(-1)?.status).toBe('UPDATE_COMPLETE');
    expect(result.events).toHaveLength(8);
  });

  it('returns at once when the operation already ended (resume after a crash)', async () => {
    const { clock, cf, root, core } = setup();
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    scheduleUpdate(clock, cf, root, core);
    clock.advance(60_000);
    const t0 = clock.now();
    const result = await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 600_000, clock });
    expect(result.finalStatus).toBe('UPDATE_COMPLETE');
    expect(clock.now()).toBe(t0);
  });

  it('ignores a terminal status event of another request token', async () => {
    const { clock, cf, root } = setup();
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    cf.event(root, 'panther-root', 'UPDATE_COMPLETE', { clientRequestToken: 'someone-else' });
    clock.after(3_000, () => cf.event(root, 'panther-root', 'UPDATE_IN_PROGRESS', { clientRequestToken: 'tok-1' }));
    clock.after(6_000, () => cf.event(root, 'panther-root', 'UPDATE_COMPLETE', { clientRequestToken: 'tok-1' }));
    const result = await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, clientRequestToken: 'tok-1', timeoutMs: 600_000, clock });
    expect(result.events.at(-1)?.clientRequestToken).toBe('tok-1');
    expect(result.events.at(-1)?.status).toBe('UPDATE_COMPLETE');
  });

  it('keeps polling through throttling, backing off', async () => {
    const { clock, cf, root, core } = setup();
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    cf.failNext.set('describeStackEvents', [throttle, throttle, throttle]);
    scheduleUpdate(clock, cf, root, core);
    const io = new MemoryIoHost();
    const result = await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 600_000, clock, io });
    expect(result.outcome).toBe('succeeded');
    expect(io.codes().filter((c) => c === 'stack.poll-retry')).toHaveLength(3);
    expect(clock.sleeps.some((ms) => ms >= 2_000)).toBe(true);
  });

  it('surfaces expired credentials as an interruption with the resume hint', async () => {
    const { clock, cf, root, core } = setup();
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    scheduleUpdate(clock, cf, root, core);
    const expired = Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' });
    clock.after(5_000, () => cf.failNext.set('describeStackEvents', [expired]));
    await expect(waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 600_000, clock })).rejects.toMatchObject({
      code: 'expired-credentials',
      source: 'interrupted',
    });
  });

  it('times out with code timeout and the resume hint', async () => {
    const { clock, cf } = setup();
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    const err = await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 10_000, clock }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timeout', source: 'interrupted' });
    expect((err as Error & { hint: string }).hint).toMatch(/continues in AWS.*pantherctl resume/);
  });

  it('stops waiting on abort (Ctrl-C) without touching the stack', async () => {
    const { clock, cf } = setup();
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    const ac = new AbortController();
    clock.after(3_000, () => ac.abort());
    await expect(
      waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 600_000, clock, signal: ac.signal }),
    ).rejects.toMatchObject({ code: 'interrupted', source: 'interrupted' });
    expect(cf.calls.map((c) => c.method).every((m) => m.startsWith('describe'))).toBe(true);
  });

  it('falls back to DescribeStacks when events stay silent', async () => {
    const { clock, cf, root } = setup();
    clock.advance(60_000);
    const startedAfter = new Date(clock.now());
    root.summary.status = 'UPDATE_IN_PROGRESS';
    // The status changes without any event reaching us (e.g. events lost): only DescribeStacks can tell.
    clock.after(2_000, () => {
      root.summary.status = 'UPDATE_COMPLETE';
      root.summary.lastUpdatedTime = new Date(clock.now());
    });
    const result = await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter, timeoutMs: 60_000, clock });
    expect(result.finalStatus).toBe('UPDATE_COMPLETE');
    expect(cf.calls.some((c) => c.method === 'describeStacks')).toBe(true);
  });

  it('follows nested stacks of nested stacks', async () => {
    const { clock, cf, root, core } = setup();
    const deep = cf.addStack('panther-root-Core-ABC-Deep-XYZ');
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    clock.after(500, () => cf.event(root, 'panther-root', 'UPDATE_IN_PROGRESS'));
    clock.after(1_000, () => cf.event(root, 'Core', 'UPDATE_IN_PROGRESS', { resourceType: NESTED, physicalId: core.summary.stackId }));
    clock.after(2_000, () => cf.event(core, 'Deep', 'UPDATE_IN_PROGRESS', { resourceType: NESTED, physicalId: deep.summary.stackId }));
    clock.after(3_000, () => cf.event(deep, 'Bucket', 'UPDATE_FAILED', { resourceType: 'AWS::S3::Bucket', reason: 'boom' }));
    clock.after(9_000, () => cf.event(root, 'panther-root', 'UPDATE_ROLLBACK_COMPLETE'));
    const io = new MemoryIoHost();
    const result = await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 60_000, clock, io });
    expect(result.events.some((e) => e.logicalId === 'Bucket' && e.reason === 'boom')).toBe(true);
    expect(io.of('stack.event').find((m) => m.data?.logicalId === 'Bucket')?.level).toBe('warn');
  });

  it('reports the end of the operation last: a nested stack that finishes its cleanup at the same instant as the root comes before it', async () => {
    // CloudFormation cleans nested stacks up in the root's UPDATE_COMPLETE_CLEANUP_IN_PROGRESS,
    // so a nested stack's own UPDATE_COMPLETE can carry the root's timestamp.
    for (const cleanupEnd of [5_600, 6_000, 6_400]) {
      const { clock, cf, root, core } = setup();
      const marker = await captureStartMarker(cf, 'panther-root', clock);
      const coreRes = { resourceType: NESTED, physicalId: core.summary.stackId };
      clock.after(500, () => cf.event(root, 'panther-root', 'UPDATE_IN_PROGRESS'));
      clock.after(1_000, () => cf.event(root, 'Core', 'UPDATE_IN_PROGRESS', coreRes));
      clock.after(2_000, () => cf.event(core, 'panther-root-Core-ABC', 'UPDATE_IN_PROGRESS'));
      clock.after(5_000, () => cf.event(core, 'panther-root-Core-ABC', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'));
      clock.after(5_000, () => cf.event(root, 'Core', 'UPDATE_COMPLETE', coreRes));
      clock.after(5_000, () => cf.event(root, 'panther-root', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'));
      clock.after(cleanupEnd, () => {
        cf.event(core, 'panther-root-Core-ABC', 'UPDATE_COMPLETE');
        cf.event(root, 'panther-root', 'UPDATE_COMPLETE');
      });
      const io = new MemoryIoHost();
      const result = await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 60_000, clock, io });
      expect(result.finalStatus).toBe('UPDATE_COMPLETE');
      const streamed = io.of('stack.event').map((m) => `${String(m.data?.logicalId)} ${String(m.data?.status)}`);
      expect(streamed.at(-1), `${cleanupEnd}: ${streamed.join(', ')}`).toBe('panther-root UPDATE_COMPLETE');
    }
  });
});

describe('per-stack call spacing', () => {
  it('keeps >= 1000 ms between any two calls for one stack through a long operation with bursts of several pages', async () => {
    const { clock, cf, root, core } = setup();
    const web = cf.addStack('panther-root-Web-DEF');
    cf.pageSize = 20;
    const marker = await captureStartMarker(cf, 'panther-root', clock);
    cf.calls.length = 0;
    const t0 = clock.now();
    const nested = (s: FakeStack) => ({ resourceType: NESTED, physicalId: s.summary.stackId });
    let created = 0;
    const at = (ms: number, run: () => void): void => {
      clock.at(t0 + ms, () => {
        run();
        created += 1;
      });
    };
    at(500, () => cf.event(root, 'panther-root', 'UPDATE_IN_PROGRESS'));
    at(1_000, () => cf.event(root, 'Core', 'UPDATE_IN_PROGRESS', nested(core)));
    at(1_000, () => cf.event(root, 'Web', 'UPDATE_IN_PROGRESS', nested(web)));
    at(1_500, () => cf.event(core, core.summary.name, 'UPDATE_IN_PROGRESS'));
    at(1_500, () => cf.event(web, web.summary.name, 'UPDATE_IN_PROGRESS'));
    // Two minutes of work: every 5 s a burst of 45 events (more than two pages at once) on
    // each stack, and a steady trickle of 4 events a second in between.
    for (let t = 2_000; t < 110_000; t += 250) {
      for (const s of [root, core, web]) {
        const n = t % 5_000 === 0 ? 45 : 1;
        for (let i = 0; i < n; i++) at(t, () => cf.event(s, `R${t}x${i}`, 'UPDATE_COMPLETE'));
      }
    }
    at(115_000, () => cf.event(core, core.summary.name, 'UPDATE_COMPLETE'));
    at(115_000, () => cf.event(web, web.summary.name, 'UPDATE_COMPLETE'));
    at(116_000, () => cf.event(root, 'Core', 'UPDATE_COMPLETE', nested(core)));
    at(116_000, () => cf.event(root, 'Web', 'UPDATE_COMPLETE', nested(web)));
    at(120_000, () => cf.event(root, 'panther-root', 'UPDATE_COMPLETE'));

    const result = await waitForStackOperation({ gateway: cf, stack: 'panther-root', startedAfter: marker, timeoutMs: 600_000, clock });

    expect(result.finalStatus).toBe('UPDATE_COMPLETE');
    expect(clock.now() - (t0 + 120_000)).toBeLessThanOrEqual(1_000);
    // Every event exactly once, each stack's in order.
    expect(result.events).toHaveLength(created);
    expect(new Set(result.events.map((e) => e.eventId)).size).toBe(created);
    for (const s of [root, core, web]) {
      const times = result.events.filter((e) => e.stackId === s.summary.stackId).map((e) => e.time.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    // Pages beyond the first were needed, and read one per slot.
    expect(cf.calls.some((c) => c.token !== undefined)).toBe(true);
    for (const s of [root, core, web]) {
      const calls = cf.calls.filter((c) => c.stack === s.summary.stackId || c.stack === s.summary.name);
      expect(calls.length).toBeGreaterThan(100);
      for (let i = 1; i < calls.length; i++) expect(calls[i]!.time - calls[i - 1]!.time).toBeGreaterThanOrEqual(1_000);
    }
  });

  it('spaces the DescribeStacks fallback and throttled retries like event polls', async () => {
    const { clock, cf, root } = setup();
    clock.advance(60_000);
    const startedAfter = new Date(clock.now());
    root.summary.status = 'UPDATE_IN_PROGRESS';
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    cf.failNext.set('describeStackEvents', [throttle, throttle]);
    clock.after(25_000, () => {
      root.summary.status = 'UPDATE_COMPLETE';
      root.summary.lastUpdatedTime = new Date(clock.now());
    });
    const result = await waitForStackOperation({ gateway: cf, stack: root.summary.stackId, startedAfter, timeoutMs: 60_000, clock });
    expect(result.finalStatus).toBe('UPDATE_COMPLETE');
    expect(cf.calls.some((c) => c.method === 'describeStacks')).toBe(true);
    const times = cf.calls.map((c) => c.time);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
  });
});
