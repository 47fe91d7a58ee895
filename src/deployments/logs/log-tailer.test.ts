import { describe, expect, it } from 'vitest';
import { FakeClock } from '../wait/test-support/fake-clock.js';
import { LogTailer, linesOf, type LogLine } from './log-tailer.js';
import { FakeLogs } from './test-support/fake-logs.js';

const G = '/aws/codebuild/panther-pulumi';
const S = '2f0c4a1e-build-stream';

const texts = (lines: LogLine[]): string[] => lines.map((l) => l.text);

describe('LogTailer.poll', () => {
  it('says "not yet" before the stream exists, then reads it from the head', async () => {
    const logs = new FakeLogs();
    const tailer = new LogTailer({ gateway: logs, group: G, stream: S });
    expect(await tailer.poll()).toEqual({ lines: [], state: 'not-yet' });
    logs.createStream(G, S);
    logs.append(G, S, '[Container] Entering phase INSTALL\n', '[Container] Running command npm ci\n');
    const first = await tailer.poll();
    expect(first.state).toBe('caught-up');
    expect(texts(first.lines)).toEqual(['[Container] Entering phase INSTALL', '[Container] Running command npm ci']);
    expect(logs.calls.every((c) => c.startFromHead === true)).toBe(true);
  });

  it('pages by nextForwardToken until the same token comes back, across empty pages, without duplicates', async () => {
    const logs = new FakeLogs();
    logs.pageSize = 2;
    logs.createStream(G, S);
    logs.append(G, S, 'l1', 'l2', 'l3', 'l4', 'l5');
    // An empty page in the middle is not the end: its token is new.
    logs.emptyPageAt(G, S, 2);
    const tailer = new LogTailer({ gateway: logs, group: G, stream: S });
    const a = await tailer.poll();
    expect(texts(a.lines)).toEqual(['l1', 'l2', 'l3', 'l4', 'l5']);
    expect(a.state).toBe('caught-up');
    // The last call sent the token it got back: that is how the end was recognised.
    const last = logs.calls.at(-1);
    expect(last?.nextToken).toBeDefined();

    // Nothing new: nothing returned, and no page re-read from the head.
    expect((await tailer.poll()).lines).toEqual([]);
    expect(logs.calls.filter((c) => c.nextToken === undefined)).toHaveLength(1);

    // New lines at the end: only those.
    logs.append(G, S, 'l6', 'l7', 'l8');
    expect(texts((await tailer.poll()).lines)).toEqual(['l6', 'l7', 'l8']);
    expect(tailer.lineCount).toBe(8);
  });

  it('returns after its page budget and continues where it stopped', async () => {
    const logs = new FakeLogs();
    logs.pageSize = 1;
    logs.createStream(G, S);
    logs.append(G, S, 'a', 'b', 'c', 'd', 'e');
    const tailer = new LogTailer({ gateway: logs, group: G, stream: S, maxPagesPerPoll: 2 });
    expect(await tailer.poll()).toMatchObject({ state: 'more', lines: [{ text: 'a' }, { text: 'b' }] });
    expect(await tailer.poll()).toMatchObject({ state: 'more', lines: [{ text: 'c' }, { text: 'd' }] });
    expect(await tailer.poll()).toMatchObject({ state: 'caught-up', lines: [{ text: 'e' }] });
  });

  it('keeps the last lines, redacted, for the failure summary', async () => {
    const logs = new FakeLogs();
    logs.pageSize = 100;
    logs.createStream(G, S);
    logs.append(G, S, ...Array.from({ length: 80 }, (_, i) => `line ${i + 1}`), 'export DD_API_KEY=secret\nerror: pulumi up failed\n');
    const tailer = new LogTailer({ gateway: logs, group: G, stream: S, keep: 60, redact: (t) => t.replace(/DD_API_KEY=\S+/, 'DD_API_KEY=[REDACTED]') });
    await tailer.poll();
    const last = tailer.lastLines(50);
    expect(last).toHaveLength(50);
    expect(last.at(-1)?.text).toBe('error: pulumi up failed');
    expect(last.at(-2)?.text).toBe('export DD_API_KEY=[REDACTED]');
    expect(last[0]?.text).toBe('line 33');
    expect(tailer.lastLines(500)).toHaveLength(60);
    expect(tailer.lastLines(0)).toEqual([]);
  });
});

describe('LogTailer.follow', () => {
  it('follows a build on fake time: waits for the stream, yields new lines, drains after the end', async () => {
    const clock = new FakeClock();
    const logs = new FakeLogs();
    let done = false;
    // Fake build: the stream appears after 4 s, writes lines at 5 s and 9 s, ends at 11 s
    // with a last line written just before the end.
    clock.after(4_000, () => logs.createStream(G, S));
    clock.after(5_000, () => logs.append(G, S, 'phase INSTALL', 'phase PRE_BUILD'));
    clock.after(9_000, () => logs.append(G, S, 'phase BUILD'));
    clock.after(11_000, () => {
      logs.append(G, S, 'BUILD FAILED');
      done = true;
    });
    const tailer = new LogTailer({ gateway: logs, group: G, stream: S });
    const batches: string[][] = [];
    for await (const batch of tailer.follow({ clock, intervalMs: 2_000, until: () => done })) batches.push(texts(batch));
    expect(batches.flat()).toEqual(['phase INSTALL', 'phase PRE_BUILD', 'phase BUILD', 'BUILD FAILED']);
    expect(batches.at(-1)).toEqual(['BUILD FAILED']);
    expect(clock.sleeps.every((ms) => ms === 2_000)).toBe(true);
  });

  it('stops quietly when aborted, and reports failed polls without stopping', async () => {
    const clock = new FakeClock();
    const logs = new FakeLogs();
    logs.createStream(G, S);
    logs.append(G, S, 'one');
    let calls = 0;
    const flaky = {
      getLogEvents: async (...args: Parameters<FakeLogs['getLogEvents']>) => {
        calls++;
        if (calls === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return logs.getLogEvents(...args);
      },
    };
    const controller = new AbortController();
    const errors: unknown[] = [];
    const tailer = new LogTailer({ gateway: flaky, group: G, stream: S });
    const seen: string[] = [];
    for await (const batch of tailer.follow({ clock, signal: controller.signal, onError: (e) => errors.push(e) })) {
      seen.push(...texts(batch));
      controller.abort();
    }
    expect(seen).toEqual(['one']);
    expect(errors).toHaveLength(1);
  });
});

describe('linesOf', () => {
  it('splits multi-line events and drops only the trailing newline', () => {
    expect(texts(linesOf({ timestamp: 1, message: 'a\r\nb\n\nc\n' }))).toEqual(['a', 'b', '', 'c']);
    expect(texts(linesOf({ timestamp: 1, message: '' }))).toEqual(['']);
  });
});
