/**
 * Issue 9's failures 1-4, 12 and 11, each reproduced against an in-process sandbox over HTTP
 * (the real SDK, the real wire protocols), driven through the CLI's `main()`. Every next
 * command the tool names is run as printed, and must work.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.js';
import { clearFaults, conn, installCredentials, runJson, sandboxCalls, setFaults, tempDir, type SandboxCall } from '../test-support/harness.js';
import { runPrinted } from '../test-support/printed-command.js';

const SPEED = 400;
type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandboxes: Sandbox[] = [];

async function sandbox(extra: Record<string, unknown> = {}): Promise<Sandbox> {
  const sb = await startSandbox({ port: 0, speed: SPEED, region: 'us-east-2', version: 'v1.25.18', seed: 7, ...extra } as Parameters<typeof startSandbox>[0]);
  sandboxes.push(sb);
  return sb;
}

beforeAll(() => installCredentials());
afterEach(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  sandboxes = [];
});

const MUTATING = ['UpdateStack', 'CreateChangeSet', 'ExecuteChangeSet', 'StartBuild', 'ContinueUpdateRollback', 'CreateStack', 'DeleteStack'];
const mutations = (calls: SandboxCall[]): string[] => calls.filter((c) => MUTATING.includes(c.action) && c.outcome === 'ok').map((c) => c.action);

describe('failure 1, 4 and 12: a failed rollback of the role stack', () => {
  it('upgrade, diagnose and resume all name `recover --stack panther-deployment-role` with every flag; it works; then resume finishes the upgrade', async () => {
    const { endpoint } = await sandbox();
    const state = tempDir();
    const c = conn(endpoint, state);
    await setFaults(endpoint, [
      { kind: 'fail-resource', stack: 'panther-deployment-role', version: 'v1.27.8' },
      { kind: 'fail-rollback', stack: 'panther-deployment-role', version: 'v1.27.8' },
    ]);
    const recoverCmd = `pantherctl recover --stack panther-deployment-role --region us-east-2 --endpoint-url ${endpoint} --root-stack panther-root --state-dir ${state}`;
    const resumeCmd = `pantherctl resume --region us-east-2 --endpoint-url ${endpoint} --root-stack panther-root --state-dir ${state}`;

    const up = await runJson(['upgrade', '--to', 'v1.27.8', '--yes', '--root-stack', 'panther-root', ...c]);
    expect(up.code).toBe(4);
    expect(up.error).toMatchObject({ code: 'rollback-failed', hop: 'v1.27.8', step: 'update-role', finalStatus: 'UPDATE_ROLLBACK_FAILED' });
    expect(up.error?.hint).toContain(recoverCmd);
    expect(up.error?.hint).toContain(resumeCmd);
    await clearFaults(endpoint);

    // diagnose looks at the whole deployment: the role stack is what needs attention (exit 4).
    const diag = await runJson(['diagnose', '--root-stack', 'panther-root', ...c]);
    expect(diag.code).toBe(4);
    expect(diag.document).toMatchObject({ stack: 'panther-deployment-role', status: 'UPDATE_ROLLBACK_FAILED', attention: 'action', nextCommand: recoverCmd });
    expect((diag.document?.findings as { subject: string }[])[0]).toMatchObject({ subject: 'role-stack', status: 'UPDATE_ROLLBACK_FAILED', nextCommand: recoverCmd });
    expect((diag.document?.stacks as { kind: string; status: string }[]).map((s) => [s.kind, s.status])).toContainEqual(['role', 'UPDATE_ROLLBACK_FAILED']);

    // resume refuses before any call that changes something, naming the same command (not AWS's raw ValidationError).
    const before = (await sandboxCalls(endpoint)).length;
    const early = await runJson(['resume', '--root-stack', 'panther-root', ...c]);
    expect(early.code).toBe(4);
    expect(early.error).toMatchObject({ code: 'stack-stuck', stack: 'panther-deployment-role', status: 'UPDATE_ROLLBACK_FAILED', nextCommand: recoverCmd });
    // And recover with no --stack finds the stuck stack itself.
    const plain = await runJson(['recover', '--root-stack', 'panther-root', ...c]);
    expect(plain.code).toBe(0);
    expect(plain.events.at(-1)).toMatchObject({ code: 'recover.done', data: { stack: 'panther-deployment-role', finalStatus: 'UPDATE_ROLLBACK_COMPLETE', nextCommand: resumeCmd } });
    expect(mutations((await sandboxCalls(endpoint)).slice(before))).toEqual(['ContinueUpdateRollback']);

    // The printed resume continues the failed upgrade to v1.27.8 (failure 12), without asking.
    const resumed = await runPrinted(String(plain.events.at(-1)?.data?.nextCommand));
    expect(resumed.code).toBe(0);
    expect(resumed.events.at(-1)).toMatchObject({ code: 'upgrade.done', data: { to: 'v1.27.8' } });
    const after = await runJson(['diagnose', '--root-stack', 'panther-root', ...c]);
    expect(after.code).toBe(0);
    expect(after.document).toMatchObject({ attention: 'none', findings: [] });
  });

  it('the printed recover command itself works', async () => {
    const { endpoint } = await sandbox();
    const state = tempDir();
    const c = conn(endpoint, state);
    await setFaults(endpoint, [
      { kind: 'fail-resource', stack: 'panther-deployment-role', version: 'v1.26.9' },
      { kind: 'fail-rollback', stack: 'panther-deployment-role', version: 'v1.26.9' },
    ]);
    expect((await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...c])).code).toBe(4);
    await clearFaults(endpoint);
    const diag = await runJson(['diagnose', ...c]);
    const rec = await runPrinted(String(diag.document?.nextCommand));
    expect(rec.code).toBe(0);
    const res = await runPrinted(String(rec.events.at(-1)?.data?.nextCommand));
    expect(res.code).toBe(0);
    expect(res.events.at(-1)).toMatchObject({ code: 'upgrade.done', data: { to: 'v1.26.9' } });
  });
});

describe('failure 2: a failed panther-pulumi build', () => {
  it('diagnose says the build failed (exit 4) and names resume, which reruns only the build', async () => {
    const { endpoint } = await sandbox();
    const state = tempDir();
    const c = conn(endpoint, state);
    await setFaults(endpoint, [{ kind: 'fail-build' }]);
    const up = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...c]);
    expect(up.code).toBe(4);
    expect(up.error?.code).toBe('build-failed');
    await clearFaults(endpoint);
    const diag = await runJson(['diagnose', ...c]);
    expect(diag.code).toBe(4);
    expect(diag.document).toMatchObject({ attention: 'action', lastBuild: { status: 'FAILED' } });
    const finding = (diag.document?.findings as { subject: string; nextCommand?: string }[]).find((f) => f.subject === 'build');
    expect(finding?.nextCommand).toBe(`pantherctl resume --region us-east-2 --endpoint-url ${endpoint} --root-stack panther-root --state-dir ${state}`);
    expect(diag.document?.nextCommand).toBe(finding?.nextCommand);
    const before = (await sandboxCalls(endpoint)).length;
    const res = await runPrinted(finding?.nextCommand);
    expect(res.code).toBe(0);
    expect(mutations((await sandboxCalls(endpoint)).slice(before))).toEqual(['StartBuild']);
    expect((await runJson(['diagnose', ...c])).code).toBe(0);
  });
});

describe('failure 3: resume after a finished configure or deploy', () => {
  it('says the deploy, then the configure, already finished (exit 0), with or without --root-stack; nothing is changed', async () => {
    const { endpoint } = await sandbox({ empty: true, version: 'v1.28.7' });
    const state = tempDir();
    const file = join(state, 'params.yml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, ['FirstUserEmail: "admin@example.com"', 'PulumiSecretArn: "arn:aws:secretsmanager:us-east-2:123456789012:secret:pulumi-token"', 'PulumiSecretKeyArn: "arn:aws:secretsmanager:us-east-2:123456789012:secret:pulumi-key"'].join('\n') + '\n');
    const c = ['--endpoint-url', endpoint, '--region', 'us-east-2', '--state-dir', state];
    const dep = await runJson(['deploy', '--version', 'v1.28.7', '--root-stack', 'panther-root', '--params', file, '--yes', ...c]);
    expect(dep.code).toBe(0);
    for (const extra of [[], ['--root-stack', 'panther-root']]) {
      const before = (await sandboxCalls(endpoint)).length;
      const r = await runJson(['resume', ...extra, ...c]);
      expect(r.error).toBeUndefined();
      expect(r.code).toBe(0);
      expect(r.events.at(-1)).toMatchObject({ code: 'resume.already-done', data: { command: 'deploy' } });
      expect(mutations((await sandboxCalls(endpoint)).slice(before))).toEqual([]);
    }
    writeFileSync(file, 'EnableReports: "true"\n');
    expect((await runJson(['configure', '--root-stack', 'panther-root', '--params', file, '--yes', ...c])).code).toBe(0);
    for (const extra of [[], ['--root-stack', 'panther-root']]) {
      const r = await runJson(['resume', ...extra, ...c]);
      expect(r.code).toBe(0);
      expect(r.events.at(-1)).toMatchObject({ code: 'resume.already-done', data: { command: 'configure' } });
    }
  });
});

describe('failure 11: a journal belongs to one stack', () => {
  it('a journal of a stack that no longer exists is archived, never applied: the new stack of the same name runs every build itself', async () => {
    const state = tempDir();
    const first = await sandbox();
    expect((await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(first.endpoint, state)])).code).toBe(0);
    // A fresh deployment under the same names (another sandbox: the same account, region and
    // root stack name, another stack id), as after `deploy --replace-failed`.
    await first.close();
    sandboxes = sandboxes.filter((s) => s !== first);
    const second = await sandbox({ seed: 8 });
    const up = await runJson(['upgrade', '--to', 'v1.27.8', '--yes', ...conn(second.endpoint, state)]);
    expect(up.code).toBe(0);
    expect(up.of('journal.archived')).toHaveLength(1);
    expect(up.of('journal.archived')[0]?.data).toMatchObject({ reason: 'stack-gone' });
    // Hop v1.26.9 was not "already done" in this deployment: both hops ran, each with its build.
    expect(up.events.filter((e) => e.code === 'step.skip')).toEqual([]);
    expect(up.events.at(-1)).toMatchObject({ code: 'upgrade.done', data: { hops: ['v1.26.9', 'v1.27.8'] } });
    expect(mutations(await sandboxCalls(second.endpoint)).filter((a) => a === 'StartBuild')).toHaveLength(2);
    const archived = join(state, 'journal', 'archive');
    expect(existsSync(archived) ? readdirSync(archived) : []).toHaveLength(1);
  });
});

describe('a declined configure', () => {
  it('is journaled as finished: resume applies nothing it was not told to', async () => {
    const { endpoint } = await sandbox();
    const state = tempDir();
    const { writeFileSync } = await import('node:fs');
    const file = join(state, 'params.yml');
    writeFileSync(file, 'EnableReports: "true"\n');
    const { configure } = await import('../../deployments/configure/configure.js');
    const { resume } = await import('../../deployments/upgrade/upgrade.js');
    const { MemoryIoHost } = await import('../../io/messages.js');
    const at = { region: 'us-east-2', endpointUrl: endpoint, rootStack: 'panther-root', stateDir: state, pollIntervalMs: 50 };
    // The operator answers no at the confirmation (after the run started: its preview is journaled).
    const asked = new MemoryIoHost({ respond: () => false });
    await expect(configure({ ...at, paramsFile: file }, asked)).rejects.toMatchObject({ code: 'not-confirmed' });
    expect(asked.requests.map((r) => r.code)).toEqual(['configure.confirm']);
    const before = (await sandboxCalls(endpoint)).length;
    // A resume that would confirm anything (as `pantherctl resume` does) finds the run finished.
    const resumed = new MemoryIoHost({ respond: () => true });
    expect(await resume(at, resumed)).toEqual({ command: 'configure', staged: { alreadyDone: true } });
    expect(resumed.codes()).toEqual(['resume.already-done']);
    expect(mutations((await sandboxCalls(endpoint)).slice(before))).toEqual([]);
    // And the CLI's resume says so too.
    const cli = await runJson(['resume', '--root-stack', 'panther-root', ...conn(endpoint, state)]);
    expect(cli.code).toBe(0);
    expect(cli.events.at(-1)).toMatchObject({ code: 'resume.already-done', data: { command: 'configure' } });
  });
});

describe('failure 5: the lock is per deployment, not per directory', () => {
  it('a run from another working directory, without --state-dir, meets the same lock (exit 6, naming the holder) and the same journal', async () => {
    const { endpoint } = await sandbox({ speed: 50 });
    const home = tempDir('pantherctl-xdg-');
    const elsewhere = tempDir('pantherctl-cwd-');
    const env = { XDG_STATE_HOME: home };
    const flags = ['--endpoint-url', endpoint, '--region', 'us-east-2'];
    const { spawnCli } = await import('../test-support/harness.js');
    const child = spawnCli(['upgrade', '--to', 'v1.26.9', '--yes', '--json', ...flags], env, { cwd: elsewhere });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // Once it is updating a stack, it holds the lock.
    while (!child.out().includes('"step.start"')) {
      if (child.exitCode !== null) throw new Error(`the first run ended early: ${child.out()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...flags], env);
    expect(second.code).toBe(6);
    expect(second.error).toMatchObject({ code: 'locked', holder: { command: 'upgrade', pid: child.pid } });
    expect(second.error?.lock).toBe(join(home, 'pantherctl', 'journal', '123456789012-us-east-2-panther-root.lock'));
    expect(await exited).toBe(0);
    // One journal, in the state home; nothing in either working directory.
    expect(readdirSync(join(home, 'pantherctl', 'journal')).filter((f) => f.endsWith('.ndjson'))).toHaveLength(1);
    expect(existsSync(join(elsewhere, '.pantherctl'))).toBe(false);
    // And the run from here finds the other's journal: the upgrade is done.
    const again = await runJson(['resume', ...flags], env);
    expect(again.events.at(-1)).toMatchObject({ code: 'resume.already-done', data: { command: 'upgrade' } });
  });
});
