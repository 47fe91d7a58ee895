/** The shared skeleton of the simple waiters (change sets, builds): poll, sleep, time out. */
import { PantherctlError, isPantherctlError } from '../../errors/pantherctl-error.js';
import { awsErrorCode, isRetryable } from '../aws/errors.js';
import type { Clock } from '../aws/types.js';
import { isAbortError, systemClock } from './clock.js';

export interface PollLoopOptions<T> {
  /** One API call; returns a value when done, undefined to keep waiting. */
  poll: () => Promise<T | undefined>;
  what: string;
  timeoutMs: number;
  pollIntervalMs: number;
  clock?: Clock;
  signal?: AbortSignal;
  hint: string;
  onRetry?: (code: string) => void;
}

export async function pollUntil<T>(o: PollLoopOptions<T>): Promise<{ value: T; elapsedMs: number }> {
  const clock = o.clock ?? systemClock;
  const started = clock.now();
  const deadline = started + o.timeoutMs;
  let failures = 0;
  const stop = (code: 'timeout' | 'interrupted', cause?: unknown): PantherctlError =>
    new PantherctlError(
      code,
      code === 'timeout'
        ? `Stopped waiting for ${o.what} after ${Math.round((clock.now() - started) / 1000)} s (timeout).`
        : `Stopped waiting for ${o.what} (interrupted).`,
      { source: 'interrupted', hint: o.hint, ...(cause === undefined ? {} : { cause }) },
    );
  for (;;) {
    if (o.signal?.aborted) throw stop('interrupted');
    const now = clock.now();
    if (now >= deadline) throw stop('timeout');
    let delay = o.pollIntervalMs;
    try {
      const value = await o.poll();
      if (value !== undefined) return { value, elapsedMs: clock.now() - started };
      failures = 0;
    } catch (err) {
      if (isAbortError(err) || (isPantherctlError(err) && err.code === 'interrupted')) throw stop('interrupted', err);
      if (!isRetryable(err)) throw err;
      failures += 1;
      o.onRetry?.(awsErrorCode(err));
      delay = Math.min(16_000, o.pollIntervalMs * 2 ** failures);
    }
    const wake = Math.min(deadline, now + delay);
    try {
      const left = wake - clock.now();
      if (left > 0) await clock.sleep(left, o.signal);
    } catch (err) {
      if (isAbortError(err)) throw stop('interrupted', err);
      throw err;
    }
  }
}
