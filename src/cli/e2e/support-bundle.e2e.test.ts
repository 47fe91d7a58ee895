/**
 * `pantherctl support-bundle` against the sandbox: a deployment whose history holds canary
 * secrets in every source the bundle reads (stack parameters, events' reasons, build logs, the
 * journal, environment variables, the config file) gives an archive, unpacked with the system's
 * `tar`, in which no canary appears, and whose redactions.json counts each redactor's hits.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.js';
import { conn, installCredentials, runCli, runJson, setFaults, tempDir } from '../test-support/harness.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandboxes: Sandbox[] = [];

beforeAll(() => installCredentials());
afterEach(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  sandboxes = [];
});

/** Every file under `dir`, by path relative to it. */
function walk(dir: string, base = dir): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) for (const [k, v] of walk(p, base)) out.set(k, v);
    else out.set(p.slice(base.length + 1), readFileSync(p, 'utf8'));
  }
  return out;
}

const CANARY = {
  parameter: 'CANARYparam0123456789abcdef',
  buildLog: 'CANARYbuildlog0123456789abcd',
  eventReason: 'CANARYeventBearer0123456789',
  accessKey: 'AKIACANARY0123456789',
  journal: 'CANARYjournal0123456789abcd',
  env: 'CANARYenv0123456789abcdefgh',
  sessionToken: 'CANARYsession0123456789abcd',
  config: 'CANARYconfig0123456789abcde',
  email: 'canary.operator@example.com',
};

