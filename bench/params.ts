/**
 * Parameter handling at scale (issue 9, Deliver 5): `params validate` and `params diff` of a
 * 20,000-key file, beside a 1,000-key one. The commands run in this process through the CLI's
 * `main()` (parsing, validation, diff, rendering of the JSON document), warm, so the figure is
 * the work itself and not Node's start-up; `params diff` talks to an in-process sandbox over
 * HTTP. Linear work gives a ratio near 20.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runMain } from '../src/cli/test-support/run-main.js';
import { startSandbox } from '../src/sandbox/index.js';

export interface ParamsBenchFigure {
  keys: number;
  /** Wall time of the command, median. */
  validateMs: number;
  diffMs: number;
  /** CPU time of this process over the command (the in-process sandbox's share included for diff). */
  validateCpuMs: number;
  diffCpuMs: number;
}

export interface ParamsBenchResult {
  small: ParamsBenchFigure;
  large: ParamsBenchFigure;
  /** large / small: about 20 when the work is linear in the number of keys. */
  validateRatio: number;
  diffRatio: number;
}

/** A file of `keys` keys: the parameters a real file sets, then keys the template does not know. */
function parameterFile(dir: string, keys: number): string {
  const lines = ['FirstUserEmail: admin@example.com', 'DataLakeForwarderMemory: 512'];
  for (let i = lines.length; i < keys; i++) lines.push(`CustomSetting${i}: value-${i}`);
  const file = join(dir, `params-${keys}.yml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(argv: string[], expected: number, runs: number): Promise<{ wall: number; cpu: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await runMain(argv, { env: { AWS_REGION: 'us-east-2' } });
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (r.code !== expected) throw new Error(`${argv.join(' ')} exited ${r.code}, expected ${expected}: ${r.stderr}`);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

export async function benchParams(runs = 5): Promise<ParamsBenchResult> {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const dir = mkdtempSync(join(tmpdir(), 'pantherctl-bench-params-'));
  const sandbox = await startSandbox({ port: 0, speed: 1000, seed: 1 });
  try {
    const figure = async (keys: number): Promise<ParamsBenchFigure> => {
      const file = parameterFile(dir, keys);
      // Unknown keys: validate exits 1; diff exits 2 (an invalid file is never "different").
      const validate = await timed(['params', 'validate', file, '--json'], 1, runs);
      const diff = await timed(['params', 'diff', '--params', file, '--json', '--endpoint-url', sandbox.endpoint, '--region', 'us-east-2'], 2, runs);
      return { keys, validateMs: validate.wall, diffMs: diff.wall, validateCpuMs: validate.cpu, diffCpuMs: diff.cpu };
    };
    await figure(100); // warm-up: module loading and JIT are not the figure
    const small = await figure(1_000);
    const large = await figure(20_000);
    return { small, large, validateRatio: large.validateMs / small.validateMs, diffRatio: large.diffMs / small.diffMs };
  } finally {
    await sandbox.close();
  }
}

/** Runs the bench and prints its figures beside the goals (one line in bench/run.ts calls this). */
export async function printParamsBench(): Promise<void> {
  const r = await benchParams();
  const ok = (pass: boolean): string => (pass ? 'meets goal' : 'MISSES goal');
  console.log('parameter handling (issue 9): params validate / params diff --json, in-process main(), warm, median of 5');
  for (const f of [r.small, r.large]) {
    console.log(`  ${String(f.keys).padStart(6)} keys  validate ${f.validateMs.toFixed(0)} ms (cpu ${f.validateCpuMs.toFixed(0)}), diff ${f.diffMs.toFixed(0)} ms (cpu ${f.diffCpuMs.toFixed(0)})`);
  }
  // Wall time counts the other processes of a shared machine too; CPU time is the command's own work.
  const { validateMs, diffMs, validateCpuMs, diffCpuMs } = r.large;
  console.log(`  20,000 keys, wall: validate ${validateMs.toFixed(0)} ms (goal < 1000: ${ok(validateMs < 1000)}), diff ${diffMs.toFixed(0)} ms (goal < 1000: ${ok(diffMs < 1000)})`);
  console.log(`  20,000 keys, cpu:  validate ${validateCpuMs.toFixed(0)} ms (goal < 1000: ${ok(validateCpuMs < 1000)}), diff ${diffCpuMs.toFixed(0)} ms (goal < 1000: ${ok(diffCpuMs < 1000)})`);
  console.log(`  ratio 20,000 / 1,000 keys (wall): validate ${r.validateRatio.toFixed(1)}x, diff ${r.diffRatio.toFixed(1)}x (linear: about 20x, quadratic: about 400x)`);
}
