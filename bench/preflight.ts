/**
 * The whole preflight of a three-hop path (v1.25.18 -> v1.28.7) against an in-process sandbox
 * (issue 11, Deliver 4): how many AWS calls it makes, by action, and its wall time (median of
 * five warm runs through the CLI's `main()`). Independent checks run at once, so the wall time
 * is far below the sum of the calls.
 */
import { performance } from 'node:perf_hooks';
import { runMain } from '../src/cli/test-support/run-main.js';
import { startSandbox } from '../src/sandbox/index.js';

export async function printPreflightBench(): Promise<void> {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDBENCH', AWS_SECRET_ACCESS_KEY: 'bench', AWS_EC2_METADATA_DISABLED: 'true' });
  const sb = await startSandbox({ port: 0, speed: 400, seed: 3 });
  try {
    const argv = ['preflight', '--to', 'v1.28.7', '--json', '--endpoint-url', sb.endpoint, '--region', 'us-east-2'];
    const times: number[] = [];
    let calls: { service: string; action: string }[] = [];
    for (let i = 0; i < 6; i++) {
      await fetch(`${sb.endpoint}/_sandbox/reset`, { method: 'POST' });
      const t = performance.now();
      const r = await runMain(argv);
      if (r.code !== 0) throw new Error(`preflight exited ${r.code}: ${r.stdout.slice(-400)}`);
      if (i > 0) times.push(performance.now() - t);
      calls = ((await (await fetch(`${sb.endpoint}/_sandbox/calls`)).json()) as { calls: { service: string; action: string }[] }).calls;
    }
    const byAction: Record<string, number> = {};
    for (const c of calls) byAction[`${c.service}:${c.action}`] = (byAction[`${c.service}:${c.action}`] ?? 0) + 1;
    const median = times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;
    console.log('preflight (issue 11): three hops v1.25.18 -> v1.28.7, in-process sandbox, warm');
    // The bound: 1 identity + 3 stack reads + 2 ListStacks + 1 build project + 2 templates a hop (+2 version reads) + 1 Lambda + 3 drift calls for each of the 6 stacks.
    const bound = 1 + 3 + 2 + 1 + (2 * 3 + 2) + 1 + 3 * 6;
    console.log(`  AWS calls ${calls.length} (goal: bounded, <= ${bound} for 3 hops and 6 stacks: ${calls.length <= bound ? 'meets goal' : 'MISSES goal'})`);
    console.log(`  ${Object.entries(byAction).map(([a, n]) => `${a} ${n}`).join(', ')}`);
    console.log(`  wall time median ${median.toFixed(0)} ms of ${times.length} runs`);
  } finally {
    await sb.close();
  }
}