describe('pantherctl support-bundle', () => {
  it('has 0 canaries from any source, and a redaction report', async () => {
    const sb = await startSandbox({ port: 0, speed: 400, region: 'us-east-2', version: 'v1.25.18', seed: 7 });
    sandboxes.push(sb);
    const endpoint = sb.endpoint;
    const state = tempDir();

    // 1. A secret parameter, and a build that prints a secret and fails.
    await setFaults(endpoint, [{ kind: 'fail-build', project: 'panther-pulumi', reason: `Error while executing command: ./deploy.sh. Reason: DD_API_KEY=${CANARY.buildLog} rejected` }]);
    const failed = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', '--param', `DatadogAPIKey=${CANARY.parameter}`, ...conn(endpoint, state)]);
    expect(failed.error?.code).toBe('build-failed');
    expect((await runCli(['resume', '--param', `DatadogAPIKey=${CANARY.parameter}`, ...conn(endpoint, state)])).code).toBe(0);

    // 2. A failed update whose reason quotes a token, an access key and an address.
    await setFaults(endpoint, [{ kind: 'fail-resource', stack: 'panther-root', version: 'v1.27.8', reason: `Invalid request (Authorization: Bearer ${CANARY.eventReason}, key ${CANARY.accessKey}, contact ${CANARY.email})` }]);
    const rolledBack = await runJson(['upgrade', '--to', 'v1.27.8', '--yes', ...conn(endpoint, state)]);
    expect(rolledBack.code).toBe(4);

    // 3. Something a hand or another tool wrote in the journal.
    const journalDir = join(state, 'journal');
    const journalFile = join(journalDir, readdirSync(journalDir).find((f) => f.endsWith('.ndjson'))!);
    const entries = readFileSync(journalFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const runFailed = entries.findLast((e) => e.type === 'run.failed')!;
    runFailed.state = `${String(runFailed.state)} (aws_secret_access_key=${CANARY.journal})`;
    writeFileSync(journalFile, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');

    // 4. A config file with a credential in a URL, and secrets in the environment.
    const config = join(state, 'pantherctl.yml');
    writeFileSync(config, `region: us-east-2\nnotify:\n  - https://hook:${CANARY.config}@hooks.example.com/pantherctl\n`);
    const env = { DD_API_KEY: CANARY.env, AWS_SESSION_TOKEN: CANARY.sessionToken };

    const out = join(tempDir(), 'bundle.tar.gz');
    const r = await runJson(['support-bundle', '--out', out, '--config', config, ...conn(endpoint, state)], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = r.document as { file: string; files: string[]; redactions: Record<string, Record<string, number>>; totals: Record<string, number>; errors: unknown[] };
    expect(doc.file).toBe(out);
    expect(doc.errors).toEqual([]);

    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', out, '-C', dir]);
    const [top] = readdirSync(dir);
    expect(top).toMatch(/^pantherctl-support-\d{8}T\d{6}Z$/);
    const files = walk(join(dir, top!));
    const paths = [...files.keys()].sort();
    expect(paths).toEqual([...doc.files].sort());
    expect(paths).toEqual(
      expect.arrayContaining([
        'manifest.json',
        'environment.json',
        'config/pantherctl.yml',
        'journal/journal.ndjson',
        'redactions.json',
        'stacks/panther-root/stack.json',
        'stacks/panther-root/events.json',
        'stacks/panther-deployment-role/events.json',
      ]),
    );
    expect(paths.some((p) => p.startsWith('stacks/nested/') && p.endsWith('/events.json'))).toBe(true);
    // The root stack's recent change sets (ListChangeSets + DescribeChangeSet), each with a status.
    const changeSets = JSON.parse(files.get('change-sets/recent.json') ?? '{"recent":[]}') as { listed: number; recent: { status: string; changes: unknown[] }[] };
    expect(changeSets.recent.length).toBeGreaterThan(0);
    expect(changeSets.recent.every((c) => c.status.length > 0)).toBe(true);
    const builds = paths.filter((p) => p.startsWith('builds/'));
    expect(builds.length).toBeGreaterThanOrEqual(2);
    const failedBuild = builds.map((p) => JSON.parse(files.get(p)!) as { status: string; failedPhase?: string; logTail: string[] }).find((b) => b.status === 'FAILED');
    expect(failedBuild).toMatchObject({ failedPhase: 'BUILD' });
    expect(failedBuild!.logTail.length).toBeGreaterThan(5);

    // No canary in any file of the unpacked archive.
    const all = [...files.values()].join('\n');
    for (const [source, canary] of Object.entries(CANARY)) expect({ source, hits: all.split(canary).length - 1 }).toEqual({ source, hits: 0 });
    // The environment says which secret variables were set, by name only.
    expect(JSON.parse(files.get('environment.json')!)).toMatchObject({ setButHidden: expect.arrayContaining(['AWS_SESSION_TOKEN', 'DD_API_KEY']) });

    // The report: each redactor's hits per file, as the command printed them.
    const report = JSON.parse(files.get('redactions.json')!) as Record<string, Record<string, number>>;
    expect(report).toEqual(doc.redactions);
    expect(report['config/pantherctl.yml']).toMatchObject({ 'url-credentials': 1 });
    // The failed resource sits in a nested stack; the root's own events quote it too.
    const inEvents = (name: string): number => Object.entries(report).filter(([p]) => p.startsWith('stacks/') && p.endsWith('/events.json')).reduce((n, [, c]) => n + ((c as Record<string, number>)[name] ?? 0), 0);
    for (const name of ['bearer-token', 'aws-access-key-id', 'email']) expect({ name, hits: inEvents(name) > 0 }).toEqual({ name, hits: true });
    // The planted `aws_secret_access_key=...` (counted as the secret variable of that name the
    // environment holds), and the failure reason the run journaled.
    expect(report['journal/journal.ndjson']).toMatchObject({ 'secret-parameter': 1, 'bearer-token': 1, 'aws-access-key-id': 1, email: 1 });
    const buildFile = builds.find((p) => files.get(p)!.includes('"FAILED"'))!;
    expect(report[buildFile]).toMatchObject({ 'datadog-api-key': expect.any(Number) });
    expect(doc.totals.email).toBeGreaterThan(0);

    // --keep-emails keeps the address, and only it.
    const kept = join(tempDir(), 'kept.tar.gz');
    const k = await runJson(['support-bundle', '--out', kept, '--keep-emails', ...conn(endpoint, state)], env);
    expect(k.code).toBe(0);
    expect((k.document as { totals: Record<string, number> }).totals.email).toBeUndefined();
  });

  it('refuses an --out it cannot write, in one line', async () => {
    const sb = await startSandbox({ port: 0, speed: 400, region: 'us-east-2', version: 'v1.25.18', seed: 7 });
    sandboxes.push(sb);
    const r = await runJson(['support-bundle', '--out', '/nonexistent-dir/b.tar.gz', ...conn(sb.endpoint, tempDir())]);
    expect(r.code).toBe(1);
    expect(r.error).toMatchObject({ code: 'cannot-write-file', file: '/nonexistent-dir/b.tar.gz', reason: 'ENOENT' });
  });
});
