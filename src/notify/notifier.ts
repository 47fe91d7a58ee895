/**
 * Fire-and-forget notifications for a run (`--notify URL`, repeatable; `--notify sns:ARN`).
 * `notify()` only queues and returns: a slow or broken receiver never slows, blocks or fails
 * the upgrade. Each target has its own queue, delivered in order, each message retried with
 * backoff on 5xx, 408, 429, timeouts and dropped connections. At exit the command calls
 * `flush()` with a bound; whatever is not delivered by then is abandoned and reported.
 */
import { randomUUID } from 'node:crypto';
import { sleep as realSleep } from '../deployments/wait/clock.js';
import { redactStrings } from '../support/redactors.js';
import { NOTIFY_SCHEMA, subjectOf, type NotifyContext, type NotifyEnvelope, type NotifyEvent, type NotifyEventName } from './events.js';
import { postJson, type HttpPoster, type PostOutcome } from './http-poster.js';
import { SIGNATURE_HEADER, signBody } from './signature.js';
import { SnsPublishError, type SnsPublisher } from './sns-publisher.js';
import type { NotifyTarget } from './targets.js';

export interface NotifierOptions {
  targets: readonly NotifyTarget[];
  context: NotifyContext;
  /** HMAC secret for `X-Pantherctl-Signature` (from PANTHERCTL_NOTIFY_SECRET). Default: unsigned. */
  secret?: string;
  /**
   * Applied to every string of every message (reasons may quote anything). Default: none;
   * the command passes the support-bundle redactors with the run's secret values.
   */
  redact?: (text: string) => string;
  /** Default: node:http(s) (`postJson`). */
  post?: HttpPoster;
  /** Needed for `sns:` targets; without one they fail (reported, never thrown). */
  sns?: SnsPublisher;
  /** Per attempt. Default 5 000 ms: a receiver slower than that is treated as down. */
  timeoutMs?: number;
  /** Attempts per message, the first included. Default 5. */
  attempts?: number;
  /** First backoff delay. Default 1 000 ms, doubled each retry. */
  baseDelayMs?: number;
  /** Cap of one delay, `Retry-After` included. Default 30 000 ms. */
  maxDelayMs?: number;
  /** Messages waiting per target; beyond it new ones are dropped (and reported). Default 50. */
  maxQueue?: number;
  /** For the backoff. Default real timers; tests inject an instant sleep to assert the delays. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Default Date.now. */
  now?: () => number;
  /** Default Math.random; the jitter is `delay/2 + random()*delay/2`. */
  random?: () => number;
  /** Default randomUUID. */
  newId?: () => string;
  /** Called once per message when its delivery is settled. Exceptions are ignored. */
  onResult?: (result: DeliveryResult) => void;
}

export interface DeliveryResult {
  /** The target's printable label (no credentials). */
  target: string;
  event: NotifyEventName;
  id: string;
  seq: number;
  outcome: 'delivered' | 'failed' | 'dropped';
  attempts: number;
  /** Why the last attempt failed: `HTTP 500`, `timeout`, `ECONNRESET`, `NotFoundException: ...`. */
  reason?: string;
}

export interface FlushSummary {
  delivered: number;
  failed: DeliveryResult[];
  /** Abandoned at the flush deadline, dropped on a full queue, or sent after close. */
  dropped: DeliveryResult[];
}

export interface Notifier {
  /** Queues the event for every target and returns at once. Never throws. */
  notify(event: NotifyEvent): void;
  /**
   * Waits until every queued message is settled or `timeoutMs` passed (default 10 000 ms),
   * then abandons the rest and closes the notifier. Never throws.
   */
  flush(options?: { timeoutMs?: number }): Promise<FlushSummary>;
  /** Every settled delivery so far. */
  results(): readonly DeliveryResult[];
}

interface Pending {
  envelope: NotifyEnvelope;
  body: string;
}

interface Queue {
  target: NotifyTarget;
  items: Pending[];
  worker?: Promise<void>;
}

type AttemptOutcome = { ok: true } | { ok: false; retriable: boolean; reason: string; retryAfterMs?: number; aborted?: boolean };

function fromPost(outcome: PostOutcome): AttemptOutcome {
  switch (outcome.kind) {
    case 'response': {
      const s = outcome.status;
      if (s >= 200 && s < 300) return { ok: true };
      // 408 and 429 say "later"; other 4xx (and redirects, which we do not follow) will not change.
      const retriable = s >= 500 || s === 408 || s === 429;
      return { ok: false, retriable, reason: `HTTP ${s}`, ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}) };
    }
    case 'timeout':
      return { ok: false, retriable: true, reason: 'timeout' };
    case 'network':
      return { ok: false, retriable: true, reason: outcome.code };
    case 'aborted':
      return { ok: false, retriable: false, reason: 'abandoned at exit', aborted: true };
  }
}

