import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface ColdStartResult {
  runs: number;
  nodeMedianMs: number;
  planMedianMs: number;
  /** Goal (issue 2): at most 2.0. */
  ratio: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function time(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const dt = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return dt;
}

/**
 * Median cold start of `pantherctl plan --from v1.23.5 --to latest` over `node -e 0`, the two
 * interleaved so that machine noise hits both alike; the ratio is what is compared.
 */
export function benchColdStart(runs = 25): ColdStartResult {
  const plan = ['bin/pantherctl.js', 'plan', '--from', 'v1.23.5', '--to', 'latest'];
  const nodeTimes: number[] = [];
  const planTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    time(['-e', '0']);
    time(plan);
  }
  for (let i = 0; i < runs; i++) {
    nodeTimes.push(time(['-e', '0']));
    planTimes.push(time(plan));
  }
  const nodeMedianMs = median(nodeTimes);
  const planMedianMs = median(planTimes);
  return {
    runs,
    nodeMedianMs,
    planMedianMs,
    ratio: planMedianMs / nodeMedianMs,
  };
}
