import { afterEach, describe, expect, it } from 'vitest';
import { textRedactor } from '../support/redactors.js';
import type { NotifyEnvelope, NotifyEvent } from './events.js';
import { createNotifier, type NotifierOptions } from './notifier.js';
import { SIGNATURE_HEADER, verifySignature } from './signature.js';
import { SnsPublishError, type SnsPublisher } from './sns-publisher.js';
import { parseNotifyTarget, type NotifyTarget } from './targets.js';
import { startReceiver, type Receiver, type Respond } from './test-support/receiver.js';

const SECRET = 'test-notify-secret';
const DATADOG_VALUE = '0123456789abcdef0123456789abcdef';

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

async function receiver(respond?: Respond): Promise<Receiver> {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

function webhook(url: string): NotifyTarget {
  const parsed = parseNotifyTarget(url);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.target;
}

/** An instant sleep that records the delays asked for: the backoff without waiting for it. */
function recordingSleep(): { sleep: NonNullable<NotifierOptions['sleep']>; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: (ms, signal) => {
      delays.push(ms);
      return signal?.aborted ? Promise.reject(new Error('aborted')) : Promise.resolve();
    },
  };
}

const context = { run: 'run-1', rootStack: 'panther-root', region: 'us-east-2', version: '0.1.0' };

const runEvents: NotifyEvent[] = [
  { event: 'run.start', data: { command: 'upgrade', from: 'v1.25.18', to: 'v1.27.8', hops: ['v1.26.9', 'v1.27.8'], principal: 'arn:aws:sts::123456789012:assumed-role/Ops/jane' } },
  { event: 'hop.done', data: { index: 1, total: 2, version: 'v1.26.9', durationMs: 1_200_000, steps: { role: 60_000, root: 840_000, build: 300_000 } } },
  {
    event: 'run.failed',
    data: {
      code: 'build-failed',
      message: 'panther-pulumi build for v1.27.8 failed in BUILD',
      hop: 'v1.27.8',
      step: 'start-build',
      state: 'stack done, build failed',
      rootCause: { phase: 'BUILD', reason: `pulumi up failed; env DD_API_KEY=${DATADOG_VALUE}`, text: `BUILD: key ${DATADOG_VALUE} rejected` },
      nextCommand: 'pantherctl resume',
    },
  },
  { event: 'run.done', data: { from: 'v1.25.18', to: 'v1.27.8', hops: ['v1.26.9', 'v1.27.8'], durationMs: 2_400_000 } },
];

