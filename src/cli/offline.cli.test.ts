import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './test-support/run-cli.js';

const SPEC_RECOMMENDED = [
  'v1.23.5', 'v1.24.12', 'v1.25.18', 'v1.26.9', 'v1.27.8', 'v1.28.7', 'v1.29.3', 'v1.30.5', 'v1.31.1',
  'v1.32.7', 'v1.33.5', 'v1.34.18', 'v1.35.7', 'v1.36.0', 'v1.37.11', 'v1.38.5', 'v1.39.7',
];

function expectOneLineError(stderr: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^pantherctl: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('pantherctl plan (built binary)', () => {
  it('plans the README example offline: every minor from 1.24 to 1.39, once, ending at latest', () => {
    const r = runCli(['plan', '--from', 'v1.23.5', '--to', 'latest']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Upgrade plan v1.23.5 → v1.39.7: 16 hops');
    for (const v of SPEC_RECOMMENDED.slice(1)) expect(r.stdout).toContain(v);
    expect(r.stdout).toContain('https://panther-enterprise-us-east-1.s3.amazonaws.com/v1.24.12/panther.yml');
  });

  it('prints the JSON contract of issue 2', () => {
    const r = runCli(['plan', '--from', 'v1.25.1', '--to', 'v1.28.7', '--region', 'us-east-2', '--json']);
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.from).toBe('v1.25.1');
    expect(plan.to).toBe('v1.28.7');
    expect(plan.catalogSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.hops.map((h: { version: string }) => h.version)).toEqual(['v1.26.9', 'v1.27.8', 'v1.28.7']);
    const [first] = plan.hops;
    expect(first.reason).toMatch(/1\.26/);
    expect(first.rootTemplateUrl).toBe('https://panther-enterprise-us-east-2.s3.amazonaws.com/v1.26.9/panther.yml');
    expect(first.roleTemplateUrl).toBe('https://panther-public-cloudformation-templates.s3.amazonaws.com/panther-deployment-role/v1.26.9/template.yml');
    expect(first.postDeploy.join(' ')).toContain('panther-pulumi');
    expect(Array.isArray(first.notes)).toBe(true);
  });

  it('accepts every spelling of a version the issue names', () => {
    for (const to of ['v1.28.7', '1.28.7', '1.28', '1.28.x', 'latest']) {
      const r = runCli(['plan', '--from', '1.27.8', '--to', to, '--json']);
      expect(r.status, to).toBe(0);
      const last = JSON.parse(r.stdout).hops.at(-1).version;
      expect(last).toBe(to === 'latest' ? 'v1.39.7' : 'v1.28.7');
    }
  });

  it('says "already at" with an empty hop list and exit 0', () => {
    const r = runCli(['plan', '--from', 'v1.28.7', '--to', '1.28', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).hops).toEqual([]);
    const human = runCli(['plan', '--from', 'v1.28.7', '--to', 'v1.28.7']);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/Already at v1\.28\.7/);
  });

  it('refuses a downgrade with the JSON error contract and exit 1', () => {
    const r = runCli(['plan', '--from', 'v1.30.5', '--to', 'v1.28.7', '--json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.error.code).toBe('downgrade');
    expect(out.error.message).toMatch(/v1\.28\.7/);
  });

  it('refuses a deployment older than the embedded catalog instead of guessing', () => {
    const r = runCli(['plan', '--from', 'v1.20.3', '--to', 'latest']);
    expect(r.status).toBe(1);
    expectOneLineError(r.stderr);
    expect(r.stderr).toMatch(/--catalog/);
  });

  it('covers the spec example 1.10.X to 1.13.X with a catalog file', () => {
    const r = runCli(['plan', '--from', '1.10.2', '--to', '1.13.x', '--catalog', 'src/catalog/fixtures/legacy-catalog.yml', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const hops = JSON.parse(r.stdout).hops.map((h: { version: string }) => h.version);
    expect(hops.map((v: string) => v.split('.').slice(0, 2).join('.'))).toEqual(['v1.11', 'v1.12', 'v1.13']);
  });

  it('writes the plan artifact with --out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pantherctl-plan-'));
    const out = join(dir, 'plan.json');
    const r = runCli(['plan', '--from', 'v1.25.18', '--to', '1.27', '--out', out]);
    expect(r.status).toBe(0);
    const plan = JSON.parse(readFileSync(out, 'utf8'));
    expect(plan.hops.map((h: { version: string }) => h.version)).toEqual(['v1.26.9', 'v1.27.8']);
  });

  it('gives one line and exit 1 for a bad version, a bad region, a missing catalog file', () => {
    for (const args of [
      ['plan', '--from', 'one.two', '--to', 'latest'],
      ['plan', '--from', 'v1.25.1', '--to', 'v1.28.7', '--region', 'mars-north-1'],
      ['plan', '--from', 'v1.25.1', '--to', 'v1.28.7', '--region', 'not a region'],
      ['plan', '--from', 'v1.25.1', '--catalog', '/nonexistent/catalog.yml'],
    ]) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(1);
      expectOneLineError(r.stderr);
    }
  });

  it('points at file:line:col in a broken catalog file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pantherctl-cat-'));
    const file = join(dir, 'catalog.yml');
    writeFileSync(file, 'schemaVersion: 1\nreleases:\n  - version: v1.30.0\n    templates:\n      root: not-a-sha\n');
    const r = runCli(['catalog', 'list', '--catalog', file]);
    expect(r.status).toBe(1);
    expectOneLineError(r.stderr);
    expect(r.stderr).toContain(`${file}:5:`);
  });

  it('gives usage errors exit 2 on one line', () => {
    for (const args of [['plan', '--form', 'v1'], ['plna'], ['plan'], ['sandbox', 'start', '--port', '70000']]) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expectOneLineError(r.stderr);
    }
    const json = runCli(['plan', '--json']);
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout).error.code).toBe('usage');
  });
});

