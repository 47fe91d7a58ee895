/**
 * Two operators, one S3 state (issue 12, Done when): two processes of the built CLI (run
 * `npm run build` first) with different working and state directories, each with its own
 * pantherctl.yml naming the same `state: s3://...`, against one in-process sandbox.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { startSandbox } from '../../sandbox/index.js';
import { clientsFor } from '../../sandbox/test-support/clients.js';
import { openS3State } from '../../deployments/state/open-s3-state.js';
import { e2eEnv, installCredentials, sandboxCalls, tempDir, type JsonError, type SandboxCall } from '../test-support/harness.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 });

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandbox: Sandbox | undefined;
const BUCKET = 'acme-pantherctl-state';
const STATE = `s3://${BUCKET}/panther`;

beforeAll(() => installCredentials());
beforeEach(async () => {
  // Slow enough that the first operator is still mid-upgrade when the second arrives.
  sandbox = await startSandbox({ port: 0, speed: 40, region: 'us-east-2', version: 'v1.25.18', seed: 7 });
  const { s3 } = clientsFor(sandbox.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
  s3.destroy();
});
afterEach(async () => {
  await sandbox?.close();
});

/** An operator: a working directory of their own with a pantherctl.yml naming the shared state, and a state directory of their own. */
function operator(): { cwd: string; stateDir: string } {
  const cwd = tempDir('pantherctl-operator-');
  const stateDir = join(cwd, 'local-state');
  writeFileSync(join(cwd, 'pantherctl.yml'), `region: us-east-2\nendpointUrl: ${sandbox!.endpoint}\nstate: ${STATE}\nstateLeaseSeconds: 20\nstateDir: ${stateDir}\n`);
  return { cwd, stateDir };
}

