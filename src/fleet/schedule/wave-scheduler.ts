import { ExitCode, PantherctlError, usageError } from '../../errors/pantherctl-error.js';
import { checkPromotion, requiredRunFrom, type PromotionReason, type RecordedRun, type RequiredRun } from '../promotion/promotion.js';

/**
 * Which deployments of a fleet run start next: a pure state machine, `advance(state, event)
 * -> { state, start }`. The caller (`fleet upgrade`, `fleet resume`) starts what it is told,
 * reports each outcome as it arrives, and stops when `state.finished`. The vocabulary is
 * StackSets' (operation preferences):
 * - waves run one after another, in the fleet file's order; a wave starts once every
 *   deployment of the previous one has ended (done, failed, refused or not started);
 * - inside a wave at most `maxConcurrent` deployments run at once (MaxConcurrentCount);
 * - after more than `failureTolerance` failures across the run, nothing new starts, running
 *   deployments finish, the rest are reported as not started. As FailureToleranceCount ("the
 *   number of accounts per Region this operation can fail in before CloudFormation stops the
 *   operation", default 0, CloudFormation API Reference, StackSetOperationPreferences) in
 *   its SOFT_FAILURE_TOLERANCE mode, which keeps the concurrency at MaxConcurrentCount
 *   whatever the failures; the default STRICT mode would also lower the concurrency to K + 1,
 *   which `--max-concurrent` does not promise;
 * - a deployment whose `requires` are not satisfied (a required deployment failed, or did not
 *   finish the same plan digest) is refused: not started, with the reasons. A refusal is not
 *   a failure: it does not count against the tolerance (nothing was attempted).
 * A required deployment in the same wave is waited for: the dependent takes no slot while it
 * waits and starts when the requirement is done.
 */

export interface ScheduledDeployment {
  name: string;
  wave: string;
  /** Names that must have finished the same plan first (`requires`, with `wave:<W>` expanded). */
  requires: readonly string[];
  /** The plan digest this deployment would run (fleet plan); required ones must have finished the same. */
  digest: string;
}

export interface ScheduleWave {
  id: string;
  /** In fleet file order: the order in which they start when slots free up. */
  deployments: readonly ScheduledDeployment[];
}

export type { RecordedRun };

/** StackSets' default MaxConcurrentCount: one deployment at a time unless asked. */
export const DEFAULT_MAX_CONCURRENT = 1;
/** StackSets' default FailureToleranceCount: the first failure stops new starts. */
export const DEFAULT_FAILURE_TOLERANCE = 0;

export interface ScheduleOptions {
  /** Every wave of the fleet, in run order. */
  waves: readonly ScheduleWave[];
  /**
   * `--wave W`: run only that wave. Requirements in other waves are then judged from
   * `history`. Default: every wave.
   */
  wave?: string;
  /** `--max-concurrent N`: deployments running at once, at least 1. */
  maxConcurrent: number;
  /** `--failure-tolerance K`: failures allowed before nothing new starts, at least 0. */
  failureTolerance: number;
  /**
   * `fleet resume`: deployments that already finished this plan (from their journals, or
   * already at the target). They are not started again and count as done; everything else
   * starts (failed ones are retried, each continuing its own journal). Default: none.
   */
  alreadyDone?: readonly string[];
  /**
   * Runs recorded in the shared state (`recordedRuns(journal)`, oldest first), by deployment
   * name, for requirements outside this run (`--wave`). Deployments of this run are judged by
   * how they end here. Default: none.
   */
  history?: Readonly<Record<string, readonly RecordedRun[]>>;
}

export type DeploymentPhase = 'pending' | 'running' | 'done' | 'failed' | 'not-started' | 'refused';

/** Why a deployment did not start, was refused, or failed. */
export type ScheduleReasonCode =
  | 'failure-tolerance-exceeded'
  | 'stopped'
  | 'requirement-failed'
  | 'requirement-refused'
  | 'requirement-not-started'
  | 'requirement-later-wave'
  | 'requirement-cycle'
  | 'requirement-not-met'
  | 'deployment-failed';