describe('pantherctl urls and catalog list', () => {
  it('prints the spec URLs with the v prefix whatever the spelling', () => {
    const r = runCli(['urls', '--version', '1.25.1', '--region', 'us-east-2', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      version: 'v1.25.1',
      rootTemplateUrl: 'https://panther-enterprise-us-east-2.s3.amazonaws.com/v1.25.1/panther.yml',
      roleTemplateUrl: 'https://panther-public-cloudformation-templates.s3.amazonaws.com/panther-deployment-role/v1.25.1/template.yml',
    });
  });

  it('lists the 17 recommended releases of the spec', () => {
    const r = runCli(['catalog', 'list', '--json']);
    expect(r.status).toBe(0);
    const versions = JSON.parse(r.stdout).releases.map((x: { version: string }) => x.version);
    expect([...versions].sort()).toEqual([...SPEC_RECOMMENDED].sort());
  });
});

describe('start-up cost', () => {
  it('does not load the AWS SDK, zod or yaml for an offline plan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pantherctl-mods-'));
    const log = join(dir, 'loaded.txt');
    writeFileSync(log, '');
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const r = await next(specifier, context);\n  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');\n  return r;\n}\n`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);
    // bin/pantherctl.js is CommonJS and require()s the bundle: that load goes past the hooks.
    const preload = join(dir, 'preload.cjs');
    writeFileSync(
      preload,
      `const Module = require('node:module');\nconst { appendFileSync } = require('node:fs');\nconst { isAbsolute } = require('node:path');\nconst { pathToFileURL } = require('node:url');\nconst load = Module._load;\nModule._load = function (request, parent, isMain) {\n  const file = Module._resolveFilename(request, parent, isMain);\n  if (isAbsolute(file)) appendFileSync(${JSON.stringify(log)}, pathToFileURL(file).href + '\\n');\n  return load.apply(this, arguments);\n};\n`,
    );
    const r = runCli(['plan', '--from', 'v1.23.5', '--to', 'latest'], { nodeArgs: ['--require', preload, '--import', register] });
    expect(r.status).toBe(0);
    const loaded = new Set(readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u)));
    // The CLI is one bundle: zod, yaml and the AWS SDK live in chunks loaded only through
    // `import()` (scripts/bundle-cli.test.ts checks which), so an offline plan must load the
    // bundle's start chunks and nothing else: no node_modules, no dynamically imported chunk.
    const entry = join(REPO_ROOT, 'dist', 'bin', 'pantherctl.js');
    const start = new Set<string>();
    const walk = (file: string): void => {
      if (start.has(file)) return;
      start.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+)"/g)) walk(join(dirname(file), m[1]!));
    };
    walk(entry);
    expect(start.has(entry)).toBe(true);
    loaded.delete(join(REPO_ROOT, 'bin', 'pantherctl.js'));
    expect([...loaded].sort()).toEqual([...start].sort());
  });
});

