import { describe, expect, it } from 'vitest';
import { MemoryIoHost } from '../../io/messages.js';
import type { BuildInfo, Clock } from '../aws/types.js';
import { FakeClock } from '../wait/test-support/fake-clock.js';
import { followBuildLog } from './build-log.js';
import type { LogsGateway } from './logs-gateway.js';
import { FakeLogs } from './test-support/fake-logs.js';

const G = '/aws/codebuild/panther-pulumi';
const S = '9d1c7a2e-5b1f-4c1e-9a0b-1234567890ab';

/** Sleeps until the test says so (FakeClock's instant sleeps would spin the follow loop). */
class StepClock implements Clock {
  private wakers: (() => void)[] = [];
  now(): number {
    return Date.UTC(2026, 0, 1);
  }
  sleep(): Promise<void> {
    return new Promise((resolve) => this.wakers.push(resolve));
  }
  tick(): void {
    const w = this.wakers;
    this.wakers = [];
    for (const resolve of w) resolve();
  }
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

const build = (status: string, withLogs = true): BuildInfo => ({
  id: `panther-pulumi:${S}`,
  status,
  phases: [],
  ...(withLogs ? { logs: { groupName: G, streamName: S, deepLink: 'https://console.aws.amazon.com/cloudwatch/home#logsV2' } } : {}),
});

describe('followBuildLog', () => {
  it('waits for the stream to be named, then reports each new line (redacted) and keeps the last ones', async () => {
    const clock = new StepClock();
    const logs = new FakeLogs();
    logs.createStream(G, S);
    const io = new MemoryIoHost();
    const f = followBuildLog({ logs, io, buildId: `panther-pulumi:${S}`, hop: 'v1.26.9', redact: (t) => t.replace('s3cr3t', '[REDACTED]'), clock, intervalMs: 1000 });
    // No stream named yet (SUBMITTED, QUEUED): nothing read.
    f.saw(build('IN_PROGRESS', false));
    expect(logs.calls).toHaveLength(0);
    logs.append(G, S, '[Container] Entering phase BUILD\n', 'key=s3cr3t\n');
    f.saw(build('IN_PROGRESS'));
    await settle();
    logs.append(G, S, 'error: 1 error occurred\n');
    clock.tick();
    await settle();
    logs.append(G, S, '[Container] Phase complete: BUILD State: FAILED\n');
    // finish() does not wait out the interval: it reads what is left at once.
    await f.finish();
    const lines = io.of('build.log').map((m) => m.data?.line);
    expect(lines).toEqual(['[Container] Entering phase BUILD', 'key=[REDACTED]', 'error: 1 error occurred', '[Container] Phase complete: BUILD State: FAILED']);
    expect(io.of('build.log')[0]?.data).toMatchObject({ hop: 'v1.26.9', buildId: `panther-pulumi:${S}` });
    expect(f.lastLines(2).map((l) => l.text)).toEqual(['error: 1 error occurred', '[Container] Phase complete: BUILD State: FAILED']);
    expect(f.stream).toMatchObject({ group: G, stream: S });
  });

  it('reads only the newest page of a build already over when first seen (a resumed run)', async () => {
    const logs = new FakeLogs();
    logs.createStream(G, S);
    logs.append(G, S, ...Array.from({ length: 120 }, (_, i) => `line ${i + 1}\n`));
    const backwards: LogsGateway = {
      getLogEvents: async (input) => {
        // The newest page: what AWS returns with startFromHead false and a limit.
        expect(input).toMatchObject({ startFromHead: false, limit: 50 });
        const all = await logs.getLogEvents({ group: input.group, stream: input.stream, startFromHead: true, limit: 10_000 });
        return all.status === 'page' ? { ...all, events: all.events.slice(-50) } : all;
      },
    };
    const io = new MemoryIoHost();
    const f = followBuildLog({ logs: backwards, io, buildId: 'b', clock: new FakeClock() });
    f.saw(build('FAILED'));
    await f.finish();
    expect(f.lastLines().map((l) => l.text)).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i + 71}`));
    expect(io.of('build.log')).toHaveLength(50);
  });

  it('a log it cannot read is reported once and never fails the wait', async () => {
    const failing: LogsGateway = {
      getLogEvents: () => Promise.reject(Object.assign(new Error('User is not authorized to perform: logs:GetLogEvents'), { name: 'AccessDeniedException' })),
    };
    const io = new MemoryIoHost();
    const f = followBuildLog({ logs: failing, io, buildId: 'b', clock: new StepClock() });
    f.saw(build('IN_PROGRESS'));
    await f.finish();
    expect(io.of('build.log-unavailable').map((m) => m.data?.reason)).toEqual(['AccessDeniedException: User is not authorized to perform: logs:GetLogEvents']);
    expect(f.lastLines()).toEqual([]);
  });

  it('without a logs port, follows nothing', async () => {
    const io = new MemoryIoHost();
    const f = followBuildLog({ io, buildId: 'b' });
    f.saw(build('IN_PROGRESS'));
    await f.finish();
    expect(io.messages).toEqual([]);
    expect(f.stream).toBeUndefined();
  });
});
