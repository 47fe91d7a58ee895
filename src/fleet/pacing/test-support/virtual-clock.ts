import type { Clock } from '../../../deployments/aws/types.js';
import { abortError } from '../../../deployments/wait/clock.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Discrete-event time for many concurrent sleepers (the FakeClock of deployments/wait jumps
 * time at each sleep, which suits one waiter loop, not twenty). `sleep` registers a timer;
 * `run` lets every promise chain settle, then moves time to the earliest timer and fires it,
 * one timer at a time, in (time, registration) order, so a run is deterministic.
 */
export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        timer.onAbort = () => {
          this.timers = this.timers.filter((x) => x !== timer);
          reject(abortError(signal));
        };
        signal.addEventListener('abort', timer.onAbort, { once: true });
      }
      this.timers.push(timer);
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    });
  }

  /** Pending timers (a finished simulation has none). */
  get pending(): number {
    return this.timers.length;
  }

  /**
   * Runs the simulation until no timer is left, or until time `until` (absolute ms).
   * Real promise chains run in between; nothing here uses real timers.
   */
  async run(until = Number.POSITIVE_INFINITY): Promise<void> {
    for (;;) {
      await settle();
      const next = this.timers[0];
      if (!next || next.at > until) {
        if (Number.isFinite(until)) this.t = Math.max(this.t, until);
        return;
      }
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      if (next.signal && next.onAbort) next.signal.removeEventListener('abort', next.onAbort);
      next.resolve();
    }
  }
}

/** Every queued microtask (and those they queue) runs before a macrotask: one turn settles them all. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Drives `clock` until `promise` settles, for code that also waits on real asynchronous work
 * (the AWS SDK resolves credentials and endpoints through real promise chains and timers):
 * fires the virtual timers that are due, gives real time a millisecond, and again. Virtual
 * time only moves when a virtual timer fires, so what the pacer decides is not affected.
 */
export async function driveUntil<T>(clock: VirtualClock, promise: Promise<T>, maxRounds = 5000): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  for (let round = 0; round < maxRounds && !settled; round++) {
    await clock.run();
    if (!settled) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  if (!settled) throw new Error('driveUntil: the promise did not settle');
  return watched;
}
