/**
 * Issue 11: one preflight, run by `pantherctl preflight` and first by `upgrade`. For each new
 * check, the injected condition fails a real update without the check (accepted, or the
 * guard off) and is refused with it before the first mutating call (the sandbox call log).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, DeleteStackCommand, DescribeStackDriftDetectionStatusCommand, DescribeStacksCommand, DetectStackDriftCommand } from '@aws-sdk/client-cloudformation';
import { waitForStack } from '../../sandbox/test-support/clients.js';
import { events, nested, updateRoot } from '../../sandbox/test-support/fidelity.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.js';
import { readJournal } from '../../journal/journal.js';
import type { JournalEntry } from '../../journal/entry.js';
import { buildIamPolicy } from '../../deployments/iam/iam-policy.js';
import { allowingStatements } from '../../deployments/iam/test-support/policy-eval.js';
import { PREFLIGHT_CHECKS } from '../../deployments/preflight/checks.js';
import { conn, installCredentials, runJson, sandboxCalls, setFaults, tempDir, type SandboxCall } from '../test-support/harness.js';

const SPEED = 400;
type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandboxes: Sandbox[] = [];

async function sandbox(extra: Parameters<typeof startSandbox>[0] = {}): Promise<string> {
  const sb = await startSandbox({ port: 0, speed: SPEED, region: 'us-east-2', version: 'v1.25.18', seed: 11, ...extra });
  sandboxes.push(sb);
  return sb.endpoint;
}

beforeAll(() => installCredentials());
afterEach(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  sandboxes = [];
});

/** Every call that changes something in the account. */
const MUTATING = new Set(['CreateStack', 'UpdateStack', 'DeleteStack', 'CreateChangeSet', 'ExecuteChangeSet', 'DeleteChangeSet', 'ContinueUpdateRollback', 'CancelUpdateStack', 'UpdateTerminationProtection', 'SetStackPolicy', 'StartBuild', 'PutObject']);
const mutatingCalls = (calls: SandboxCall[]): SandboxCall[] => calls.filter((c) => MUTATING.has(c.action));
/** Flags of the preflight command (it keeps no journal: no --state-dir). */
const at = (endpoint: string): string[] => conn(endpoint, '').slice(0, 4);

function journalOf(stateDir: string): JournalEntry[] {
  const dir = join(stateDir, 'journal');
  const file = readdirSync(dir).find((f) => f.endsWith('.ndjson'));
  if (!file) throw new Error(`no journal in ${dir}`);
  return readJournal(join(dir, file));
}

/** `iam-policy` allows each successful call of the log (cloudformation on its stack, the rest on '*' or their own resource). */
function deniedBy(calls: SandboxCall[]): string[] {
  const policy = buildIamPolicy({ account: '123456789012', region: 'us-east-2' });
  const denied = new Set<string>();
  for (const c of calls.filter((x) => x.outcome === 'ok')) {
    const action = `${c.service}:${c.action}`;
    const resource =
      c.service === 'cloudformation' && c.stack
        ? `arn:aws:cloudformation:us-east-2:123456789012:stack/${c.stack.replace(/^arn:.*:stack\/([^/]+)\/.*$/, '$1')}/id`
        : c.service === 'codebuild'
          ? `arn:aws:codebuild:us-east-2:123456789012:project/${c.project ?? 'panther-pulumi'}`
          : c.service === 's3'
            ? 'arn:aws:s3:::panther-enterprise-us-east-2/v1.28.7/panther.yml'
            : '*';
    if (allowingStatements(policy, action, resource).length === 0) denied.add(`${action} on ${resource}`);
  }
  return [...denied];
}

