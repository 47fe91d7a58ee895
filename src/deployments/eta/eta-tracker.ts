/**
 * The live "time to go" of an upgrade: an IoHost in front of the run's own, which watches the
 * messages the run sends anyway (`hop.start`, `step.*`, `stack.event`, `stack.progress`) and
 * adds `eta.update` (elapsed and remaining, per hop and for the run) and `resource.overdue`
 * (a resource running past 1.25 × its p90), from a DurationModel learned from this
 * deployment's earlier runs. Without history it says "no estimate yet" once, and nothing else.
 * Never throws into the run: an estimate is a nicety.
 */
import { MSG, type AnyMessage, type AnyRequest, type IoHost } from '../../io/messages.js';
import type { ResponseOf } from '../../io/message-maker.js';
import type { Remaining as EtaRemaining } from '../../io/message-codes.js';
import { isInProgress } from '../wait/stack-status.js';
import { estimateRun, overdueResources, resourceKey, type DurationModel, type EstimateOptions, type HopProgress, type HopStep, type StepProgress } from './estimate.js';

/** The upgrade steps whose times are learned, by the journal's step name. */
const STEP_OF: Partial<Record<string, HopStep>> = { 'update-role': 'role', 'execute-change-set': 'root', 'start-build': 'build' };

export interface EtaHop {
  version: string;
  /** Whether the hop runs the panther-pulumi build (v1.22 and later, per its post-deploy steps). */
  needsBuild: boolean;
}

export interface EtaTrackerOptions extends EstimateOptions {
  /** Default: the system clock. */
  now?: () => number;
}

