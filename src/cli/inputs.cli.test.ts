/**
 * Issue 9, failures 7, 8, 9, 10 and 13: inputs that looked like bugs. Each case runs the CLI's
 * `main()` in this process (a few spawn the built binary), and the commands that talk to AWS
 * talk to an in-process sandbox whose call log proves a refusal came before any AWS call.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin } from '../sandbox/test-support/clients.js';
import { useSandbox } from '../sandbox/test-support/use-sandbox.js';
import { BIN, REPO_ROOT } from './test-support/run-cli.js';
import { runMain, type MainRun } from './test-support/run-main.js';

const sandbox = useSandbox({ speed: 1000, region: 'us-east-2', seed: 9 });
const dir = mkdtempSync(join(tmpdir(), 'pantherctl-inputs-'));

beforeAll(() => {
  // The SDK reads credentials from process.env; the sandbox takes any.
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  // A default state directory or pantherctl.yml would be looked up here, never in the repository.
  process.chdir(dir);
});

function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Connection flags to the sandbox. */
function conn(): string[] {
  return ['--endpoint-url', sandbox.endpoint, '--region', 'us-east-2'];
}

async function awsCalls(): Promise<unknown[]> {
  return (await admin<{ calls: unknown[] }>(sandbox.endpoint, 'GET', 'calls')).calls;
}

/** A refusal as the issue asks for it: the exit code, one line on stderr, no stack trace. */
function expectRefused(r: MainRun, code: number, message?: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^pantherctl: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  if (message) expect(lines[0]).toMatch(message);
}

const catalogWith120Aliases = (): string =>
  ['schemaVersion: 1', 'releases:', ...Array.from({ length: 120 }, (_, i) => `  - { version: v1.${i + 1}.0, notes: [${i === 0 ? '&note "read the migration guide"' : '*note'}] }`)].join('\n');

describe('failure 7: YAML aliases in --catalog and --config', () => {
  it('a catalog with 120 aliases of one value works (it exited 70 "Excessive alias count")', async () => {
    const catalog = file('aliases.yml', catalogWith120Aliases());
    const list = await runMain(['catalog', 'list', '--catalog', catalog, '--json']);
    expect(list.code, list.stderr).toBe(0);
    const releases = (JSON.parse(list.stdout) as { releases: { notes: string[] }[] }).releases;
    expect(releases).toHaveLength(120);
    expect(releases.every((r) => r.notes[0] === 'read the migration guide')).toBe(true);
    const plan = await runMain(['plan', '--from', 'v1.1.0', '--to', 'v1.3.0', '--region', 'us-east-2', '--catalog', catalog, '--json']);
    expect(plan.code, plan.stderr).toBe(0);
  });

  it('a catalog past the alias bound is refused: exit 1, one line with file:line:col', async () => {
    const lines = ['schemaVersion: 1', 'releases:', '  - { version: v1.0.0, notes: &n [a, b, c] }'];
    for (let i = 1; i <= 1000; i++) lines.push(`  - { version: v1.${i}.0, notes: *n }`);
    const catalog = file('bomb.yml', lines.join('\n'));
    const r = await runMain(['catalog', 'list', '--catalog', catalog]);
    expectRefused(r, 1, new RegExp(`${catalog}:1003:\\d+: too many aliases`));
    const json = await runMain(['catalog', 'list', '--catalog', catalog, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'invalid-catalog', issues: [{ line: 1003 }] } });
  });

  it('a pantherctl.yml with aliases is read; one past the bound is refused before any AWS call', async () => {
    const config = file('aliases-config.yml', 'region: &region us-east-2\nrootStack: &root panther-root\nendpointUrl: &url ' + sandbox.endpoint + '\n');
    const status = await runMain(['status', '--config', config, '--json']);
    // The sandbox runs v1.25.18: behind, exit 10, read through the aliased settings.
    expect(status.code, status.stderr).toBe(10);
    expect(JSON.parse(status.stdout)).toMatchObject({ rootStack: { name: 'panther-root', version: 'v1.25.18' } });

    const before = (await awsCalls()).length;
    const bomb = file('bomb-config.yml', ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n'));
    const r = await runMain(['status', '--config', bomb, ...conn()]);
    expectRefused(r, 1, new RegExp(`${bomb}:4:\\d+: too many aliases`));
    expect(await awsCalls()).toHaveLength(before);
  });
});

