import { describe, expect, it } from 'vitest';
import { isAbortError } from '../../deployments/wait/clock.js';
import { ApiPacer, pacingKey } from './api-pacer.js';
import { VirtualClock } from './test-support/virtual-clock.js';
import { maxInWindow } from './test-support/windows.js';

const KEY = pacingKey('111111111111', 'us-east-2');

describe('ApiPacer', () => {
  it('spaces grants evenly, windowMs / limit apart, so that no window holds more than the limit', async () => {
    const clock = new VirtualClock();
    const t0 = clock.now();
    const pacer = new ApiPacer({ clock });
    const granted: number[] = [];
    const all = Array.from({ length: 12 }, () => pacer.acquire(KEY).then(() => granted.push(clock.now() - t0)));
    await clock.run();
    await Promise.all(all);
    expect(granted).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000, 2200]);
    expect(maxInWindow(granted, 1000)).toBe(5);
    expect(pacer.stats(KEY)).toEqual({ granted: 12, waiting: 0, maxWaitMs: 2200 });
  });

  it('serves each lane first come, first served, the status lane before the detail lane', async () => {
    const clock = new VirtualClock();
    const pacer = new ApiPacer({ clock, limit: 1 });
    const order: string[] = [];
    const ask = (name: string, lane: 'status' | 'detail') => pacer.acquire(KEY, { lane }).then(() => order.push(name));
    const all = [ask('d1', 'detail'), ask('d2', 'detail'), ask('d3', 'detail'), ask('s1', 'status'), ask('d4', 'detail'), ask('s2', 'status')];
    await clock.run();
    await Promise.all(all);
    // d1 got the free slot at once; the status lane then goes before the detail calls queued earlier.
    expect(order).toEqual(['d1', 's1', 's2', 'd2', 'd3', 'd4']);
  });

  it('keeps keys apart: one account-region waiting does not slow another', async () => {
    const clock = new VirtualClock();
    const t0 = clock.now();
    const pacer = new ApiPacer({ clock, limit: 2 });
    const at: Record<string, number[]> = { a: [], b: [] };
    const all = [...'aaaab'].map((k) => pacer.acquire(k).then(() => at[k]!.push(clock.now() - t0)));
    await clock.run();
    await Promise.all(all);
    expect(at).toEqual({ a: [0, 500, 1000, 1500], b: [0] });
  });

  it('an aborted waiter leaves the queue at once, without taking a slot', async () => {
    const clock = new VirtualClock();
    const t0 = clock.now();
    const pacer = new ApiPacer({ clock, limit: 1 });
    const controller = new AbortController();
    const granted: string[] = [];
    const first = pacer.acquire(KEY).then(() => granted.push(`first@${clock.now() - t0}`));
    const aborted = pacer.acquire(KEY, { signal: controller.signal }).then(
      () => granted.push('aborted'),
      (err: unknown) => granted.push(isAbortError(err) ? `abort@${clock.now() - t0}` : 'other'),
    );
    const third = pacer.acquire(KEY).then(() => granted.push(`third@${clock.now() - t0}`));
    controller.abort();
    await clock.run();
    await Promise.all([first, aborted, third]);
    expect(granted).toEqual(['first@0', 'abort@0', 'third@1000']);
    await expect(pacer.acquire(KEY, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('run() passes the call\'s result and errors through', async () => {
    const clock = new VirtualClock();
    const pacer = new ApiPacer({ clock });
    const ok = pacer.run(KEY, () => Promise.resolve(42));
    const failed = pacer.run(KEY, () => Promise.reject(new Error('Rate exceeded')));
    failed.catch(() => undefined);
    await clock.run();
    await expect(ok).resolves.toBe(42);
    await expect(failed).rejects.toThrow('Rate exceeded');
  });

  it('refuses a limit or window that cannot pace anything', () => {
    expect(() => new ApiPacer({ limit: 0 })).toThrow(/limit must be a whole number of at least 1/);
    expect(() => new ApiPacer({ windowMs: 0 })).toThrow(/windowMs must be positive/);
  });
});
