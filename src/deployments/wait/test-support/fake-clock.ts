import type { Clock } from '../../aws/types.js';
import { abortError } from '../clock.js';

/**
 * Discrete-event fake time: `sleep` jumps the clock forward at once and runs whatever was
 * scheduled up to the new time (fake AWS progress), so waits of minutes take microseconds.
 */
export class FakeClock implements Clock {
  private t: number;
  private timeline: { at: number; run: () => void }[] = [];
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2025, 0, 1, 12, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  /** Runs `run` once the fake time reaches `at` (absolute ms) or `now + inMs`. */
  at(at: number, run: () => void): void {
    this.timeline.push({ at, run });
    this.timeline.sort((a, b) => a.at - b.at);
  }

  after(inMs: number, run: () => void): void {
    this.at(this.t + inMs, run);
  }

  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      const next = this.timeline[0];
      if (!next || next.at > target) break;
      this.timeline.shift();
      this.t = Math.max(this.t, next.at);
      next.run();
    }
    this.t = target;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortError(signal);
    this.sleeps.push(ms);
    this.advance(ms);
    // Let other promise chains run, as real time would.
    await Promise.resolve();
    if (signal?.aborted) throw abortError(signal);
  }
}
