import { describe, expect, it } from 'vitest';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { compareVersions, formatVersion, normalizeVersion, parseVersion, parseVersionSpec, tryParseVersion } from './version.js';

describe('parseVersion', () => {
  it.each([
    ['v1.25.1', 'v1.25.1'],
    ['1.25.1', 'v1.25.1'],
    ['v1.34.18', 'v1.34.18'],
    ['1.16.0', 'v1.16.0'],
    ['v0.0.0', 'v0.0.0'],
    ['v10.20.30', 'v10.20.30'],
    ['v999999999.0.1', 'v999999999.0.1'],
  ])('accepts %j as %s', (input, expected) => {
    expect(formatVersion(parseVersion(input))).toBe(expected);
    expect(normalizeVersion(input)).toBe(expected);
  });

  it.each(['', ' ', '1', '1.2', 'v1.2', 'v1.2.3.4', '01.2.3', '1.02.3', '1.2.03', 'V1.2.3', 'vv1.2.3', '1.2.x', '1.2.3-rc1', '1.2.3+build', 'latest', 'v-1.2.3', '1.2.3 4', 'x.y.z', ' v1.2.3 ', 'v1.2.3\n', '\tv1.2.3', 'v1000000000.0.0', '１.2.3'])(
    'rejects %j with invalid-version and a hint',
    (input) => {
      expect(tryParseVersion(input)).toBeUndefined();
      try {
        parseVersion(input);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(PantherctlError);
        expect((err as PantherctlError).code).toBe('invalid-version');
        expect((err as PantherctlError).source).toBe('user');
        expect((err as PantherctlError).hint).toContain('1.25.x');
      }
    },
  );
});

describe('parseVersionSpec', () => {
  it.each([
    ['v1.25.1', { kind: 'exact', version: { major: 1, minor: 25, patch: 1 } }],
    ['1.25.1', { kind: 'exact', version: { major: 1, minor: 25, patch: 1 } }],
    ['1.25', { kind: 'minor', major: 1, minor: 25 }],
    ['v1.25', { kind: 'minor', major: 1, minor: 25 }],
    ['1.25.x', { kind: 'minor', major: 1, minor: 25 }],
    // The product documentation writes a minor line as "1.11.X".
    ['1.25.X', { kind: 'minor', major: 1, minor: 25 }],
    ['v1.25.x', { kind: 'minor', major: 1, minor: 25 }],
    ['1.2', { kind: 'minor', major: 1, minor: 2 }],
    ['latest', { kind: 'latest' }],
  ])('reads %j', (input, expected) => {
    expect(parseVersionSpec(input)).toEqual(expected);
  });

  // Issue 9, failure 13: `LATEST`, " v1.39.7 " and `1.28.*` were read as versions without a documented rule.
  it.each(['', '1', 'v1', '1.x', 'v1.2.3.4', '01.2.3', '1.02', '1.25.y', 'newest', '1.25.1-beta', '1..2', 'LATEST', 'Latest', ' latest', ' v1.39.7 ', '1.28.*', 'V1.28.x', '1.28.x '])(
    'rejects %j',
    (input) => {
      expect(() => parseVersionSpec(input)).toThrow(expect.objectContaining({ code: 'invalid-version' }));
    },
  );

  it('says what to change when the input is a valid version but for spaces or case', () => {
    expect(() => parseVersionSpec(' v1.39.7 ')).toThrow(expect.objectContaining({ hint: expect.stringMatching(/^Write it without spaces, v1\.39\.7\./) }));
    expect(() => parseVersionSpec('LATEST')).toThrow(expect.objectContaining({ hint: expect.stringMatching(/^Write it in lower case, latest\./) }));
    expect(() => parseVersion('V1.2.3')).toThrow(expect.objectContaining({ hint: expect.stringMatching(/^Write it in lower case, v1\.2\.3\./) }));
  });
});

describe('compareVersions', () => {
  it('orders numerically, not as text', () => {
    const sorted = ['v1.9.0', 'v1.10.0', 'v1.2.10', 'v1.2.9', 'v2.0.0', 'v1.10.1'].map(parseVersion).sort(compareVersions).map(formatVersion);
    expect(sorted).toEqual(['v1.2.9', 'v1.2.10', 'v1.9.0', 'v1.10.0', 'v1.10.1', 'v2.0.0']);
  });
});
