import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeCatalog } from '../catalog/test-support/make-catalog.js';
import type { ReleaseSpec } from '../catalog/test-support/make-catalog.js';
import type { Catalog } from '../catalog/types.js';
import { compareVersions, parseVersion } from '../catalog/version.js';
import type { Version } from '../catalog/version.js';
import { isPantherctlError } from '../errors/pantherctl-error.js';
import { planUpgrade } from './plan-upgrade.js';

const REFUSALS = new Set([
  'downgrade',
  'unknown-minor',
  'yanked-target',
  'yanked-only-minor',
  'no-recommended-patch',
  'major-jump',
  'unlisted-target',
  'current-too-old',
  'unknown-target-minor',
  'empty-catalog',
]);

const MAX_MINOR = 14;

const arbPatches = fc.uniqueArray(fc.record({
    patch: fc.nat({ max: 20 }),
    // Mostly recommended and rarely yanked, so that many random catalogs still have a path.
    recommended: fc.nat({ max: 4 }).map((n) => n > 0),
    yanked: fc.nat({ max: 6 }).map((n) => n === 0),
  }), {
  minLength: 1,
  maxLength: 4,
  selector: (p) => p.patch,
});

/** A catalog of major 1: for each minor, maybe absent, else 1-4 patches, some not recommended or yanked. */
const arbCatalog = (opts: { complete: boolean }): fc.Arbitrary<Catalog> =>
  fc
    .array(
      opts.complete ? arbPatches : fc.option(arbPatches, { freq: 25, nil: undefined }),
      { minLength: MAX_MINOR + 1, maxLength: MAX_MINOR + 1 },
    )
    .map((minors) => {
      const specs: ReleaseSpec[] = [];
      minors.forEach((patches, minor) => {
        if (!patches) return;
        patches.forEach((p, i) => {
          // A complete catalog guarantees each minor its first patch as a good stop.
          const good = opts.complete && i === 0;
          specs.push({
            version: `v1.${minor}.${p.patch}`,
            recommended: good || p.recommended,
            ...(!good && p.yanked ? { yanked: { reason: `yanked ${minor}.${p.patch}` } } : {}),
          });
        });
      });
      return makeCatalog(specs);
    });

const arbFrom = fc.record({ minor: fc.nat({ max: MAX_MINOR }), patch: fc.nat({ max: 22 }) }).map((v) => `v1.${v.minor}.${v.patch}`);

const arbTo = (catalog: Catalog): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant('latest'),
    fc.nat({ max: MAX_MINOR + 1 }).map((m) => `1.${m}`),
    fc.nat({ max: MAX_MINOR + 1 }).map((m) => `1.${m}.x`),
    fc.record({ minor: fc.nat({ max: MAX_MINOR + 1 }), patch: fc.nat({ max: 22 }) }).map((v) => `${v.minor % 2 ? 'v' : ''}1.${v.minor}.${v.patch}`),
    ...(catalog.releases.length ? [fc.constantFrom(...catalog.releases.map((r) => r.version))] : []),
  );

const isStop = (c: Catalog, v: Version): boolean => {
  const r = c.releases.find((x) => compareVersions(parseVersion(x.version), v) === 0);
  return Boolean(r && r.recommended && !r.yanked);
};

function highestStopOf(c: Catalog, minor: number): string | undefined {
  const stops = c.releases.filter((r) => r.recommended && !r.yanked && parseVersion(r.version).minor === minor);
  return stops.at(-1)?.version; // releases are sorted ascending
}

/** Outcomes seen, so a test can check the property was not satisfied vacuously by refusals. */
const outcomes = { planned: 0, refused: 0 };

