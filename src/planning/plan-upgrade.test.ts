import { describe, expect, it } from 'vitest';
import { embeddedCatalog } from '../catalog/embedded.js';
import { makeCatalog } from '../catalog/test-support/make-catalog.js';
import type { Catalog } from '../catalog/types.js';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { planUpgrade } from './plan-upgrade.js';
import type { PlanUpgradeInput } from './plan-upgrade.js';

const versions = (r: ReturnType<typeof planUpgrade>): string[] => r.hops.map((h) => h.version);

function refusal(input: PlanUpgradeInput): PantherctlError {
  try {
    planUpgrade(input);
  } catch (err) {
    expect(err).toBeInstanceOf(PantherctlError);
    const e = err as PantherctlError;
    expect(e.source).toBe('user');
    expect(e.exitCode).toBe(1);
    expect(e.hint).toBeTruthy();
    expect(e.message).not.toMatch(/\n/);
    return e;
  }
  throw new Error(`expected ${input.from} -> ${input.to} to be refused`);
}

describe('the spec example: 1.10.X to 1.13.X', () => {
  // "first upgrading to the highest patch version of 1.11.X, then 1.12.X, and then finally 1.13.X"
  const catalog = makeCatalog(['v1.10.0', 'v1.10.4', 'v1.11.0', 'v1.11.3', 'v1.11.7', 'v1.12.0', 'v1.12.2', 'v1.13.0', 'v1.13.5']);

  it('stops at the highest patch of 1.11 and 1.12, then the target', () => {
    const r = planUpgrade({ from: '1.10.2', to: '1.13', catalog });
    expect(versions(r)).toEqual(['v1.11.7', 'v1.12.2', 'v1.13.5']);
    expect(r.hops.map((h) => h.reason)).toEqual([
      'highest recommended patch of 1.11',
      'highest recommended patch of 1.12',
      'highest recommended patch of 1.13, the target you asked for',
    ]);
    expect(r).toMatchObject({ from: 'v1.10.2', to: 'v1.13.5', alreadyAt: false, warnings: [] });
  });

  it.each(['1.13.x', '1.13.X', 'v1.13', '1.13.5', 'latest'])('reads the target %s', (to) => {
    expect(versions(planUpgrade({ from: 'v1.10.4', to, catalog }))).toEqual(['v1.11.7', 'v1.12.2', 'v1.13.5']);
  });

  it('ends at an exact lower patch of the target minor when asked', () => {
    const r = planUpgrade({ from: 'v1.10.4', to: 'v1.13.0', catalog });
    expect(versions(r)).toEqual(['v1.11.7', 'v1.12.2', 'v1.13.0']);
    expect(r.hops.at(-1)?.reason).toBe('the target you asked for');
  });

  it('never uses a patch that is not recommended as an intermediate stop', () => {
    const c = makeCatalog(['v1.10.0', 'v1.11.2', { version: 'v1.11.9', recommended: false }, 'v1.12.2']);
    expect(versions(planUpgrade({ from: 'v1.10.0', to: 'v1.12.2', catalog: c }))).toEqual(['v1.11.2', 'v1.12.2']);
  });
});

