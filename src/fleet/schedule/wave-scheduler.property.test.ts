import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advance, createSchedule, type DeploymentPhase, type ScheduleEvent, type ScheduleOptions, type ScheduleState, type ScheduleWave } from './wave-scheduler.js';

const DIGESTS = ['a'.repeat(64), 'b'.repeat(64)] as const;
const TERMINAL: readonly DeploymentPhase[] = ['done', 'failed', 'not-started', 'refused'];

interface Spec {
  options: ScheduleOptions;
  /** Decisions of the fake world: which running deployment ends next, and how. */
  choices: { pick: number; fail: boolean }[];
  /** Index of the outcome after which Ctrl-C arrives; beyond the run: never. */
  stopAfter: number;
}

/**
 * Random fleets: up to 4 waves and 14 deployments, requirements mostly on deployments listed
 * before (earlier or same wave, as the loader allows) and sometimes anywhere (later waves,
 * cycles: what the loader refuses, to show the scheduler still ends), two digests so that some
 * promotions fail, random resume lists, shared-state records and `--wave`.
 */
const arbSpec: fc.Arbitrary<Spec> = fc
  .array(
    fc.record({
      wave: fc.nat({ max: 3 }),
      digest: fc.constantFrom(...DIGESTS),
      picks: fc.array(fc.nat(), { maxLength: 2 }),
      wild: fc.nat({ max: 9 }).map((n) => n === 0),
      done: fc.nat({ max: 4 }).map((n) => n === 0),
      recorded: fc.array(fc.record({ digest: fc.option(fc.constantFrom(...DIGESTS), { nil: undefined }), finished: fc.boolean() }), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 14 },
  )
  .chain((raw) => {
    const rows = [...raw].sort((a, b) => a.wave - b.wave).map((r, i) => ({ ...r, name: `d${i}` }));
    const ids = [...new Set(rows.map((r) => r.wave))];
    const waves: ScheduleWave[] = ids.map((w) => ({
      id: `w${w}`,
      deployments: rows
        .filter((r) => r.wave === w)
        .map((r) => {
          const i = Number(r.name.slice(1));
          const pool = r.wild ? rows : rows.slice(0, i);
          const requires = pool.length === 0 ? [] : [...new Set(r.picks.map((p) => pool[p % pool.length]!.name))].filter((n) => n !== r.name);
          return { name: r.name, wave: `w${w}`, requires, digest: r.digest };
        }),
    }));
    const history = Object.fromEntries(rows.flatMap((r) => (r.recorded.length > 0 ? [[r.name, r.recorded] as const] : [])));
    return fc.record({
      options: fc.record({
        waves: fc.constant(waves),
        maxConcurrent: fc.integer({ min: 1, max: 4 }),
        failureTolerance: fc.nat({ max: 3 }),
        alreadyDone: fc.constant(rows.filter((r) => r.done).map((r) => r.name)),
        history: fc.constant(history),
        wave: fc.option(fc.constantFrom(...waves.map((w) => w.id)), { nil: undefined, freq: 3 }),
      }),
      choices: fc.array(fc.record({ pick: fc.nat(), fail: fc.nat({ max: 3 }).map((n) => n === 0) }), { minLength: 20, maxLength: 20 }),
      stopAfter: fc.nat({ max: 30 }),
    });
  })
  .map((s) => {
    // fc.record keeps optional keys as undefined; the scheduler treats absent and undefined alike.
    const { wave, ...rest } = s.options;
    return { ...s, options: wave === undefined ? rest : { ...rest, wave } };
  });

const ALLOWED: Record<DeploymentPhase, readonly DeploymentPhase[]> = {
  pending: ['pending', 'running', 'not-started', 'refused'],
  running: ['running', 'done', 'failed'],
  done: ['done'],
  failed: ['failed'],
  'not-started': ['not-started'],
  refused: ['refused'],
};

/** Drives one run to its end, checking every invariant after every step. */
function drive(spec: Spec): ScheduleState {
  const { options } = spec;
  const initial = createSchedule(options);
  const waveOf = new Map(initial.waves.flatMap((w, i) => w.deployments.map((d) => [d.name, i] as const)));
  const digestOf = new Map(initial.waves.flatMap((w) => w.deployments.map((d) => [d.name, d.digest] as const)));
  const alreadyDone = new Set(options.alreadyDone ?? []);
  const started = new Set<string>();
  let succeeded = 0;
  let state = initial;
  let outcomes = 0;
  const events: ScheduleEvent[] = [{ type: 'begin' }];
  for (let guard = 0; guard < 200; guard++) {
    const event = events.shift();
    if (!event) break;
    const before = state;
    const step = advance(state, event);
    state = step.state;
    const phaseOf = new Map(state.progress.map((p) => [p.name, p.phase]));

    // Phases only move forward, and each deployment has exactly one.
    expect(state.progress.map((p) => p.name)).toEqual(before.progress.map((p) => p.name));
    before.progress.forEach((p, i) => expect(ALLOWED[p.phase]).toContain(state.progress[i]!.phase));

    const running = state.progress.filter((p) => p.phase === 'running');
    // Never more than N at once.
    expect(running.length).toBeLessThanOrEqual(options.maxConcurrent);
    // Never a start once the tolerance is exceeded (nor after a stop).
    if (state.failures > options.failureTolerance || state.halted !== undefined || before.halted !== undefined) expect(step.start).toEqual([]);
    if (state.failures > options.failureTolerance) expect(state.halted).toBeDefined();
    // Waves never overlap: everything running is in one wave, every earlier wave has ended.
    expect(new Set(running.map((p) => waveOf.get(p.name))).size).toBeLessThanOrEqual(1);
    for (const d of step.start) {
      expect(started.has(d.name)).toBe(false);
      expect(alreadyDone.has(d.name)).toBe(false);
      started.add(d.name);
      for (const p of state.progress) if (waveOf.get(p.name)! < waveOf.get(d.name)!) expect(TERMINAL).toContain(p.phase);
      // Started only with every requirement satisfied by the same plan digest.
      for (const r of d.requires) {
        if (phaseOf.has(r)) {
          expect(phaseOf.get(r)).toBe('done');
          expect(digestOf.get(r)).toBe(d.digest);
        } else {
          expect(options.history?.[r]?.some((run) => run.digest === d.digest && run.finished)).toBe(true);
        }
      }
    }

    if (running.length === 0) {
      // Liveness: with nothing running, the run is over.
      expect(state.finished).toBe(true);
      break;
    }
    // A stop still queued is delivered before the next outcome.
    if (events.length > 0) continue;
    // The world: one running deployment ends, the one the choice picks.
    const choice = spec.choices[outcomes % spec.choices.length]!;
    const ending = running[choice.pick % running.length]!;
    events.push({ type: 'finished', name: ending.name, outcome: choice.fail ? 'failed' : 'succeeded' });
    if (!choice.fail) succeeded += 1;
    if (outcomes === spec.stopAfter) events.push({ type: 'stop', reason: 'test' });
    outcomes += 1;
  }
  expect(state.finished).toBe(true);
  // Every deployment ends in exactly one of done / failed / not started / refused.
  for (const p of state.progress) expect(TERMINAL).toContain(p.phase);
  const done = state.progress.filter((p) => p.phase === 'done');
  expect(done.filter((p) => p.earlierRun).map((p) => p.name)).toEqual(state.progress.filter((p) => alreadyDone.has(p.name)).map((p) => p.name));
  expect(done.filter((p) => !p.earlierRun)).toHaveLength(succeeded);
  // Started exactly the ones that ran; the rest never started.
  expect([...started].sort()).toEqual(state.progress.filter((p) => p.phase === 'failed' || (p.phase === 'done' && !p.earlierRun)).map((p) => p.name).sort());
  // Not started only because of failures beyond the tolerance, or a stop.
  if (state.progress.some((p) => p.phase === 'not-started')) expect(state.halted).toBeDefined();
  return state;
}

describe('wave scheduler (properties)', () => {
  it('keeps every invariant on random fleets, outcomes and stops', () => {
    fc.assert(
      fc.property(arbSpec, (spec) => {
        drive(spec);
      }),
      { numRuns: 400 },
    );
  });

  it('with no failure and no stop, every deployment is done or refused for a reason', () => {
    fc.assert(
      fc.property(arbSpec, (spec) => {
        const state = drive({ ...spec, choices: spec.choices.map((c) => ({ ...c, fail: false })), stopAfter: Number.MAX_SAFE_INTEGER });
        for (const p of state.progress) {
          expect(['done', 'refused']).toContain(p.phase);
          if (p.phase === 'refused') expect(p.reason).toMatch(/\S/);
        }
      }),
      { numRuns: 200 },
    );
  });
});
