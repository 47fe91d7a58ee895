/**
 * The sandbox's clock. Operations are written in simulated milliseconds ("a nested stack
 * takes 20 s"); the real scheduler fires them after `simulated / speed` real milliseconds,
 * the manual one only when a test (or the seeding code) advances it. Timestamps always come
 * from `now()`, so clients that compare event times with their own clock see real times.
 */
export interface Timer {
  readonly id: number;
}

export interface Scheduler {
  now(): number;
  /** Runs `fn` after `simulatedMs` of simulated time. */
  after(simulatedMs: number, fn: () => void): Timer;
  cancel(timer: Timer): void;
  /** Runs every pending task at once, in due order, including tasks they schedule. */
  drain(): void;
  /** Tasks not yet run. */
  pending(): number;
}

interface Task {
  id: number;
  due: number;
  fn: () => void;
  handle?: ReturnType<typeof setTimeout>;
}

/** Called with anything a task throws: a bug in one operation must not stop the server. */
export type TaskErrorHandler = (err: unknown) => void;

abstract class QueueScheduler implements Scheduler {
  protected readonly tasks = new Map<number, Task>();
  private nextId = 1;
  protected draining = false;

  constructor(protected readonly onError: TaskErrorHandler) {}

  abstract now(): number;
  protected abstract dueIn(simulatedMs: number): number;
  protected abstract arm(task: Task): void;

  after(simulatedMs: number, fn: () => void): Timer {
    const task: Task = { id: this.nextId++, due: this.dueIn(Math.max(0, simulatedMs)), fn };
    this.tasks.set(task.id, task);
    if (!this.draining) this.arm(task);
    return { id: task.id };
  }

  cancel(timer: Timer): void {
    const task = this.tasks.get(timer.id);
    if (!task) return;
    if (task.handle) clearTimeout(task.handle);
    this.tasks.delete(timer.id);
  }

  pending(): number {
    return this.tasks.size;
  }

  protected run(task: Task): void {
    if (!this.tasks.delete(task.id)) return;
    try {
      task.fn();
    } catch (err) {
      this.onError(err);
    }
  }

  /** The earliest task, ties broken by scheduling order so operations stay causal. */
  protected earliest(): Task | undefined {
    let best: Task | undefined;
    for (const t of this.tasks.values()) if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    return best;
  }

  drain(): void {
    this.draining = true;
    try {
      for (const t of this.tasks.values()) if (t.handle) clearTimeout(t.handle);
      // Bounded: an operation that keeps scheduling forever is a bug, not a reason to hang.
      for (let i = 0; i < 1_000_000; i++) {
        const next = this.earliest();
        if (!next) break;
        this.beforeDrainRun(next);
        this.run(next);
      }
    } finally {
      this.draining = false;
    }
  }

  protected beforeDrainRun(_task: Task): void {}
}

/** Real timers: a task due in `simulatedMs` fires after `simulatedMs / speed` real ms. */
export class RealScheduler extends QueueScheduler {
  constructor(
    private readonly speed: number,
    private readonly clock: () => number = Date.now,
    onError: TaskErrorHandler = () => {},
  ) {
    super(onError);
  }

  now(): number {
    return this.clock();
  }

  protected dueIn(simulatedMs: number): number {
    return performance.now() + simulatedMs / this.speed;
  }

  protected arm(task: Task): void {
    const delay = Math.max(0, task.due - performance.now());
    task.handle = setTimeout(() => this.run(task), delay);
    task.handle.unref();
  }
}

/**
 * Time moves only when told to. Used by unit tests and to seed the account with a history
 * that looks like it happened at real speed days ago, without waiting for it.
 */
export class ManualScheduler extends QueueScheduler {
  private current: number;

  constructor(start: number, onError: TaskErrorHandler = (err) => { throw err; }) {
    super(onError);
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  protected dueIn(simulatedMs: number): number {
    return this.current + simulatedMs;
  }

  protected arm(): void {}

  protected override beforeDrainRun(task: Task): void {
    if (task.due > this.current) this.current = task.due;
  }

  /** Runs every task due within `ms`, moving the clock to each task's time as it runs. */
  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > until) break;
      if (next.due > this.current) this.current = next.due;
      this.run(next);
    }
    this.current = until;
  }
}
