import { StackCallPacer } from '../../../deployments/wait/call-pacer.js';
import { ApiPacer, pacingKey, type PacerLane } from '../api-pacer.js';
import { StackStatusSweep, type SweptStack } from '../status-sweep.js';
import { VirtualClock } from './virtual-clock.js';

/**
 * A simulated fleet run, on virtual time, of the polling `fleet upgrade` does in one account
 * and region. What it models:
 * - `deployments` deployments run `ops` stack operations one after another (role stack,
 *   root stack, ...), each lasting a random 60 to 600 s (seeded), the next starting 5 s
 *   after the previous one's end was noticed;
 * - while an operation runs, its waiter polls the stack and `nestedPolled` nested stacks the
 *   way deployments/wait/stack-waiter.ts does: each stack at most once a second counted from
 *   the previous answer (the real StackCallPacer), every call through the shared ApiPacer
 *   (`detail` lane), each call taking `latencyMs`; the end is noticed when a poll of the
 *   stack is answered after it;
 * - with `sweep`, a StackStatusSweep lists the account-region's stacks (`listed` per
 *   deployment, `pageSize` per ListStacks page, each page a paced call in the `status`
 *   lane) every `sweepIntervalMs`; the waiter also notices the end when the sweep reports the
 *   stack terminal since the operation began. It stops its polls once it noticed.
 * What it does not model: CloudFormation's own throttling (the point is never to reach it),
 * event pages beyond one per call, CodeBuild (another service, another budget).
 */
export interface SimConfig {
  deployments: number;
  ops: number;
  nestedPolled: number;
  listed: number;
  pageSize: number;
  latencyMs: number;
  sweep: boolean;
  sweepIntervalMs: number;
  limit: number;
  seed: number;
}

export interface SimResult {
  /** Times (virtual ms) at which calls were granted, i.e. sent. */
  grants: number[];
  /** Per operation: noticed minus ended, ms. */
  delays: number[];
  durationMs: number;
}

/** mulberry32: a small seeded PRNG, so a run is the same every time. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function simulate(c: SimConfig): Promise<SimResult> {
  const clock = new VirtualClock();
  const t0 = clock.now();
  const random = prng(c.seed);
  const key = pacingKey('111111111111', 'us-east-2');
  const pacer = new ApiPacer({ clock, limit: c.limit });
  const grants: number[] = [];
  const delays: number[] = [];

  /** The world: each root stack's current operation. */
  const op = new Map<string, { startedAt: number; endsAt: number }>();
  const statusAt = (name: string, at: number): SweptStack => {
    const o = op.get(name);
    const inProgress = o !== undefined && at < o.endsAt;
    return { stackId: name, name, status: inProgress ? 'UPDATE_IN_PROGRESS' : 'UPDATE_COMPLETE', ...(o ? { lastUpdatedTime: new Date(o.startedAt) } : {}) };
  };

  /** One API call: wait for the account-region slot, then the round trip; the server reads at mid-flight. */
  const call = async <T>(lane: PacerLane, read: (at: number) => T): Promise<T> => {
    await pacer.acquire(key, { lane });
    grants.push(clock.now() - t0);
    const at = clock.now() + c.latencyMs / 2;
    await clock.sleep(c.latencyMs);
    return read(at);
  };

  const roots = Array.from({ length: c.deployments }, (_, i) => `panther-d${i}`);
  const allListed = roots.flatMap((r) => [r, ...Array.from({ length: c.listed - 1 }, (_, j) => `${r}-n${j}`)]);
  const sweep = c.sweep
    ? new StackStatusSweep({
        clock,
        intervalMs: c.sweepIntervalMs,
        list: async () => {
          const rows: SweptStack[] = [];
          for (let p = 0; p < allListed.length; p += c.pageSize) {
            const page = allListed.slice(p, p + c.pageSize);
            rows.push(...(await call('status', (at) => page.map((name) => statusAt(name, at)))));
          }
          return rows;
        },
      })
    : undefined;

  const deployment = async (root: string): Promise<void> => {
    const stackPacer = new StackCallPacer(clock, 1000);
    for (let k = 0; k < c.ops; k++) {
      const startedAt = clock.now();
      const endsAt = startedAt + 60_000 + Math.floor(random() * 540_000);
      op.set(root, { startedAt, endsAt });
      const stop = new AbortController();
      let noticedAt: number | undefined;
      const notice = (): void => {
        if (noticedAt !== undefined) return;
        noticedAt = clock.now();
        stop.abort();
      };
      const poll = async (stack: string, isRoot: boolean): Promise<void> => {
        while (!stop.signal.aborted) {
          const ended = await stackPacer.call(stack, () => call('detail', (at) => at >= endsAt), stop.signal).catch(() => false);
          if (isRoot && ended) notice();
        }
      };
      const watching = sweep?.until(root, (s) => s.status === 'UPDATE_COMPLETE' && (s.lastUpdatedTime?.getTime() ?? 0) >= startedAt, stop.signal).then(notice, () => undefined);
      await Promise.all([poll(root, true), ...Array.from({ length: c.nestedPolled }, (_, j) => poll(`${root}-n${j}`, false)), watching]);
      delays.push(noticedAt! - endsAt);
      await clock.sleep(5000);
    }
  };

  const run = Promise.all(roots.map(deployment));
  await clock.run();
  await run;
  sweep?.close();
  return { grants, delays, durationMs: clock.now() - t0 };
}

