import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The sandbox is a model of AWS written apart from the product it tests, so it could ship as
 * its own package: nothing under src/sandbox (code, test support and tests alike) imports
 * from outside it, and its code uses no package but yaml and zod. A test that drives the
 * product against the sandbox belongs in the product's folders.
 */
const SANDBOX = import.meta.dirname;
const CODE_PACKAGES = /^(node:|yaml$|zod$)/;
const TEST_PACKAGES = /^(node:|yaml$|zod$|vitest$|@aws-sdk\/)/;

function files(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
}

/** Every module specifier: static imports and re-exports (type-only too) and dynamic imports. */
export function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s+'([^']+)'/gm)) out.push(m[1] as string);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push(m[1] as string);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push(m[1] as string);
  return out;
}

describe('the sandbox stands alone', () => {
  const all = files(SANDBOX);

  it('finds the files it checks', () => {
    expect(all.length).toBeGreaterThan(30);
    // Written in pieces, so this file's own text holds no import of them.
    const im = 'imp' + 'ort';
    const sample = `${im} type { A } from '../x.js';\nexport { b } from './y.js';\nconst c = await ${im}('../../z.js');`;
    expect(specifiers(sample)).toEqual(['../x.js', './y.js', '../../z.js']);
  });

  it('imports nothing from outside src/sandbox', () => {
    const escapes: string[] = [];
    for (const file of all) {
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        if (target !== SANDBOX && !target.startsWith(SANDBOX + sep)) escapes.push(`${relative(SANDBOX, file)} -> ${spec}`);
      }
    }
    expect(escapes).toEqual([]);
  });

  it('uses only node built-ins, yaml and zod in its code (test files may add vitest and the AWS SDK)', () => {
    const foreign: string[] = [];
    for (const file of all) {
      const test = file.endsWith('.test.ts') || file.includes(`${sep}test-support${sep}`);
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) continue;
        if (!(test ? TEST_PACKAGES : CODE_PACKAGES).test(spec)) foreign.push(`${relative(SANDBOX, file)} -> ${spec}`);
      }
    }
    expect(foreign).toEqual([]);
  });
});
