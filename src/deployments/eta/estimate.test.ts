import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateRun, learnDurations, overdueResources, percentile, resourceKey, type PastRun } from './estimate.js';

const MIN = 60_000;

const history: PastRun[] = [
  { hops: [{ version: 'v1.26.9', steps: { role: 1 * MIN, root: 20 * MIN, build: 10 * MIN } }], resources: [{ key: resourceKey('panther-root', 'Core'), durationMs: 8 * MIN }] },
  { hops: [{ version: 'v1.27.8', steps: { role: 2 * MIN, root: 30 * MIN, build: 12 * MIN } }], resources: [{ key: resourceKey('panther-root', 'Core'), durationMs: 10 * MIN }] },
  {
    hops: [
      { version: 'v1.28.7', steps: { role: 3 * MIN, root: 40 * MIN, build: 14 * MIN } },
      { version: 'v1.29.4', steps: { role: 1 * MIN, root: 10 * MIN } },
    ],
    resources: [{ key: resourceKey('panther-root', 'Core'), durationMs: 12 * MIN }],
  },
];

describe('percentile', () => {
  it('interpolates between ranks', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(25);
    expect(percentile([10, 20, 30, 40], 90)).toBeCloseTo(37);
    expect(percentile([5], 90)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
  });

  it('lies between the smallest and largest sample, and p50 <= p90', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 30 }), (xs) => {
        const p50 = percentile(xs, 50);
        const p90 = percentile(xs, 90);
        return p50 >= Math.min(...xs) && p90 <= Math.max(...xs) && p50 <= p90;
      }),
    );
  });
});

describe('learnDurations', () => {
  it('gives p50/p90 per hop step and per resource, with the sample count', () => {
    const model = learnDurations(history);
    expect(model.runs).toBe(3);
    expect(model.steps.role).toEqual({ p50: 1.5 * MIN, p90: Math.round(2.7 * MIN), samples: 4 });
    expect(model.steps.build).toEqual({ p50: 12 * MIN, p90: Math.round(13.6 * MIN), samples: 3 });
    expect(model.resources['panther-root/Core']).toEqual({ p50: 10 * MIN, p90: Math.round(11.6 * MIN), samples: 3 });
  });
});

describe('estimateRun', () => {
  const model = learnDurations(history);
  const start = Date.UTC(2027, 0, 14, 10, 0, 0);

  it('estimates each hop and the run from the steps still to run', () => {
    const now = start + 10 * MIN;
    const e = estimateRun(
      model,
      [
        { version: 'v1.30.11', steps: { role: { state: 'done', durationMs: 2 * MIN }, root: { state: 'running', startedAt: start + 2 * MIN }, build: { state: 'pending' } } },
        { version: 'v1.31.6', steps: { role: { state: 'pending' }, root: { state: 'pending' }, build: { state: 'pending' } } },
      ],
      start,
      now,
    );
    const root = model.steps.root ?? { p50: 0, p90: 0 };
    const build = model.steps.build ?? { p50: 0, p90: 0 };
    const role = model.steps.role ?? { p50: 0, p90: 0 };
    expect(e.elapsedMs).toBe(10 * MIN);
    expect(e.basis).toBe(3);
    expect(e.hops[0]).toEqual({
      version: 'v1.30.11',
      elapsedMs: 10 * MIN,
      remaining: { p50Ms: root.p50 - 8 * MIN + build.p50, p90Ms: root.p90 - 8 * MIN + build.p90 },
      unknownSteps: [],
    });
    expect(e.hops[1]?.remaining).toEqual({ p50Ms: role.p50 + root.p50 + build.p50, p90Ms: role.p90 + root.p90 + build.p90 });
    expect(e.remaining).toEqual({
      p50Ms: (e.hops[0]?.remaining?.p50Ms ?? 0) + (e.hops[1]?.remaining?.p50Ms ?? 0),
      p90Ms: (e.hops[0]?.remaining?.p90Ms ?? 0) + (e.hops[1]?.remaining?.p90Ms ?? 0),
    });
  });

  it('flags a step running past 1.25 x its p90, and never estimates below zero', () => {
    const root = model.steps.root ?? { p50: 0, p90: 0 };
    const now = start + Math.round(root.p90 * 1.3);
    const e = estimateRun(model, [{ version: 'v1.30.11', steps: { root: { state: 'running', startedAt: start } } }], start, now);
    expect(e.hops[0]?.remaining).toEqual({ p50Ms: 0, p90Ms: 0 });
    expect(e.hops[0]?.overdue).toEqual({ step: 'root', elapsedMs: now - start, p90Ms: root.p90 });
    const notYet = estimateRun(model, [{ version: 'v1.30.11', steps: { root: { state: 'running', startedAt: start } } }], start, start + Math.round(root.p90 * 1.2));
    expect(notYet.hops[0]?.overdue).toBeUndefined();
  });

  it('gives no estimate for a step without history, nor for a run without history', () => {
    const noBuilds = learnDurations([{ hops: [{ steps: { role: MIN, root: 10 * MIN } }] }]);
    const e = estimateRun(noBuilds, [{ version: 'v1.30.11', steps: { role: { state: 'pending' }, root: { state: 'pending' }, build: { state: 'pending' } } }], start, start);
    expect(e.hops[0]?.remaining).toBeUndefined();
    expect(e.hops[0]?.unknownSteps).toEqual(['build']);
    expect(e.remaining).toBeUndefined();
    const empty = estimateRun(learnDurations([]), [{ version: 'v1.30.11', steps: { role: { state: 'pending' } } }], start, start);
    expect(empty.basis).toBe(0);
    expect(empty.remaining).toBeUndefined();
  });
});

describe('overdueResources', () => {
  const model = learnDurations(history);
  const p90 = model.resources['panther-root/Core']?.p90 ?? 0;
  const t0 = 1_800_000_000_000;

  it('flags a resource past 1.25 x its p90, not one within it, and ignores unknown ones', () => {
    const running = [
      { key: 'panther-root/Core', startedAt: t0 },
      { key: 'panther-root/NeverSeen', startedAt: t0 - 99 * MIN },
    ];
    expect(overdueResources(model, running, t0 + Math.round(p90 * 1.2))).toEqual([]);
    const late = overdueResources(model, running, t0 + Math.round(p90 * 1.5));
    expect(late).toEqual([{ key: 'panther-root/Core', elapsedMs: Math.round(p90 * 1.5), p90Ms: p90, ratio: 1.5 }]);
  });

  it('does not flag short resources for a few seconds over', () => {
    const quick = learnDurations([{ hops: [], resources: [{ key: 'r/Q', durationMs: 4000 }] }]);
    expect(overdueResources(quick, [{ key: 'r/Q', startedAt: t0 }], t0 + 6000)).toEqual([]);
    expect(overdueResources(quick, [{ key: 'r/Q', startedAt: t0 }], t0 + 40_000)).toHaveLength(1);
    expect(overdueResources(quick, [{ key: 'r/Q', startedAt: t0 }], t0 + 6000, { minOverrunMs: 0 })).toHaveLength(1);
  });
});
