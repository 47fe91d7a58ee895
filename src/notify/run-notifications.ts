/**
 * What a run's messages mean for its notifications: the first hop (or stage, or create) is the
 * run's start, each `hop.done` (a staged run's `stage.done`) a hop's end with its step
 * durations, `upgrade.done` / `deploy.done` / `configure.done` the finish, and the error a
 * command ends with the failure (with the root cause the run reported and the next command).
 * Pure: it sees messages and errors and says which NotifyEvent to send, or none; the CLI
 * hands those to the notifier. A run that changes nothing (dry run, declined, already at the
 * target) sends nothing.
 */
import type { AnyMessage } from '../io/messages.js';
import type { NotifyEvent, NotifyRootCause } from './events.js';

export type NotifyingCommand = 'upgrade' | 'resume' | 'deploy' | 'configure';

/** The deployment the run acts on, once the run said so (for the notifier's context). */
export interface RunDeployment {
  rootStack?: string;
  account?: string;
  region?: string;
}

/** Which step of a hop each duration goes to. */
const STEP_KIND: Record<string, 'role' | 'root' | 'build'> = {
  'update-role': 'role',
  'create-role': 'role',
  'create-change-set': 'root',
  'execute-change-set': 'root',
  'create-stack': 'root',
  'start-build': 'build',
};

export class RunNotifications {
  readonly deployment: RunDeployment = {};
  private started = false;
  private from: string | undefined;
  private hops: string[] = [];
  private hopStartedAt: number | undefined;
  private runStartedAt: number | undefined;
  private stepStartedAt = new Map<string, number>();
  private steps: { role?: number; root?: number; build?: number } = {};
  private rootCause: NotifyRootCause | undefined;
  private stageTotal = 0;
  private currentHop: string | undefined;
  private finished = false;

