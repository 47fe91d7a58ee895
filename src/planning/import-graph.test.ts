import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `pantherctl plan` on the embedded catalog must start fast: zod and yaml load only with
 * --catalog (catalog/load.ts) or a saved plan (planning/read-plan.ts). This walks the static
 * imports of the offline planning path and fails if a heavy package sneaks in.
 */
const SRC = join(import.meta.dirname, '..');
const HEAVY = /^(zod|yaml|@aws-sdk\/)/;

function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  // `import type` is erased at build time, so it never loads anything.
  return [...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
}

function reachable(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) todo.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  }
  return { files: [...files].map((f) => relative(SRC, f)), packages: [...packages] };
}

describe('offline planning path', () => {
  it.each(['planning/plan-upgrade.ts', 'planning/plan-artifact.ts', 'planning/compare-plan.ts', 'catalog/embedded.ts', 'catalog/regions.ts', 'catalog/urls.ts'])(
    '%s loads neither zod, yaml nor the AWS SDK',
    (entry) => {
      const { files, packages } = reachable(join(SRC, entry));
      expect(packages.filter((p) => HEAVY.test(p))).toEqual([]);
      expect(files).not.toContain('catalog/load.ts');
      expect(files).not.toContain('planning/read-plan.ts');
    },
  );

  it('the walker does see zod where it is used', () => {
    expect(reachable(join(SRC, 'catalog/load.ts')).packages).toEqual(expect.arrayContaining(['zod', 'yaml']));
  });
});
