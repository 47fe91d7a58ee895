/**
 * One JSON POST over node:http(s), with a hard per-attempt timeout. No keep-alive agent:
 * a notification is a handful of requests per run, and an idle pooled socket would keep a
 * finished command alive.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** How one attempt ended; the notifier decides whether to retry. */
export type PostOutcome =
  | { kind: 'response'; status: number; /** From `Retry-After` (seconds or an HTTP date), when sent. */ retryAfterMs?: number }
  | { kind: 'timeout' }
  /** The connection failed or dropped: refused, reset, DNS, TLS. */
  | { kind: 'network'; code: string }
  | { kind: 'aborted' };

export interface PostRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** The whole attempt: connect, send, and the response status line. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** For Retry-After dates. Default Date.now. */
  now?: () => number;
}

/** The port the notifier posts through; tests may replace it, production uses `postJson`. */
export type HttpPoster = (req: PostRequest) => Promise<PostOutcome>;

export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export const postJson: HttpPoster = (req) =>
  new Promise<PostOutcome>((resolve) => {
    if (req.signal?.aborted) {
      resolve({ kind: 'aborted' });
      return;
    }
    const url = new URL(req.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (outcome: PostOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const r = send(url, {
      method: 'POST',
      agent: false,
      headers: { ...req.headers, 'Content-Length': String(Buffer.byteLength(req.body)) },
    });
    const timer = setTimeout(() => {
      finish({ kind: 'timeout' });
      r.destroy();
    }, req.timeoutMs);
    const onAbort = (): void => {
      finish({ kind: 'aborted' });
      r.destroy();
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    r.on('response', (res) => {
      // The status is all we need; drain the body so the socket closes.
      res.resume();
      const retryAfterMs = parseRetryAfter(res.headers['retry-after'], (req.now ?? Date.now)());
      finish({ kind: 'response', status: res.statusCode ?? 0, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    });
    r.on('error', (err: NodeJS.ErrnoException) => {
      finish({ kind: 'network', code: err.code ?? err.message });
    });
    r.end(req.body);
  });