export function formatDuration(ms: number): string {
  const sec = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

const remainingText = (r: EtaRemaining): string => (r.p90Ms > r.p50Ms ? `about ${formatDuration(r.p50Ms)} to go (at most ${formatDuration(r.p90Ms)} in 9 runs of 10)` : `about ${formatDuration(r.p50Ms)} to go`);

/**
 * Wraps `inner` so that the upgrade's messages also feed the estimate. `model` undefined or
 * learned from 0 runs: one `eta.unavailable` at the first hop, then only the run's messages.
 */
export class EtaTracker implements IoHost {
  private readonly now: () => number;
  private readonly progress: HopProgress[];
  private startedAt: number | undefined;
  private current: { index: number; version: string } | undefined;
  private saidUnavailable = false;
  /** Resource key → when its IN_PROGRESS was first seen (event time). */
  private readonly running = new Map<string, { startedAt: number; stack: string; logicalId: string }>();
  private readonly flagged = new Set<string>();
  /** Stack id → its path (`role`, `root`, `root.Core`), as the learner keys resources. */
  private readonly paths = new Map<string, string>();
  private step: string | undefined;

  constructor(
    private readonly inner: IoHost,
    private readonly model: DurationModel | undefined,
    hops: readonly EtaHop[],
    private readonly options: EtaTrackerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.progress = hops.map((h) => ({ version: h.version, steps: { role: { state: 'pending' }, root: { state: 'pending' }, ...(h.needsBuild ? { build: { state: 'pending' } } : {}) } }));
  }

  requestResponse<Q extends AnyRequest>(request: Q): Promise<ResponseOf<Q>> {
    return this.inner.requestResponse(request);
  }

  notify(message: AnyMessage): void {
    this.inner.notify(message);
    try {
      this.observe(message);
    } catch {
      // An estimate must never stop a run.
    }
  }

  private get known(): boolean {
    return this.model !== undefined && this.model.runs > 0;
  }

  private observe(message: AnyMessage): void {
    const t = this.now();
    switch (message.code) {
      case 'hop.start': {
        this.startedAt ??= t;
        this.current = { index: message.data?.index ?? 0, version: message.data?.version ?? '' };
        if (!this.known) {
          if (!this.saidUnavailable) this.inner.notify(MSG['eta.unavailable'].msg('no estimate yet: this deployment has no finished run to learn from', { runs: 0 }));
          this.saidUnavailable = true;
          return;
        }
        this.update();
        return;
      }
      case 'step.start':
      case 'step.done':
      case 'step.skip': {
        const d = message.data;
        const step = d ? STEP_OF[d.step] : undefined;
        if (d?.step) this.step = d.step;
        const hop = this.progress.find((h) => h.version === d?.hop);
        if (!d || !step || !hop || !hop.steps[step]) return;
        const before = hop.steps[step] as StepProgress;
        if (message.code === 'step.start') {
          hop.steps[step] = { state: 'running', startedAt: t };
          this.running.clear();
        } else if (message.code === 'step.skip' || d.noUpdates) {
          hop.steps[step] = { state: 'skipped' };
        } else {
          hop.steps[step] = { state: 'done', durationMs: d.elapsedMs ?? (before.state === 'running' ? t - before.startedAt : 0) };
        }
        if (this.known && this.current) this.update();
        return;
      }
      case 'stack.event': {
        const d = message.data;
        if (!d) return;
        const path = this.pathOf(d.stackId, d.nested);
        const own = d.logicalId === d.stack || d.physicalId === d.stackId;
        if (own) return;
        if (d.resourceType === 'AWS::CloudFormation::Stack' && d.physicalId && !this.paths.has(d.physicalId)) this.paths.set(d.physicalId, `${path}.${d.logicalId}`);
        const key = resourceKey(path, d.logicalId);
        if (isInProgress(d.status)) {
          if (!this.running.has(key)) this.running.set(key, { startedAt: Date.parse(d.time) || t, stack: d.stack, logicalId: d.logicalId });
        } else {
          this.running.delete(key);
        }
        this.checkOverdue(t);
        return;
      }
      case 'stack.progress':
        this.checkOverdue(t);
        return;
      default:
        return;
    }
  }

  /** The learner's name of a stack: the waited stack is `role` or `root` by the step; nested ones by their parent's row. */
  private pathOf(stackId: string, nested: boolean): string {
    const known = this.paths.get(stackId);
    if (known) return known;
    const path = nested ? 'root' : this.step === 'update-role' ? 'role' : 'root';
    this.paths.set(stackId, path);
    return path;
  }

  private checkOverdue(t: number): void {
    if (!this.known || !this.model) return;
    const list = overdueResources(this.model, [...this.running].map(([key, r]) => ({ key, startedAt: r.startedAt })), t, this.options);
    for (const o of list) {
      if (this.flagged.has(o.key)) continue;
      this.flagged.add(o.key);
      const r = this.running.get(o.key);
      const name = r ? `${r.stack} ${r.logicalId}` : o.key;
      this.inner.notify(
        MSG['resource.overdue'].msg(`${name} has been running for ${formatDuration(o.elapsedMs)}, past 1.25 × its usual ${formatDuration(o.p90Ms)} (p90 of earlier runs)`, {
          key: o.key,
          ...(r ? { stack: r.stack, logicalId: r.logicalId } : {}),
          elapsedMs: o.elapsedMs,
          p90Ms: o.p90Ms,
          ratio: o.ratio,
          ...(this.current ? { hop: this.current.version } : {}),
        }),
      );
    }
  }

  private update(): void {
    if (!this.model || !this.current) return;
    const t = this.now();
    const e = estimateRun(this.model, this.progress, this.startedAt ?? t, t, this.options);
    const hop = e.hops.find((h) => h.version === this.current?.version);
    const total = this.progress.length;
    const hopPart = hop ? (hop.remaining ? `hop ${this.current.index} of ${total}: ${remainingText(hop.remaining)}` : `hop ${this.current.index} of ${total}: no estimate for ${hop.unknownSteps.join(', ')} yet`) : '';
    const runPart = e.remaining ? `run: ${remainingText(e.remaining)}` : 'run: no estimate yet';
    this.inner.notify(
      MSG['eta.update'].msg(`${hopPart}; ${runPart} (${formatDuration(e.elapsedMs)} elapsed; learned from ${e.basis} earlier run${e.basis === 1 ? '' : 's'})`, {
        elapsedMs: e.elapsedMs,
        ...(e.remaining ? { remaining: e.remaining } : {}),
        basis: e.basis,
        ...(hop
          ? {
              hop: {
                index: this.current.index,
                total,
                version: hop.version,
                elapsedMs: hop.elapsedMs,
                ...(hop.remaining ? { remaining: hop.remaining } : {}),
                unknownSteps: hop.unknownSteps,
              },
            }
          : {}),
      }),
    );
  }
}
