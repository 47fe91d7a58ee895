/**
 * API pacing shared by every deployment of a fleet run in one process: at most `limit` calls
 * per key (an account and region: CloudFormation throttles per account and region) in any
 * window of `windowMs`, granted first come, first served. The stack waiters' own per-stack
 * pacing (deployments/wait/call-pacer.ts: one call per stack per second, counted from the
 * answer) stays as it is; a call passes both, the per-stack one first, then this one, so that
 * twenty deployments of one account polling at their own pace together stay within the
 * account's budget.
 *
 * Even spacing, `windowMs / limit` between two grants of a key (200 ms by default), rather
 * than a token bucket or a sliding window that let bursts through: a bucket refilled at 5/s
 * with room for 5 lets up to 9 calls into one second (5 saved, 4 refilled), so "at most 5 a
 * second" would hold only on average; a sliding window keeps the bound but, under load,
 * grants in bursts of 5 once a second, so a call that jumps the queue (the status sweep's
 * next page) still waits up to a whole second for the next burst. With even spacing any
 * `limit + 1` consecutive grants span at least `windowMs`, which is the bound in every
 * window, and no call waits more than one spacing behind the head of its lane.
 *
 * Two lanes: `status` is served before `detail`. The status sweep (status-sweep.ts), one
 * listing for all stacks of the account and region, notices the end of every stack in one
 * call and is what keeps the end noticed quickly when twenty waiters share five calls a
 * second; it must not queue behind their event polls. Within a lane, strictly FIFO.
 */
import type { Clock } from '../../deployments/aws/types.js';
import { abortError, systemClock } from '../../deployments/wait/clock.js';

export type PacerLane = 'status' | 'detail';

/** CloudFormation describe calls per account and region a fleet run keeps to by default (issue 12). */
export const DEFAULT_CALLS_PER_WINDOW = 5;
export const DEFAULT_WINDOW_MS = 1000;

export interface ApiPacerOptions {
  /**
   * Calls allowed per key in any window. Default 5 (`DEFAULT_CALLS_PER_WINDOW`): inside
   * CloudFormation's describe limits with room for the operator's other tools.
   */
  limit?: number;
  /** Length of the window, ms. Default 1000. */
  windowMs?: number;
  /** Default: the system clock; tests pass a virtual one. */
  clock?: Clock;
}

export interface AcquireOptions {
  /** Abandons the wait: the promise rejects with an AbortError and the place is given up. */
  signal?: AbortSignal;
  /** Default `detail`. */
  lane?: PacerLane;
}

/** What a key's pacing looks like, for tests, the benchmark and `--debug`. */
export interface PacerStats {
  granted: number;
  waiting: number;
  /** Longest time a grant waited in the queue, ms. */
  maxWaitMs: number;
}

interface Waiter {
  enqueuedAt: number;
  resolve: () => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface KeyState {
  lanes: Record<PacerLane, Waiter[]>;
  /** Time of the last grant. */
  last: number;
  pumping: boolean;
  granted: number;
  maxWaitMs: number;
}

/** The key of an account and region: `123456789012/us-east-2`. */
export function pacingKey(account: string, region: string): string {
  return `${account}/${region}`;
}

export class ApiPacer {
  readonly limit: number;
  readonly windowMs: number;
  /** Least time between two grants of one key: `windowMs / limit`. */
  readonly spacingMs: number;
  private readonly clock: Clock;
  private readonly keys = new Map<string, KeyState>();

  constructor(options: ApiPacerOptions = {}) {
    this.limit = options.limit ?? DEFAULT_CALLS_PER_WINDOW;
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    // The CLI checks its flag and names it; these guard the library API.
    if (!Number.isInteger(this.limit) || this.limit < 1) throw new RangeError(`ApiPacer: limit must be a whole number of at least 1, got ${this.limit}`);
    if (!(this.windowMs > 0)) throw new RangeError(`ApiPacer: windowMs must be positive, got ${this.windowMs}`);
    this.spacingMs = this.windowMs / this.limit;
    this.clock = options.clock ?? systemClock;
  }

  /** Resolves when the caller may make one call for `key`. */
  acquire(key: string, options: AcquireOptions = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const ks = this.state(key);
    const lane = ks.lanes[options.lane ?? 'detail'];
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { enqueuedAt: this.clock.now(), resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const i = lane.indexOf(waiter);
          if (i >= 0) lane.splice(i, 1);
          reject(abortError(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      lane.push(waiter);
      void this.pump(ks);
    });
  }

  /** `acquire`, then `fn`: the call is counted when it is granted, whatever it then costs. */
  async run<T>(key: string, fn: () => Promise<T>, options: AcquireOptions = {}): Promise<T> {
    await this.acquire(key, options);
    return fn();
  }

  stats(key: string): PacerStats {
    const ks = this.keys.get(key);
    if (!ks) return { granted: 0, waiting: 0, maxWaitMs: 0 };
    return { granted: ks.granted, waiting: ks.lanes.status.length + ks.lanes.detail.length, maxWaitMs: ks.maxWaitMs };
  }

  private state(key: string): KeyState {
    let ks = this.keys.get(key);
    if (!ks) {
      ks = { lanes: { status: [], detail: [] }, last: Number.NEGATIVE_INFINITY, pumping: false, granted: 0, maxWaitMs: 0 };
      this.keys.set(key, ks);
    }
    return ks;
  }

  /** One loop per key while anyone waits: grant at the head's slot, sleep until the next. */
  private async pump(ks: KeyState): Promise<void> {
    if (ks.pumping) return;
    ks.pumping = true;
    try {
      for (;;) {
        const next = ks.lanes.status[0] ?? ks.lanes.detail[0];
        if (!next) return;
        const now = this.clock.now();
        const slot = ks.last + this.spacingMs;
        if (slot > now) {
          // Not abortable: the slot does not depend on who waits; an abort only leaves the queue.
          await this.clock.sleep(slot - now);
          continue;
        }
        (ks.lanes.status[0] === next ? ks.lanes.status : ks.lanes.detail).shift();
        if (next.signal && next.onAbort) next.signal.removeEventListener('abort', next.onAbort);
        ks.last = now;
        ks.granted += 1;
        ks.maxWaitMs = Math.max(ks.maxWaitMs, now - next.enqueuedAt);
        next.resolve();
      }
    } finally {
      ks.pumping = false;
    }
  }
}
