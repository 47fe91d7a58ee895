import { describe, expect, it } from 'vitest';
import { catalogDigest, embeddedCatalog } from './embedded.js';

// "Available versions of Panther" in the spec, newest first, exactly as printed there.
const SPEC_LIST = [
  'v1.39.7', 'v1.38.5', 'v1.37.11', 'v1.36.0', 'v1.35.7', 'v1.34.18', 'v1.33.5', 'v1.32.7', 'v1.31.1',
  'v1.30.5', 'v1.29.3', 'v1.28.7', 'v1.27.8', 'v1.26.9', 'v1.25.18', 'v1.24.12', 'v1.23.5',
];

describe('embedded catalog', () => {
  const catalog = embeddedCatalog();

  it('holds exactly the 17 recommended versions of the spec, oldest first', () => {
    expect(catalog.releases).toHaveLength(17);
    expect(catalog.releases.map((r) => r.version)).toEqual([...SPEC_LIST].reverse());
  });

  it('marks every release recommended, not yanked, with the panther-pulumi build (all are v1.22 or later)', () => {
    for (const r of catalog.releases) {
      expect(r).toMatchObject({ recommended: true, pulumiBuild: true });
      expect(r.yanked).toBeUndefined();
    }
  });

  it('is identified by a stable SHA-256 of its content', () => {
    expect(catalog.source).toBe('embedded');
    expect(catalog.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(catalogDigest(structuredClone(catalog.releases))).toBe(catalog.sha256);
    const changed = structuredClone(catalog.releases);
    changed[0]!.notes.push('x');
    expect(catalogDigest(changed)).not.toBe(catalog.sha256);
  });

  it('carries the v1.34.18 safety note', () => {
    expect(catalog.releases.find((r) => r.version === 'v1.34.18')?.notes.join(' ')).toMatch(/required for a safe/);
  });
});