describe('notifier over HTTP', () => {
  it('delivers start, hop, failure and finish in order, signed, without secret values', async () => {
    const r = await receiver();
    const { sleep } = recordingSleep();
    const n = createNotifier({
      targets: [webhook(r.url)],
      context,
      secret: SECRET,
      sleep,
      redact: textRedactor({ secrets: [{ key: 'DatadogAPIKey', value: DATADOG_VALUE }], keepEmails: true }),
    });
    for (const e of runEvents) n.notify(e);
    const summary = await n.flush();

    expect(summary).toEqual({ delivered: 4, failed: [], dropped: [] });
    expect(r.requests.map((q) => JSON.parse(q.body).event)).toEqual(['run.start', 'hop.done', 'run.failed', 'run.done']);
    for (const q of r.requests) {
      expect(q.method).toBe('POST');
      expect(q.headers['content-type']).toBe('application/json');
      expect(verifySignature(SECRET, q.body, q.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(true);
      expect(verifySignature('another-secret', q.body, q.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(false);
      expect(q.body).not.toContain(DATADOG_VALUE);
      const body = JSON.parse(q.body) as NotifyEnvelope;
      expect(q.headers['x-pantherctl-event']).toBe(body.event);
      expect(q.headers['x-pantherctl-delivery']).toBe(body.id);
      expect(body).toMatchObject({ schema: 'pantherctl.notify/v1', run: 'run-1', deployment: { rootStack: 'panther-root', region: 'us-east-2' } });
    }
    const failure = JSON.parse(r.requests[2]?.body ?? '{}') as NotifyEnvelope;
    expect(failure).toMatchObject({
      event: 'run.failed',
      data: { nextCommand: 'pantherctl resume', hop: 'v1.27.8', rootCause: { phase: 'BUILD', text: 'BUILD: key [REDACTED:datadog-api-key] rejected' } },
    });
    expect(r.requests.map((q) => (JSON.parse(q.body) as NotifyEnvelope).seq)).toEqual([1, 2, 3, 4]);
  });

  it('sends no signature header without a secret', async () => {
    const r = await receiver();
    const n = createNotifier({ targets: [webhook(r.url)], context });
    n.notify(runEvents[0] as NotifyEvent);
    await n.flush();
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]?.headers[SIGNATURE_HEADER.toLowerCase()]).toBeUndefined();
  });

  it('retries a receiver answering 500 twice, with backoff, until it accepts the message once', async () => {
    const r = await receiver((q) => (q.n <= 2 ? 500 : 200));
    const { sleep, delays } = recordingSleep();
    const n = createNotifier({ targets: [webhook(r.url)], context, secret: SECRET, sleep, random: () => 1, baseDelayMs: 1000 });
    n.notify(runEvents[0] as NotifyEvent);
    const summary = await n.flush();

    expect(summary.delivered).toBe(1);
    expect(r.requests).toHaveLength(3);
    expect(r.accepted()).toHaveLength(1);
    // The same message each time: same delivery id, same signed body.
    expect(new Set(r.requests.map((q) => q.headers['x-pantherctl-delivery'])).size).toBe(1);
    expect(new Set(r.requests.map((q) => q.body)).size).toBe(1);
    expect(delays).toEqual([1000, 2000]);
    expect(n.results()).toEqual([expect.objectContaining({ outcome: 'delivered', attempts: 3, event: 'run.start' })]);
  });

  it('honours Retry-After on 429 and 503, capped', async () => {
    const r = await receiver((q) => (q.n === 1 ? { status: 429, headers: { 'Retry-After': '7' } } : q.n === 2 ? { status: 503, headers: { 'Retry-After': '3600' } } : 204));
    const { sleep, delays } = recordingSleep();
    const n = createNotifier({ targets: [webhook(r.url)], context, sleep, maxDelayMs: 20_000 });
    n.notify(runEvents[0] as NotifyEvent);
    expect((await n.flush()).delivered).toBe(1);
    expect(delays).toEqual([7000, 20_000]);
  });

  it('retries a dropped connection', async () => {
    const r = await receiver((q) => (q.n === 1 ? 'drop' : 200));
    const { sleep } = recordingSleep();
    const n = createNotifier({ targets: [webhook(r.url)], context, sleep });
    n.notify(runEvents[0] as NotifyEvent);
    expect((await n.flush()).delivered).toBe(1);
    expect(r.requests).toHaveLength(2);
  });

  it('gives up on a 4xx at once and on a 5xx after the last attempt, and says why', async () => {
    const gone = await receiver(() => 410);
    const broken = await receiver(() => 502);
    const { sleep, delays } = recordingSleep();
    const reported: string[] = [];
    const n = createNotifier({
      targets: [webhook(gone.url), webhook(broken.url)],
      context,
      sleep,
      attempts: 3,
      onResult: (res) => {
        reported.push(`${res.outcome} ${res.reason ?? ''}`);
        throw new Error('a failing callback changes nothing');
      },
    });
    n.notify(runEvents[0] as NotifyEvent);
    const summary = await n.flush();
    expect(gone.requests).toHaveLength(1);
    expect(broken.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(summary.failed.map((f) => [f.attempts, f.reason])).toEqual(
      expect.arrayContaining([
        [1, 'HTTP 410'],
        [3, 'HTTP 502'],
      ]),
    );
    expect(reported.sort()).toEqual(['failed HTTP 410', 'failed HTTP 502']);
  });

  it('does not let a hanging receiver block past the attempt timeout', async () => {
    const r = await receiver(() => 'hang');
    const { sleep } = recordingSleep();
    const n = createNotifier({ targets: [webhook(r.url)], context, sleep, timeoutMs: 200, attempts: 2 });
    n.notify(runEvents[0] as NotifyEvent);
    const summary = await n.flush({ timeoutMs: 30_000 });
    expect(summary.failed).toEqual([expect.objectContaining({ outcome: 'failed', reason: 'timeout', attempts: 2 })]);
    expect(r.requests).toHaveLength(2);
  });

  it('abandons what is left at the flush deadline and reports it', async () => {
    const r = await receiver(() => 'hang');
    const n = createNotifier({ targets: [webhook(r.url)], context, timeoutMs: 600_000 });
    n.notify(runEvents[0] as NotifyEvent);
    n.notify(runEvents[3] as NotifyEvent);
    const summary = await n.flush({ timeoutMs: 200 });
    expect(summary.delivered).toBe(0);
    expect(summary.dropped.map((d) => [d.event, d.reason])).toEqual([
      ['run.start', 'abandoned at exit'],
      ['run.done', 'abandoned at exit'],
    ]);
    // Closed: a late event is reported as dropped, not sent.
    n.notify(runEvents[1] as NotifyEvent);
    expect(n.results().at(-1)).toMatchObject({ event: 'hop.done', outcome: 'dropped', reason: 'notifier closed' });
  });

  it('never throws from notify(), even with nothing listening', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    receivers.splice(receivers.indexOf(r), 1);
    const { sleep } = recordingSleep();
    const n = createNotifier({ targets: [webhook(url)], context, sleep, attempts: 2 });
    expect(() => n.notify(runEvents[0] as NotifyEvent)).not.toThrow();
    const summary = await n.flush();
    expect(summary.failed).toEqual([expect.objectContaining({ reason: 'ECONNREFUSED', attempts: 2 })]);
  });
});

describe('notifier over SNS', () => {
  const topic = 'arn:aws:sns:eu-west-1:123456789012:panther-upgrades';

  function fakeSns(fail: (n: number) => Error | undefined = () => undefined): SnsPublisher & { published: { topicArn: string; subject: string; message: string }[] } {
    const published: { topicArn: string; subject: string; message: string }[] = [];
    let n = 0;
    return {
      published,
      async publish(topicArn, subject, message) {
        const err = fail(++n);
        if (err) throw err;
        published.push({ topicArn, subject, message });
        return { messageId: `m-${n}` };
      },
    };
  }

  it('publishes every event to the topic with a subject, and the same JSON as webhooks', async () => {
    const sns = fakeSns();
    const target = parseNotifyTarget(`sns:${topic}`);
    if (!target.ok) throw new Error(target.problem);
    const n = createNotifier({ targets: [target.target], context, sns });
    for (const e of runEvents) n.notify(e);
    expect((await n.flush()).delivered).toBe(4);
    expect(sns.published.map((p) => p.topicArn)).toEqual([topic, topic, topic, topic]);
    expect(sns.published.map((p) => p.subject)).toEqual([
      'pantherctl: panther-root upgrade v1.25.18 -> v1.27.8 started',
      'pantherctl: panther-root hop 1/2 v1.26.9 done',
      'pantherctl: panther-root run FAILED at v1.27.8',
      'pantherctl: panther-root now runs v1.27.8',
    ]);
    expect((JSON.parse(sns.published[2]?.message ?? '{}') as NotifyEnvelope).event).toBe('run.failed');
  });

  it('retries throttling, and stops on a topic that does not exist', async () => {
    const throttled = fakeSns((k) => (k === 1 ? new SnsPublishError('Throttled: Rate exceeded', true, 'ThrottledException') : undefined));
    const missing = fakeSns(() => new SnsPublishError('NotFoundException: Topic does not exist', false, 'NotFoundException'));
    const { sleep } = recordingSleep();
    const t = parseNotifyTarget(`sns:${topic}`);
    if (!t.ok) throw new Error(t.problem);
    const a = createNotifier({ targets: [t.target], context, sns: throttled, sleep });
    a.notify(runEvents[0] as NotifyEvent);
    expect((await a.flush()).delivered).toBe(1);
    const b = createNotifier({ targets: [t.target], context, sns: missing, sleep });
    b.notify(runEvents[0] as NotifyEvent);
    expect((await b.flush()).failed).toEqual([expect.objectContaining({ attempts: 1, reason: 'NotFoundException: Topic does not exist' })]);
  });
});