describe('pantherctl preflight', () => {
  it('passes against a clean sandbox with every check listed, changes nothing, and iam-policy covers its calls', async () => {
    const endpoint = await sandbox();
    const r = await runJson(['preflight', '--to', 'v1.28.7', '--account', '123456789012', ...at(endpoint)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = r.of('preflight.result')[0]?.data as { passed: boolean; hops: string[]; checks: { id: string; class: string; ok: boolean }[] };
    expect(result).toMatchObject({ passed: true, from: 'v1.25.18', to: 'v1.28.7', hops: ['v1.26.9', 'v1.27.8', 'v1.28.7'] });
    // Listed: every declared check but those that only speak when their input is there
    // (a saved plan, the catalog's manual steps and notes) or when they fail (digest, parse).
    const quiet = new Set(['saved-plan', 'manual-step', 'note', 'template-digest', 'template-parse']);
    const listed = new Set(result.checks.map((c) => c.id));
    expect([...listed].sort()).toEqual(Object.keys(PREFLIGHT_CHECKS).filter((id) => !quiet.has(id)).sort());
    for (const c of result.checks) expect(c.class).toBe(PREFLIGHT_CHECKS[c.id as keyof typeof PREFLIGHT_CHECKS].class);
    // Termination protection is off on the seeded stack: an advisory warning, not a failure.
    expect(result.checks.find((c) => c.id === 'termination-protection')).toMatchObject({ class: 'advisory', ok: true, severity: 'warning' });
    const calls = await sandboxCalls(endpoint);
    expect(mutatingCalls(calls)).toEqual([]);
    expect(calls.some((c) => c.service === 'lambda' && c.action === 'GetAccountSettings' && c.outcome === 'ok')).toBe(true);
    expect(deniedBy(calls)).toEqual([]);
  });

  it('refuses bad --accept values before any AWS call', async () => {
    const endpoint = await sandbox();
    for (const [flag, id] of [
      ['lambda-concurrency', 'lambda-concurrency'],
      ['root-stack-name=because', 'root-stack-name'],
      ['nonsense=x', 'nonsense'],
    ] as const) {
      const r = await runJson(['preflight', '--accept', flag, ...at(endpoint)]);
      expect(r.code).toBe(2);
      expect(r.error).toMatchObject({ code: 'invalid-accept', id });
    }
    expect(await sandboxCalls(endpoint)).toEqual([]);
  });
});

describe('lambda-concurrency (required)', () => {
  // 250 concurrent executions, 130 reserved by the seeded deployment (40 + 50 + 40): 120
  // unreserved. Raising MessageForwarderReservedConcurrency to 100 would leave 70 < 100.
  const raise = ['--param', 'MessageForwarderReservedConcurrency=100'];

  it('without the check (accepted), the update fails with Lambda\'s message and rolls back; the reason is journaled', async () => {
    const endpoint = await sandbox({ lambdaConcurrencyLimit: 250 });
    const state = tempDir();
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...raise, '--accept', 'lambda-concurrency=quota increase approved in case 123', ...conn(endpoint, state)]);
    expect(r.code).toBe(4);
    expect(r.error).toMatchObject({ code: 'stack-rolled-back', hop: 'v1.26.9', step: 'execute-change-set', finalStatus: 'UPDATE_ROLLBACK_COMPLETE' });
    const cause = r.error?.rootCause as { logicalId?: string; reason?: string };
    expect(cause.logicalId).toBe('MessageForwarderFunction');
    expect(cause.reason).toContain("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].");
    expect(cause.reason).toContain('HandlerErrorCode: InvalidRequest');
    const accepted = r.of('preflight.check').find((e) => e.data?.id === 'lambda-concurrency');
    expect(accepted?.data).toMatchObject({ class: 'required', ok: true, severity: 'warning', accepted: { reason: 'quota increase approved in case 123' }, data: { limit: 250, unreserved: 120, minimum: 100, unreservedAfter: 70 } });
    expect(journalOf(state).find((e) => e.type === 'run.start')).toMatchObject({ accepted: [{ id: 'lambda-concurrency', reason: 'quota increase approved in case 123' }] });
  });

  it('with the check, the upgrade is refused before any mutating call', async () => {
    const endpoint = await sandbox({ lambdaConcurrencyLimit: 250 });
    const state = tempDir();
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...raise, ...conn(endpoint, state)]);
    expect(r.code).toBe(1);
    expect(r.error).toMatchObject({ code: 'preflight-failed' });
    expect(r.error?.failures).toEqual([expect.objectContaining({ id: 'lambda-concurrency', class: 'required', hop: 'v1.26.9' })]);
    expect(r.error?.hint).toContain('--accept lambda-concurrency=REASON');
    const failed = r.of('preflight.check').find((e) => e.data?.id === 'lambda-concurrency' && e.data.ok === false);
    expect(failed?.data).toMatchObject({ data: { limit: 250, unreserved: 120, minimum: 100, reservedNow: 130, reservedAfter: 180, unreservedAfter: 70, parameters: { MessageForwarderReservedConcurrency: 100 } } });
    const calls = await sandboxCalls(endpoint);
    expect(mutatingCalls(calls)).toEqual([]);
    expect(calls.filter((c) => c.action === 'GetAccountSettings')).toHaveLength(1);
    // The same figures from `pantherctl preflight`, exit 1.
    const pf = await runJson(['preflight', '--to', 'v1.26.9', ...raise, ...at(endpoint)]);
    expect(pf.code).toBe(1);
    expect(pf.of('preflight.result')[0]?.data).toMatchObject({ passed: false });
    expect(mutatingCalls(await sandboxCalls(endpoint))).toEqual([]);
  });

  it('deploy and configure run the check first: refused before any mutating call, and a configure accepted fails on Lambda', async () => {
    // A first deploy with the template's defaults reserves 130: on a 200 account, 70 would be left.
    const empty = await sandbox({ empty: true, lambdaConcurrencyLimit: 200 });
    const dir = tempDir();
    const file = join(dir, 'params.yml');
    writeFileSync(file, 'FirstUserEmail: admin@example.com\nPulumiSecretArn: arn:aws:secretsmanager:us-east-2:123456789012:secret:pulumi-token\nPulumiSecretKeyArn: arn:aws:secretsmanager:us-east-2:123456789012:secret:pulumi-key\n');
    const d = await runJson(['deploy', '--version', 'v1.28.7', '--root-stack', 'panther-root', '--params', file, '--yes', ...conn(empty, dir)]);
    expect(d.code).toBe(1);
    expect(d.error).toMatchObject({ code: 'preflight-failed', failures: [expect.objectContaining({ id: 'lambda-concurrency' })] });
    expect(mutatingCalls(await sandboxCalls(empty))).toEqual([]);

    // configure raising a reservation past what the account has left.
    const seeded = await sandbox({ lambdaConcurrencyLimit: 250 });
    const state = tempDir();
    const raiseFile = join(state, 'raise.yml');
    writeFileSync(raiseFile, 'MessageForwarderReservedConcurrency: "100"\n');
    const c = await runJson(['configure', '--params', raiseFile, '--yes', '--root-stack', 'panther-root', ...conn(seeded, state)]);
    expect(c.code).toBe(1);
    expect(c.error).toMatchObject({ code: 'preflight-failed', failures: [expect.objectContaining({ id: 'lambda-concurrency', class: 'required' })] });
    expect(mutatingCalls(await sandboxCalls(seeded))).toEqual([]);
    const accepted = await runJson(['configure', '--params', raiseFile, '--yes', '--root-stack', 'panther-root', '--accept', 'lambda-concurrency=testing the failure', ...conn(seeded, state)]);
    expect(accepted.code).toBe(4);
    expect(JSON.stringify(accepted.error)).toContain('below its minimum value of [100]');
    expect(journalOf(state).find((e) => e.type === 'run.start')).toMatchObject({ command: 'configure', accepted: [{ id: 'lambda-concurrency', reason: 'testing the failure' }] });
  });

  it('an account whose whole limit is under 100 keeps all of it unreserved ([50])', async () => {
    const endpoint = await sandbox({ empty: true, lambdaConcurrencyLimit: 50 });
    // Reported by GetAccountSettings as the accounts quoted in public issues show it.
    const r = await fetch(`${endpoint}/2016-08-19/account-settings`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-2/lambda/aws4_request, SignedHeaders=host, Signature=x' } });
    expect(await r.json()).toMatchObject({ AccountLimit: { ConcurrentExecutions: 50, UnreservedConcurrentExecutions: 50 }, AccountUsage: { FunctionCount: 0 } });
  });
});

