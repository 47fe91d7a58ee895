/**
 * The one way the SDK gateways call AWS: retried as the gateway's options say, and every
 * backoff reported as an `aws.retry` debug message so that throttling is visible.
 */
import type { AwsCallContext } from './errors.js';
import { withRetry } from './retry.js';
import type { GatewayOptions } from './types.js';

/**
 * Runs `fn` through withRetry with `options.retry`, notifying `options.io` before each
 * backoff. `attempts` overrides the configured attempts (1: a call that must not repeat).
 */
export function gatewayCall<T>(options: GatewayOptions, fn: () => Promise<T>, ctx: AwsCallContext, attempts?: number): Promise<T> {
  const { io, retry } = options;
  return withRetry(
    fn,
    {
      ...retry,
      ...(attempts !== undefined ? { attempts } : {}),
      onRetry: (info) => {
        retry?.onRetry?.(info);
        io?.notify({
          level: 'debug',
          code: 'aws.retry',
          text: `${info.operation ?? 'AWS call'} ${info.code}; retry ${info.attempt} in ${info.delayMs} ms`,
          data: { operation: info.operation, code: info.code, attempt: info.attempt, delayMs: info.delayMs, ...(ctx.stack ? { stack: ctx.stack } : {}) },
        });
      },
    },
    ctx,
  );
}
