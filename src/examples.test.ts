/**
 * The typed example of examples/ (pantherctl as a library) type-checks against src/index.ts
 * and runs against a sandbox. It imports `from 'pantherctl'`: here a path mapping resolves
 * that to the sources (the install of the packed tarball is tested elsewhere).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxServer } from './sandbox/index.js';

const ROOT = join(import.meta.dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'plan-and-dry-run.ts');

/** A tsconfig that maps `pantherctl` to src/index.ts and holds only the example. */
function exampleTsconfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pantherctl-example-'));
  const file = join(dir, 'tsconfig.json');
  writeFileSync(
    file,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { noEmit: true, rootDir: ROOT, baseUrl: ROOT, paths: { pantherctl: ['src/index.ts'] }, typeRoots: [join(ROOT, 'node_modules', '@types')] },
      include: [EXAMPLE],
    }),
  );
  return file;
}

function run(cmd: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

let sandbox: SandboxServer;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, speed: 400, region: 'us-east-2', version: 'v1.25.18' });
});
afterAll(() => sandbox.close());

describe('examples/plan-and-dry-run.ts', () => {
  // A whole-program type-check: slow on a busy machine, bounded generously (nothing is timed).
  it('type-checks against the public API', { timeout: 180_000 }, () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', exampleTsconfig()], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('plans offline and dry-runs the plan against the sandbox, changing nothing', async () => {
    // Not spawnSync: the sandbox serves from this very process.
    const r = await run(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), '--tsconfig', exampleTsconfig(), EXAMPLE, '--endpoint-url', sandbox.endpoint, '--region', 'us-east-2', '--to', 'v1.27.8'], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
      cwd: mkdtempSync(join(tmpdir(), 'pantherctl-example-run-')),
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { from: string; to: string; hops: string[]; outcome: string; checks: number; failedChecks: unknown[]; previewChanges: number };
    expect(out).toMatchObject({ from: 'v1.25.18', to: 'v1.27.8', hops: ['v1.26.9', 'v1.27.8'], outcome: 'dry-run', failedChecks: [] });
    expect(out.checks).toBeGreaterThan(5);
    expect(out.previewChanges).toBeGreaterThan(0);
    const calls = (await (await fetch(`${sandbox.endpoint}/_sandbox/calls`)).json()) as { calls: { action: string; outcome: string }[] };
    expect(calls.calls.filter((c) => c.outcome === 'ok' && ['UpdateStack', 'ExecuteChangeSet', 'StartBuild'].includes(c.action))).toEqual([]);
  });
});
