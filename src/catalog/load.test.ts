import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { embeddedCatalog } from './embedded.js';
import { loadCatalogFile, parseCatalog } from './load.js';
import { FIXTURES_DIR } from './test-support/make-catalog.js';

const SHA = 'a'.repeat(64);

function failure(text: string, file = 'site.yml'): PantherctlError {
  try {
    parseCatalog(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(PantherctlError);
    expect((err as PantherctlError).code).toBe('invalid-catalog');
    expect((err as PantherctlError).source).toBe('user');
    return err as PantherctlError;
  }
  throw new Error('expected the catalog to be refused');
}

describe('parseCatalog', () => {
  it('normalises versions to the v spelling, sorts them and applies defaults', () => {
    const catalog = parseCatalog(
      [
        'schemaVersion: 1',
        'releases:',
        '  - version: 1.25.18',
        '  - version: v1.21.2',
        '    recommended: false',
        '    yanked: { reason: broken role template }',
        '    templates: { root: ' + SHA.toUpperCase() + ' }',
      ].join('\n'),
      'site.yml',
    );
    expect(catalog.source).toBe('site.yml');
    expect(catalog.releases).toEqual([
      { version: 'v1.21.2', recommended: false, yanked: { reason: 'broken role template' }, notes: [], manualSteps: [], pulumiBuild: false, templates: { root: SHA } },
      { version: 'v1.25.18', recommended: true, notes: [], manualSteps: [], pulumiBuild: true, templates: {} },
    ]);
  });

  it('reads JSON, since JSON is YAML', () => {
    const catalog = parseCatalog('{"schemaVersion": 1, "releases": [{"version": "v1.22.0", "pulumiBuild": false}]}', 'site.json');
    expect(catalog.releases[0]).toMatchObject({ version: 'v1.22.0', pulumiBuild: false });
  });

  it('hashes content, not spelling: the embedded list written as a file has the embedded digest', () => {
    const embedded = embeddedCatalog();
    const text = JSON.stringify({
      schemaVersion: 1,
      releases: [...embedded.releases].reverse().map((r) => ({ version: r.version.slice(1), notes: r.notes })),
    });
    expect(parseCatalog(text, 'copy.json').sha256).toBe(embedded.sha256);
  });

  it('points at a bad SHA-256 on line 5', () => {
    const err = failure(['schemaVersion: 1', 'releases:', '  - version: v1.25.18', '    templates:', '      root: deadbeef'].join('\n'));
    expect(err.message).toMatch(/^site\.yml:5:13: releases\[0\]\.templates\.root: expected a SHA-256 digest/);
    expect(err.meta).toMatchObject({ file: 'site.yml', issues: [{ line: 5, column: 13 }] });
  });

  it('points at an unknown key itself', () => {
    const err = failure(['schemaVersion: 1', 'releases:', '  - version: v1.25.18', '    blocked: true'].join('\n'));
    expect(err.message).toBe('site.yml:4:5: releases[0]: unknown key "blocked"');
  });

  it('points at a top-level unknown key', () => {
    expect(failure('schemaVersion: 1\nreleases: []\nextra: 1\n').message).toBe('site.yml:3:1: unknown key "extra"');
  });

  it('points at the map that lacks a required key', () => {
    const err = failure(['schemaVersion: 1', 'releases:', '  - version: v1.25.18', '  - recommended: true'].join('\n'));
    expect(err.message).toBe('site.yml:4:5: releases[1].version: missing required key "version"');
  });

  it('points at a bad version', () => {
    expect(failure('schemaVersion: 1\nreleases:\n  - version: 1.25\n').message).toMatch(/^site\.yml:3:14: releases\[0\]\.version: expected a version such as v1\.25\.18/);
    expect(failure('schemaVersion: 1\nreleases:\n  - version: v1.25\n').message).toMatch(/^site\.yml:3:14: releases\[0\]\.version: expected a version such as v1\.25\.18/);
  });

  it('refuses another schemaVersion', () => {
    expect(failure('schemaVersion: 2\nreleases: []\n').message).toMatch(/^site\.yml:1:16: schemaVersion: expected 1/);
  });

  it('refuses duplicate versions in either spelling, at the second one', () => {
    const err = failure(['schemaVersion: 1', 'releases:', '  - version: v1.25.18', '  - version: 1.25.18'].join('\n'));
    expect(err.message).toBe('site.yml:4:14: releases[1].version: duplicate version v1.25.18 (also releases[0])');
  });

  it('refuses a manual step id used twice anywhere in the catalog, since --ack must be unambiguous', () => {
    const err = failure(
      [
        'schemaVersion: 1',
        'releases:',
        '  - version: v1.20.3',
        '    manualSteps: [{ id: dns, text: add the alias }]',
        '  - version: v1.21.2',
        '    manualSteps:',
        '      - id: dns',
        '        text: again',
      ].join('\n'),
    );
    expect(err.message).toBe('site.yml:7:13: releases[1].manualSteps[0].id: duplicate manual step id "dns" (also in v1.20.3)');
  });

  it('reports YAML syntax errors with their position', () => {
    expect(failure('schemaVersion: 1\nreleases: [\n').message).toMatch(/^site\.yml:\d+:\d+: /);
    expect(failure('schemaVersion: 1\nschemaVersion: 1\nreleases: []\n').message).toMatch(/^site\.yml:2:1: .*unique/);
  });

  it('refuses an empty file and a file that is not a map', () => {
    expect(failure('').message).toBe('site.yml:1:1: the catalog is empty; expected a map with schemaVersion and releases');
    expect(failure('- v1.25.18\n').message).toMatch(/^site\.yml:1:1: expected object/);
  });

  it('counts the other issues in the one-line message and lists them all in meta', () => {
    const err = failure(['schemaVersion: 1', 'releases:', '  - version: nope', '    extra: 1'].join('\n'));
    expect(err.message).toMatch(/\(and 1 more\)$/);
    expect((err.meta.issues as unknown[]).length).toBe(2);
  });
});

describe('parseCatalog: anchors, aliases and nesting (issue 9, failure 7)', () => {
  it('reads a catalog that aliases one note 120 times (it exited 70 with "Excessive alias count")', () => {
    const releases = Array.from({ length: 120 }, (_, i) => `  - { version: v1.${i}.0, notes: [${i === 0 ? '&n "read the migration guide"' : '*n'}] }`);
    const catalog = parseCatalog(['schemaVersion: 1', 'releases:', ...releases].join('\n'), 'site.yml');
    expect(catalog.releases).toHaveLength(120);
    expect(catalog.releases.every((r) => r.notes[0] === 'read the migration guide')).toBe(true);
  });

  it('refuses an expansion past the bound, at the alias that passes it', () => {
    const releases = Array.from({ length: 1001 }, (_, i) => `  - { version: v1.${i}.0, notes: [${i === 0 ? '&n x' : '*n'}] }`);
    const err = failure(['schemaVersion: 1', 'releases:', ...releases].join('\n'));
    expect(err.message).toMatch(/^site\.yml:1003:\d+: too many aliases: the file expands anchors more than 1000 times/);
    expect(err.message).not.toMatch(/\n/);
  });

  it('points at an alias without anchor, a self-containing alias, a map as a key and deep nesting', () => {
    expect(failure('schemaVersion: 1\nreleases: *r\n').message).toBe('site.yml:2:11: alias *r has no anchor &r before it');
    expect(failure('schemaVersion: 1\nreleases: &r [*r]\n').message).toMatch(/^site\.yml:2:15: alias \*r is inside the node it names/);
    expect(failure('schemaVersion: 1\n? [releases]\n: []\n').message).toMatch(/^site\.yml:2:3: a map key must be a plain value/);
    expect(failure(`schemaVersion: 1\nreleases: ${'['.repeat(100_000)}`).message).toMatch(/^site\.yml:2:\d+: the document nests lists and maps more than 64 levels deep$/);
  });
});

describe('parseCatalog at scale', () => {
  it('positions each of 20,000 unknown keys at its own line (it searched the map once per key)', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `extra${i}: x`);
    const err = failure(['schemaVersion: 1', 'releases: []', ...keys].join('\n'));
    const issues = err.meta.issues as { line: number; message: string }[];
    expect(issues).toHaveLength(20_000);
    expect(issues.every((issue, i) => issue.line === i + 3 && issue.message === `unknown key "extra${i}"`)).toBe(true);
  });
});

