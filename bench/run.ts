/**
 * `npm run bench`: prints the figures the issues set goals for. Nothing here asserts on time;
 * machines are noisy, so each figure is a ratio or a distribution measured within one run.
 */
import { existsSync } from 'node:fs';
import { benchColdStart, GOALS } from './cold-start.js';

const fmt = (n: number, digits = 1): string => n.toFixed(digits);
const verdict = (ok: boolean): string => (ok ? 'meets goal' : 'MISSES goal');

async function main(): Promise<void> {
  const only = process.argv[2];

  if (!only || only === 'cold-start') {
    const c = await benchColdStart();
    const x = (n: number): string => `${fmt(n, 2)}x`;
    console.log(`start-up (issue 10): medians of ${c.runs} interleaved runs, one run on one machine`);
    console.log(`  node -e 0                                  ${fmt(c.nodeMedianMs)} ms`);
    console.log(`  pantherctl plan --from v1.23.5 (offline)   ${fmt(c.planMedianMs)} ms`);
    console.log(`  pantherctl status (sandbox)                ${fmt(c.statusMedianMs)} ms`);
    console.log(`  ${c.awsCli} cloudformation describe-stacks (${c.awsCliVersion}, same sandbox)  ${fmt(c.awsCliMedianMs)} ms`);
    console.log(`  plan / node -e 0      ${x(c.ratio)}  (goal <= ${GOALS.plan}: ${verdict(c.ratio <= GOALS.plan)})`);
    console.log(`  status / node -e 0    ${x(c.statusRatio)}  (goal <= ${GOALS.status}: ${verdict(c.statusRatio <= GOALS.status)})`);
    console.log(`  status / AWS CLI      ${x(c.statusVsAwsCli)}  (goal <= ${GOALS.statusVsAwsCli}: ${verdict(c.statusVsAwsCli <= GOALS.statusVsAwsCli)})`);
  }

  if ((!only || only === 'sandbox') && existsSync(new URL('./sandbox.ts', import.meta.url))) {
    const { benchSandbox } = await import('./sandbox.js');
    const r = await benchSandbox();
    console.log('sandbox (issue 3): loopback, DescribeStacks + DescribeStackEvents');
    console.log(JSON.stringify(r, null, 2).replace(/^/gm, '  '));
    console.log(`  throughput ${fmt(r.rps, 0)} req/s (goal >= 1000: ${verdict(r.rps >= 1000)})`);
    console.log(`  p99 latency ${fmt(r.p99Ms, 2)} ms (goal < 20: ${verdict(r.p99Ms < 20)})`);
    console.log(`  memory with 200 stacks ${fmt(r.rssMb, 0)} MB RSS (goal < 150: ${verdict(r.rssMb < 150)})`);
  }

  if ((!only || only === 'upgrade') && existsSync(new URL('./upgrade.ts', import.meta.url))) {
    const { benchUpgrade } = await import('./upgrade.js');
    const r = await benchUpgrade();
    console.log('upgrade executor (issue 4)');
    console.log(JSON.stringify(r, null, 2).replace(/^/gm, '  '));
    console.log(`  end of an operation noticed, median ${fmt(r.detectionMedianMs, 0)} ms; aws cloudformation wait ${fmt(r.awsCliWait.detectionMedianMs, 0)} ms (goal <= 2000: ${verdict(r.detectionMedianMs <= 2000)})`);
    console.log(`  calls per stack: ${fmt(r.callsPerStackMinute)} a minute, at most ${r.maxCallsPerStackSecond} in any second (goal <= 1/s: ${verdict(r.maxCallsPerStackSecond <= 1)})`);
    console.log(`  three-hop overhead ${fmt(r.overheadRatio, 3)} (goal <= 1.05: ${verdict(r.overheadRatio <= 1.05)})`);
  }

  if (!only || only === 'params') await (await import('./params.js')).printParamsBench();
  if (!only || only === 'fleet') await (await import('./fleet.js')).printFleetBench();
  if (!only || only === 'preflight') await (await import('./preflight.js')).printPreflightBench();
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
