import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reachable as reachableFrom } from '../test-support/import-graph.js';

/**
 * `pantherctl plan` on the embedded catalog must start fast: zod and yaml load only with
 * --catalog (catalog/load.ts) or a saved plan (planning/read-plan.ts). This walks the static
 * imports of the offline planning path and fails if a heavy package sneaks in.
 */
const SRC = join(import.meta.dirname, '..');
const HEAVY = /^(zod|yaml|@aws-sdk\/)/;

const reachable = (entry: string): { files: string[]; packages: string[] } => reachableFrom(entry, SRC);

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
