import { catalogDigest } from '../embedded.js';
import { pulumiBuildByDefault } from '../pulumi-build.js';
import type { Catalog, Release } from '../types.js';
import { compareVersions, parseVersion } from '../version.js';

export type ReleaseSpec = string | (Partial<Release> & { version: string });

/** A catalog from plain version strings (recommended releases) or partial releases, for tests. */
export function makeCatalog(specs: readonly ReleaseSpec[], source = 'test-catalog.yml'): Catalog {
  const releases = specs
    .map((s): Release => {
      const partial = typeof s === 'string' ? { version: s } : s;
      const v = parseVersion(partial.version);
      return {
        recommended: true,
        notes: [],
        manualSteps: [],
        pulumiBuild: pulumiBuildByDefault(v),
        templates: {},
        ...partial,
        version: `v${v.major}.${v.minor}.${v.patch}`,
      };
    })
    .sort((a, b) => compareVersions(parseVersion(a.version), parseVersion(b.version)));
  return { source, sha256: catalogDigest(releases), releases };
}

/** Where the fixture catalogs live, for tests that load them from disk. */
export const FIXTURES_DIR = new URL('../fixtures/', import.meta.url).pathname;