export function createNotifier(options: NotifierOptions): Notifier {
  const post = options.post ?? postJson;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const newId = options.newId ?? randomUUID;
  const attempts = Math.max(1, options.attempts ?? 5);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const maxQueue = options.maxQueue ?? 50;
  const redact = options.redact;
  const abort = new AbortController();
  const queues: Queue[] = options.targets.map((target) => ({ target, items: [] }));
  const settled: DeliveryResult[] = [];
  let seq = 0;
  let closed = false;

  const record = (q: Queue, p: Pending, outcome: DeliveryResult['outcome'], tries: number, reason?: string): void => {
    const result: DeliveryResult = {
      target: q.target.label,
      event: p.envelope.event,
      id: p.envelope.id,
      seq: p.envelope.seq,
      outcome,
      attempts: tries,
      ...(reason ? { reason } : {}),
    };
    settled.push(result);
    try {
      options.onResult?.(result);
    } catch {
      // A reporting callback must not take the queue down with it.
    }
  };

  const attempt = async (target: NotifyTarget, p: Pending): Promise<AttemptOutcome> => {
    if (target.kind === 'webhook') {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'User-Agent': `pantherctl/${options.context.version ?? 'unknown'}`,
        'X-Pantherctl-Event': p.envelope.event,
        'X-Pantherctl-Delivery': p.envelope.id,
      };
      if (options.secret) headers[SIGNATURE_HEADER] = signBody(options.secret, p.body);
      return fromPost(await post({ url: target.url, body: p.body, headers, timeoutMs, signal: abort.signal, now }));
    }
    if (!options.sns) return { ok: false, retriable: false, reason: 'no SNS publisher configured' };
    try {
      await raceTimeout(options.sns.publish(target.topicArn, subjectOf(p.envelope), p.body), timeoutMs, abort.signal);
      return { ok: true };
    } catch (err) {
      if (err instanceof TimeoutSignal) return { ok: false, retriable: true, reason: 'timeout' };
      if (abort.signal.aborted) return { ok: false, retriable: false, reason: 'abandoned at exit', aborted: true };
      if (err instanceof SnsPublishError) return { ok: false, retriable: err.retriable, reason: err.message };
      return { ok: false, retriable: true, reason: err instanceof Error ? err.message : String(err) };
    }
  };

  const deliver = async (q: Queue, p: Pending): Promise<void> => {
    for (let n = 1; ; n++) {
      const out = await attempt(q.target, p);
      if (out.ok) return record(q, p, 'delivered', n);
      if (out.aborted) return record(q, p, 'dropped', n, out.reason);
      if (!out.retriable || n >= attempts) return record(q, p, 'failed', n, out.reason);
      const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1));
      const delay = out.retryAfterMs !== undefined ? Math.min(maxDelayMs, out.retryAfterMs) : exp / 2 + random() * (exp / 2);
      try {
        await sleep(Math.round(delay), abort.signal);
      } catch {
        return record(q, p, 'dropped', n, `abandoned at exit after ${out.reason}`);
      }
    }
  };

  const run = async (q: Queue): Promise<void> => {
    try {
      while (q.items.length > 0) {
        const p = q.items[0] as Pending;
        if (abort.signal.aborted) record(q, p, 'dropped', 0, 'abandoned at exit');
        else await deliver(q, p);
        q.items.shift();
      }
    } catch {
      // deliver() records every outcome itself; nothing here may escape into the run.
    } finally {
      q.worker = undefined;
    }
  };

  const envelopeOf = (event: NotifyEvent): NotifyEnvelope => {
    const { context } = options;
    const envelope = {
      schema: NOTIFY_SCHEMA,
      id: newId(),
      seq: ++seq,
      time: new Date(now()).toISOString(),
      run: context.run,
      deployment: {
        rootStack: context.rootStack,
        ...(context.region ? { region: context.region } : {}),
        ...(context.account ? { account: context.account } : {}),
      },
      ...event,
    } as NotifyEnvelope;
    return redact ? redactStrings(envelope, redact) : envelope;
  };

  return {
    notify(event) {
      try {
        const envelope = envelopeOf(event);
        const p: Pending = { envelope, body: JSON.stringify(envelope) };
        for (const q of queues) {
          if (closed) record(q, p, 'dropped', 0, 'notifier closed');
          else if (q.items.length >= maxQueue) record(q, p, 'dropped', 0, `queue full (${maxQueue})`);
          else {
            q.items.push(p);
            q.worker ??= run(q);
          }
        }
      } catch {
        // Building a message cannot fail on our own data; if it ever does, the run goes on.
      }
    },

    async flush(flushOptions = {}) {
      const bound = flushOptions.timeoutMs ?? 10_000;
      closed = true;
      const drained = Promise.all(queues.map((q) => q.worker ?? Promise.resolve()));
      const timer = new AbortController();
      // Wall-clock on purpose: the bound is how long a finished command may linger at exit,
      // whatever sleep the backoff uses.
      const deadline = realSleep(bound, timer.signal).then(
        () => 'deadline' as const,
        () => 'drained' as const,
      );
      const first = await Promise.race([drained.then(() => 'drained' as const), deadline]);
      timer.abort();
      if (first === 'deadline') {
        abort.abort();
        await drained;
      }
      return {
        delivered: settled.filter((r) => r.outcome === 'delivered').length,
        failed: settled.filter((r) => r.outcome === 'failed'),
        dropped: settled.filter((r) => r.outcome === 'dropped'),
      };
    },

    results: () => settled,
  };
}

class TimeoutSignal extends Error {}

/** Rejects with TimeoutSignal after `ms`, or when `signal` aborts; the timer never outlives the call. */
function raceTimeout<T>(work: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutSignal('timeout')), ms);
    const onAbort = (): void => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}