describe('pantherctl params', () => {
  const CANARY = 'CANARY-dd-key-5f1c9a';
  const file = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'pantherctl-params-'));
    const f = join(dir, 'params.yml');
    writeFileSync(
      f,
      [
        'FirstUserEmail: admin@example.com',
        'DataLakeForwarderMemory: 4096',
        `DatadogAPIKey: ${CANARY}`,
        'DatadogEnabled: "true"',
        'AirgapSubnetOneIPRange: 10.0.0.0/24',
        'AirgapSubnetTwoIPRange: 10.0.0.128/25',
        'DataLakeForwarderMemry: 512',
      ].join('\n'),
    );
    return f;
  };

  it('validates with the JSON contract, file positions, did-you-mean, and exit 1', () => {
    const f = file();
    const r = runCli(['params', 'validate', f, '--json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.valid).toBe(false);
    expect(out.errors).toContainEqual(expect.objectContaining({ parameter: 'DataLakeForwarderMemory', code: 'above-max-value', line: 2, column: 26 }));
    expect(out.errors).toContainEqual(expect.objectContaining({ parameter: 'DataLakeForwarderMemry', code: 'unknown-parameter', line: 7 }));
    expect(out.errors.find((e: { code: string }) => e.code === 'unknown-parameter').message).toMatch(/did you mean DataLakeForwarderMemory/);
    expect(out.errors.map((e: { code: string }) => e.code)).toContain('airgap-overlap');
    expect(Array.isArray(out.warnings)).toBe(true);
  });

  it('never prints a secret value, in either output mode, even when it is overridden by --param', () => {
    const f = file();
    for (const extra of [[], ['--json'], ['--param', `DatadogAPIKey=${CANARY}x`], ['--param', `DatadogApiKy=${CANARY}`]]) {
      const r = runCli(['params', 'validate', f, ...extra]);
      expect(r.stdout + r.stderr).not.toContain(CANARY);
    }
  });

  it('exits 0 with only warnings, and --param overrides a file value', () => {
    const r = runCli(['params', 'validate', 'examples/first-deploy.yml', '--first-deploy', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).valid).toBe(true);
    const bad = runCli(['params', 'validate', 'examples/first-deploy.yml', '--first-deploy', '--param', 'FirstUserEmail=nobody', '--json']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).errors[0]).toMatchObject({ parameter: 'FirstUserEmail', code: 'invalid-email' });
  });

  it('gives one line for an unreadable or malformed file and for a bad --param', () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'pantherctl-broken-')), 'broken.yml');
    writeFileSync(broken, 'a: [1\n');
    for (const [args, code] of [
      [['params', 'validate', '/nonexistent.yml'], 1],
      [['params', 'validate', broken], 1],
      [['params', 'validate', 'examples/first-deploy.yml', '--param', 'NoEquals'], 2],
      [['params', 'explain', 'DataLakeForwarderMemry'], 1],
    ] as const) {
      const r = runCli([...args]);
      expect(r.status, args.join(' ')).toBe(code);
      expectOneLineError(r.stderr);
    }
  });

  it('explains every parameter as a table, and one in full', () => {
    const all = runCli(['params', 'explain', '--json']);
    expect(all.status).toBe(0);
    const names = JSON.parse(all.stdout).parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['FirstUserEmail', 'PulumiSecretArn', 'DataLakeForwarderMemory', 'SegmentEnvironment', 'Segment']));
    const one = runCli(['params', 'explain', 'DataLakeForwarderMemory']);
    expect(one.stdout).toMatch(/256/);
    expect(one.stdout).toMatch(/2048/);
    const table = runCli(['params', 'explain']);
    expect(table.stdout.split('\n').length).toBeGreaterThan(names.length);
  });
});

describe('README', () => {
  it('opens with the install-and-run command and the test command, and the run part works offline', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const [first, second] = block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim());
    expect(first).toMatch(/^npm ci && node bin\/pantherctl\.js /);
    expect(second).toBe('npm test');
    // npm ci has already run for this test; run the rest of the first command as written.
    const args = first!.replace(/^npm ci && node bin\/pantherctl\.js /, '').split(/\s+/);
    const r = runCli(args);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Upgrade plan .* → v1\.39\.7/);
  });
});

describe('pantherctl sandbox start refusals', () => {
  it('refuses a version it has no templates for, and an unusable state file, on one line', () => {
    const r = runCli(['sandbox', 'start', '--port', '0', '--version', 'v9.9.9']);
    expect(r.status).toBe(2);
    expectOneLineError(r.stderr);
    const dir = mkdtempSync(join(tmpdir(), 'pantherctl-sb-'));
    const notADir = join(dir, 'file');
    writeFileSync(notADir, '');
    const s = runCli(['sandbox', 'start', '--port', '0', '--state-file', join(notADir, 'state.json')]);
    expect(s.status).toBe(1);
    expectOneLineError(s.stderr);
  });
});