export interface DeploymentProgress {
  name: string;
  wave: string;
  phase: DeploymentPhase;
  /** Set for failed, not-started and refused. */
  reasonCode?: ScheduleReasonCode;
  reason?: string;
  /** The promotion check's reasons, when refused for `requirement-not-met`. */
  promotion?: PromotionReason[];
  /** Done in an earlier run (`alreadyDone`), not by this one. */
  earlierRun?: boolean;
}

export interface ScheduleState {
  readonly waves: readonly ScheduleWave[];
  readonly maxConcurrent: number;
  readonly failureTolerance: number;
  readonly history: Readonly<Record<string, readonly RecordedRun[]>>;
  /** One entry per deployment of the run, in run order (wave by wave, file order within). */
  readonly progress: readonly DeploymentProgress[];
  /** Index in `waves` of the wave now running; `waves.length` once all have ended. */
  readonly currentWave: number;
  /** Failures reported in this run (`finished` with outcome `failed`). */
  readonly failures: number;
  /** Why nothing new starts any more, once that is so. */
  readonly halted?: 'failure-tolerance-exceeded' | 'stopped';
  readonly begun: boolean;
  /** Nothing runs and nothing will start: every deployment has its final phase. */
  readonly finished: boolean;
}

export type ScheduleEvent =
  /** The run begins: returns the first deployments to start. Once, first. */
  | { type: 'begin' }
  /** A started deployment ended. */
  | { type: 'finished'; name: string; outcome: 'succeeded' | 'failed'; reason?: string }
  /** Ctrl-C or a fatal error of the run: start nothing more; running ones still report. */
  | { type: 'stop'; reason?: string };

export interface ScheduleStep {
  state: ScheduleState;
  /** Deployments to start now, in order. */
  start: ScheduledDeployment[];
}

/** Checks the options (usage errors name the flag and its bound) and builds the initial state. */
export function createSchedule(options: ScheduleOptions): ScheduleState {
  if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) {
    throw usageError(`Expected \`--max-concurrent\` to be a whole number of at least 1, got ${options.maxConcurrent}`);
  }
  if (!Number.isInteger(options.failureTolerance) || options.failureTolerance < 0) {
    throw usageError(`Expected \`--failure-tolerance\` to be a whole number of at least 0, got ${options.failureTolerance}`);
  }
  let waves = options.waves;
  if (options.wave !== undefined) {
    const only = waves.filter((w) => w.id === options.wave);
    if (only.length === 0) {
      throw new PantherctlError('unknown-wave', `the fleet has no wave "${options.wave}"`, {
        source: 'usage',
        hint: `Waves: ${waves.map((w) => w.id).join(', ')}.`,
        meta: { wave: options.wave },
      });
    }
    waves = only;
  }
  const seen = new Set<string>();
  for (const w of waves) {
    for (const d of w.deployments) {
      // A bug in the caller, not bad input: the fleet loader refuses duplicate names.
      if (seen.has(d.name)) throw new Error(`createSchedule: deployment ${d.name} is listed twice`);
      seen.add(d.name);
    }
  }
  const done = new Set(options.alreadyDone ?? []);
  const progress: DeploymentProgress[] = waves.flatMap((w) =>
    w.deployments.map((d): DeploymentProgress => (done.has(d.name) ? { name: d.name, wave: w.id, phase: 'done', earlierRun: true } : { name: d.name, wave: w.id, phase: 'pending' })),
  );
  return {
    waves,
    maxConcurrent: options.maxConcurrent,
    failureTolerance: options.failureTolerance,
    history: options.history ?? {},
    progress,
    currentWave: 0,
    failures: 0,
    begun: false,
    finished: false,
  };
}

