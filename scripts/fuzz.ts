/**
 * `npm run fuzz -- [--seed N] [--count N] [--spawn N]`: the CLI fuzz suite at length, for local
 * use (`npm test` runs a few hundred cases of a fixed seed). Prints the counts the issue sets
 * goals for (cases outside the documented exit codes, stack traces: both 0) and the first
 * findings of each kind; exits 1 when there is any finding.
 */
import { formatSummary, runFuzz } from '../src/cli/test-support/fuzz-run.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const text = i === -1 ? undefined : process.argv[i + 1];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`fuzz: expected --${name} to be a whole number, got "${text}"`);
    process.exit(2);
  }
  return n;
}

const count = option('count', 5000);
const seed = option('seed', Date.now() % 1_000_000);
const spawn = option('spawn', Math.min(25, Math.ceil(count / 200)));

const summary = await runFuzz({ seed, count, spawn });
console.log(formatSummary(summary));
process.exitCode = summary.findings.length ? 1 : 0;
