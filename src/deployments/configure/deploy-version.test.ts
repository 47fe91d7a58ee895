import { describe, expect, it } from 'vitest';
import { embeddedCatalog } from '../../catalog/embedded.js';
import type { Catalog, Release } from '../../catalog/types.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { checkDeployVersion } from './deploy-version.js';

const release = (version: string, extra: Partial<Release> = {}): Release => ({ version, recommended: true, notes: [], manualSteps: [], pulumiBuild: true, templates: {}, ...extra });
const site: Catalog = {
  source: 'site.yml',
  sha256: '0'.repeat(64),
  releases: [release('v1.28.5', { recommended: false }), release('v1.28.6', { recommended: false, yanked: { reason: 'broken role template' } }), release('v1.28.7')],
};

function failure(f: () => unknown): PantherctlError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(PantherctlError);
    return err as PantherctlError;
  }
  throw new Error('expected a failure');
}

describe('checkDeployVersion', () => {
  it('accepts a listed version in either spelling, v-prefixed', () => {
    expect(checkDeployVersion('1.28.7', embeddedCatalog())).toEqual({ version: 'v1.28.7', warnings: [] });
  });

  it('refuses a version the catalog does not list, unless allowed (with a warning)', () => {
    const err = failure(() => checkDeployVersion('v9.1.1', embeddedCatalog()));
    expect(err.code).toBe('unlisted-version');
    expect(err.exitCode).toBe(1);
    expect(err.hint).toMatch(/--allow-unlisted/);
    expect(checkDeployVersion('v9.1.1', embeddedCatalog(), true).warnings[0]).toMatch(/not in the embedded catalog/);
  });

  it('refuses a yanked version even with allowUnlisted, naming the recommended patch', () => {
    const err = failure(() => checkDeployVersion('v1.28.6', site, true));
    expect(err.code).toBe('yanked-version');
    expect(err.message).toBe('v1.28.6 is yanked: broken role template');
    expect(err.hint).toMatch(/v1\.28\.7/);
  });

  it('warns about a listed release that is not recommended', () => {
    expect(checkDeployVersion('v1.28.5', site).warnings).toEqual(['v1.28.5 is not a recommended release; the recommended patches are the tested ones.']);
  });

  it('refuses a bad spelling', () => {
    expect(failure(() => checkDeployVersion('1.28', embeddedCatalog())).code).toBe('invalid-version');
  });
});
