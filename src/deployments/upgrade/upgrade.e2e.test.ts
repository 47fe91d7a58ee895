/**
 * End-to-end scenarios of issue 4 item 11, each against its own in-process sandbox over HTTP
 * (the real SDK, the real wire protocols), driven through the CLI's `main()`; the SIGKILL
 * scenario runs the built CLI (`npm run build`) as a child process. The sandbox runs at a
 * high speed so that the whole file takes seconds.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.js';
import { readJournal } from '../../journal/journal.js';
import type { JournalEntry } from '../../journal/entry.js';
import { clearFaults, conn, installCredentials, runCli, sandboxCalls, sandboxOperations, setFaults, spawnCli, tempDir, type SandboxCall } from './test-support/harness.js';

const SPEED = 400;
type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandboxes: Sandbox[] = [];

async function sandbox(extra: Record<string, unknown> = {}): Promise<string> {
  const sb = await startSandbox({ port: 0, speed: SPEED, region: 'us-east-2', version: 'v1.25.18', seed: 7, ...extra } as Parameters<typeof startSandbox>[0]);
  sandboxes.push(sb);
  return sb.endpoint;
}

beforeAll(() => installCredentials());
afterEach(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  sandboxes = [];
});

function journalOf(stateDir: string): JournalEntry[] {
  const dir = join(stateDir, 'journal');
  const file = readdirSync(dir).find((f) => f.endsWith('.ndjson'));
  if (!file) throw new Error(`no journal in ${dir}`);
  return readJournal(join(dir, file));
}

const ok = (c: SandboxCall): boolean => c.outcome === 'ok';
const mutating = (calls: SandboxCall[], action: string, stack?: string): SandboxCall[] =>
  calls.filter((c) => c.action === action && ok(c) && (stack === undefined || (c.stack ?? '').includes(stack)));

async function status(endpoint: string, stateDir: string): Promise<{ rootStack: { version: string; status: string }; roleStack: { version?: string } }> {
  const r = await runCli(['status', '--json', ...conn(endpoint, stateDir).slice(0, 4)]);
  return JSON.parse(r.stdout) as { rootStack: { version: string; status: string }; roleStack: { version?: string } };
}

describe('pantherctl upgrade against the sandbox', () => {
  it('v1.25.18 to v1.28.7: three hops, each role update before its root update, one build per hop', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const before = await runCli(['status', ...conn(endpoint, state).slice(0, 4)]);
    expect(before.code).toBe(10);
    const r = await runCli(['upgrade', '--to', 'v1.28.7', '--yes', '--json', ...conn(endpoint, state)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; code: string; data?: Record<string, unknown> });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.code === 'hop.start').map((e) => e.data?.version)).toEqual(['v1.26.9', 'v1.27.8', 'v1.28.7']);
    expect(events.some((e) => e.code === 'stack.event')).toBe(true);

    const calls = await sandboxCalls(endpoint);
    const roleUpdates = mutating(calls, 'UpdateStack', 'panther-deployment-role');
    const rootExecs = mutating(calls, 'ExecuteChangeSet', 'panther-root');
    expect(roleUpdates).toHaveLength(3);
    expect(rootExecs).toHaveLength(3);
    expect(mutating(calls, 'StartBuild')).toHaveLength(3);
    // Each role update has finished (the role stack was seen complete) before its root update.
    for (let i = 0; i < 3; i++) {
      expect(roleUpdates[i]!.seq).toBeLessThan(rootExecs[i]!.seq);
      if (i > 0) expect(rootExecs[i - 1]!.seq).toBeLessThan(roleUpdates[i]!.seq);
    }
    // And by the sandbox's own clock: each role operation ended before the root one began.
    const ops = await sandboxOperations(endpoint);
    const roleOps = ops.filter((o) => o.stack === 'panther-deployment-role' && o.kind === 'update');
    const rootOps = ops.filter((o) => o.stack === 'panther-root' && o.kind === 'update');
    expect(roleOps).toHaveLength(3);
    expect(rootOps).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(Date.parse(roleOps[i]!.endedAt!)).toBeLessThanOrEqual(Date.parse(rootOps[i]!.startedAt));
    const after = await status(endpoint, state);
    expect(after.rootStack.version).toBe('v1.28.7');
    expect(after.roleStack.version).toBe('v1.28.7');

    // Again: already there.
    const again = await runCli(['upgrade', '--to', 'v1.28.7', '--yes', ...conn(endpoint, state)]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already at v1\.28\.7/);
  });

  it('a failure in hop 2 rolls back, prints the root cause, is journaled, and resume finishes', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    await setFaults(endpoint, [{ kind: 'fail-resource', stack: 'panther-root', version: 'v1.27.8' }]);
    const r = await runCli(['upgrade', '--to', 'v1.28.7', '--yes', ...conn(endpoint, state)]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/root cause: .+/);
    expect(r.stdout).toMatch(/state: .*rolled back/);
    expect(r.stdout + r.stderr).toMatch(/pantherctl resume/);
    const j = journalOf(state);
    expect(j.find((e) => e.type === 'step.failed' && e.hop === 'v1.27.8' && e.step === 'execute-change-set')).toBeDefined();
    expect(j[j.length - 1]).toMatchObject({ type: 'run.failed', hop: 'v1.27.8' });
    expect((await status(endpoint, state)).rootStack.version).toBe('v1.26.9');

    await clearFaults(endpoint);
    const resumed = await runCli(['resume', ...conn(endpoint, state)]);
    expect(resumed.code).toBe(0);
    expect((await status(endpoint, state)).rootStack.version).toBe('v1.28.7');
    // Hop 1 was not touched again.
    const calls = await sandboxCalls(endpoint);
    expect(mutating(calls, 'UpdateStack', 'panther-deployment-role')).toHaveLength(3);
  });

  it('a rollback that fails is stuck until `recover`, then resume finishes', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    await setFaults(endpoint, [
      { kind: 'fail-resource', stack: 'panther-root', version: 'v1.26.9' },
      { kind: 'fail-rollback', stack: 'panther-root', version: 'v1.26.9' },
    ]);
    const r = await runCli(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)]);
    expect(r.code).toBe(4);
    expect(r.stdout + r.stderr).toMatch(/pantherctl recover/);
    expect((await status(endpoint, state)).rootStack.status).toBe('UPDATE_ROLLBACK_FAILED');
    await clearFaults(endpoint);
    const diag = await runCli(['diagnose', '--json', ...conn(endpoint, state).slice(0, 4)]);
    expect(JSON.parse(diag.stdout)).toMatchObject({ status: 'UPDATE_ROLLBACK_FAILED' });
    const rec = await runCli(['recover', ...conn(endpoint, state)]);
    expect(rec.code).toBe(0);
    expect((await status(endpoint, state)).rootStack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const resumed = await runCli(['resume', ...conn(endpoint, state)]);
    expect(resumed.code).toBe(0);
    expect((await status(endpoint, state)).rootStack.version).toBe('v1.26.9');
  });

  it('refusals change nothing: preflight lists every failure, no terminal without --yes, --dry-run, a drifted --plan', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const noTty = await runCli(['upgrade', '--to', 'v1.28.7', ...conn(endpoint, state)]);
    expect(noTty.code).toBe(1);
    expect(noTty.stderr).toMatch(/--yes/);

    const pre = await runCli(['upgrade', '--to', 'v1.28.7', '--yes', '--account', '999999999999', '--param', 'NoSuchParameter=1', ...conn(endpoint, state)]);
    expect(pre.code).toBe(1);
    expect(pre.stderr).toMatch(/preflight found 2 problems/);
    expect(pre.stdout).toMatch(/FAILED: credentials are for account 123456789012/);
    expect(pre.stdout).toMatch(/FAILED: --param NoSuchParameter is not a parameter of any hop/);

    const dry = await runCli(['upgrade', '--to', 'v1.28.7', '--dry-run', '--json', ...conn(endpoint, state)]);
    expect(dry.code).toBe(0);
    const codes = dry.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { code: string }).code);
    expect(codes).toContain('preview.change-set');
    expect(codes).toContain('preview.parameters');
    expect(codes.at(-1)).toBe('upgrade.dry-run');

    const planFile = join(state, 'plan.json');
    expect((await runCli(['plan', '--from', 'v1.25.18', '--to', 'v1.27.8', '--region', 'us-east-2', '--out', planFile])).code).toBe(0);
    const drifted = await runCli(['upgrade', '--to', 'v1.28.7', '--yes', '--plan', planFile, ...conn(endpoint, state)]);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toMatch(/saved plan: the plan ends at v1\.27\.8/);

    const calls = await sandboxCalls(endpoint);
    expect(calls.filter((c) => ['UpdateStack', 'ExecuteChangeSet', 'StartBuild'].includes(c.action))).toEqual([]);
    // The dry run's change set was deleted again.
    expect(mutating(calls, 'CreateChangeSet')).toHaveLength(mutating(calls, 'DeleteChangeSet').length);
    expect((await status(endpoint, state)).rootStack.version).toBe('v1.25.18');
  });

  it('finishes under 30% throttling', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    await setFaults(endpoint, [{ kind: 'throttle', probability: 0.3 }]);
    const r = await runCli(['upgrade', '--to', 'v1.27.8', '--yes', ...conn(endpoint, state)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const calls = await sandboxCalls(endpoint);
    expect(calls.some((c) => c.outcome !== 'ok')).toBe(true);
    await clearFaults(endpoint);
    expect((await status(endpoint, state)).rootStack.version).toBe('v1.27.8');
  });

  it('a failed build leaves the hop "stack done, build failed"; resume reruns only the build', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    await setFaults(endpoint, [{ kind: 'fail-build', project: 'panther-pulumi' }]);
    const r = await runCli(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/stack done, build failed/);
    expect(journalOf(state).find((e) => e.type === 'step.failed' && e.step === 'start-build')).toMatchObject({ state: 'stack done, build failed' });
    await clearFaults(endpoint);
    const before = (await sandboxCalls(endpoint)).length;
    const resumed = await runCli(['resume', ...conn(endpoint, state)]);
    expect(resumed.code).toBe(0);
    const later = (await sandboxCalls(endpoint)).slice(before).filter(ok);
    expect(later.filter((c) => ['UpdateStack', 'CreateChangeSet', 'ExecuteChangeSet'].includes(c.action))).toEqual([]);
    expect(later.filter((c) => c.action === 'StartBuild')).toHaveLength(1);
  });

  it('two concurrent runs on one deployment: one is refused with exit 6', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const [a, b] = await Promise.all([
      runCli(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)]),
      runCli(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)]),
    ]);
    expect([a.code, b.code].sort()).toEqual([0, 6]);
    expect((a.code === 6 ? a : b).stderr).toMatch(/locked/);
  });

  it('canary secret values never appear in any output or file', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const canary = 'CANARYdd0123456789abcdef';
    const runs = [
      await runCli(['upgrade', '--to', 'v1.26.9', '--dry-run', '--param', `DatadogAPIKey=${canary}`, ...conn(endpoint, state)]),
      await runCli(['upgrade', '--to', 'v1.26.9', '--yes', '--json', '--param', `DatadogAPIKey=${canary}`, ...conn(endpoint, state)]),
      await runCli(['status', '--json', ...conn(endpoint, state).slice(0, 4)]),
      await runCli(['diagnose', ...conn(endpoint, state).slice(0, 4)]),
    ];
    expect(runs[1]!.code).toBe(0);
    for (const run of runs) expect(run.stdout + run.stderr).not.toContain(canary);
    const files = walk(state);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(f, 'utf8')).not.toContain(canary);
  });

  it('Ctrl-C stops waiting, not the update: exit 5, says how to resume, and resume finishes', async () => {
    const endpoint = await sandbox({ speed: 50 });
    const state = tempDir();
    const child = spawnCli(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)]);
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // Once the role stack update was asked for, the run is waiting on AWS.
    const waiting = setInterval(() => {
      if (/update role stack .*…/.test(child.out())) {
        clearInterval(waiting);
        child.kill('SIGINT');
      }
    }, 20);
    const code = await exited;
    clearInterval(waiting);
    expect(code).toBe(5);
    expect(child.out()).toMatch(/pantherctl resume/);
    expect(journalOf(state).at(-1)).toMatchObject({ type: 'run.interrupted' });
    const resumed = await runCli(['resume', ...conn(endpoint, state)]);
    expect(resumed.code).toBe(0);
    expect(mutating(await sandboxCalls(endpoint), 'UpdateStack', 'panther-deployment-role')).toHaveLength(1);
  });

  it('survives SIGKILL at random points; resume finishes without updating a stack twice', async () => {
    const bin = join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'main.js');
    if (!existsSync(bin)) throw new Error('run `npm run build` first: this test runs the built CLI');
    const endpoint = await sandbox();
    const state = tempDir();
    // A seeded sequence of kill delays, so a failure can be replayed.
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let attempt = 0; attempt < 3; attempt++) {
      const args = started(state) ? ['resume', ...conn(endpoint, state)] : ['upgrade', '--to', 'v1.28.7', '--yes', ...conn(endpoint, state)];
      const child = spawnCli(args);
      const delay = 600 + Math.floor(random() * 1500);
      const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      await exited;
      clearTimeout(timer);
    }
    const final = await runCli(started(state) ? ['resume', ...conn(endpoint, state)] : ['upgrade', '--to', 'v1.28.7', '--yes', ...conn(endpoint, state)]);
    expect(final.code).toBe(0);
    expect((await status(endpoint, state)).rootStack.version).toBe('v1.28.7');
    const calls = await sandboxCalls(endpoint);
    // Exactly one accepted update per stack and hop: nothing was repeated.
    expect(mutating(calls, 'UpdateStack', 'panther-deployment-role')).toHaveLength(3);
    expect(mutating(calls, 'ExecuteChangeSet', 'panther-root')).toHaveLength(3);
  });
});

/** Whether a run got past its confirmation (killed earlier, there is nothing to resume yet). */
function started(stateDir: string): boolean {
  try {
    return journalOf(stateDir).some((e) => e.type === 'run.start');
  } catch {
    return false;
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
