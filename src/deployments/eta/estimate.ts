/**
 * Time to go, learned from this deployment's earlier runs: p50/p90 of each hop step (role
 * stack, root stack, build) and of each resource, a remaining-time estimate per hop and for
 * the run, and the resources running well past their usual time. Pure: history in, numbers
 * out; the live view decides how to show them.
 */

export type HopStep = 'role' | 'root' | 'build';
export const HOP_STEPS: readonly HopStep[] = ['role', 'root', 'build'];

/** What one earlier run took (from its journal and stack events; see report/run-durations.ts). */
export interface PastRun {
  /** One entry per hop that finished its steps. Durations in ms; a skipped step is absent. */
  hops: { version?: string; steps: Partial<Record<HopStep, number>> }[];
  resources?: PastResource[];
}

export interface PastResource {
  /** `resourceKey(stack, logicalId)`: stable across runs. */
  key: string;
  durationMs: number;
}

/**
 * The key of a resource across runs. `stack` should be stable from run to run: the root
 * stack's name, a nested stack's logical id path (`Core.Alarms`) or its name (nested stack
 * names keep their generated suffix while the nested stack lives).
 */
export const resourceKey = (stack: string, logicalId: string): string => `${stack}/${logicalId}`;

export interface Percentiles {
  p50: number;
  p90: number;
  samples: number;
}

export interface DurationModel {
  /** How many earlier runs it was learned from. */
  runs: number;
  steps: Partial<Record<HopStep, Percentiles>>;
  resources: Record<string, Percentiles>;
}

/**
 * Percentile by linear interpolation between the closest ranks (the "R-7" method of
 * spreadsheets and numpy's default): with the three or four runs a deployment has, nearest
 * rank would jump from sample to sample.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

function summarise(values: readonly number[]): Percentiles {
  return { p50: Math.round(percentile(values, 50)), p90: Math.round(percentile(values, 90)), samples: values.length };
}

export function learnDurations(history: readonly PastRun[]): DurationModel {
  const steps: Partial<Record<HopStep, number[]>> = {};
  const resources = new Map<string, number[]>();
  for (const run of history) {
    for (const hop of run.hops) {
      for (const step of HOP_STEPS) {
        const ms = hop.steps[step];
        if (ms !== undefined && Number.isFinite(ms) && ms >= 0) (steps[step] ??= []).push(ms);
      }
    }
    for (const r of run.resources ?? []) {
      if (!Number.isFinite(r.durationMs) || r.durationMs < 0) continue;
      const list = resources.get(r.key) ?? [];
      list.push(r.durationMs);
      resources.set(r.key, list);
    }
  }
  return {
    runs: history.length,
    steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, summarise(v)])) as Partial<Record<HopStep, Percentiles>>,
    resources: Object.fromEntries([...resources].map(([k, v]) => [k, summarise(v)])),
  };
}

export type StepProgress =
  | { state: 'pending' }
  | { state: 'running'; startedAt: number }
  | { state: 'done'; durationMs: number }
  | { state: 'skipped' };

export interface HopProgress {
  version: string;
  /** The steps this hop runs; a hop without a build (before v1.22) has no `build`. */
  steps: Partial<Record<HopStep, StepProgress>>;
}

export interface Remaining {
  p50Ms: number;
  p90Ms: number;
}

export interface HopEstimate {
  version: string;
  elapsedMs: number;
  /** Undefined when a step still to run has no history (see `unknownSteps`). */
  remaining?: Remaining;
  unknownSteps: HopStep[];
  /** The running step, when it is past `factor` × its p90. */
  overdue?: { step: HopStep; elapsedMs: number; p90Ms: number };
}

export interface RunEstimate {
  elapsedMs: number;
  remaining?: Remaining;
  hops: HopEstimate[];
  /** Earlier runs the estimate rests on (0: no estimate, say so rather than guess). */
  basis: number;
}

export interface EstimateOptions {
  /** A step or resource is overdue past this multiple of its p90. Default 1.25 (issue 13). */
  factor?: number;
  /**
   * And only when it is this much past its p90. Default 30 000 ms: a resource that usually
   * takes 4 s is not worth a line at 6 s.
   */
  minOverrunMs?: number;
}

/**
 * Remaining time of the run: for each step still to run its p50/p90, minus what a running
 * step has already spent (never below 0: a step past its p90 is due any moment, and flagged).
 */
export function estimateRun(model: DurationModel, hops: readonly HopProgress[], startedAt: number, now: number, options: EstimateOptions = {}): RunEstimate {
  const factor = options.factor ?? 1.25;
  const minOverrun = options.minOverrunMs ?? 30_000;
  const estimates: HopEstimate[] = hops.map((hop) => {
    let elapsed = 0;
    let p50 = 0;
    let p90 = 0;
    const unknown: HopStep[] = [];
    let overdue: HopEstimate['overdue'];
    for (const step of HOP_STEPS) {
      const s = hop.steps[step];
      if (!s || s.state === 'skipped') continue;
      if (s.state === 'done') {
        elapsed += s.durationMs;
        continue;
      }
      const spent = s.state === 'running' ? Math.max(0, now - s.startedAt) : 0;
      elapsed += spent;
      const learned = model.steps[step];
      if (!learned) {
        unknown.push(step);
        continue;
      }
      p50 += Math.max(0, learned.p50 - spent);
      p90 += Math.max(0, learned.p90 - spent);
      if (s.state === 'running' && spent > factor * learned.p90 && spent - learned.p90 >= minOverrun) overdue = { step, elapsedMs: spent, p90Ms: learned.p90 };
    }
    return {
      version: hop.version,
      elapsedMs: elapsed,
      ...(unknown.length === 0 ? { remaining: { p50Ms: p50, p90Ms: p90 } } : {}),
      unknownSteps: unknown,
      ...(overdue ? { overdue } : {}),
    };
  });
  const known = estimates.every((h) => h.remaining !== undefined);
  return {
    elapsedMs: Math.max(0, now - startedAt),
    ...(known && model.runs > 0
      ? {
          remaining: {
            p50Ms: estimates.reduce((sum, h) => sum + (h.remaining?.p50Ms ?? 0), 0),
            p90Ms: estimates.reduce((sum, h) => sum + (h.remaining?.p90Ms ?? 0), 0),
          },
        }
      : {}),
    hops: estimates,
    basis: model.runs,
  };
}

export interface RunningResource {
  key: string;
  startedAt: number;
}

export interface OverdueResource {
  key: string;
  elapsedMs: number;
  p90Ms: number;
  /** elapsed / p90, e.g. 1.6. */
  ratio: number;
}

/** Resources in progress past `factor` × their p90 (default 1.25), slowest first. */
export function overdueResources(model: DurationModel, running: readonly RunningResource[], now: number, options: EstimateOptions = {}): OverdueResource[] {
  const factor = options.factor ?? 1.25;
  const minOverrun = options.minOverrunMs ?? 30_000;
  const out: OverdueResource[] = [];
  for (const r of running) {
    const learned = model.resources[r.key];
    if (!learned) continue;
    const elapsed = Math.max(0, now - r.startedAt);
    if (elapsed > factor * learned.p90 && elapsed - learned.p90 >= minOverrun) {
      out.push({ key: r.key, elapsedMs: elapsed, p90Ms: learned.p90, ratio: learned.p90 > 0 ? Math.round((elapsed / learned.p90) * 100) / 100 : Infinity });
    }
  }
  return out.sort((a, b) => b.ratio - a.ratio);
}