/** The invariants every successful plan keeps. */
function checkPlan(catalog: Catalog, from: string, to: string, allowUnlisted: boolean): void {
  let r;
  try {
    r = planUpgrade({ from, to, catalog, allowUnlisted });
  } catch (err) {
    if (!isPantherctlError(err)) throw err;
    outcomes.refused++;
    expect(REFUSALS, `${from} -> ${to}: ${err.code}`).toContain(err.code);
    if (err.code === 'unknown-minor') {
      const minor = Number(String(err.meta.minor).split('.')[1]);
      expect(catalog.releases.some((x) => parseVersion(x.version).minor === minor)).toBe(false);
    }
    return;
  }
  const f = parseVersion(from);
  if (r.hops.length > 1) outcomes.planned++;
  if (r.alreadyAt) {
    expect(r.hops).toEqual([]);
    return;
  }
  const t = parseVersion(r.to);
  const hops = r.hops.map((h) => parseVersion(h.version));
  expect(hops.length).toBeGreaterThan(0);
  // Ends at the target, never beyond.
  expect(r.hops.at(-1)?.version).toBe(r.to);
  expect(compareVersions(t, f)).toBeGreaterThan(0);
  // Strictly increasing from the current version.
  [f, ...hops].forEach((v, i, all) => {
    if (i > 0) expect(compareVersions(all[i - 1]!, v)).toBeLessThan(0);
  });
  // Every minor in (from, target] exactly once; a same-minor target is one hop.
  const expectedMinors = f.minor === t.minor ? [t.minor] : Array.from({ length: t.minor - f.minor }, (_, i) => f.minor + 1 + i);
  expect(hops.map((v) => v.minor)).toEqual(expectedMinors);
  // Intermediates are the highest recommended, non-yanked patch of their minor.
  r.hops.slice(0, -1).forEach((h, i) => {
    expect(h.version).toBe(highestStopOf(catalog, hops[i]!.minor));
  });
  // The target is a good release unless it was an allowed unlisted one.
  const last = r.hops.at(-1)!;
  if (last.release) expect(last.release.yanked).toBeUndefined();
  else expect(allowUnlisted).toBe(true);
  const spec = to.toLowerCase();
  if (spec === 'latest' || !/^v?\d+\.\d+\.\d+$/.test(spec)) {
    expect(isStop(catalog, t)).toBe(true);
    expect(last.version).toBe(highestStopOf(catalog, t.minor));
  }
}

describe('planUpgrade properties', () => {
  it('keeps its invariants or refuses with a known code, on any catalog', () => {
    fc.assert(
      fc.property(
        arbCatalog({ complete: false }).chain((c) => fc.tuple(fc.constant(c), arbFrom, arbTo(c), fc.boolean())),
        ([catalog, from, to, allowUnlisted]) => checkPlan(catalog, from, to, allowUnlisted),
      ),
      { numRuns: 400 },
    );
    // Random catalogs often have gaps; still, a good share of runs must be real multi-hop plans.
    expect(outcomes.planned).toBeGreaterThan(25);
  });

  it('never refuses a forward plan when every minor has a good stop and the target is listed and good', () => {
    fc.assert(
      fc.property(
        arbCatalog({ complete: true }).chain((c) => fc.tuple(fc.constant(c), fc.constantFrom(...c.releases), fc.constantFrom(...c.releases))),
        ([catalog, a, b]) => {
          const [lo, hi] = compareVersions(parseVersion(a.version), parseVersion(b.version)) <= 0 ? [a, b] : [b, a];
          fc.pre(!hi.yanked);
          const r = planUpgrade({ from: lo.version, to: hi.version, catalog });
          expect(r.alreadyAt).toBe(lo.version === hi.version);
          checkPlan(catalog, lo.version, hi.version, false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('latest and a bare minor always end at a recommended stop of a complete catalog', () => {
    fc.assert(
      fc.property(
        arbCatalog({ complete: true }).chain((c) => fc.tuple(fc.constant(c), fc.nat({ max: MAX_MINOR }), fc.nat({ max: MAX_MINOR }))),
        ([catalog, fromMinor, toMinor]) => {
          const from = `v1.${Math.min(fromMinor, toMinor)}.0`;
          for (const to of ['latest', `1.${Math.max(fromMinor, toMinor)}`]) {
            const r = planUpgrade({ from, to, catalog });
            if (!r.alreadyAt) expect(isStop(catalog, parseVersion(r.to))).toBe(true);
            checkPlan(catalog, from, to, false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