interface Child {
  pid: number;
  lines(): Record<string, unknown>[];
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

function run(op: { cwd: string }, args: string[]): Child {
  const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'pantherctl.js');
  const child = spawn(process.execPath, [bin, ...args, '--json'], { cwd: op.cwd, env: { ...process.env, ...e2eEnv(), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return {
    pid: child.pid ?? 0,
    exited,
    kill: (s) => child.kill(s),
    lines: () =>
      out.split('\n').flatMap((l) => {
        try {
          return l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
  };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const accepted = (calls: SandboxCall[], action: string, stack: string): number => calls.filter((c) => c.action === action && c.outcome === 'ok' && (c.stack ?? '').includes(stack)).length;

it('the second operator is refused naming the first (exit 6); after the first is SIGKILLed it resumes from the shared journal, repeating no step', async () => {
  const bin = join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'main.js');
  if (!existsSync(bin)) throw new Error('run `npm run build` first: this test runs the built CLI');
  const alice = operator();
  const bob = operator();

  const first = run(alice, ['upgrade', '--to', 'v1.28.7', '--yes']);
  const codes = (c: Child): string[] => c.lines().map((l) => String(l.code ?? ''));
  // Past its first hop: the shared journal has a step done that must not be done again.
  await until(() => codes(first).filter((c) => c === 'hop.done').length >= 1, 'the first hop of the first operator');

  const second = run(bob, ['upgrade', '--to', 'v1.28.7', '--yes']);
  expect(await second.exited).toBe(6);
  const refusal = second.lines().find((l) => l.error)?.error as JsonError & { holder?: { pid: number; command: string; user: string; hostname: string } };
  expect(refusal).toMatchObject({ code: 'locked', holder: { pid: first.pid, command: 'upgrade' } });
  expect(refusal.message).toContain(`pid ${first.pid}`);

  first.kill('SIGKILL');
  await first.exited;
  // Until its lease lapses, the lock still names the dead run.
  const shown = run(bob, ['lock', 'status']);
  expect(await shown.exited).toBe(6);
  expect(shown.lines()[0]).toMatchObject({ state: 'held', rootStack: 'panther-root', holder: { pid: first.pid, command: 'upgrade' } });
  const before = await sandboxCalls(sandbox!.endpoint);
  const roleBefore = accepted(before, 'UpdateStack', 'panther-deployment-role');
  expect(roleBefore).toBeGreaterThanOrEqual(1);

  // The dead run's lease (20 s, renewed at two thirds: 7 to 20 s left at the kill, room enough
  // for `lock status` to start on a loaded machine) lapses; until then the lock still names it (exit 6 again).
  let resumed: Child | undefined;
  for (let attempt = 0; attempt < 30; attempt++) {
    const r = run(bob, ['resume']);
    const code = await r.exited;
    if (code !== 6) {
      resumed = r;
      expect(code).toBe(0);
      break;
    }
    expect(r.lines().find((l) => l.error)?.error).toMatchObject({ code: 'locked', holder: { pid: first.pid } });
    await new Promise((res) => setTimeout(res, 1000));
  }
  expect(resumed).toBeDefined();

  const calls = await sandboxCalls(sandbox!.endpoint);
  // Three hops in all: one role update and one root change-set execution each, none twice.
  expect(accepted(calls, 'UpdateStack', 'panther-deployment-role')).toBe(3);
  expect(accepted(calls, 'ExecuteChangeSet', 'panther-root')).toBe(3);
  expect(accepted(calls, 'StartBuild', '')).toBe(3);

  // The journal is in S3, written under two fences; neither operator has a local one.
  const { store, close } = openS3State({ region: 'us-east-2', endpointUrl: sandbox!.endpoint }, STATE);
  const entries = await store.read({ account: '123456789012', region: 'us-east-2', rootStack: 'panther-root' });
  close();
  expect(new Set(entries.map((e) => e.fence)).size).toBe(2);
  // The first operator's run, then the second's resume of it, each under its own fence.
  const starts = entries.filter((e) => e.type === 'run.start');
  expect(starts.map((e) => (e as { command: string }).command)).toEqual(['upgrade', 'resume']);
  expect(starts[0]?.fence).not.toBe(starts[1]?.fence);
  expect(entries.at(-1)).toMatchObject({ type: 'run.done' });
  for (const op of [alice, bob]) expect(existsSync(join(op.stateDir, 'journal')) ? readdirSync(join(op.stateDir, 'journal')) : []).toEqual([]);
});

it('lock release --force --reason breaks a dead run\'s lock at once, journaled with the reason; resume then continues', async () => {
  const alice = operator();
  const bob = operator();
  const first = run(alice, ['upgrade', '--to', 'v1.26.9', '--yes']);
  // Once the role stack update was asked for, the run is under way (its run.start is journaled).
  await until(() => first.lines().some((l) => l.code === 'step.start' && (l.data as { step?: string } | undefined)?.step === 'update-role'), 'the first operator under way');
  first.kill('SIGKILL');
  await first.exited;

  const refused = run(bob, ['lock', 'release', '--reason', 'alice laptop died']);
  expect(await refused.exited).toBe(2);
  expect(refused.lines().find((l) => l.error)?.error).toMatchObject({ code: 'usage' });
  const noReason = run(bob, ['lock', 'release', '--force']);
  expect(await noReason.exited).toBe(2);

  const released = run(bob, ['lock', 'release', '--force', '--reason', 'alice laptop died']);
  expect(await released.exited).toBe(0);
  expect(released.lines()[0]).toMatchObject({ releasedHolder: true, state: 'free', holder: { pid: first.pid }, released: { reason: 'alice laptop died', forced: true } });
  const shown = run(bob, ['lock', 'status']);
  expect(await shown.exited).toBe(0);
  expect(shown.lines()[0]).toMatchObject({ state: 'free', released: { reason: 'alice laptop died', forced: true } });

  const resumed = run(bob, ['resume']);
  const resumedCode = await resumed.exited;
  expect(resumed.lines().find((l) => l.error)?.error).toBeUndefined();
  expect(resumedCode).toBe(0);
  const { store, close } = openS3State({ region: 'us-east-2', endpointUrl: sandbox!.endpoint }, STATE);
  const entries = await store.read({ account: '123456789012', region: 'us-east-2', rootStack: 'panther-root' });
  close();
  expect(entries.find((e) => e.type === 'lock.released')).toMatchObject({ forced: true, reason: 'alice laptop died', holder: { pid: first.pid, command: 'upgrade' } });
  expect(entries.at(-1)).toMatchObject({ type: 'run.done' });
  expect(accepted(await sandboxCalls(sandbox!.endpoint), 'UpdateStack', 'panther-deployment-role')).toBe(1);
});