  constructor(
    private readonly command: NotifyingCommand,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a run.start was sent (a failure before it is not a run's failure: nothing ran). */
  get hasStarted(): boolean {
    return this.started;
  }

  /** The events one message means, in order (usually none). */
  observe(message: AnyMessage): NotifyEvent[] {
    const t = this.now();
    const out: NotifyEvent[] = [];
    const start = (to: string, hops: string[]): void => {
      if (this.started) return;
      this.started = true;
      this.runStartedAt = t;
      out.push({ event: 'run.start', data: { command: this.command, from: this.from ?? 'unknown', to, hops } });
    };
    switch (message.code) {
      case 'deployment.root-stack':
        if (message.data) Object.assign(this.deployment, { rootStack: message.data.name, account: message.data.account, region: message.data.region });
        break;
      case 'deployment.version':
        if (message.data) this.from = message.data.version;
        break;
      case 'plan.hop':
        if (message.data && !this.hops.includes(message.data.version)) this.hops.push(message.data.version);
        break;
      case 'deploy.plan':
        if (message.data) {
          this.deployment.rootStack = message.data.rootStack;
          this.from = 'none';
          this.hops = [message.data.version];
        }
        break;
      case 'configure.plan':
        if (message.data) {
          this.deployment.rootStack = message.data.rootStack;
          this.stageTotal = message.data.stages.length;
        }
        break;
      case 'hop.start':
        if (message.data) {
          // A resumed run starts at its remaining hops: the plan lists only those.
          const hops = this.hops.length > 0 ? this.hops : [message.data.version];
          start(hops.at(-1) ?? message.data.version, hops);
          this.hopStartedAt = t;
          this.currentHop = message.data.version;
          this.steps = {};
        }
        break;
      case 'deploy.role':
      case 'deploy.create':
      case 'stage.start':
      case 'build.start':
        if (message.code === 'stage.start' && message.data) this.stageTotal = message.data.total;
        start(this.hops.at(-1) ?? (this.command === 'configure' ? 'new parameters' : 'unknown'), this.hops);
        this.hopStartedAt ??= t;
        break;
      case 'step.start':
        if (message.data) this.stepStartedAt.set(message.data.step, t);
        break;
      case 'step.done':
      case 'step.skip': {
        const step = message.data?.step;
        const kind = step ? STEP_KIND[step] : undefined;
        const began = step ? this.stepStartedAt.get(step) : undefined;
        if (kind && began !== undefined && message.code === 'step.done') this.steps[kind] = (this.steps[kind] ?? 0) + (t - began);
        break;
      }
      case 'hop.done':
        if (message.data) {
          out.push({
            event: 'hop.done',
            data: { ...message.data, ...(this.hopStartedAt !== undefined ? { durationMs: t - this.hopStartedAt } : {}), steps: { ...this.steps } },
          });
          this.hopStartedAt = undefined;
          this.currentHop = undefined;
        }
        break;
      case 'stage.done':
        if (message.data) {
          out.push({ event: 'hop.done', data: { index: message.data.stage, total: this.stageTotal || message.data.stage, version: `stage ${message.data.stage}`, durationMs: message.data.elapsedMs } });
        }
        break;
      case 'failure.root-cause':
        if (message.data) this.rootCause = { ...message.data };
        break;
      case 'build.failed':
        if (message.data) {
          this.rootCause = {
            text: message.text,
            status: message.data.status,
            ...(message.data.phase ? { phase: message.data.phase } : {}),
            ...(message.data.message ? { reason: message.data.message } : {}),
          };
        }
        break;
      case 'upgrade.done':
        if (message.data && this.started) {
          this.finished = true;
          out.push({ event: 'run.done', data: { from: this.from ?? message.data.from, to: message.data.to, hops: message.data.hops, ...this.duration(t) } });
        }
        break;
      case 'deploy.done':
        if (message.data && this.started) {
          this.finished = true;
          out.push({ event: 'run.done', data: { from: 'none', to: message.data.version, hops: [message.data.version], ...this.duration(t) } });
        }
        break;
      case 'configure.done':
        if (message.data && this.started) {
          this.finished = true;
          out.push({ event: 'run.done', data: { from: this.from ?? 'live', to: 'new parameters', hops: message.data.stagesApplied.map((s) => `stage ${s}`), ...this.duration(t) } });
        }
        break;
      default:
        break;
    }
    return out;
  }

  /**
   * The event for the error a started run ended with: `run.interrupted` for Ctrl-C, else
   * `run.failed` with the root cause and the command that continues (from the error's hint,
   * else `fallbackNext`). Undefined when the run had not started or already finished.
   */
  failed(err: unknown, fallbackNext: string): NotifyEvent | undefined {
    if (!this.started || this.finished) return undefined;
    const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: string; message?: string; hint?: string; meta?: Record<string, unknown> };
    const code = typeof e.code === 'string' ? e.code : 'internal';
    const message = typeof e.message === 'string' ? e.message : String(err);
    const nextCommand = nextCommandIn(e.hint) ?? fallbackNext;
    const meta = e.meta ?? {};
    const hop = typeof meta.hop === 'string' ? meta.hop : this.currentHop;
    if (code === 'interrupted') return { event: 'run.interrupted', data: { code, message, ...(hop ? { hop } : {}), nextCommand } };
    const metaCause = meta.rootCause && typeof meta.rootCause === 'object' ? (meta.rootCause as NotifyRootCause) : undefined;
    const rootCause = metaCause ?? this.rootCause;
    return {
      event: 'run.failed',
      data: {
        code,
        message,
        ...(hop ? { hop } : {}),
        ...(typeof meta.step === 'string' ? { step: meta.step } : {}),
        ...(typeof meta.state === 'string' ? { state: meta.state } : {}),
        ...(rootCause ? { rootCause } : {}),
        nextCommand,
      },
    };
  }

  private duration(t: number): { durationMs?: number } {
    return this.runStartedAt !== undefined ? { durationMs: t - this.runStartedAt } : {};
  }
}

/** The first `pantherctl ...` command quoted in backticks in a hint. */
export function nextCommandIn(hint: string | undefined): string | undefined {
  const m = hint ? /`(pantherctl [^`]+)`/.exec(hint) : null;
  return m?.[1];
}
