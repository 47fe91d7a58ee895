import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedCatalog } from '../catalog/embedded.js';
import { loadCatalogFile } from '../catalog/load.js';
import { FIXTURES_DIR, makeCatalog } from '../catalog/test-support/make-catalog.js';
import { comparePlanInputs } from './compare-plan.js';
import { buildPlan, PULUMI_POST_DEPLOY } from './plan-artifact.js';
import type { Plan } from './plan-artifact.js';
import { planUpgrade } from './plan-upgrade.js';
import { parsePlan } from './read-plan.js';

const legacy = loadCatalogFile(join(FIXTURES_DIR, 'legacy-catalog.yml'));

function plan(from: string, to: string, catalog = embeddedCatalog(), region = 'us-east-1', allowUnlisted = false): Plan {
  return buildPlan(planUpgrade({ from, to, catalog, allowUnlisted }), { region, catalog });
}

describe('buildPlan', () => {
  it('produces the JSON contract of `plan --json`', () => {
    const p = plan('v1.25.1', 'v1.28.7');
    expect(Object.keys(p)).toEqual(expect.arrayContaining(['from', 'to', 'hops', 'catalogSha256']));
    expect(p).toMatchObject({ from: 'v1.25.1', to: 'v1.28.7', region: 'us-east-1', catalogSource: 'embedded', catalogSha256: embeddedCatalog().sha256 });
    expect(p.hops[0]).toEqual({
      version: 'v1.26.9',
      reason: 'highest recommended patch of 1.26',
      roleTemplateUrl: 'https://panther-public-cloudformation-templates.s3.amazonaws.com/panther-deployment-role/v1.26.9/template.yml',
      rootTemplateUrl: 'https://panther-enterprise-us-east-1.s3.amazonaws.com/v1.26.9/panther.yml',
      postDeploy: ['start-build panther-pulumi'],
      notes: [],
      manualSteps: [],
      templateSha256: {},
      listed: true,
    });
    expect(p.hops.map((h) => h.version)).toEqual(['v1.26.9', 'v1.27.8', 'v1.28.7']);
    expect(p.createdAt).toBeUndefined();
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('has "hops": [] when already there', () => {
    expect(plan('v1.39.7', 'latest')).toMatchObject({ hops: [], alreadyAt: true, from: 'v1.39.7', to: 'v1.39.7' });
  });

  it('uses the region in root template URLs only', () => {
    const hop = plan('v1.25.1', '1.25', embeddedCatalog(), 'eu-west-2').hops[0]!;
    expect(hop.rootTemplateUrl).toBe('https://panther-enterprise-eu-west-2.s3.amazonaws.com/v1.25.18/panther.yml');
    expect(hop.roleTemplateUrl).not.toContain('eu-west-2');
  });

  it('runs the panther-pulumi build from v1.22 on, also for an unlisted target', () => {
    const p = plan('v1.19.5', '1.23', legacy);
    expect(p.hops.map((h) => [h.version, h.postDeploy])).toEqual([
      ['v1.20.3', []],
      ['v1.21.2', []],
      ['v1.22.6', [PULUMI_POST_DEPLOY]],
      ['v1.23.5', [PULUMI_POST_DEPLOY]],
    ]);
    const unlisted = plan('v1.19.5', 'v1.21.9', legacy, 'us-east-1', true);
    expect(unlisted.hops.at(-1)).toMatchObject({ version: 'v1.21.9', listed: false, postDeploy: [], notes: [], manualSteps: [] });
    expect(plan('v1.21.2', 'v1.22.9', legacy, 'us-east-1', true).hops.at(-1)?.postDeploy).toEqual([PULUMI_POST_DEPLOY]);
  });

  it('records template digests and the time only when given', () => {
    const sha = 'b'.repeat(64);
    const catalog = makeCatalog(['v1.25.1', { version: 'v1.25.18', templates: { root: sha } }]);
    const p = buildPlan(planUpgrade({ from: 'v1.25.1', to: '1.25', catalog }), { region: 'us-east-1', catalog, createdAt: new Date(Date.UTC(2024, 0, 2)) });
    expect(p.hops[0]?.templateSha256).toEqual({ root: sha });
    expect(p.createdAt).toBe('2024-01-02T00:00:00.000Z');
  });
});

describe('migration notes from DOMAIN.md, carried by a catalog file', () => {
  it('1.17 to 1.18 shows the PipLibraries note on the 1.18 hop', () => {
    const p = plan('v1.17.2', '1.18', legacy);
    expect(p.hops).toHaveLength(1);
    expect(p.hops[0]?.notes.join(' ')).toMatch(/PipLibraries/);
  });

  it('1.19.5 to 1.21 goes through 1.20 and asks for the ACM certificate, ApiCertificateArn and DNS alias', () => {
    const p = plan('v1.19.5', '1.21', legacy);
    expect(p.hops.map((h) => h.version)).toEqual(['v1.20.3', 'v1.21.2']);
    const steps = p.hops[1]!.manualSteps;
    expect(steps.map((s) => s.id)).toEqual(['acm-certificate', 'api-certificate-arn', 'api-dns-alias']);
    expect(steps[0]?.text).toMatch(/ACM certificate in us-east-1/);
    expect(steps[1]?.text).toMatch(/ApiCertificateArn/);
    expect(p.hops[0]?.manualSteps).toEqual([]);
  });

  it('the spec example 1.10.X to 1.13.X on the fixture skips the non-recommended patches', () => {
    expect(plan('v1.10.0', '1.13.x', legacy).hops.map((h) => h.version)).toEqual(['v1.11.2', 'v1.12.1', 'v1.13.3']);
  });

  it('a yanked patch in the fixture is not a stop', () => {
    const p = plan('v1.15.4', '1.17', legacy);
    expect(p.hops.map((h) => h.version)).toEqual(['v1.16.0', 'v1.17.2']);
    expect(p.warnings[0]).toMatch(/v1\.16\.3 is yanked/);
  });

  it('a deployment older than the embedded catalog plans on the fixture, not on the embedded one', () => {
    expect(() => plan('v1.20.0', 'latest')).toThrow(expect.objectContaining({ code: 'current-too-old' }));
    expect(plan('v1.20.0', 'latest', legacy).hops.map((h) => h.version)).toEqual(['v1.21.2', 'v1.22.6', 'v1.23.5']);
  });
});

describe('parsePlan', () => {
  it('reads back what buildPlan wrote', () => {
    const p = plan('v1.19.5', '1.23', legacy);
    expect(parsePlan(JSON.stringify(p, null, 2), 'plan.json')).toEqual(p);
  });

  it.each([
    ['not json', /^plan\.json is not JSON/],
    ['{}', /^plan\.json: schemaVersion: /],
    [JSON.stringify({ ...plan('v1.25.1', '1.26'), catalogSha256: 'x' }), /^plan\.json: catalogSha256: expected a lowercase SHA-256/],
    [JSON.stringify({ ...plan('v1.25.1', '1.26'), extra: 1 }), /^plan\.json: .*extra/],
    [JSON.stringify({ ...plan('v1.25.1', '1.26'), from: '1.25.1' }), /^plan\.json: from: expected a v-prefixed version/],
  ])('refuses %s', (text, message) => {
    expect(() => parsePlan(text, 'plan.json')).toThrow(expect.objectContaining({ code: 'invalid-plan', message: expect.stringMatching(message) }));
  });
});

describe('comparePlanInputs', () => {
  it('finds nothing when the catalog is the same', () => {
    expect(comparePlanInputs(plan('v1.25.1', 'latest'), embeddedCatalog())).toEqual([]);
  });

  it('notices a catalog change, a newly yanked stop and the path it changes', () => {
    const base = ['v1.25.1', 'v1.26.8', 'v1.26.9', 'v1.27.8'];
    const before = makeCatalog(base);
    const p = buildPlan(planUpgrade({ from: 'v1.25.1', to: '1.27', catalog: before }), { region: 'us-east-1', catalog: before });
    const after = makeCatalog(['v1.25.1', 'v1.26.8', { version: 'v1.26.9', yanked: { reason: 'bad' } }, 'v1.27.8']);
    const codes = comparePlanInputs(p, after).map((d) => d.code);
    expect(codes).toEqual(['catalog-changed', 'hop-yanked', 'path-changed']);
  });

  it('notices changed manual steps, notes and digests, and a hop that left the catalog', () => {
    const before = makeCatalog(['v1.25.1', 'v1.26.9', 'v1.27.8']);
    const p = buildPlan(planUpgrade({ from: 'v1.25.1', to: '1.27', catalog: before }), { region: 'us-east-1', catalog: before });
    const after = makeCatalog([
      'v1.25.1',
      { version: 'v1.26.9', manualSteps: [{ id: 'x', text: 'do x' }], notes: ['new'], templates: { role: 'c'.repeat(64) } },
    ]);
    const diffs = comparePlanInputs(p, after);
    expect(diffs.map((d) => [d.code, d.hop])).toEqual([
      ['catalog-changed', undefined],
      ['template-digest-changed', 'v1.26.9'],
      ['manual-steps-changed', 'v1.26.9'],
      ['notes-changed', 'v1.26.9'],
      ['hop-missing', 'v1.27.8'],
      ['plan-refused', undefined],
    ]);
  });

  it('notices template URLs edited by hand', () => {
    const p = plan('v1.25.1', '1.26');
    p.hops[0]!.rootTemplateUrl = 'https://example.com/panther.yml';
    expect(comparePlanInputs(p, embeddedCatalog()).map((d) => d.code)).toEqual(['url-mismatch']);
  });
});