/** The transition function. Throws Error on an event that cannot happen (a caller bug). */
export function advance(state: ScheduleState, event: ScheduleEvent): ScheduleStep {
  const s = mutable(state);
  switch (event.type) {
    case 'begin':
      if (state.begun) throw new Error('advance: the run has begun already');
      s.begun = true;
      break;
    case 'finished': {
      if (!state.begun) throw new Error('advance: the run has not begun');
      const i = s.progress.findIndex((p) => p.name === event.name);
      const p = s.progress[i];
      if (!p || p.phase !== 'running') throw new Error(`advance: ${event.name} is not running`);
      if (event.outcome === 'succeeded') {
        s.progress[i] = { name: p.name, wave: p.wave, phase: 'done' };
      } else {
        s.progress[i] = { name: p.name, wave: p.wave, phase: 'failed', reasonCode: 'deployment-failed', reason: event.reason ?? `${p.name} failed` };
        s.failures += 1;
        if (s.failures > s.failureTolerance && s.halted === undefined) s.halted = 'failure-tolerance-exceeded';
      }
      break;
    }
    case 'stop':
      if (s.halted === undefined) s.halted = 'stopped';
      s.stopReason = event.reason;
      break;
  }
  const start = s.begun ? fill(s) : [];
  const { stopReason: _stopReason, ...next } = s;
  return { state: next, start };
}

type Mutable = {
  -readonly [K in keyof ScheduleState]: ScheduleState[K];
} & { progress: DeploymentProgress[]; stopReason?: string | undefined };

function mutable(state: ScheduleState): Mutable {
  return { ...state, progress: [...state.progress] };
}

type Where = ReadonlyMap<string, { d: ScheduledDeployment; wave: number }>;

function locate(s: Mutable): Where {
  const where = new Map<string, { d: ScheduledDeployment; wave: number }>();
  s.waves.forEach((w, i) => w.deployments.forEach((d) => where.set(d.name, { d, wave: i })));
  return where;
}

/** Starts what may start, refuses what cannot, moves through waves; returns the starts. */
function fill(s: Mutable): ScheduledDeployment[] {
  const start: ScheduledDeployment[] = [];
  const where = locate(s);
  const indexOf = new Map(s.progress.map((p, i) => [p.name, i]));
  const phase = (name: string): DeploymentPhase | undefined => {
    const i = indexOf.get(name);
    return i === undefined ? undefined : s.progress[i]!.phase;
  };
  const set = (name: string, p: Omit<DeploymentProgress, 'name' | 'wave'>): void => {
    const i = indexOf.get(name)!;
    const old = s.progress[i]!;
    s.progress[i] = { name: old.name, wave: old.wave, ...p };
  };

  if (s.halted !== undefined) {
    const why =
      s.halted === 'stopped'
        ? `the fleet run was stopped${s.stopReason ? ` (${s.stopReason})` : ''}`
        : `more than ${s.failureTolerance} failure${s.failureTolerance === 1 ? '' : 's'} (--failure-tolerance ${s.failureTolerance})`;
    for (const p of s.progress) if (p.phase === 'pending') set(p.name, { phase: 'not-started', reasonCode: s.halted, reason: `not started: ${why}` });
  }

  for (;;) {
    const wave = s.waves[s.currentWave];
    if (!wave) break;
    let running = wave.deployments.filter((d) => phase(d.name) === 'running').length;
    // Repeat until nothing changes: a refusal can settle a dependent listed before it.
    for (let changed = true; changed; ) {
      changed = false;
      for (const d of wave.deployments) {
        if (phase(d.name) !== 'pending') continue;
        const verdict = judge(s, where, d, phase);
        if (verdict.kind === 'wait') continue;
        if (verdict.kind === 'refuse') {
          set(d.name, { phase: 'refused', reasonCode: verdict.code, reason: verdict.reason, ...(verdict.promotion ? { promotion: verdict.promotion } : {}) });
          changed = true;
          continue;
        }
        if (running >= s.maxConcurrent) continue;
        set(d.name, { phase: 'running' });
        start.push(d);
        running += 1;
        changed = true;
      }
    }
    const pending = wave.deployments.filter((d) => phase(d.name) === 'pending');
    if (running > 0) break;
    if (pending.length > 0) {
      // Nothing runs, yet these wait for each other: a cycle the fleet loader would have refused.
      for (const d of pending) {
        set(d.name, { phase: 'refused', reasonCode: 'requirement-cycle', reason: `${d.name} waits for deployments that wait for it (${d.requires.filter((r) => phase(r) === 'pending').join(', ')})` });
      }
    }
    s.currentWave += 1;
  }
  s.finished = s.currentWave >= s.waves.length;
  return start;
}

