/**
 * Runs fuzz cases (fuzz-cases.ts) through the CLI and judges each one by the contract every
 * input must meet (README "Exit codes"; issue 9): an exit code in the documented set (and in
 * the set the command may end with here), no stack trace, at most 3 lines on stderr, one
 * JSON document on stdout with `--json` (one per line for the NDJSON commands), no secret in
 * any output, no process warning, no hang. Most cases call `main()` in this process; a few
 * spawn the built binary, which also catches what only a real process shows.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Socket } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { ExitCode } from '../../errors/pantherctl-error.js';
import { CANARY, fuzzCase, type Arg, type FuzzCase } from './fuzz-cases.js';
import { BIN } from './run-cli.js';
import { runMain, type MainRun } from './run-main.js';

export const DOCUMENTED_EXIT_CODES: readonly number[] = Object.values(ExitCode).filter((c) => c !== ExitCode.internal);

/** Commands whose `--json` output is NDJSON events, one document a line. */
const NDJSON_COMMANDS = new Set(['upgrade', 'resume', 'deploy', 'configure', 'recover']);

export type FindingKind = 'outside-documented-exit-codes' | 'unexpected-exit-code' | 'stack-trace' | 'stderr-lines' | 'json' | 'secret' | 'warning' | 'hang';

export interface FuzzFinding {
  kind: FindingKind;
  argv: string[];
  code: number | null;
  detail: string;
}

export interface FuzzSummary {
  seed: number;
  cases: number;
  spawned: number;
  /** Cases whose exit code is not one the README documents (70, a crash, a signal). */
  outsideDocumented: number;
  /** Cases that printed a stack trace or "internal error". */
  stackTraces: number;
  /** Every finding, of every kind. */
  findings: FuzzFinding[];
  exitCodes: Record<string, number>;
  commands: Record<string, number>;
  durationMs: number;
}

export interface FuzzOptions {
  seed: number;
  count: number;
  /** How many of the cases also run through the built binary (bin/pantherctl.js). Default 0. */
  spawn?: number;
  /** Longest a case may take before it counts as a hang. Default 20 s. */
  caseTimeoutMs?: number;
}

const STACK_LINE = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

/** Judges one run; returns the findings (empty when it meets the contract). */
export function judge(c: FuzzCase, argv: string[], r: { code: number | null; stdout: string; stderr: string }): FuzzFinding[] {
  const findings: FuzzFinding[] = [];
  const add = (kind: FindingKind, detail: string): void => {
    findings.push({ kind, argv, code: r.code, detail });
  };
  if (r.code === null || !DOCUMENTED_EXIT_CODES.includes(r.code)) add('outside-documented-exit-codes', `exit ${r.code}: ${firstLine(r.stderr) || firstLine(r.stdout)}`);
  else if (!c.expected.includes(r.code)) add('unexpected-exit-code', `exit ${r.code}, expected one of ${c.expected.join(', ')}: ${firstLine(r.stderr) || firstLine(r.stdout)}`);
  if (STACK_LINE.test(r.stderr) || STACK_LINE.test(r.stdout) || /internal error/.test(r.stderr + r.stdout)) add('stack-trace', firstLine(r.stderr) || firstLine(r.stdout));
  const stderrLines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (stderrLines.length > 3) add('stderr-lines', `${stderrLines.length} lines: ${stderrLines.slice(0, 4).join(' | ').slice(0, 300)}`);
  if (c.json) {
    const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) add('json', 'no JSON on stdout');
    else if (!NDJSON_COMMANDS.has(c.command) && lines.length !== 1) add('json', `${lines.length} lines on stdout, expected one JSON document`);
    for (const line of lines) {
      try {
        JSON.parse(line);
      } catch {
        add('json', `not JSON: ${line.slice(0, 200)}`);
        break;
      }
    }
  }
  if (c.canary && (r.stdout.includes(CANARY) || r.stderr.includes(CANARY))) add('secret', 'a secret value was printed');
  return findings;
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, 300);
}

/** A directory for a run, with the special files cases may name. */
export function prepareFuzzDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pantherctl-fuzz-'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  writeFileSync(join(dir, 'big.yml'), Buffer.alloc(5 * 1024 * 1024 + 1, 'a'));
  return dir;
}

/** Writes a case's files into `caseDir` and turns its arguments into argv. */
export function materialize(c: FuzzCase, dir: string, caseDir: string): string[] {
  mkdirSync(caseDir, { recursive: true });
  return c.args.map((a: Arg) => {
    if (typeof a === 'string') return a;
    if ('refused' in a) return a.refused;
    const p = a.path;
    if ('file' in p) {
      const path = join(caseDir, p.file.name);
      writeFileSync(path, p.file.text);
      return path;
    }
    switch (p.special) {
      case '@dir':
        return caseDir;
      case '@fifo':
        return join(dir, 'fifo');
      case '@big':
        return join(dir, 'big.yml');
      case '@missing':
        return join(caseDir, 'missing.yml');
      default:
        return p.special;
    }
  });
}

/**
 * A safety net under the cases' own guarantee (fuzz-cases.ts): while the fuzz runs in this
 * process, a connection to anything but the loopback address fails at once, so no generated
 * input can ever reach AWS or the network. Returns the undo.
 */
