import { describe, expect, it } from 'vitest';
import { ExitCode, PantherctlError } from '../../errors/pantherctl-error.js';
import { sampleFleet } from '../test-support/sample-fleet.js';
import {
  advance,
  createSchedule,
  fleetRunExitCode,
  scheduleWaves,
  summarizeSchedule,
  type ScheduleOptions,
  type ScheduleState,
  type ScheduleWave,
} from './wave-scheduler.js';

const D = 'd'.repeat(64);
const OTHER = 'e'.repeat(64);

/** Waves from `{ wave: ['name', 'name<-req,req'] }`; every deployment runs digest D unless listed in `digests`. */
function waves(spec: Record<string, string[]>, digests: Record<string, string> = {}): ScheduleWave[] {
  return Object.entries(spec).map(([id, names]) => ({
    id,
    deployments: names.map((n) => {
      const [name, req] = n.split('<-');
      return { name: name!, wave: id, requires: req ? req.split(',') : [], digest: digests[name!] ?? D };
    }),
  }));
}

function names(step: { start: { name: string }[] }): string[] {
  return step.start.map((d) => d.name);
}

function begin(options: ScheduleOptions): { state: ScheduleState; start: string[] } {
  const step = advance(createSchedule(options), { type: 'begin' });
  return { state: step.state, start: names(step) };
}

function finish(state: ScheduleState, name: string, outcome: 'succeeded' | 'failed' = 'succeeded'): { state: ScheduleState; start: string[] } {
  const step = advance(state, { type: 'finished', name, outcome });
  return { state: step.state, start: names(step) };
}

