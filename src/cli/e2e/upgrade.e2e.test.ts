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
import { roleTemplateUrl, rootTemplateUrl } from '../../catalog/urls.js';
import { buildIamPolicy } from '../../deployments/iam/iam-policy.js';
import { allowingStatements } from '../../deployments/iam/test-support/policy-eval.js';
import { clearFaults, conn, installCredentials, runCli, runJson, sandboxCalls, sandboxOperations, setFaults, spawnCli, tempDir, type JsonEvent, type SandboxCall } from '../test-support/harness.js';

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
    // The change set each hop executes is created after its role update finished; the
    // confirmation's preview (made before hop 1's role update) was deleted, not executed.
    const creates = mutating(calls, 'CreateChangeSet', 'panther-root');
    expect(creates).toHaveLength(4);
    expect(mutating(calls, 'DeleteChangeSet', 'panther-root')).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      const executed = creates.filter((c) => c.seq < rootExecs[i]!.seq).at(-1)!;
      expect(executed.seq).toBeGreaterThan(roleUpdates[i]!.seq);
      expect(Date.parse(executed.time)).toBeGreaterThanOrEqual(Date.parse(roleOps[i]!.endedAt!));
    }

    // `pantherctl iam-policy` allows every call the run made, on the resource it was made on.
    const policy = buildIamPolicy({ account: '123456789012', region: 'us-east-2' });
    const denied = new Set<string>();
    for (const c of calls.filter(ok)) {
      const action = `${c.service}:${c.action}`;
      const resources =
        c.service === 'cloudformation'
          ? [c.stack ? `arn:aws:cloudformation:us-east-2:123456789012:stack/${c.stack.replace(/^arn:.*:stack\/([^/]+)\/.*$/, '$1')}/id` : '*']
          : c.service === 'codebuild'
            ? [c.project ? `arn:aws:codebuild:us-east-2:123456789012:project/${c.project}` : '*']
            : c.service === 's3'
              ? [rootTemplateUrl('v1.28.7', 'us-east-2'), roleTemplateUrl('v1.28.7')].map((u) => `arn:aws:s3:::${new URL(u).hostname.split('.')[0]}${new URL(u).pathname}`)
              : c.service === 'logs'
                ? ['arn:aws:logs:us-east-2:123456789012:log-group:/aws/codebuild/panther-pulumi:log-stream:a-build']
                : ['*'];
      // '*': an action without resource-level permissions (ListStacks, GetCallerIdentity).
      for (const r of resources) if (allowingStatements(policy, action, r).length === 0) denied.add(`${action} on ${r}`);
    }
    expect([...denied]).toEqual([]);
    const actions = new Set(calls.filter(ok).map((c) => `${c.service}:${c.action}`));
    for (const a of ['cloudformation:UpdateStack', 'cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet', 'codebuild:StartBuild', 's3:GetObject', 'sts:GetCallerIdentity', 'logs:GetLogEvents']) expect(actions).toContain(a);
    // And it may pass the role stack's DeploymentRoleArn (the RoleARN of every change set).
    const roleArn = 'arn:aws:iam::123456789012:role/PantherDeploymentRole-us-east-2';
    expect(allowingStatements(policy, 'iam:PassRole', roleArn)).toHaveLength(1);
    const after = await status(endpoint, state);
    expect(after.rootStack.version).toBe('v1.28.7');
    expect(after.roleStack.version).toBe('v1.28.7');

    // Again: already there.
    const again = await runJson(['upgrade', '--to', 'v1.28.7', '--yes', ...conn(endpoint, state)]);
    expect(again.code).toBe(0);
    expect(again.events.at(-1)).toMatchObject({ level: 'result', code: 'upgrade.already-at', data: { version: 'v1.28.7' } });
  });

  it('a failure in hop 2 rolls back, prints the root cause, is journaled; resume needs its --param again; the same `upgrade --to 1.28` finishes', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const canary = 'CANARYhop2dd0123456789ab';
    await setFaults(endpoint, [{ kind: 'fail-resource', stack: 'panther-root', version: 'v1.27.8' }]);
    // `--to 1.28`: the journal keeps the resolved target, v1.28.7.
    const r = await runJson(['upgrade', '--to', '1.28', '--yes', '--param', `DatadogAPIKey=${canary}`, ...conn(endpoint, state)]);
    expect(r.code).toBe(4);
    expect(r.error).toMatchObject({ code: 'stack-rolled-back', hop: 'v1.27.8', step: 'execute-change-set', finalStatus: 'UPDATE_ROLLBACK_COMPLETE' });
    // The root cause: the first failed resource event, as one line and as fields.
    const cause = r.of('failure.root-cause')[0]?.data as { text: string; logicalId?: string; status?: string } | undefined;
    expect(cause?.text).toBeTruthy();
    expect(cause?.status).toMatch(/_FAILED$/);
    expect(r.error?.rootCause).toEqual(cause);
    expect(r.of('failure.state')[0]?.data).toEqual({ state: r.error?.state });
    expect(String(r.error?.state)).toContain('rolled back to its previous version');
    // The command that continues carries every flag the run needed, the --param as a placeholder.
    const next = `pantherctl resume --region us-east-2 --endpoint-url ${endpoint} --root-stack panther-root --state-dir ${state} --param DatadogAPIKey=<value>`;
    expect(r.error?.hint).toContain(next);
    expect(r.stdout + r.stderr).not.toContain(canary);
    const j = journalOf(state);
    expect(j.find((e) => e.type === 'run.start')).toMatchObject({ to: 'v1.28.7', overrideKeys: ['DatadogAPIKey'] });
    expect(j.find((e) => e.type === 'step.failed' && e.hop === 'v1.27.8' && e.step === 'execute-change-set')).toBeDefined();
    expect(j[j.length - 1]).toMatchObject({ type: 'run.failed', hop: 'v1.27.8' });
    expect((await status(endpoint, state)).rootStack.version).toBe('v1.26.9');

    await clearFaults(endpoint);
    // Without the --param values (never stored), resume refuses, naming the keys and the command.
    const before = (await sandboxCalls(endpoint)).length;
    const bare = await runJson(['resume', ...conn(endpoint, state)]);
    expect(bare.code).toBe(1);
    expect(bare.error).toMatchObject({ code: 'params-required', keys: ['DatadogAPIKey'] });
    expect(bare.error?.hint).toContain('--param DatadogAPIKey=<value>');
    expect(bare.stderr).toBe('');
    expect((await sandboxCalls(endpoint)).slice(before).filter((c) => ['UpdateStack', 'CreateChangeSet', 'ExecuteChangeSet', 'StartBuild'].includes(c.action))).toEqual([]);

    // Re-running the same `upgrade --to 1.28` continues the unfinished run.
    const again = await runJson(['upgrade', '--to', '1.28', '--yes', '--param', `DatadogAPIKey=${canary}`, ...conn(endpoint, state)]);
    expect(again.code).toBe(0);
    expect(again.events.at(-1)).toMatchObject({ code: 'upgrade.done', data: { from: 'v1.26.9', to: 'v1.28.7', hops: ['v1.27.8', 'v1.28.7'] } });
    expect((await status(endpoint, state)).rootStack.version).toBe('v1.28.7');
    // Hop 1 was not touched again.
    const calls = await sandboxCalls(endpoint);
    expect(mutating(calls, 'UpdateStack', 'panther-deployment-role')).toHaveLength(3);
    for (const f of walk(state)) expect(readFileSync(f, 'utf8')).not.toContain(canary);
  });

  it('a rollback that fails is stuck until `recover`, then resume finishes', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    // On a healthy stack, recover refuses without announcing a rollback it will not run.
    const early = await runJson(['recover', ...conn(endpoint, state)]);
    expect(early.code).toBe(1);
    expect(early.of('step.start')).toEqual([]);
    expect(early.error).toMatchObject({ code: 'recover-not-needed', stack: 'panther-root', status: 'CREATE_COMPLETE' });
    await setFaults(endpoint, [
      { kind: 'fail-resource', stack: 'panther-root', version: 'v1.26.9' },
      { kind: 'fail-rollback', stack: 'panther-root', version: 'v1.26.9' },
    ]);
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)]);
    expect(r.code).toBe(4);
    expect(r.error).toMatchObject({ code: 'rollback-failed', hop: 'v1.26.9', finalStatus: 'UPDATE_ROLLBACK_FAILED' });
    expect(r.error?.hint).toContain('pantherctl recover');
    expect((await status(endpoint, state)).rootStack.status).toBe('UPDATE_ROLLBACK_FAILED');
    await clearFaults(endpoint);
    const diag = await runCli(['diagnose', '--json', ...conn(endpoint, state).slice(0, 4)]);
    expect(JSON.parse(diag.stdout)).toMatchObject({ status: 'UPDATE_ROLLBACK_FAILED' });
    const rec = await runJson(['recover', ...conn(endpoint, state)]);
    expect(rec.code).toBe(0);
    expect(rec.of('step.start').map((e) => e.data)).toEqual([{ step: 'continue-rollback', stack: 'panther-root' }]);
    expect(rec.events.at(-1)).toMatchObject({ code: 'recover.done', data: { stack: 'panther-root', finalStatus: 'UPDATE_ROLLBACK_COMPLETE' } });
    expect((await status(endpoint, state)).rootStack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const resumed = await runCli(['resume', ...conn(endpoint, state)]);
    expect(resumed.code).toBe(0);
    expect((await status(endpoint, state)).rootStack.version).toBe('v1.26.9');
  });

  it('refusals change nothing: preflight lists every failure, no terminal without --yes, --dry-run, a drifted --plan', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const noTty = await runJson(['upgrade', '--to', 'v1.28.7', ...conn(endpoint, state)]);
    expect(noTty.code).toBe(1);
    expect(noTty.error?.code).toBe('confirmation-required');

    const pre = await runJson(['upgrade', '--to', 'v1.28.7', '--yes', '--account', '999999999999', '--param', 'NoSuchParameter=1', ...conn(endpoint, state)]);
    expect(pre.code).toBe(1);
    expect(pre.error).toMatchObject({ code: 'preflight-failed' });
    expect((pre.error?.failures as { id: string }[]).map((f) => f.id)).toEqual(['account', 'root-unknown-override']);
    const failedChecks = pre.of('preflight.check').filter((e) => e.data?.ok === false);
    expect(failedChecks.map((e) => [e.level, e.data?.id])).toEqual([
      ['error', 'account'],
      ['error', 'root-unknown-override'],
    ]);
    expect(pre.of('preflight.failed')[0]?.data?.failures).toHaveLength(2);
    // A refused run leaves no (empty) journal behind.
    expect(readdirSync(join(state, 'journal')).filter((f) => f.endsWith('.ndjson'))).toEqual([]);

    const dry = await runCli(['upgrade', '--to', 'v1.28.7', '--dry-run', '--json', ...conn(endpoint, state)]);
    expect(dry.code).toBe(0);
    const codes = dry.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { code: string }).code);
    expect(codes).toContain('preview.change-set');
    expect(codes).toContain('preview.parameters');
    expect(codes.at(-1)).toBe('upgrade.dry-run');

    const planFile = join(state, 'plan.json');
    expect((await runCli(['plan', '--from', 'v1.25.18', '--to', 'v1.27.8', '--region', 'us-east-2', '--out', planFile])).code).toBe(0);
    const drifted = await runJson(['upgrade', '--to', 'v1.28.7', '--yes', '--plan', planFile, ...conn(endpoint, state)]);
    expect(drifted.code).toBe(1);
    expect(drifted.error).toMatchObject({ code: 'plan-target-mismatch', to: 'v1.28.7', planTo: 'v1.27.8' });
    // --plan without --to follows the plan's target, not latest; an agreeing --to is accepted.
    for (const to of [[], ['--to', '1.27']]) {
      const byPlan = await runCli(['upgrade', ...to, '--dry-run', '--json', '--plan', planFile, ...conn(endpoint, state)]);
      expect(byPlan.code).toBe(0);
      const last = JSON.parse(byPlan.stdout.trim().split('\n').at(-1)!) as { code: string; data: { to: string; hops: string[] } };
      expect(last).toMatchObject({ code: 'upgrade.dry-run', data: { to: 'v1.27.8', hops: ['v1.26.9', 'v1.27.8'] } });
    }

    const calls = await sandboxCalls(endpoint);
    expect(calls.filter((c) => ['UpdateStack', 'ExecuteChangeSet', 'StartBuild'].includes(c.action))).toEqual([]);
    // The dry run's change set was deleted again.
    expect(mutating(calls, 'CreateChangeSet')).toHaveLength(mutating(calls, 'DeleteChangeSet').length);
    expect((await status(endpoint, state)).rootStack.version).toBe('v1.25.18');
  });

  it('bad input is refused before any AWS call: --to, --current, --region (every AWS command), --account', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const c = conn(endpoint, state);
    const mars = c.map((a) => (a === 'us-east-2' ? 'mars-1' : a));
    const runs: [string[], string, number, Record<string, unknown>][] = [
      [['upgrade', '--to', 'garbage', '--yes', ...c], 'invalid-version', 1, { input: 'garbage' }],
      [['upgrade', '--current', '1.x.2', '--yes', ...c], 'invalid-version', 1, { input: '1.x.2' }],
      [['upgrade', '--yes', '--account', '12345', ...c], 'usage', 2, {}],
      [['upgrade', '--yes', ...mars], 'invalid-region', 1, { region: 'mars-1' }],
      [['resume', ...mars], 'invalid-region', 1, { region: 'mars-1' }],
      [['status', ...mars.slice(0, 4)], 'invalid-region', 1, { region: 'mars-1' }],
      [['diagnose', ...mars.slice(0, 4)], 'invalid-region', 1, { region: 'mars-1' }],
      [['recover', ...mars], 'invalid-region', 1, { region: 'mars-1' }],
      [['status', ...c.slice(0, 2), '--region', 'me-south-1'], 'unsupported-region', 1, { region: 'me-south-1' }],
      [['iam-policy', '--region', 'mars-1'], 'usage', 2, {}],
      [['iam-policy', '--account', 'abc'], 'usage', 2, {}],
    ];
    for (const [args, code, exit, meta] of runs) {
      const r = await runJson(args);
      expect([r.code, r.error?.code], args.join(' ')).toEqual([exit, code]);
      expect(r.error, args.join(' ')).toMatchObject(meta);
      expect(r.stderr, args.join(' ')).toBe('');
      // Without --json: the same refusal as one line on stderr, never a stack trace.
      const text = await runCli(args);
      expect(text.code, args.join(' ')).toBe(exit);
      expect(text.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(await sandboxCalls(endpoint)).toEqual([]);
    // The escape hatch: a region outside the list, when the templates are mirrored.
    const allowed = await runJson(['status', '--allow-unsupported-region', ...c.slice(0, 2), '--region', 'me-south-1']);
    expect(allowed.error?.code).not.toBe('unsupported-region');
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
    // The failing command quotes a secret value the run was given: every copy of it is redacted.
    const canary = 'CANARYbuildlog0123456789abcdef';
    await setFaults(endpoint, [{ kind: 'fail-build', project: 'panther-pulumi', reason: `Error while executing command: ./deploy.sh --dd-key ${canary}. Reason: exit status 1` }]);
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', '--param', `DatadogAPIKey=${canary}`, ...conn(endpoint, state)]);
    expect(r.code).toBe(4);
    expect(r.error).toMatchObject({ code: 'build-failed', hop: 'v1.26.9', step: 'start-build', state: 'stack done, build failed', status: 'FAILED', phase: 'BUILD' });
    expect(r.stdout).not.toContain(canary);
    // The log, live: each line as a build.log event, the phases as build.phase events.
    const logLines = r.of('build.log').map((e) => (e.data as { line: string }).line);
    expect(logLines.some((l) => l.startsWith('[Container] ') && l.endsWith('Entering phase BUILD'))).toBe(true);
    expect(r.of('build.phase').map((e) => (e.data as { phase: string }).phase)).toContain('BUILD');
    // The failure: phase, its context message, the end of the log (at most 50 lines), redacted.
    const failed = r.of('build.failed')[0]?.data as { phase?: string; message?: string; logTail: string[]; logGroup?: string; logStream?: string } | undefined;
    expect(failed).toMatchObject({ phase: 'BUILD', logGroup: '/aws/codebuild/panther-pulumi', logStream: expect.any(String) });
    expect(failed?.message).toMatch(/^Error while executing command: .*\[REDACTED/);
    expect(failed!.logTail.length).toBeGreaterThan(5);
    expect(failed!.logTail.length).toBeLessThanOrEqual(50);
    expect(failed!.logTail.some((l) => l.includes('Phase context status code: COMMAND_EXECUTION_ERROR'))).toBe(true);
    expect(failed!.logTail.at(-1)).toBe(logLines.at(-1));
    const journaled = journalOf(state).find((e) => e.type === 'step.failed' && e.step === 'start-build') as { logTail?: string[]; phase?: string; reason?: string } | undefined;
    expect(journaled).toMatchObject({ phase: 'BUILD', logTail: failed!.logTail });
    expect(journaled?.reason).toBe(failed?.message);
    expect(JSON.stringify(journalOf(state))).not.toContain(canary);
    expect(r.of('failure.state').map((e) => e.data)).toEqual([{ state: 'stack done, build failed' }]);
    // The build's own failure is the root cause, not "no failed resource event".
    const cause = r.of('failure.root-cause')[0]?.data as { text: string; phase?: string; status?: string } | undefined;
    expect(cause).toMatchObject({ status: 'FAILED', phase: expect.any(String) });
    expect(cause?.text.startsWith(`panther-pulumi build ${String(r.error?.buildId)} failed in phase ${cause.phase}`)).toBe(true);
    expect(journalOf(state).find((e) => e.type === 'step.failed' && e.step === 'start-build')).toMatchObject({ state: 'stack done, build failed' });
    await clearFaults(endpoint);
    const before = (await sandboxCalls(endpoint)).length;
    // The run was given a --param: its resume needs it again.
    const resumed = await runCli(['resume', '--param', `DatadogAPIKey=${canary}`, ...conn(endpoint, state)]);
    expect(resumed.code).toBe(0);
    const later = (await sandboxCalls(endpoint)).slice(before).filter(ok);
    expect(later.filter((c) => ['UpdateStack', 'CreateChangeSet', 'ExecuteChangeSet'].includes(c.action))).toEqual([]);
    expect(later.filter((c) => c.action === 'StartBuild')).toHaveLength(1);
  });

  it('two concurrent runs on one deployment: one is refused with exit 6', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const [a, b] = await Promise.all([
      runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)]),
      runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)]),
    ]);
    expect([a.code, b.code].sort()).toEqual([0, 6]);
    const refused = a.code === 6 ? a : b;
    expect(refused.error).toMatchObject({ code: 'locked', holder: { command: 'upgrade' } });
    expect((a.code === 6 ? b : a).events.at(-1)?.code).toBe('upgrade.done');
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
    const child = spawnCli(['upgrade', '--to', 'v1.26.9', '--yes', '--json', ...conn(endpoint, state)]);
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // Complete NDJSON lines only: the last one may still be arriving.
    const lines = (): Record<string, unknown>[] =>
      child
        .out()
        .split('\n')
        .flatMap((l) => {
          try {
            return l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : [];
          } catch {
            return [];
          }
        });
    // Once the role stack update was asked for, the run is waiting on AWS.
    const waiting = setInterval(() => {
      if (lines().some((e) => e.code === 'step.start' && (e.data as JsonEvent['data'])?.step === 'update-role')) {
        clearInterval(waiting);
        child.kill('SIGINT');
      }
    }, 20);
    const code = await exited;
    clearInterval(waiting);
    expect(code).toBe(5);
    const error = lines().find((e) => e.error)?.error as { code: string; hint: string } | undefined;
    expect(error?.code).toBe('interrupted');
    expect(error?.hint).toContain('pantherctl resume');
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
