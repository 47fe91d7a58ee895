import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reachable as reachableFrom } from '../test-support/import-graph.js';

/**
 * src/fleet is core: it never imports the CLI (commands wire it) nor the sandbox (a model of
 * AWS the product must not lean on), and its pure parts (scheduler, promotion, pacing, status)
 * load neither zod nor yaml, so that only reading a fleet file or a fleet plan pays for them.
 */
const SRC = join(import.meta.dirname, '..');
const FLEET = import.meta.dirname;

function sources(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('test-support'))
    .map((f) => join(dir, f));
}

const reachable = (entry: string): { files: string[]; packages: string[] } => reachableFrom(entry, SRC);

describe('src/fleet boundaries', () => {
  it('imports neither the CLI nor the sandbox', () => {
    for (const file of sources(FLEET)) {
      const { files } = reachable(file);
      expect(files.filter((f) => f.startsWith('cli/') || f.startsWith('sandbox/')), relative(SRC, file)).toEqual([]);
    }
  });

  it.each(['schedule/wave-scheduler.ts', 'promotion/plan-digest.ts', 'promotion/fleet-plan.ts', 'promotion/journal-runs.ts', 'pacing/api-pacer.ts', 'pacing/status-sweep.ts', 'pacing/sdk-pacing.ts', 'status/fleet-status.ts'])(
    '%s loads neither zod, yaml nor the AWS SDK',
    (entry) => {
      const { packages } = reachable(join(FLEET, entry));
      expect(packages.filter((p) => /^(zod|yaml|@aws-sdk\/)/.test(p))).toEqual([]);
    },
  );

  it('the walker does see zod and yaml where the fleet file is read', () => {
    expect(reachable(join(FLEET, 'file/load.ts')).packages).toEqual(expect.arrayContaining(['zod', 'yaml']));
  });
});