describe('planUpgrade on the embedded catalog', () => {
  const catalog = embeddedCatalog();

  it('plans every minor from v1.25.1 to v1.28.7', () => {
    const r = planUpgrade({ from: 'v1.25.1', to: 'v1.28.7', catalog });
    expect(versions(r)).toEqual(['v1.26.9', 'v1.27.8', 'v1.28.7']);
    expect(r.hops[1]?.reason).toBe('highest recommended patch of 1.27');
  });

  it('a target in the current minor is one hop', () => {
    const r = planUpgrade({ from: '1.25.1', to: '1.25', catalog });
    expect(versions(r)).toEqual(['v1.25.18']);
  });

  it('plans v1.23.5 to latest through all 16 later minors', () => {
    const r = planUpgrade({ from: 'v1.23.5', to: 'latest', catalog });
    expect(r.hops).toHaveLength(16);
    expect(r.hops.at(-1)).toMatchObject({ version: 'v1.39.7', reason: 'latest recommended release (highest patch of 1.39)' });
  });

  it('from the minor just before the catalog starts is fine (v1.22.x)', () => {
    expect(versions(planUpgrade({ from: 'v1.22.1', to: '1.24', catalog }))).toEqual(['v1.23.5', 'v1.24.12']);
  });

  it('a current version missing from the catalog is fine: it is where they are', () => {
    expect(planUpgrade({ from: 'v1.30.2', to: '1.31', catalog }).hops.map((h) => h.release?.version)).toEqual(['v1.31.1']);
  });

  it.each([
    ['v1.39.7', 'latest'],
    ['1.39.7', 'v1.39.7'],
    ['v1.25.18', '1.25.x'],
  ])('already at: %s -> %s', (from, to) => {
    expect(planUpgrade({ from, to, catalog })).toEqual({ from: from.startsWith('v') ? from : `v${from}`, to: from.startsWith('v') ? from : `v${from}`, hops: [], warnings: [], alreadyAt: true });
  });

  it('already past the recommended patch of the target minor, or newer than latest: nothing to do, with a warning', () => {
    const past = planUpgrade({ from: 'v1.25.20', to: '1.25', catalog });
    expect(past).toMatchObject({ alreadyAt: true, hops: [], to: 'v1.25.20' });
    expect(past.warnings[0]).toMatch(/past the highest recommended patch of 1\.25 \(v1\.25\.18\)/);
    const newer = planUpgrade({ from: 'v1.40.1', to: 'latest', catalog });
    expect(newer).toMatchObject({ alreadyAt: true, hops: [] });
    expect(newer.warnings[0]).toMatch(/newer than the latest recommended release/);
  });
});

