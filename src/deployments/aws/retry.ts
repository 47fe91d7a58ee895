/**
 * Retrying with full-jitter exponential backoff, owned by pantherctl rather than the SDK so
 * that every throttle is seen (`onRetry`) and counted. Only `throttled` and `transient`
 * failures are retried; everything else surfaces at once, classified.
 */
import type { PantherctlError } from '../../errors/pantherctl-error.js';
import { sleep as realSleep, isAbortError } from '../wait/clock.js';
import { classifyAwsError, isRetryable, type AwsCallContext } from './errors.js';
import type { RetryOptions } from './types.js';

export const DEFAULT_RETRY = { attempts: 8, baseMs: 250, capMs: 15_000 } as const;

/** Delay before retry number `attempt` (1-based): uniform in [0, min(cap, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `fn` until it succeeds, fails with a non-retryable error, or runs out of attempts.
 * Failures are thrown classified (PantherctlError); an abort stops the backoff sleep and
 * throws code `interrupted`.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}, ctx: AwsCallContext = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? DEFAULT_RETRY.attempts);
  const baseMs = options.baseMs ?? DEFAULT_RETRY.baseMs;
  const capMs = options.capMs ?? DEFAULT_RETRY.capMs;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw classifyAwsError(abortLike(), ctx);
    let error: PantherctlError;
    try {
      return await fn();
    } catch (err) {
      error = classifyAwsError(err, ctx);
    }
    if (!isRetryable(error) || attempt >= attempts) throw error;
    const delayMs = backoffDelay(attempt, baseMs, capMs, random);
    options.onRetry?.({ attempt, delayMs, code: error.code, ...(ctx.operation ? { operation: ctx.operation } : {}), error });
    try {
      await sleep(delayMs, options.signal);
    } catch (err) {
      if (isAbortError(err)) throw classifyAwsError(err, ctx);
      throw err;
    }
  }
}

function abortLike(): Error {
  const err = new Error('The operation was aborted.');
  err.name = 'AbortError';
  return err;
}