describe('failure 8: files that are not regular, or too large', () => {
  const fifo = join(dir, 'fifo');
  beforeAll(() => execFileSync('mkfifo', [fifo]));

  it.each([
    ['params validate /dev/zero', ['params', 'validate', '/dev/zero'], 1],
    ['catalog list --catalog /dev/zero', ['catalog', 'list', '--catalog', '/dev/zero'], 1],
    ['catalog list --catalog FIFO', ['catalog', 'list', '--catalog', fifo], 1],
    ['params validate FIFO', ['params', 'validate', fifo], 1],
    ['plan --catalog DIR', ['plan', '--from', 'v1.25.1', '--region', 'us-east-2', '--catalog', dir], 1],
  ])('%s: refused at once, with the reason', async (_name, argv, code) => {
    const r = await runMain(argv);
    expectRefused(r, code, /cannot read the .* (it is not a regular file|it is a directory)/);
  });

  it('plan --out FIFO is refused at once (writing to it waited for a reader forever)', async () => {
    expectRefused(await runMain(['plan', '--from', 'v1.25.1', '--region', 'us-east-2', '--out', fifo]), 1, /cannot write the plan to .*fifo: it is not a regular file/);
  });

  it('--config, --plan and --params naming a FIFO or /dev/zero are refused before any AWS call', async () => {
    expectRefused(await runMain(['status', '--config', fifo, ...conn()]), 1, /config file .* not a regular file/);
    expectRefused(await runMain(['upgrade', '--yes', '--plan', '/dev/zero', ...conn()]), 1, /plan \/dev\/zero: it is not a regular file/);
    expectRefused(await runMain(['configure', '--yes', '--params', fifo, ...conn()]), 1, /parameter file .* not a regular file/);
    // params diff: an unreadable file is exit 2, never "different".
    expectRefused(await runMain(['params', 'diff', '--params', '/dev/zero', ...conn()]), 2, /not a regular file/);
    expect(await awsCalls()).toEqual([]);
  });

  it('a file over 5 MB is refused without parsing it', async () => {
    const big = file('big.yml', Buffer.alloc(5 * 1024 * 1024 + 1, 'a'));
    expectRefused(await runMain(['params', 'validate', big]), 1, /larger than 5 MB/);
  });

  it('the built binary does not block on a FIFO (it used to wait forever)', () => {
    const r = spawnSync(process.execPath, [BIN, 'catalog', 'list', '--catalog', fifo], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not a regular file/);
  });
});

describe('failure 9: versions and regions are checked before the first AWS call', () => {
  // [command words, options after the sandbox connection (a later --region wins), exit code, message]
  const cases: [string, string[], number, RegExp][] = [
    ['status', ['--current', 'garbage'], 1, /--current "garbage" is not a Panther version/],
    ['upgrade', ['--yes', '--current', 'garbage'], 1, /--current "garbage" is not a Panther version/],
    ['resume', ['--current', 'garbage'], 1, /--current "garbage" is not a Panther version/],
    ['upgrade', ['--yes', '--to', 'garbage'], 1, /--to "garbage" is not a Panther version/],
    ['deploy', ['--yes', '--version', 'garbage', '--root-stack', 'panther-new', '--params', '/dev/null'], 1, /--version "garbage" is not a Panther version/],
    ['status', ['--region', 'mars-1'], 1, /"mars-1" is not an AWS region name/],
    ['diagnose', ['--region', 'mars-1'], 1, /"mars-1" is not an AWS region name/],
    ['recover', ['--region', 'mars-1'], 1, /"mars-1" is not an AWS region name/],
    ['configure', ['--yes', '--params', '/dev/null', '--region', 'mars-1'], 1, /"mars-1" is not an AWS region name/],
    ['params diff', ['--params', '/dev/null', '--region', 'mars-1'], 2, /"mars-1" is not an AWS region name/],
  ];

  it.each(cases)('%s %j: refused, no AWS call', async (words, options, code, message) => {
    const r = await runMain([...words.split(' '), ...conn(), ...options]);
    expectRefused(r, code, message);
    expect(await awsCalls()).toEqual([]);
  });

  it('offline commands check theirs too: plan, urls, iam-policy, sandbox start', async () => {
    expectRefused(await runMain(['plan', '--from', 'garbage']), 1, /--from "garbage" is not a Panther version/);
    expectRefused(await runMain(['urls', '--version', 'v1.25', '--region', 'us-east-2']), 1, /--version "v1\.25" is not a Panther version/);
    expectRefused(await runMain(['urls', '--version', 'v1.25.1', '--region', 'mars-1']), 1, /"mars-1" is not an AWS region name/);
    expectRefused(await runMain(['iam-policy', '--region', 'mars-1']), 2, /Expected `--region`/);
    expectRefused(await runMain(['sandbox', 'start', '--port', '0', '--version', 'v1.25']), 1, /--version "v1\.25" is not a Panther version/);
    expectRefused(await runMain(['sandbox', 'start', '--port', '0', '--region', 'mars-1']), 1, /"mars-1" is not an AWS region name/);
  });
});

