import type { Catalog, Release } from './types.js';

/**
 * The recommended patch of each minor release, as listed by the product documentation
 * ("Available versions of Panther"). Older releases are not listed there, so a deployment
 * older than v1.23.5 cannot be planned from this catalog alone: the planner refuses and
 * asks for a catalog file that covers it.
 */
const RECOMMENDED = [
  'v1.23.5',
  'v1.24.12',
  'v1.25.18',
  'v1.26.9',
  'v1.27.8',
  'v1.28.7',
  'v1.29.3',
  'v1.30.5',
  'v1.31.1',
  'v1.32.7',
  'v1.33.5',
  'v1.34.18',
  'v1.35.7',
  'v1.36.0',
  'v1.37.11',
  'v1.38.5',
  'v1.39.7',
] as const;

const NOTES: Partial<Record<(typeof RECOMMENDED)[number], string[]>> = {
  // From the documentation's commit history: the patch that made self-hosted upgrades safe.
  'v1.34.18': ['v1.34.18 is required for a safe self-hosted upgrade; do not stop on an earlier 1.34 patch.'],
};

function release(version: string): Release {
  return {
    version,
    recommended: true,
    notes: NOTES[version as (typeof RECOMMENDED)[number]] ?? [],
    manualSteps: [],
    // The panther-pulumi CodeBuild step applies from v1.22 on; every embedded release is later.
    pulumiBuild: true,
    templates: {},
  };
}

/**
 * SHA-256 of the embedded releases, `catalogDigest` of them (embedded.test.ts checks it): a
 * constant, so that offline commands on the embedded catalog need not load `node:crypto`,
 * which costs a tenth of their start.
 */
const EMBEDDED_SHA256 = '3707f62b067a2b12996d80a3c2b213c28147d3cef74ff7efcab3aefeb497896d';

/** SHA-256 over the releases in a canonical form, so the same content always hashes the same. */
export function catalogDigest(releases: readonly Release[]): string {
  // Loaded on first use (see EMBEDDED_SHA256).
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(JSON.stringify(releases.map(canonicalRelease))).digest('hex');
}

function canonicalRelease(r: Release): unknown {
  return {
    version: r.version,
    recommended: r.recommended,
    yanked: r.yanked ?? null,
    notes: r.notes,
    manualSteps: r.manualSteps.map((s) => ({ id: s.id, text: s.text })),
    pulumiBuild: r.pulumiBuild,
    templates: { root: r.templates.root ?? null, role: r.templates.role ?? null },
  };
}

let cached: Catalog | undefined;

export function embeddedCatalog(): Catalog {
  if (!cached) {
    const releases = RECOMMENDED.map(release);
    cached = { source: 'embedded', sha256: EMBEDDED_SHA256, releases };
  }
  return cached;
}
