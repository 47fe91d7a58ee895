/**
 * Panther release numbers as the sandbox reads them: `v1.25.18` or `1.25.18` (the deploy
 * tooling wrote the bare form into templates; every S3 path has the `v`).
 */
export interface ReleaseNumber {
  major: number;
  minor: number;
  patch: number;
}

const EXACT = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

export function parseRelease(input: string): ReleaseNumber | undefined {
  const m = EXACT.exec(input.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

/** `v1.25.18` for either spelling; undefined for anything else. */
export function canonicalRelease(input: string): string | undefined {
  const r = parseRelease(input);
  return r ? `v${r.major}.${r.minor}.${r.patch}` : undefined;
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. */
export function compareReleases(a: string, b: string): number {
  const x = parseRelease(a);
  const y = parseRelease(b);
  if (!x || !y) throw new Error(`not a release number: ${x ? b : a}`);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

/** The same release, whichever spelling each side uses. */
export function sameRelease(a: string, b: string): boolean {
  const x = canonicalRelease(a);
  return x !== undefined && x === canonicalRelease(b);
}