describe('failure 10: parameter handling is linear (times: npm run bench params)', () => {
  const keys = 20_000;
  const large = (): string => file('large.yml', ['DataLakeForwarderMemory: 512', ...Array.from({ length: keys - 1 }, (_, i) => `CustomSetting${i}: value-${i}`)].join('\n'));

  it('params validate of 20,000 keys reports each unknown key once, in file order', async () => {
    const r = await runMain(['params', 'validate', large(), '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { errors: { parameter: string; code: string; line: number }[] };
    expect(doc.errors).toHaveLength(keys - 1);
    expect(doc.errors.every((e, i) => e.code === 'unknown-parameter' && e.parameter === `CustomSetting${i}` && e.line === i + 2)).toBe(true);
  });

  it('params diff of 20,000 keys against a live stack reports each unknown key once (it took 44 s of CPU)', async () => {
    const r = await runMain(['params', 'diff', '--params', large(), '--json', ...conn()]);
    expect(r.code, r.stderr).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; issues: { parameter: string }[] } };
    expect(doc.error.code).toBe('invalid-parameters');
    expect(doc.error.issues).toHaveLength(keys - 1);
    expect(new Set(doc.error.issues.map((i) => i.parameter)).size).toBe(keys - 1);
  });
});

describe('failure 13: no undocumented leniency', () => {
  it('sandbox start --port -0 is refused (it picked a random port)', async () => {
    expectRefused(await runMain(['sandbox', 'start', '--port', '-0']), 2, /Expected `--port` to be a whole number, got "-0"/);
    expectRefused(await runMain(['sandbox', 'start', '--port', '007']), 2, /whole number/);
    expectRefused(await runMain(['sandbox', 'start', '--speed', '1e3']), 2, /Expected `--speed` to be a number/);
  });

  it('empty strings are refused where they mean nothing, before any AWS call', async () => {
    expectRefused(await runMain(['status', ...conn(), '--root-stack', '']), 2, /Expected `--root-stack` to have a value, got an empty string/);
    expectRefused(await runMain(['upgrade', '--yes', ...conn(), '--state-dir', '']), 2, /Expected `--state-dir` to have a value/);
    expectRefused(await runMain(['status', '--config', '', ...conn()]), 2, /Expected `--config` to have a value/);
    expectRefused(await runMain(['params', 'validate', '']), 2, /Expected the FILE argument to have a value/);
    expect(await awsCalls()).toEqual([]);
    // It printed an any-region policy.
    expectRefused(await runMain(['iam-policy', '--region', '']), 2, /Expected `--region` to have a value/);
  });

  it.each(['LATEST', ' v1.39.7 ', '1.28.*', 'V1.28.7'])('the version %j is refused, with what to write instead', async (to) => {
    const r = await runMain(['plan', '--from', 'v1.25.1', '--to', to, '--region', 'us-east-2', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'invalid-version', option: '--to', input: to } });
  });

  it('the documented spellings are read alike, 1.28.X included (the product documentation writes it)', async () => {
    for (const to of ['v1.28.7', '1.28.7', '1.28', '1.28.x', '1.28.X']) {
      const r = await runMain(['plan', '--from', 'v1.27.8', '--to', to, '--region', 'us-east-2', '--json']);
      expect(r.code, to).toBe(0);
      expect((JSON.parse(r.stdout) as { to: string }).to).toBe('v1.28.7');
    }
  });

  it('plan and urls say which region they assumed', async () => {
    const plan = await runMain(['plan', '--from', 'v1.27.8', '--to', 'v1.28.7', '--json']);
    expect(JSON.parse(plan.stdout)).toMatchObject({ region: 'us-east-1', regionAssumed: true, warnings: [expect.stringMatching(/no --region given.*us-east-1/)] });
    const urls = await runMain(['urls', '--version', 'v1.28.7', '--json']);
    expect(JSON.parse(urls.stdout)).toMatchObject({ region: 'us-east-1', regionAssumed: true });
    const human = await runMain(['urls', '--version', 'v1.28.7']);
    expect(human.stderr).toMatch(/^warning: no --region given: the template URLs are for us-east-1/);
    const given = await runMain(['plan', '--from', 'v1.27.8', '--to', 'v1.28.7', '--region', 'us-east-1', '--json']);
    expect(JSON.parse(given.stdout)).not.toHaveProperty('regionAssumed');
    expect((JSON.parse(given.stdout) as { warnings: string[] }).warnings).toEqual([]);
  });

  it('docs/codes.md mentions no `apply` command', () => {
    expect(readFileSync(join(REPO_ROOT, 'docs', 'codes.md'), 'utf8')).not.toMatch(/`apply`|\bapply refuses/);
  });
});
