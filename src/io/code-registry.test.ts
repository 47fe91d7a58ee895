import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CODES_DOC_PATH, extractCodes, isRegistrySource, readRegistrySources, renderCodesMarkdown, type SourceText } from './code-registry.js';

const root = join(import.meta.dirname, '..', '..');

// A small tree in the shapes the real sources use: direct literals, helpers, literal unions,
// templates over unions, a subclass, and codes that cannot be known.
const sample: SourceText[] = [
  {
    path: 'src/errors/pantherctl-error.ts',
    text: `export type ErrorSource = 'user' | 'aws' | 'interrupted';
export class PantherctlError extends Error {
  constructor(code: string, message: string, options: { source?: ErrorSource; hint?: string } = {}) { super(message); }
}`,
  },
  {
    path: 'src/planning/refuse.ts',
    text: `import { PantherctlError } from '../errors/pantherctl-error.js';
export class StepFailure extends PantherctlError {}
export function refuse(code: string, message: string): PantherctlError {
  return new PantherctlError(code, message, { source: 'user' });
}
export function read(path: string, o: { code: string; hint?: string }): never {
  throw new PantherctlError(o.code, path, { ...(o.hint ? { hint: o.hint } : {}) });
}
type Stop = 'timeout' | 'interrupted';
export const stop = (code: Stop) => new PantherctlError(code, 'stopped', { source: 'interrupted' });
export function computed(code: string, source: ErrorSource) { return new PantherctlError(code, 'x', { source }); }
import type { ErrorSource } from '../errors/pantherctl-error.js';`,
  },
  {
    path: 'src/planning/use.ts',
    text: `import { refuse, read, StepFailure } from './refuse.js';
export function go(io: { notify(m: object): void }, phase: 'start' | 'done', flag: boolean, variable: string) {
  io.notify({ level: 'info', code: 'hop.start', text: 'x' });
  io.notify({ level: flag ? 'warn' : 'error', code: \`step.\${phase}\`, text: 'x' });
  io.notify({ level: 'info', code: variable, text: 'x' });
  read('p', { code: 'file-unreadable' });
  if (flag) throw new StepFailure('stack-rolled-back', 'x', { source: 'aws' });
  throw refuse(flag ? 'downgrade' : 'major-jump', 'no');
}`,
  },
  {
    path: 'src/parameters/rules.ts',
    text: `export function check(name: string) {
  const error = (code: string, message: string) => ({ severity: 'error', parameter: name, code, message });
  return [error('pattern-mismatch', 'x'), { severity: 'warning', parameter: name, code: 'no-effect', message: 'x' }];
}`,
  },
];

describe('code registry', () => {
  it('finds literal codes with their kind, level or source, and files', () => {
    const entries = extractCodes(ts, sample);
    const byKey = Object.fromEntries(entries.map((e) => [`${e.kind} ${e.code}`, { attributes: e.attributes, files: e.files }]));
    expect(byKey).toEqual({
      'message hop.start': { attributes: ['info'], files: ['src/planning/use.ts'] },
      'message step.done': { attributes: ['error', 'warn'], files: ['src/planning/use.ts'] },
      'message step.start': { attributes: ['error', 'warn'], files: ['src/planning/use.ts'] },
      'error downgrade': { attributes: ['user'], files: ['src/planning/use.ts'] },
      'error major-jump': { attributes: ['user'], files: ['src/planning/use.ts'] },
      'error file-unreadable': { attributes: ['user'], files: ['src/planning/use.ts'] },
      'error stack-rolled-back': { attributes: ['aws'], files: ['src/planning/use.ts'] },
      'error timeout': { attributes: ['interrupted'], files: ['src/planning/refuse.ts'] },
      'error interrupted': { attributes: ['interrupted'], files: ['src/planning/refuse.ts'] },
      'parameter-issue pattern-mismatch': { attributes: ['error'], files: ['src/parameters/rules.ts'] },
      'parameter-issue no-effect': { attributes: ['warning'], files: ['src/parameters/rules.ts'] },
    });
    // Sorted by kind, then code, so the doc does not churn.
    expect(entries.map((e) => `${e.kind} ${e.code}`)).toEqual([
      'message hop.start',
      'message step.done',
      'message step.start',
      'error downgrade',
      'error file-unreadable',
      'error interrupted',
      'error major-jump',
      'error stack-rolled-back',
      'error timeout',
      'parameter-issue no-effect',
      'parameter-issue pattern-mismatch',
    ]);
    expect(extractCodes(ts, [...sample].reverse())).toEqual(entries);
  });

  it('renders a table per kind with exit codes', () => {
    const md = renderCodesMarkdown(extractCodes(ts, sample));
    expect(md).toContain('| `downgrade` | user → 1 | src/planning/use.ts |');
    expect(md).toContain('| `timeout` | interrupted → 5 | src/planning/refuse.ts |');
    expect(md).toContain('| `step.start` | error, warn | src/planning/use.ts |');
    expect(md).toContain('## Plan differences (0)');
  });

  it('covers pantherctl sources only', () => {
    expect(isRegistrySource('src/planning/plan-upgrade.ts')).toBe(true);
    expect(isRegistrySource('src/planning/plan-upgrade.test.ts')).toBe(false);
    expect(isRegistrySource('src/sandbox/server.ts')).toBe(false);
    expect(isRegistrySource('src/cli/test-support/run.ts')).toBe(false);
  });

  it(`the committed ${CODES_DOC_PATH} is what scripts/write-codes.ts generates (run \`npm run codes\`)`, () => {
    const committed = readFileSync(join(root, CODES_DOC_PATH), 'utf8');
    expect(committed).toBe(renderCodesMarkdown(extractCodes(ts, readRegistrySources(root))));
  }, 20_000);
});
