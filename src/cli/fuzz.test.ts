/**
 * The CLI fuzz suite (issue 9, Deliver 6), bounded for `npm test`: a fixed seed, a few hundred
 * cases through `main()` in this process and a handful through the built binary. The long run
 * is `npm run fuzz -- --count 5000 [--seed N]`.
 */
import { describe, expect, it } from 'vitest';
import { CANARY, type FuzzCase } from './test-support/fuzz-cases.js';
import { DOCUMENTED_EXIT_CODES, formatSummary, fuzzCases, judge, loopbackOnly, runFuzz } from './test-support/fuzz-run.js';
import { runMain } from './test-support/run-main.js';

const SEED = 20_260_901;
const COUNT = 300;
const SPAWN = 4;

describe('CLI fuzz', () => {
  it(`${COUNT} cases of seed ${SEED}: documented exit codes, no stack trace, at most 3 stderr lines, JSON with --json, no secret`, async () => {
    const summary = await runFuzz({ seed: SEED, count: COUNT, spawn: SPAWN });
    expect(summary.cases).toBe(COUNT);
    expect(summary.spawned).toBe(SPAWN);
    // Every command is exercised, and some cases get as far as AWS (exit 3 at the unreachable endpoint).
    expect(Object.keys(summary.commands).sort()).toEqual(
      ['catalog list', 'configure', 'deploy', 'diagnose', 'iam-policy', 'params diff', 'params explain', 'params validate', 'plan', 'recover', 'resume', 'sandbox start', 'status', 'upgrade', 'urls'].sort(),
    );
    expect(summary.exitCodes['3']).toBeGreaterThan(0);
    expect(summary.exitCodes['0']).toBeGreaterThan(0);
    expect({ outsideDocumented: summary.outsideDocumented, stackTraces: summary.stackTraces, findings: summary.findings.length }, formatSummary(summary)).toEqual({
      outsideDocumented: 0,
      stackTraces: 0,
      findings: 0,
    });
  });

  it('draws the same cases from the same seed', () => {
    expect(JSON.stringify(fuzzCases(SEED, 20))).toBe(JSON.stringify(fuzzCases(SEED, 20)));
    expect(JSON.stringify(fuzzCases(SEED, 20))).not.toBe(JSON.stringify(fuzzCases(SEED + 1, 20)));
  });
});

describe('the fuzz oracle', () => {
  const c: FuzzCase = { command: 'status', args: [], aws: true, json: true, expected: [1, 2, 3], canary: true };
  const ok = { code: 3, stdout: '{"error":{"code":"endpoint-unreachable"}}\n', stderr: '' };

  it('passes a run that meets the contract', () => {
    expect(judge(c, [], ok)).toEqual([]);
    expect(DOCUMENTED_EXIT_CODES).toEqual([0, 1, 2, 3, 4, 5, 6, 10]);
  });

  it.each([
    ['outside-documented-exit-codes', { ...ok, code: 70 }],
    ['outside-documented-exit-codes', { ...ok, code: null }],
    ['unexpected-exit-code', { ...ok, code: 0 }],
    ['stack-trace', { ...ok, stderr: 'TypeError: x\n    at foo (/a/b.js:1:2)\n' }],
    ['stack-trace', { ...ok, stderr: 'pantherctl: internal error: boom\n' }],
    ['stderr-lines', { ...ok, stderr: 'a\nb\nc\nd\n' }],
    ['json', { ...ok, stdout: 'not json\n' }],
    ['json', { ...ok, stdout: '{}\n{}\n' }],
    ['json', { ...ok, stdout: '' }],
    ['secret', { ...ok, stderr: `pantherctl: bad value ${CANARY}\n` }],
  ] as const)('flags %s', (kind, run) => {
    expect(judge(c, [], run).map((f) => f.kind)).toContain(kind);
  });

  it('keeps every connection on the loopback address while it runs', async () => {
    process.env.AWS_ACCESS_KEY_ID ??= 'fuzz';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'fuzz';
    const restore = loopbackOnly();
    try {
      const r = await runMain(['status', '--region', 'us-east-2']);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/fuzz: refused a connection to cloudformation\.us-east-2\.amazonaws\.com/);
    } finally {
      restore();
    }
  });
});