describe('termination-protection (advisory)', () => {
  it('off: a delete-stack removes the deployment; --enable-termination-protection turns it on (journaled) before the first change, and DeleteStack is refused', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const cfn = new CloudFormationClient({ region: 'us-east-2', endpoint, credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' } });
    try {
      const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', '--enable-termination-protection', ...conn(endpoint, state)]);
      expect(r.code).toBe(0);
      expect(r.of('preflight.check').find((e) => e.data?.id === 'termination-protection')?.data).toMatchObject({ class: 'advisory', ok: true, severity: 'info' });
      expect(r.of('preflight.termination-protection')[0]?.data).toEqual({ stack: 'panther-root' });
      const calls = await sandboxCalls(endpoint);
      const protect = calls.findIndex((c) => c.action === 'UpdateTerminationProtection' && c.outcome === 'ok');
      const firstChange = calls.findIndex((c) => MUTATING.has(c.action) && c.action !== 'UpdateTerminationProtection' && c.action !== 'CreateChangeSet' && c.action !== 'DeleteChangeSet');
      expect(protect).toBeGreaterThan(-1);
      expect(protect).toBeLessThan(firstChange);
      expect(deniedBy(calls)).toEqual([]);
      expect(journalOf(state).find((e) => e.type === 'run.start')).toMatchObject({ enableTerminationProtection: true });
      const described = await cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }));
      expect(described.Stacks?.[0]?.EnableTerminationProtection).toBe(true);
      await expect(cfn.send(new DeleteStackCommand({ StackName: 'panther-root' }))).rejects.toMatchObject({ name: 'ValidationError', message: 'Stack [panther-root] cannot be deleted while TerminationProtection is enabled' });
      // Now on: preflight reports it without a warning.
      const pf = await runJson(['preflight', '--to', 'v1.26.9', ...at(endpoint)]);
      expect(pf.of('preflight.check').find((e) => e.data?.id === 'termination-protection')?.data).toMatchObject({ ok: true, severity: 'info' });
      // Without it (the role stack is unprotected), nothing stops a mistaken delete.
      await cfn.send(new DeleteStackCommand({ StackName: 'panther-deployment-role' }));
    } finally {
      cfn.destroy();
    }
  });
});

