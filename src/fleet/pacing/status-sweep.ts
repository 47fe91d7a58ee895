/**
 * One listing of an account-region's stacks (ListStacks) read by every waiter of a fleet run:
 * the end of twenty root stacks is seen with one or a few calls instead of twenty. Without it,
 * twenty waiters sharing five calls a second poll each root every four seconds, and notice an
 * end two seconds after it on average; with it, the end is seen within one sweep, and the
 * waiters' own polls (events, nested stacks) share what is left of the budget.
 *
 * The sweep only runs while someone watches, lists (through the caller's `list`, whose pages
 * the SDK pacing puts in the `status` lane), tells each watcher the status of its stack when
 * it differs from the previous sweep, sleeps `intervalMs`, and again. A failed listing is
 * reported and retried at the next interval: the waiters still poll for themselves, so the
 * sweep makes an end noticed sooner, never later.
 */
import type { Clock } from '../../deployments/aws/types.js';
import { stackKey } from '../../deployments/wait/call-pacer.js';
import { systemClock } from '../../deployments/wait/clock.js';

/** What one ListStacks row says (deployments/aws StackListEntry fits). */
export interface SweptStack {
  stackId: string;
  name: string;
  status: string;
  lastUpdatedTime?: Date;
}

export interface StackStatusSweepOptions {
  /**
   * Every live stack of the account and region, all pages (`CloudFormationGateway.listStacks`
   * on a client with `attachPacing`: each page is one paced call in the `status` lane).
   */
  list: () => Promise<readonly SweptStack[]>;
  /** Default: the system clock. */
  clock?: Clock;
  /**
   * Time from the end of one sweep to the start of the next. Default 2000 ms: with a
   * fleet's stacks on three pages, the sweep takes about 1.1 of 5 calls a second and an end is
   * seen about 1.4 s after it (median, fleet-polling.simulation.test.ts), leaving the rest to
   * event polling. 1000 ms: about 1 s, for 1.9 calls a second.
   */
  intervalMs?: number;
  /** A listing failed (throttled beyond the SDK's retries, credentials): for `--debug`. */
  onError?: (err: unknown) => void;
}

export type SweepListener = (stack: SweptStack) => void;

/** `arn:...:stack/NAME/uuid` and `NAME` watch the same stack (names are unique among live stacks). */
function keyOf(stackIdOrName: string): string {
  return stackKey(stackIdOrName);
}

export class StackStatusSweep {
  private readonly clock: Clock;
  private readonly intervalMs: number;
  /** Per stack name, each listener with the status it was last told. */
  private readonly watchers = new Map<string, Map<SweepListener, string | undefined>>();
  private running = false;
  private closed = false;
  private wake: AbortController | undefined;
  /** Completed sweeps, for tests and `--debug`. */
  sweeps = 0;

  constructor(private readonly options: StackStatusSweepOptions) {
    this.clock = options.clock ?? systemClock;
    this.intervalMs = options.intervalMs ?? 2000;
  }

  /**
   * Calls `listener` with the stack's row whenever its status differs from the previous
   * sweep's (the first sighting included). Returns the function that stops watching.
   */
  watch(stackIdOrName: string, listener: SweepListener): () => void {
    if (this.closed) throw new Error('StackStatusSweep: closed');
    const key = keyOf(stackIdOrName);
    const set = this.watchers.get(key) ?? new Map<SweepListener, string | undefined>();
    set.set(listener, undefined);
    this.watchers.set(key, set);
    void this.loop();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.watchers.delete(key);
      if (this.watchers.size === 0) this.wake?.abort();
    };
  }

  /**
   * Resolves with the stack's row once its status satisfies `accept` (e.g. terminal, and
   * changed after the operation began). Rejects with AbortError when `signal` fires.
   */
  until(stackIdOrName: string, accept: (stack: SweptStack) => boolean, signal?: AbortSignal): Promise<SweptStack> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortErr());
        return;
      }
      const onAbort = (): void => {
        stop();
        reject(abortErr());
      };
      const stop = this.watch(stackIdOrName, (s) => {
        if (!accept(s)) return;
        stop();
        signal?.removeEventListener('abort', onAbort);
        resolve(s);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Stops sweeping for good. */
  close(): void {
    this.closed = true;
    this.watchers.clear();
    this.wake?.abort();
  }

  private async loop(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.watchers.size > 0 && !this.closed) {
        try {
          const rows = await this.options.list();
          this.sweeps += 1;
          for (const row of rows) {
            const listeners = this.watchers.get(row.name);
            if (!listeners) continue;
            for (const [listener, told] of [...listeners]) {
              if (told === row.status || !listeners.has(listener)) continue;
              listeners.set(listener, row.status);
              listener(row);
            }
          }
        } catch (err) {
          this.options.onError?.(err);
        }
        if (this.watchers.size === 0 || this.closed) break;
        this.wake = new AbortController();
        try {
          await this.clock.sleep(this.intervalMs, this.wake.signal);
        } catch {
          // Woken because nobody watches any more (or closed): the loop condition decides.
        }
      }
    } finally {
      this.running = false;
      this.wake = undefined;
    }
  }
}

function abortErr(): Error {
  const err = new Error('The operation was aborted.');
  err.name = 'AbortError';
  return err;
}