describe('loadCatalogFile', () => {
  it('loads the legacy fixture catalog (1.10 to 1.23)', () => {
    const catalog = loadCatalogFile(join(FIXTURES_DIR, 'legacy-catalog.yml'));
    const minors = new Set(catalog.releases.map((r) => r.version.split('.').slice(0, 2).join('.')));
    expect([...minors]).toEqual(Array.from({ length: 14 }, (_, i) => `v1.${10 + i}`));
    expect(catalog.releases.at(-1)?.version).toBe('v1.23.5');
    expect(catalog.releases.find((r) => r.version === 'v1.21.2')?.manualSteps.map((s) => s.id)).toEqual(['acm-certificate', 'api-certificate-arn', 'api-dns-alias']);
    expect(catalog.releases.find((r) => r.version === 'v1.22.6')?.pulumiBuild).toBe(true);
    expect(catalog.releases.find((r) => r.version === 'v1.21.2')?.pulumiBuild).toBe(false);
  });

  it('says so when the file cannot be read', () => {
    expect(() => loadCatalogFile('/nonexistent/catalog.yml')).toThrow(expect.objectContaining({ code: 'catalog-unreadable' }));
  });

  it('uses the path it was given in positions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pantherctl-catalog-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{\n  "schemaVersion": 1,\n  "releases": [\n    {"version": "v1.2.3", "templates": {"role": "xyz"}}\n  ]\n}\n');
    expect(() => loadCatalogFile(file)).toThrow(`${file}:4:49: releases[0].templates.role: expected a SHA-256 digest`);
  });
});
