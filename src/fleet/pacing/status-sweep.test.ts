import { describe, expect, it } from 'vitest';
import { StackStatusSweep, type SweptStack } from './status-sweep.js';
import { VirtualClock } from './test-support/virtual-clock.js';

/** A world whose stacks change status at set times; `list` reads it at the current virtual time. */
function world(clock: VirtualClock, changes: Record<string, [number, string][]>) {
  const t0 = clock.now();
  let calls = 0;
  let fail = 0;
  const list = async (): Promise<SweptStack[]> => {
    calls += 1;
    if (fail > 0) {
      fail -= 1;
      throw new Error('Rate exceeded');
    }
    const now = clock.now() - t0;
    return Object.entries(changes).map(([name, steps]) => ({
      stackId: `arn:aws:cloudformation:us-east-2:111111111111:stack/${name}/0000`,
      name,
      status: [...steps].reverse().find(([at]) => at <= now)?.[1] ?? 'UPDATE_COMPLETE',
    }));
  };
  return { list, calls: () => calls, failNext: (n: number) => (fail = n), t0 };
}

describe('StackStatusSweep', () => {
  it('tells a watcher the first status it sees, then each change, and one listing serves every watcher', async () => {
    const clock = new VirtualClock();
    const w = world(clock, { 'panther-a': [[0, 'UPDATE_IN_PROGRESS'], [5000, 'UPDATE_COMPLETE']], 'panther-b': [[0, 'UPDATE_IN_PROGRESS'], [3000, 'UPDATE_ROLLBACK_COMPLETE']] });
    const sweep = new StackStatusSweep({ list: w.list, clock, intervalMs: 1000 });
    const seen: string[] = [];
    const stopA = sweep.watch('arn:aws:cloudformation:us-east-2:111111111111:stack/panther-a/0000', (s) => seen.push(`a ${s.status} @${clock.now() - w.t0}`));
    const stopB = sweep.watch('panther-b', (s) => seen.push(`b ${s.status} @${clock.now() - w.t0}`));
    await clock.run(w.t0 + 6500);
    expect(seen).toEqual(['a UPDATE_IN_PROGRESS @0', 'b UPDATE_IN_PROGRESS @0', 'b UPDATE_ROLLBACK_COMPLETE @3000', 'a UPDATE_COMPLETE @5000']);
    expect(w.calls()).toBe(7);
    stopA();
    stopB();
    await clock.run();
    // Nobody watches: the sweep stopped (and its sleep was cut short).
    expect(w.calls()).toBe(7);
    expect(clock.pending).toBe(0);
  });

  it('until() resolves on the first accepted row, and rejects when aborted', async () => {
    const clock = new VirtualClock();
    const w = world(clock, { 'panther-a': [[0, 'UPDATE_IN_PROGRESS'], [2500, 'UPDATE_COMPLETE']] });
    const sweep = new StackStatusSweep({ list: w.list, clock, intervalMs: 1000 });
    const done = sweep.until('panther-a', (s) => s.status === 'UPDATE_COMPLETE');
    const controller = new AbortController();
    const never = sweep.until('panther-a', (s) => s.status === 'DELETE_COMPLETE', controller.signal);
    setTimeout(() => controller.abort(), 0);
    await expect(never).rejects.toMatchObject({ name: 'AbortError' });
    await clock.run();
    await expect(done).resolves.toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(clock.now() - w.t0).toBe(3000);
  });

  it('reports a failed listing and sweeps again at the next interval', async () => {
    const clock = new VirtualClock();
    const w = world(clock, { 'panther-a': [[0, 'UPDATE_COMPLETE']] });
    const errors: string[] = [];
    const sweep = new StackStatusSweep({ list: w.list, clock, intervalMs: 1000, onError: (e) => errors.push((e as Error).message) });
    w.failNext(2);
    const row = await (async () => {
      const p = sweep.until('panther-a', () => true);
      await clock.run();
      return p;
    })();
    expect(row.status).toBe('UPDATE_COMPLETE');
    expect(errors).toEqual(['Rate exceeded', 'Rate exceeded']);
    expect(clock.now() - w.t0).toBe(2000);
    sweep.close();
    expect(() => sweep.watch('panther-a', () => {})).toThrow(/closed/);
  });
});
