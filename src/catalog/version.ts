import { PantherctlError } from '../errors/pantherctl-error.js';

/** A Panther release number. Always printed with the `v` prefix that every S3 path uses. */
export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** What a user may ask for: an exact release, a whole minor (its highest patch), or the latest. */
export type VersionSpec =
  | { kind: 'exact'; version: Version }
  | { kind: 'minor'; major: number; minor: number }
  | { kind: 'latest' };

const EXACT = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const MINOR = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.[xX*])?$/;

function invalid(input: string): PantherctlError {
  return new PantherctlError('invalid-version', `"${input}" is not a Panther version`, {
    hint: 'Use v1.25.1, 1.25.1, 1.25, 1.25.x or latest.',
    meta: { input },
  });
}

/** Parses `v1.25.1` or `1.25.1` (version files inside the product drop the `v`). */
export function parseVersion(input: string): Version {
  const m = EXACT.exec(input.trim());
  if (!m) throw invalid(input);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function tryParseVersion(input: string): Version | undefined {
  const m = EXACT.exec(input.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

export function parseVersionSpec(input: string): VersionSpec {
  const s = input.trim();
  if (s.toLowerCase() === 'latest') return { kind: 'latest' };
  const exact = EXACT.exec(s);
  if (exact) return { kind: 'exact', version: parseVersion(s) };
  const minor = MINOR.exec(s);
  if (minor) return { kind: 'minor', major: Number(minor[1]), minor: Number(minor[2]) };
  throw invalid(input);
}

export function formatVersion(v: Version): string {
  return `v${v.major}.${v.minor}.${v.patch}`;
}

/** `1.27`: how the planner names a minor release line in its explanations. */
export function formatMinor(v: { major: number; minor: number }): string {
  return `${v.major}.${v.minor}`;
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function sameMinor(a: Version, b: { major: number; minor: number }): boolean {
  return a.major === b.major && a.minor === b.minor;
}

/** Normalises either spelling to the `v`-prefixed one. */
export function normalizeVersion(input: string): string {
  return formatVersion(parseVersion(input));
}
