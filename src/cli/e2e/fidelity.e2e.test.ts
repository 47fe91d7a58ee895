/**
 * The product against the corrected sandbox (issue 8), through the CLI's `main()` over real
 * HTTP: --assume-role, a deployment outside the role template bucket's region, no phantom
 * changes, and a rollback stuck inside a nested stack recovered with the exact --skip string
 * `diagnose` prints (which the AWS CLI accepts too). Asserts message codes and payloads (the
 * `--json` events and documents); the rendered lines are tested in renderer tests
 * (src/cli/commands/diagnose.test.ts for diagnose's `recover --skip` line).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox } from '../../sandbox/index.js';
import { awsCli } from '../../sandbox/test-support/aws-cli.js';
import { clearFaults, conn, installCredentials, runCli, runJson, sandboxCalls, setFaults, tempDir, type SandboxCall } from '../test-support/harness.js';

// Each AWS CLI run starts a Python interpreter: seconds apiece on a busy machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const SPEED = 400;
type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandboxes: Sandbox[] = [];

async function sandbox(extra: { region?: string } = {}): Promise<string> {
  const sb = await startSandbox({ port: 0, speed: SPEED, version: 'v1.25.18', seed: 8, ...extra });
  sandboxes.push(sb);
  return sb.endpoint;
}

beforeAll(() => installCredentials());
afterEach(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  sandboxes = [];
});

const MUTATING = ['UpdateStack', 'ExecuteChangeSet', 'CreateStack', 'StartBuild', 'ContinueUpdateRollback'];
const mutations = (calls: SandboxCall[]): string[] => calls.filter((c) => c.outcome === 'ok' && MUTATING.includes(c.action)).map((c) => `${c.action} ${c.stack ?? c.project ?? ''}`);

describe('--assume-role', () => {
  it('makes every CloudFormation call as the assumed role (the call log names the principal)', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const role = 'arn:aws:iam::123456789012:role/PantherDeploymentRole-us-east-2';
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', '--assume-role', role, ...conn(endpoint, state)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.of('upgrade.done').map((e) => e.data)).toEqual([{ from: 'v1.25.18', to: 'v1.26.9', hops: ['v1.26.9'] }]);
    const calls = await sandboxCalls(endpoint);
    const session = 'arn:aws:sts::123456789012:assumed-role/PantherDeploymentRole-us-east-2/pantherctl';
    const cfn = calls.filter((c) => c.service === 'cloudformation');
    expect(cfn.length).toBeGreaterThan(10);
    expect(new Set(cfn.map((c) => c.principal))).toEqual(new Set([session]));
    // So are the builds and the template reads; only AssumeRole itself is made with the base credentials.
    expect(new Set(calls.filter((c) => c.service !== 'sts').map((c) => c.principal))).toEqual(new Set([session]));
    expect(calls.filter((c) => c.action === 'AssumeRole').map((c) => c.principal)).toEqual(['arn:aws:iam::123456789012:user/sandbox-AKIDSANDBOX']);
  });

  it('a role the account does not let it assume is refused with exit 3, nothing changed', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const args = ['status', '--assume-role', 'arn:aws:iam::123456789012:role/panther-root-functions-us-east-2', ...conn(endpoint, state).slice(0, 4)];
    const json = await runJson(args);
    expect([json.code, json.error?.code]).toEqual([3, 'access-denied']);
    expect(json.error).toMatchObject({ awsCode: 'AccessDenied', httpStatus: 403 });
    // Without --json: the same refusal as one line on stderr.
    const r = await runCli(args);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(mutations(await sandboxCalls(endpoint))).toEqual([]);
  });
});

describe('a deployment in eu-west-1', () => {
  // The role template's bucket is in us-west-2: its template is read through a client of that region.
  it('upgrade --dry-run succeeds and changes nothing', async () => {
    const endpoint = await sandbox({ region: 'eu-west-1' });
    const state = tempDir();
    const args = ['--endpoint-url', endpoint, '--region', 'eu-west-1', '--state-dir', state];
    const r = await runJson(['upgrade', '--to', 'v1.28.7', '--dry-run', ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.events.at(-1)).toMatchObject({ code: 'upgrade.dry-run', data: { to: 'v1.28.7', hops: ['v1.26.9', 'v1.27.8', 'v1.28.7'] } });
    expect(r.of('preflight.check').filter((e) => e.data?.id === 'template-fetch' && e.data.ok === true)).toHaveLength(6);
    const calls = await sandboxCalls(endpoint);
    expect(mutations(calls)).toEqual([]);
    // The role bucket answered through its own region: no 301 left unanswered.
    expect(calls.filter((c) => c.service === 's3' && c.status === 200).length).toBeGreaterThanOrEqual(6);
  });
});

describe('no phantom changes', () => {
  it('a preview lists what changes inside the nested stacks, never a bare nested-stack Modify', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--dry-run', ...conn(endpoint, state)]);
    expect(r.code).toBe(0);
    const rows = r.of('preview.resource').map((e) => e.data as { logicalId: string; resourceType: string; nestedPath?: string });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.resourceType === 'AWS::CloudFormation::Stack')).toEqual([]);
    expect(rows).toContainEqual(expect.objectContaining({ nestedPath: 'Core', logicalId: 'PythonLayer' }));
  });

  it('re-running a finished upgrade says already at and makes no UpdateStack or ExecuteChangeSet call', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    expect((await runCli(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)])).code).toBe(0);
    const before = (await sandboxCalls(endpoint)).length;
    const again = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)]);
    expect(again.code).toBe(0);
    expect(again.events.at(-1)).toMatchObject({ code: 'upgrade.already-at', data: { version: 'v1.26.9' } });
    // resume of a finished upgrade continues nothing and starts nothing new.
    const resumed = await runJson(['resume', ...conn(endpoint, state)]);
    expect(resumed.code).toBe(0);
    expect(resumed.events.at(-1)).toMatchObject({ code: 'resume.already-done', data: { command: 'upgrade' } });
    expect(mutations((await sandboxCalls(endpoint)).slice(before))).toEqual([]);
  });

  it('configure with the live values, a secret among them, applies nothing: no UpdateStack or ExecuteChangeSet call', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    // The seeded stack's values, DatadogAPIKey included (AWS returns it masked: it cannot be compared, so it is sent).
    const file = join(state, 'params.yml');
    writeFileSync(file, ['DatadogAPIKey: "sandbox-not-a-real-datadog-key"', 'FirstUserEmail: "admin@example.com"', 'EnableReports: "false"', 'SentryEnvironment: "prod"'].join('\n') + '\n');
    const before = (await sandboxCalls(endpoint)).length;
    const r = await runJson(['configure', '--params', file, '--yes', '--root-stack', 'panther-root', '--endpoint-url', endpoint, '--region', 'us-east-2', '--state-dir', state]);
    expect(r.code).toBe(0);
    expect(r.of('stage.no-changes')).not.toEqual([]);
    // A no-op change set is not previewed as changes: deleted, never executed.
    expect(r.of('stage.preview')).toEqual([]);
    expect(r.events.at(-1)).toMatchObject({ code: 'configure.done', data: { changed: false, stagesApplied: [] } });
    const calls = (await sandboxCalls(endpoint)).slice(before);
    expect(mutations(calls)).toEqual([]);
    // The change set it made to find out was deleted again.
    expect(calls.filter((c) => c.action === 'CreateChangeSet' && c.outcome === 'ok')).toHaveLength(1);
    expect(calls.filter((c) => c.action === 'DeleteChangeSet' && c.outcome === 'ok')).toHaveLength(1);
  });
});

describe('a rollback stuck in UPDATE_ROLLBACK_FAILED inside a nested stack', () => {
  async function stuck(): Promise<{ endpoint: string; state: string; skips: string[] }> {
    const endpoint = await sandbox();
    const state = tempDir();
    await setFaults(endpoint, [
      { kind: 'fail-resource', stack: 'panther-root', logicalId: 'WebFunction', version: 'v1.26.9' },
      { kind: 'fail-rollback', stack: 'panther-root', version: 'v1.26.9' },
    ]);
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)]);
    expect([r.code, r.error?.code]).toEqual([4, 'rollback-failed']);
    await clearFaults(endpoint);
    const diag = await runJson(['diagnose', ...conn(endpoint, state).slice(0, 4)]);
    expect(diag.code).toBe(4);
    const d = diag.document as { status: string; suggestedSkips: string[]; rollbackFailures: { resourcePath: string }[] };
    expect(d.status).toBe('UPDATE_ROLLBACK_FAILED');
    expect(d.rollbackFailures.map((f) => f.resourcePath)).toEqual(['Web.WebFunction']);
    return { endpoint, state, skips: d.suggestedSkips };
  }

  it('diagnose prints the ResourcesToSkip string AWS takes, and the AWS CLI accepts it', async () => {
    const { endpoint, skips } = await stuck();
    expect(skips).toEqual([expect.stringMatching(/^panther-root-Web-[A-Z0-9]{12}\.WebFunction$/)]);
    const cli = await awsCli(endpoint, ['cloudformation', 'continue-update-rollback', '--stack-name', 'panther-root', '--resources-to-skip', ...skips]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
  });

  it('recover --skip with that exact string recovers it end to end, and resume finishes the upgrade', async () => {
    const { endpoint, state, skips } = await stuck();
    // Without --json diagnose exits the same and prints that `pantherctl recover --skip` line
    // (the line itself: src/cli/commands/diagnose.test.ts).
    const text = await runCli(['diagnose', ...conn(endpoint, state).slice(0, 4)]);
    expect([text.code, text.stderr]).toEqual([4, '']);
    const rec = await runJson(['recover', '--skip', skips[0]!, ...conn(endpoint, state)]);
    expect(rec.code).toBe(0);
    expect(rec.of('step.start').at(0)?.data).toMatchObject({ step: 'continue-rollback', stack: 'panther-root', resourcesToSkip: skips });
    expect(rec.of('recover.skip-translated')).toEqual([]);
    expect(rec.of('recover.done').map((e) => e.data)).toMatchObject([{ stack: 'panther-root', finalStatus: 'UPDATE_ROLLBACK_COMPLETE' }]);
    const calls = await sandboxCalls(endpoint);
    expect(calls.filter((c) => c.action === 'ContinueUpdateRollback').map((c) => c.outcome)).toEqual(['ok']);
    expect((await runJson(['status', ...conn(endpoint, state).slice(0, 4)])).document).toMatchObject({ rootStack: { status: 'UPDATE_ROLLBACK_COMPLETE' } });
    const resumed = await runJson(['resume', ...conn(endpoint, state)]);
    expect(resumed.code).toBe(0);
    expect(resumed.events.at(-1)).toMatchObject({ code: 'upgrade.done', data: { to: 'v1.26.9' } });
  });

  it('recover --skip Web.WebFunction (the logical-id path) is translated through the live nested stack, and says what it sent', async () => {
    const { endpoint, state, skips } = await stuck();
    const rec = await runJson(['recover', '--skip', 'Web.WebFunction', ...conn(endpoint, state)]);
    expect(rec.code).toBe(0);
    expect(rec.of('recover.skip-translated').map((e) => e.data)).toEqual([{ given: 'Web.WebFunction', sent: skips[0] }]);
    expect(rec.of('step.start').at(0)?.data).toMatchObject({ resourcesToSkip: skips });
  });
});
