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

/**
 * The one rule for writing a version, used by every option (`--from`, `--to`, `--version`,
 * `--current`), catalog file and stack tag pantherctl reads (README "Versions"): taken exactly
 * as written, nothing trimmed or case-folded. A release is `MAJOR.MINOR.PATCH`, with or without
 * a lower-case `v` (S3 paths use it, version files inside the product drop it), each number
 * without leading zeros and at most 9 digits. A target may also name a minor line, `1.25`,
 * `1.25.x` or `1.25.X` (the product documentation writes "1.11.X"), or `latest`, in lower case.
 * Anything else (`" v1.25.1 "`, `V1.25.1`, `LATEST`, `1.25.*`, `1.25.1-rc1`) is refused with
 * `invalid-version`, so a typo is never read as some other release.
 */
const NUMBER = '(0|[1-9]\\d{0,8})';
/** An exact release as a regular expression source, for schemas of files that hold versions. */
export const EXACT_VERSION_SOURCE = `^v?${NUMBER}\\.${NUMBER}\\.${NUMBER}$`;
const EXACT = new RegExp(EXACT_VERSION_SOURCE);
const MINOR = new RegExp(`^v?${NUMBER}\\.${NUMBER}(?:\\.[xX])?$`);

function invalid(input: string): PantherctlError {
  return new PantherctlError('invalid-version', `"${input}" is not a Panther version`, {
    hint: hintFor(input),
    meta: { input },
  });
}

/** Says what to change when the input is close to a valid spelling. */
function hintFor(input: string): string {
  const usual = 'Use v1.25.1, 1.25.1, 1.25, 1.25.x or latest.';
  const trimmed = input.trim();
  if (trimmed !== input && trimmed !== '' && isSpec(trimmed)) return `Write it without spaces, ${trimmed}. ${usual}`;
  const lower = trimmed.toLowerCase();
  if (lower !== trimmed && isSpec(lower)) return `Write it in lower case, ${lower}. ${usual}`;
  return usual;
}

function isSpec(s: string): boolean {
  return s === 'latest' || EXACT.test(s) || MINOR.test(s);
}

/** Parses `v1.25.1` or `1.25.1` (version files inside the product drop the `v`). */
export function parseVersion(input: string): Version {
  const v = tryParseVersion(input);
  if (!v) throw invalid(input);
  return v;
}

export function tryParseVersion(input: string): Version | undefined {
  const m = EXACT.exec(input);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

export function parseVersionSpec(input: string): VersionSpec {
  if (input === 'latest') return { kind: 'latest' };
  const exact = tryParseVersion(input);
  if (exact) return { kind: 'exact', version: exact };
  const minor = MINOR.exec(input);
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
