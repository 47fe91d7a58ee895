/**
 * Per-stack pacing of API calls: the next call to a stack goes out no sooner than the interval
 * after the previous call's answer came back. Counting from the answer rather than the request
 * keeps any two calls to one stack at least the interval apart as seen by the server too,
 * however the network delays either of them; the price is one round trip per interval (tens
 * of ms on AWS), small beside the 2 s detection goal.
 */
import type { Clock } from '../aws/types.js';

/** `arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/UUID` and `NAME` are one stack to the pacer. */
export function stackKey(stackIdOrName: string): string {
  const m = /^arn:[^:]+:cloudformation:[^:]*:[^:]*:stack\/([^/]+)\//.exec(stackIdOrName);
  return m?.[1] ?? stackIdOrName;
}

export class StackCallPacer {
  private readonly answeredAt = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<unknown>>();

  /**
   * @param clock time source (a fake one in tests).
   * @param intervalMs minimum gap between two calls to one stack. Default 1000.
   */
  constructor(
    private readonly clock: Clock,
    readonly intervalMs = 1000,
  ) {}

  /** Earliest time the next call to this stack may go out (now or earlier: at once). */
  readyAt(stackIdOrName: string): number {
    const key = stackKey(stackIdOrName);
    if (this.inFlight.has(key)) return this.clock.now() + this.intervalMs;
    const last = this.answeredAt.get(key);
    return last === undefined ? Number.NEGATIVE_INFINITY : last + this.intervalMs;
  }

  /** Makes one call to the stack, first waiting for its slot (callers normally ask only when ready). */
  async call<T>(stackIdOrName: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const key = stackKey(stackIdOrName);
    for (;;) {
      const running = this.inFlight.get(key);
      if (running) {
        await running.catch(() => undefined);
        continue;
      }
      const wait = this.readyAt(key) - this.clock.now();
      if (wait <= 0) break;
      await this.clock.sleep(wait, signal);
    }
    const promise = fn();
    this.inFlight.set(key, promise);
    try {
      return await promise;
    } finally {
      this.inFlight.delete(key);
      this.answeredAt.set(key, this.clock.now());
    }
  }
}
