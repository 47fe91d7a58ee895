import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, withRetry } from './retry.js';

const throttle = (): Error => Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });

describe('withRetry', () => {
  it('retries throttling with growing jittered delays, then succeeds', async () => {
    const sleeps: number[] = [];
    const retries: string[] = [];
    let n = 0;
    const result = await withRetry(
      async () => {
        if (++n < 4) throw throttle();
        return 'ok';
      },
      { sleep: async (ms) => void sleeps.push(ms), random: () => 0.999, baseMs: 100, capMs: 1000, onRetry: (i) => retries.push(i.code) },
    );
    expect(result).toBe('ok');
    expect(sleeps).toEqual([99, 199, 399]);
    expect(retries).toEqual(['throttled', 'throttled', 'throttled']);
  });

  it('does not retry a validation error and throws it classified', async () => {
    let n = 0;
    await expect(
      withRetry(async () => {
        n++;
        throw Object.assign(new Error('No updates are to be performed.'), { name: 'ValidationError' });
      }, { sleep: async () => {} }),
    ).rejects.toMatchObject({ code: 'no-updates' });
    expect(n).toBe(1);
  });

  it('gives up after the configured attempts', async () => {
    let n = 0;
    await expect(
      withRetry(async () => {
        n++;
        throw throttle();
      }, { attempts: 3, sleep: async () => {} }),
    ).rejects.toMatchObject({ code: 'throttled' });
    expect(n).toBe(3);
  });

  it('stops at once when aborted during a backoff', async () => {
    const ac = new AbortController();
    await expect(
      withRetry(
        async () => {
          throw throttle();
        },
        {
          signal: ac.signal,
          sleep: async (_ms, signal) => {
            ac.abort();
            if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
          },
        },
      ),
    ).rejects.toMatchObject({ code: 'interrupted', source: 'interrupted' });
  });

  it('backoff stays within [0, min(cap, base * 2^(n-1))]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(attempt, 250, 15_000, () => r);
        return d >= 0 && d <= Math.min(15_000, 250 * 2 ** (attempt - 1));
      }),
    );
  });
});