describe('wave scheduler', () => {
  it('runs waves in order, at most N at once, in file order as slots free up', () => {
    let { state, start } = begin({ waves: waves({ a: ['a1', 'a2', 'a3'], b: ['b1', 'b2'] }), maxConcurrent: 2, failureTolerance: 0 });
    expect(start).toEqual(['a1', 'a2']);
    ({ state, start } = finish(state, 'a2'));
    expect(start).toEqual(['a3']);
    ({ state, start } = finish(state, 'a1'));
    expect(start).toEqual([]);
    ({ state, start } = finish(state, 'a3'));
    expect(start).toEqual(['b1', 'b2']);
    ({ state } = finish(state, 'b1'));
    ({ state } = finish(state, 'b2'));
    expect(state.finished).toBe(true);
    expect(summarizeSchedule(state).done).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    expect(fleetRunExitCode(state)).toBe(ExitCode.ok);
  });

  it('tolerates K failures; the next one stops new starts, running ones finish, the rest are not started', () => {
    let { state, start } = begin({ waves: waves({ a: ['a1', 'a2', 'a3', 'a4'], b: ['b1'] }), maxConcurrent: 2, failureTolerance: 1 });
    expect(start).toEqual(['a1', 'a2']);
    ({ state, start } = finish(state, 'a1', 'failed'));
    expect(start).toEqual(['a3']);
    expect(state.halted).toBeUndefined();
    ({ state, start } = finish(state, 'a3', 'failed'));
    expect(start).toEqual([]);
    expect(state.halted).toBe('failure-tolerance-exceeded');
    expect(state.finished).toBe(false);
    ({ state, start } = finish(state, 'a2'));
    expect(start).toEqual([]);
    expect(state.finished).toBe(true);
    expect(summarizeSchedule(state)).toMatchObject({ done: ['a2'], failed: ['a1', 'a3'], notStarted: ['a4', 'b1'] });
    expect(state.progress.find((p) => p.name === 'b1')).toMatchObject({ reasonCode: 'failure-tolerance-exceeded', reason: 'not started: more than 1 failure (--failure-tolerance 1)' });
    expect(fleetRunExitCode(state)).toBe(ExitCode.deploymentFailed);
  });

  it('refuses a deployment whose requirement failed or ran another plan, with the reasons; a refusal is no failure', () => {
    let { state, start } = begin({
      waves: waves({ staging: ['s1', 's2'], production: ['p1<-s1', 'p2<-s2', 'p3<-s1,s2'] }, { p2: OTHER }),
      maxConcurrent: 3,
      failureTolerance: 1,
    });
    expect(start).toEqual(['s1', 's2']);
    ({ state } = finish(state, 's1', 'failed'));
    ({ state, start } = finish(state, 's2'));
    expect(start).toEqual([]);
    expect(state.finished).toBe(true);
    const byName = Object.fromEntries(state.progress.map((p) => [p.name, p]));
    expect(byName.p1).toMatchObject({ phase: 'refused', reasonCode: 'requirement-failed', reason: 'p1 requires s1, which failed' });
    expect(byName.p2).toMatchObject({ phase: 'refused', reasonCode: 'requirement-not-met', promotion: [{ deployment: 's2', code: 'requirement-other-plan' }] });
    expect(byName.p3).toMatchObject({ phase: 'refused', reasonCode: 'requirement-failed' });
    expect(state.failures).toBe(1);
    expect(state.halted).toBeUndefined();
    expect(fleetRunExitCode(state)).toBe(ExitCode.deploymentFailed);
  });

  it('waits for a requirement in the same wave without taking a slot, and cascades a refusal', () => {
    let { state, start } = begin({ waves: waves({ w: ['x<-y', 'y', 'z<-x', 'q'] }), maxConcurrent: 2, failureTolerance: 5 });
    expect(start).toEqual(['y', 'q']);
    ({ state, start } = finish(state, 'y'));
    expect(start).toEqual(['x']);
    ({ state, start } = finish(state, 'x', 'failed'));
    expect(start).toEqual([]);
    expect(state.progress.find((p) => p.name === 'z')).toMatchObject({ phase: 'refused', reasonCode: 'requirement-failed' });
    ({ state } = finish(state, 'q'));
    expect(state.finished).toBe(true);
  });

  it('judges requirements outside a --wave run from the shared state', () => {
    const all = waves({ staging: ['s1'], production: ['p1<-s1', 'p2<-s1'] }, { p2: OTHER });
    const never = begin({ waves: all, wave: 'production', maxConcurrent: 5, failureTolerance: 0 });
    expect(never.start).toEqual([]);
    expect(never.state.progress.map((p) => [p.name, p.phase, p.promotion?.[0]?.code])).toEqual([
      ['p1', 'refused', 'requirement-not-run'],
      ['p2', 'refused', 'requirement-not-run'],
    ]);
    expect(fleetRunExitCode(never.state)).toBe(ExitCode.refused);
    // s1 finished plan D, then ran another plan (OTHER) that failed: D was still run and finished.
    const history = { s1: [{ digest: D, finished: true }, { digest: OTHER, finished: false }] };
    const ran = begin({ waves: all, wave: 'production', maxConcurrent: 5, failureTolerance: 0, history });
    expect(ran.start).toEqual(['p1']);
    // p2 follows OTHER, which s1 started last but did not finish.
    expect(ran.state.progress.find((p) => p.name === 'p2')?.promotion).toEqual([
      { deployment: 's1', code: 'requirement-not-finished', message: 's1 started plan eeeeeeeeeeee but has not finished it' },
    ]);
  });

  it('resumes: done ones are not started again and satisfy requirements; failed and not-started ones start', () => {
    const { state, start } = begin({
      waves: waves({ a: ['a1', 'a2', 'a3'], b: ['b1<-a1'] }),
      maxConcurrent: 3,
      failureTolerance: 0,
      alreadyDone: ['a1', 'b9-unknown'],
    });
    expect(start).toEqual(['a2', 'a3']);
    expect(state.progress[0]).toEqual({ name: 'a1', wave: 'a', phase: 'done', earlierRun: true });
    let s = finish(state, 'a2').state;
    const last = finish(s, 'a3');
    expect(last.start).toEqual(['b1']);
    s = finish(last.state, 'b1').state;
    expect(s.finished).toBe(true);
  });

  it('stops on request: nothing new starts, running ones report, exit 5', () => {
    let { state } = begin({ waves: waves({ a: ['a1', 'a2', 'a3'] }), maxConcurrent: 1, failureTolerance: 0 });
    const stopped = advance(state, { type: 'stop', reason: 'interrupted' });
    expect(stopped.start).toEqual([]);
    state = stopped.state;
    expect(state.progress.map((p) => p.phase)).toEqual(['running', 'not-started', 'not-started']);
    expect(state.progress[1]!.reason).toBe('not started: the fleet run was stopped (interrupted)');
    ({ state } = finish(state, 'a1', 'failed'));
    expect(state.finished).toBe(true);
    expect(fleetRunExitCode(state)).toBe(ExitCode.interrupted);
  });

  it('moves past a wave where nothing can start, and refuses a cycle it is handed instead of hanging', () => {
    const { state, start } = begin({ waves: waves({ a: ['x<-y', 'y<-x'], b: ['b1'] }), maxConcurrent: 2, failureTolerance: 0 });
    expect(start).toEqual(['b1']);
    expect(state.progress.slice(0, 2).map((p) => p.reasonCode)).toEqual(['requirement-cycle', 'requirement-cycle']);
    const later = begin({ waves: waves({ a: ['x<-y'], b: ['y'] }), maxConcurrent: 2, failureTolerance: 0 });
    expect(later.state.progress[0]!.reasonCode).toBe('requirement-later-wave');
  });

  it('refuses bad options as usage errors naming the flag, and unknown events as bugs', () => {
    const w = waves({ a: ['a1'] });
    expect(() => createSchedule({ waves: w, maxConcurrent: 0, failureTolerance: 0 })).toThrow('Expected `--max-concurrent` to be a whole number of at least 1, got 0');
    expect(() => createSchedule({ waves: w, maxConcurrent: 1, failureTolerance: -1 })).toThrow(/`--failure-tolerance`/);
    try {
      createSchedule({ waves: w, wave: 'zz', maxConcurrent: 1, failureTolerance: 0 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PantherctlError);
      expect((err as PantherctlError).code).toBe('unknown-wave');
      expect((err as PantherctlError).exitCode).toBe(ExitCode.usage);
    }
    const { state } = begin({ waves: w, maxConcurrent: 1, failureTolerance: 0 });
    expect(() => advance(state, { type: 'begin' })).toThrow(/begun already/);
    expect(() => advance(state, { type: 'finished', name: 'nope', outcome: 'succeeded' })).toThrow(/nope is not running/);
  });

  it('builds its waves from a loaded fleet', () => {
    const w = scheduleWaves(sampleFleet(), () => D);
    expect(w.map((x) => [x.id, x.deployments.map((d) => [d.name, d.requires])])).toEqual([
      ['staging', [['staging', []]]],
      [
        'production',
        [
          ['prod-us', ['staging']],
          ['prod-eu', ['staging']],
        ],
      ],
    ]);
  });
});
