/**
 * Start-up cost (issue 10, item 6): the median wall time of `node -e 0`, offline `plan`,
 * `status` against a sandbox process, and the AWS CLI's `cloudformation describe-stacks`
 * against the same sandbox, the four interleaved round by round so that machine noise hits
 * them alike. The ratios are what is compared with the goals; the milliseconds only say how
 * busy the machine was.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { spawnSandbox } from '../src/sandbox/test-support/spawn-sandbox.js';

export interface ColdStartResult {
  runs: number;
  nodeMedianMs: number;
  planMedianMs: number;
  /** `plan` over `node -e 0`. Goal (issue 10): at most 1.3. */
  ratio: number;
  statusMedianMs: number;
  /** `status` against the sandbox over `node -e 0`. Goal: at most 3. */
  statusRatio: number;
  awsCliMedianMs: number;
  /** `status` over the AWS CLI's `cloudformation describe-stacks` on the same sandbox. Goal: at most 0.35. */
  statusVsAwsCli: number;
  awsCli: string;
  awsCliVersion: string;
}

export const GOALS = { plan: 1.3, status: 3, statusVsAwsCli: 0.35 } as const;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Wall time of one run; throws unless it exits with one of `ok` (status exits 10: behind). */
function time(cmd: string, args: string[], env: NodeJS.ProcessEnv, ok: readonly number[] = [0]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const dt = performance.now() - t0;
  if (r.status === null || !ok.includes(r.status)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return dt;
}

/** Debian's awscli package (what CI installs) when present, else whatever `aws` is on PATH. */
function awsCli(): string {
  return existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
}

export async function benchColdStart(runs = 21): Promise<ColdStartResult> {
  const sandbox = await spawnSandbox(['--speed', '100']);
  try {
    const region = ['--region', 'us-east-2'];
    // What the README tells a user to do against the sandbox; no instance-metadata probing
    // either way, so the comparison is of the tools, not of the credential chain's timeouts.
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_PAGER: '' };
    delete env.AWS_PROFILE;
    const cli = awsCli();
    const commands = {
      node: () => time(process.execPath, ['-e', '0'], env),
      plan: () => time(process.execPath, ['bin/pantherctl.js', 'plan', '--from', 'v1.23.5', '--to', 'latest'], env),
      status: () => time(process.execPath, ['bin/pantherctl.js', 'status', '--endpoint-url', sandbox.endpoint, ...region], env, [0, 10]),
      awsCli: () => time(cli, ['cloudformation', 'describe-stacks', '--endpoint-url', sandbox.endpoint, ...region, '--output', 'json'], env),
    };
    const times: Record<keyof typeof commands, number[]> = { node: [], plan: [], status: [], awsCli: [] };
    for (let i = 0; i < 3; i++) for (const run of Object.values(commands)) run();
    for (let i = 0; i < runs; i++) {
      for (const [name, run] of Object.entries(commands) as Array<[keyof typeof commands, () => number]>) times[name].push(run());
    }
    const version = spawnSync(cli, ['--version'], { encoding: 'utf8', env });
    const nodeMedianMs = median(times.node);
    const planMedianMs = median(times.plan);
    const statusMedianMs = median(times.status);
    const awsCliMedianMs = median(times.awsCli);
    return {
      runs,
      nodeMedianMs,
      planMedianMs,
      ratio: planMedianMs / nodeMedianMs,
      statusMedianMs,
      statusRatio: statusMedianMs / nodeMedianMs,
      awsCliMedianMs,
      statusVsAwsCli: statusMedianMs / awsCliMedianMs,
      awsCli: cli,
      awsCliVersion: `${version.stdout}${version.stderr}`.trim().split(/\s+/)[0] ?? 'unknown',
    };
  } finally {
    await sandbox.stop();
  }
}