describe('refusals', () => {
  const embedded = embeddedCatalog();

  it.each([
    ['v1.28.7', 'v1.25.18'],
    ['v1.28.7', '1.27'],
    ['v1.28.7', '1.28.1'],
    ['v1.28.7', '0.9'],
  ])('downgrade: %s -> %s', (from, to) => {
    const e = refusal({ from, to, catalog: embedded });
    expect(e.code).toBe('downgrade');
    expect(e.message).toMatch(/older than the current version v1\.28\.7/);
  });

  it('unknown-minor names the missing minor', () => {
    const catalog = makeCatalog(['v1.25.18', 'v1.26.9', 'v1.28.7']);
    const e = refusal({ from: 'v1.25.18', to: 'v1.28.7', catalog });
    expect(e.code).toBe('unknown-minor');
    expect(e.message).toMatch(/no release of 1\.27/);
    expect(e.meta).toMatchObject({ minor: '1.27' });
  });

  it('yanked-target says why', () => {
    const catalog = makeCatalog(['v1.25.18', 'v1.26.9', { version: 'v1.26.10', yanked: { reason: 'breaks log ingestion' } }]);
    const e = refusal({ from: 'v1.25.18', to: 'v1.26.10', catalog });
    expect(e.code).toBe('yanked-target');
    expect(e.message).toBe('v1.26.10 is yanked: breaks log ingestion');
    expect(e.hint).toMatch(/v1\.26\.9/);
  });

  it('a yanked higher patch is skipped for an intermediate stop, with a warning', () => {
    const catalog = makeCatalog(['v1.25.18', 'v1.26.9', { version: 'v1.26.10', yanked: { reason: 'breaks log ingestion' } }, 'v1.27.8']);
    const r = planUpgrade({ from: 'v1.25.18', to: '1.27', catalog });
    expect(versions(r)).toEqual(['v1.26.9', 'v1.27.8']);
    expect(r.warnings).toEqual(['v1.26.10 is yanked (breaks log ingestion); stopping at v1.26.9 instead.']);
  });

  it('yanked-target when every patch of a bare-minor target is yanked', () => {
    const catalog = makeCatalog(['v1.25.18', { version: 'v1.26.9', yanked: { reason: 'bad' } }]);
    expect(refusal({ from: 'v1.25.18', to: '1.26', catalog }).code).toBe('yanked-target');
  });

  it('yanked-only-minor when an intermediate minor has only yanked patches', () => {
    const catalog = makeCatalog(['v1.25.18', { version: 'v1.26.9', yanked: { reason: 'bad migration' } }, 'v1.27.8']);
    const e = refusal({ from: 'v1.25.18', to: '1.27', catalog });
    expect(e.code).toBe('yanked-only-minor');
    expect(e.message).toMatch(/1\.26.*bad migration/);
  });

  it('no-recommended-patch when an intermediate minor has no recommended patch', () => {
    const catalog = makeCatalog(['v1.25.18', { version: 'v1.26.9', recommended: false }, 'v1.27.8']);
    expect(refusal({ from: 'v1.25.18', to: '1.27', catalog }).code).toBe('no-recommended-patch');
  });

  it.each(['v2.0.0', '2.0', '2.1.x'])('major-jump: v1.39.7 -> %s', (to) => {
    const e = refusal({ from: 'v1.39.7', to, catalog: makeCatalog(['v1.39.7', 'v2.0.0']) });
    expect(e.code).toBe('major-jump');
  });

  it('major-jump for latest across a major suggests the last release of the current major', () => {
    const e = refusal({ from: 'v1.38.5', to: 'latest', catalog: makeCatalog(['v1.38.5', 'v1.39.7', 'v2.0.0']) });
    expect(e.code).toBe('major-jump');
    expect(e.hint).toMatch(/v1\.39\.7 \(--to 1\.39\)/);
  });

  it('unlisted-target, unless allowed, then a warning', () => {
    const e = refusal({ from: 'v1.25.1', to: 'v1.25.30', catalog: embedded });
    expect(e.code).toBe('unlisted-target');
    expect(e.hint).toMatch(/--allow-unlisted/);
    const r = planUpgrade({ from: 'v1.25.1', to: 'v1.26.30', catalog: embedded, allowUnlisted: true });
    expect(r.hops).toEqual([{ version: 'v1.26.30', reason: 'the target you asked for', release: undefined }]);
    expect(r.warnings[0]).toMatch(/v1\.26\.30 is not in the embedded catalog/);
  });

  it('current-too-old: v1.20.0 with the embedded catalog', () => {
    const e = refusal({ from: 'v1.20.0', to: 'latest', catalog: embedded });
    expect(e.code).toBe('current-too-old');
    expect(e.message).toMatch(/starts at 1\.23.*1\.21 to 1\.22/);
    expect(e.hint).toMatch(/--catalog/);
  });

  it('unknown-target-minor for a minor the catalog does not have', () => {
    const e = refusal({ from: 'v1.25.1', to: '1.50', catalog: embedded });
    expect(e.code).toBe('unknown-target-minor');
    expect(e.message).toBe('the embedded catalog has no release of 1.50');
  });

  it('empty-catalog for latest when nothing can be installed', () => {
    expect(refusal({ from: 'v1.25.1', to: 'latest', catalog: makeCatalog([]) }).code).toBe('empty-catalog');
  });

  it.each([
    ['1.25', 'latest'],
    ['latest', 'latest'],
    ['v1.25.1', 'v1.26.1.1'],
  ])('invalid-version for from=%s to=%s', (from, to) => {
    expect(() => planUpgrade({ from, to, catalog: embedded })).toThrow(expect.objectContaining({ code: 'invalid-version' }));
  });
});

describe('warnings', () => {
  it('an exact target that is listed but not recommended plans with a warning', () => {
    const catalog: Catalog = makeCatalog(['v1.25.18', { version: 'v1.26.3', recommended: false }, 'v1.26.9']);
    const r = planUpgrade({ from: 'v1.25.18', to: 'v1.26.3', catalog });
    expect(versions(r)).toEqual(['v1.26.3']);
    expect(r.warnings[0]).toMatch(/not a recommended release/);
  });

  it('a yanked current version gets a warning', () => {
    const catalog = makeCatalog([{ version: 'v1.25.3', yanked: { reason: 'data loss' } }, 'v1.25.18']);
    expect(planUpgrade({ from: 'v1.25.3', to: '1.25', catalog }).warnings[0]).toMatch(/current version v1\.25\.3 is yanked \(data loss\)/);
  });
});