type Verdict = { kind: 'start' } | { kind: 'wait' } | { kind: 'refuse'; code: ScheduleReasonCode; reason: string; promotion?: PromotionReason[] };

function judge(s: Mutable, where: Where, d: ScheduledDeployment, phase: (name: string) => DeploymentPhase | undefined): Verdict {
  const required: RequiredRun[] = [];
  const here = where.get(d.name)!.wave;
  for (const r of d.requires) {
    const inRun = where.get(r);
    if (!inRun) {
      required.push(requiredRunFrom(r, s.history[r] ?? [], d.digest));
      continue;
    }
    if (inRun.wave > here) return { kind: 'refuse', code: 'requirement-later-wave', reason: `${d.name} requires ${r}, which runs in a later wave` };
    switch (phase(r)) {
      case 'pending':
      case 'running':
        return { kind: 'wait' };
      case 'failed':
        return { kind: 'refuse', code: 'requirement-failed', reason: `${d.name} requires ${r}, which failed` };
      case 'refused':
        return { kind: 'refuse', code: 'requirement-refused', reason: `${d.name} requires ${r}, which was refused` };
      case 'not-started':
        return { kind: 'refuse', code: 'requirement-not-started', reason: `${d.name} requires ${r}, which did not start` };
      default:
        // Done here (or in the earlier run being resumed): it finished this run's plan for it.
        required.push({ deployment: r, digest: inRun.d.digest, finished: true });
    }
  }
  const check = checkPromotion(required, d.digest);
  if (check.ok) return { kind: 'start' };
  return { kind: 'refuse', code: 'requirement-not-met', reason: `${d.name} refused: ${check.reasons.map((x) => x.message).join('; ')}`, promotion: check.reasons };
}

export interface ScheduleSummary {
  done: string[];
  failed: string[];
  notStarted: string[];
  refused: string[];
  running: string[];
  pending: string[];
}

/** The deployments by phase, in run order. */
export function summarizeSchedule(state: ScheduleState): ScheduleSummary {
  const by = (phase: DeploymentPhase): string[] => state.progress.filter((p) => p.phase === phase).map((p) => p.name);
  return { done: by('done'), failed: by('failed'), notStarted: by('not-started'), refused: by('refused'), running: by('running'), pending: by('pending') };
}

/**
 * The exit code of a finished fleet run: 5 when it was stopped (run `fleet resume`), else 4
 * when a deployment failed (or was not started because of failures), else 1 when one was
 * refused, else 0.
 */
export function fleetRunExitCode(state: ScheduleState): number {
  if (state.halted === 'stopped') return ExitCode.interrupted;
  const summary = summarizeSchedule(state);
  if (summary.failed.length > 0 || summary.notStarted.length > 0) return ExitCode.deploymentFailed;
  if (summary.refused.length > 0) return ExitCode.refused;
  return ExitCode.ok;
}

/** Deployments of the fleet as the scheduler wants them, from the loaded fleet and each one's plan digest. */
export function scheduleWaves(
  fleet: { waves: readonly { id: string; deployments: readonly string[] }[]; deployments: readonly { name: string; wave: string; requiredDeployments: readonly string[] }[] },
  digestOf: (name: string) => string,
): ScheduleWave[] {
  const byName = new Map(fleet.deployments.map((d) => [d.name, d]));
  return fleet.waves.map((w) => ({
    id: w.id,
    deployments: w.deployments.map((name) => {
      const d = byName.get(name)!;
      return { name, wave: d.wave, requires: d.requiredDeployments, digest: digestOf(name) };
    }),
  }));
}