describe('drift (required) and drift-deleted (strict): root, every nested stack, the role stack', () => {
  const cfnOf = (endpoint: string): CloudFormationClient => new CloudFormationClient({ region: 'us-east-2', endpoint, credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' } });
  const modified = { kind: 'drift', stack: 'panther-root', logicalId: 'WebFunction', property: 'MemorySize', value: 1024 };

  it('MODIFIED, without the check (accepted): the update silently reverts the change made by hand', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    await setFaults(endpoint, [modified]);
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', '--accept', 'drift=memory bump during incident 42 is not needed', ...conn(endpoint, state)]);
    expect(r.code).toBe(0);
    expect(r.of('preflight.check').find((e) => e.data?.id === 'drift')?.data).toMatchObject({ class: 'required', ok: true, accepted: { reason: 'memory bump during incident 42 is not needed' } });
    expect(journalOf(state).find((e) => e.type === 'run.start')).toMatchObject({ accepted: [{ id: 'drift', reason: 'memory bump during incident 42 is not needed' }] });
    // The hand change is gone: the Web stack is back in sync with its template.
    const cfn = cfnOf(endpoint);
    try {
      const web = await nested(cfn, 'Web');
      const id = (await cfn.send(new DetectStackDriftCommand({ StackName: web.id }))).StackDriftDetectionId;
      expect((await cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: id }))).StackDriftStatus).toBe('IN_SYNC');
    } finally {
      cfn.destroy();
    }
  });

  it('MODIFIED, with the check: refused before any mutating call, with the property difference; every stack of the tree was looked at', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    await setFaults(endpoint, [modified]);
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)]);
    expect(r.code).toBe(1);
    expect(r.error?.failures).toEqual([expect.objectContaining({ id: 'drift', class: 'required' })]);
    const failed = r.of('preflight.check').find((e) => e.data?.id === 'drift' && e.data.ok === false);
    expect(failed?.data?.data).toMatchObject({ logicalId: 'WebFunction', resourceType: 'AWS::Lambda::Function', status: 'MODIFIED', differences: [{ path: '/MemorySize', expected: '512', actual: '1024', type: 'NOT_EQUAL' }] });
    const calls = await sandboxCalls(endpoint);
    expect(mutatingCalls(calls)).toEqual([]);
    // Root, its four nested stacks (Bootstrap, Core, LogAnalysis, Web) and the role stack.
    const detected = calls.filter((c) => c.action === 'DetectStackDrift' && c.outcome === 'ok').map((c) => c.stack ?? '');
    expect(detected).toHaveLength(6);
    expect(detected).toEqual(expect.arrayContaining(['panther-root', 'panther-deployment-role', expect.stringMatching(/:stack\/panther-root-Web-/)]));
    expect(deniedBy(calls)).toEqual([]);
  });

  it('DELETED: a raw update fails on the missing resource; pantherctl refuses before any mutating call, and it cannot be accepted', async () => {
    const deleted = { kind: 'drift', stack: 'panther-root', logicalId: 'WebFunction', deleted: true };
    // Without the check: the update that touches the deleted function fails and rolls back.
    const raw = await sandbox();
    await setFaults(raw, [deleted]);
    const cfn = cfnOf(raw);
    try {
      await updateRoot(cfn, 'v1.26.9');
      expect((await waitForStack(cfn, 'panther-root', { timeoutMs: 60_000 })).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
      const web = await nested(cfn, 'Web');
      const failed = (await events(cfn, web.id)).find((e) => e.LogicalResourceId === 'WebFunction' && e.ResourceStatus === 'UPDATE_FAILED');
      expect(failed?.ResourceStatusReason).toContain('HandlerErrorCode: NotFound');
    } finally {
      cfn.destroy();
    }
    // With it.
    const endpoint = await sandbox();
    const state = tempDir();
    await setFaults(endpoint, [deleted]);
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(endpoint, state)]);
    expect(r.code).toBe(1);
    expect(r.error?.failures).toEqual([expect.objectContaining({ id: 'drift-deleted', class: 'strict' })]);
    expect(mutatingCalls(await sandboxCalls(endpoint))).toEqual([]);
    const accept = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', '--accept', 'drift-deleted=please', ...conn(endpoint, state)]);
    expect(accept.code).toBe(2);
    expect(accept.error).toMatchObject({ code: 'invalid-accept', id: 'drift-deleted' });
  });
});
