/**
 * Team and fleet figures (issue 12): lock acquisition by 50 concurrent contenders on the S3
 * state backend, against the built sandbox's S3 over loopback, 20 rounds: exactly one winner
 * each round, every other contender refused as `locked` (nothing else).
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { performance } from 'node:perf_hooks';
import { isPantherctlError } from '../src/errors/pantherctl-error.js';
import { openS3State } from '../src/deployments/state/open-s3-state.js';
import { spawnSandbox } from '../src/sandbox/test-support/spawn-sandbox.js';

const CONTENDERS = 50;
const ROUNDS = 20;

export interface LockBenchResult {
  contenders: number;
  rounds: number;
  /** Rounds with exactly one winner. */
  exactlyOneWinner: number;
  /** Winners per round (each should be 1). */
  winners: number[];
  /** Losers refused with anything but `locked` (should be 0). */
  otherFailures: number;
  /** Time until every contender of a round had its answer, median over rounds. */
  roundMedianMs: number;
}

export async function benchLock(): Promise<LockBenchResult> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sb = await spawnSandbox(['--speed', '400']);
  const conn = { region: 'us-east-2', endpointUrl: sb.endpoint };
  const admin = new S3Client({ region: 'us-east-2', endpoint: sb.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  try {
    await admin.send(new CreateBucketCommand({ Bucket: 'bench-state', CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
    // One store per contender, as 50 operators or CI jobs would each have their own.
    const stores = Array.from({ length: CONTENDERS }, () => openS3State(conn, 's3://bench-state/fleet'));
    const winners: number[] = [];
    const times: number[] = [];
    let otherFailures = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // A fresh deployment each round: the first acquisition creates the lock object (If-None-Match: *).
      const key = { account: '123456789012', region: 'us-east-2', rootStack: `panther-bench-${round}` };
      const started = performance.now();
      const results = await Promise.allSettled(stores.map((s, i) => s.store.acquire(key, { command: 'upgrade', run: `round-${round}-contender-${i}` })));
      times.push(performance.now() - started);
      winners.push(results.filter((r) => r.status === 'fulfilled').length);
      otherFailures += results.filter((r) => r.status === 'rejected' && !(isPantherctlError(r.reason) && r.reason.code === 'locked')).length;
    }
    for (const s of stores) s.close();
    times.sort((a, b) => a - b);
    return { contenders: CONTENDERS, rounds: ROUNDS, exactlyOneWinner: winners.filter((w) => w === 1).length, winners, otherFailures, roundMedianMs: times[Math.floor(times.length / 2)] ?? 0 };
  } finally {
    admin.destroy();
    await sb.stop();
  }
}

export async function printFleetBench(): Promise<void> {
  const verdict = (ok: boolean): string => (ok ? 'meets goal' : 'MISSES goal');
  const l = await benchLock();
  console.log('team and fleet (issue 12): S3 state lock, 50 concurrent contenders per round, against the sandbox');
  console.log(`  rounds with exactly one winner  ${l.exactlyOneWinner}/${l.rounds} (goal ${l.rounds}/${l.rounds}: ${verdict(l.exactlyOneWinner === l.rounds)})`);
  console.log(`  losers refused other than locked  ${l.otherFailures} (goal 0: ${verdict(l.otherFailures === 0)})`);
  console.log(`  one round (50 contenders), median  ${l.roundMedianMs.toFixed(0)} ms`);
}