export function loopbackOnly(): () => void {
  const original = Socket.prototype.connect;
  Socket.prototype.connect = function (this: Socket, ...args: unknown[]) {
    const first = args[0];
    const host = typeof first === 'object' && first !== null ? (first as { host?: string; path?: string }).host : typeof args[1] === 'string' ? args[1] : undefined;
    if (host !== undefined && host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
      throw new Error(`fuzz: refused a connection to ${host}`);
    }
    return (original as (...a: unknown[]) => Socket).apply(this, args);
  } as typeof original;
  return () => {
    Socket.prototype.connect = original;
  };
}

/** The environment every case runs with: no region, no colour, credentials the SDK finds at once. */
function installEnvironment(dir: string): void {
  process.env.AWS_ACCESS_KEY_ID = 'fuzz';
  process.env.AWS_SECRET_ACCESS_KEY = 'fuzz';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  // An empty shared config: `--profile` never reads the operator's own files.
  writeFileSync(join(dir, 'aws-config'), '');
  process.env.AWS_CONFIG_FILE = join(dir, 'aws-config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'aws-config');
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  delete process.env.AWS_PROFILE;
  // A default .pantherctl or pantherctl.yml is looked up in the run's directory only.
  process.chdir(dir);
}

const caseEnv = (dir: string): NodeJS.ProcessEnv => ({ NO_COLOR: '1', HOME: dir });

async function runInProcess(argv: string[], dir: string, timeoutMs: number): Promise<MainRun | 'hang'> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), timeoutMs);
  });
  try {
    return await Promise.race([runMain(argv, { env: caseEnv(dir) }), hang]);
  } finally {
    clearTimeout(timer);
  }
}

function runSpawned(argv: string[], dir: string, timeoutMs: number): { code: number | null; stdout: string; stderr: string } | 'hang' {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: dir, env: { ...process.env, ...caseEnv(dir) }, encoding: 'utf8', timeout: timeoutMs, input: '' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return 'hang';
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The cases of a seed: the same list for the same seed and count. */
export function fuzzCases(seed: number, count: number): FuzzCase[] {
  return fc.sample(fuzzCase, { seed, numRuns: count });
}

/** Runs `count` cases of `seed` and sums up what they found. */
export async function runFuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const started = Date.now();
  const dir = prepareFuzzDir();
  const cwd = process.cwd();
  installEnvironment(dir);
  const warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(`${w.name}: ${w.message}`);
  };
  process.on('warning', onWarning);
  const restoreNetwork = loopbackOnly();
  const summary: FuzzSummary = { seed: o.seed, cases: 0, spawned: 0, outsideDocumented: 0, stackTraces: 0, findings: [], exitCodes: {}, commands: {}, durationMs: 0 };
  const timeoutMs = o.caseTimeoutMs ?? 20_000;
  const cases = fuzzCases(o.seed, o.count);
  // The spawned cases are spread over the run, and never carry a NUL (argv cannot).
  const spawnEvery = o.spawn ? Math.max(1, Math.floor(cases.length / o.spawn)) : 0;
  try {
    for (const [i, c] of cases.entries()) {
      const argv = materialize(c, dir, join(dir, `c${i}`));
      const spawned = spawnEvery > 0 && i % spawnEvery === 0 && summary.spawned < (o.spawn ?? 0) && !argv.some((a) => a.includes('\u0000'));
      const before = warnings.length;
      const r = spawned ? runSpawned(argv, dir, timeoutMs) : await runInProcess(argv, dir, timeoutMs);
      summary.cases++;
      if (spawned) summary.spawned++;
      summary.commands[c.command] = (summary.commands[c.command] ?? 0) + 1;
      if (r === 'hang') {
        summary.findings.push({ kind: 'hang', argv, code: null, detail: `no exit within ${timeoutMs} ms${spawned ? ' (spawned)' : ''}` });
        summary.outsideDocumented++;
        continue;
      }
      summary.exitCodes[String(r.code)] = (summary.exitCodes[String(r.code)] ?? 0) + 1;
      const found = judge(c, argv, r);
      for (const w of warnings.slice(before)) found.push({ kind: 'warning', argv, code: r.code, detail: w });
      if (found.some((f) => f.kind === 'outside-documented-exit-codes')) summary.outsideDocumented++;
      if (found.some((f) => f.kind === 'stack-trace')) summary.stackTraces++;
      summary.findings.push(...found);
    }
  } finally {
    process.off('warning', onWarning);
    restoreNetwork();
    process.chdir(cwd);
  }
  summary.durationMs = Date.now() - started;
  return summary;
}

/** A few lines a person can act on: the counts, then the first findings of each kind. */
export function formatSummary(s: FuzzSummary, perKind = 3): string {
  const lines = [
    `fuzz seed ${s.seed}: ${s.cases} cases (${s.spawned} spawned) in ${(s.durationMs / 1000).toFixed(1)} s`,
    `  outside the documented exit codes: ${s.outsideDocumented} (goal 0)`,
    `  stack traces: ${s.stackTraces} (goal 0)`,
    `  findings: ${s.findings.length}`,
    `  exit codes: ${Object.entries(s.exitCodes)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}`,
    `  commands: ${Object.entries(s.commands)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ];
  const byKind = new Map<string, FuzzFinding[]>();
  for (const f of s.findings) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  for (const [kind, list] of byKind) {
    lines.push(`  ${kind}: ${list.length}`);
    for (const f of list.slice(0, perKind)) lines.push(`    pantherctl ${f.argv.map((a) => JSON.stringify(a)).join(' ')}\n      -> ${f.detail}`);
  }
  return lines.join('\n');
}
