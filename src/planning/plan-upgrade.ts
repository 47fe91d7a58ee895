import { PantherctlError } from '../errors/pantherctl-error.js';
import type { PlanRefusalMeta } from '../errors/error-codes.js';
import type { Catalog, Release } from '../catalog/types.js';
import { compareVersions, formatMinor, formatVersion, parseVersion, parseVersionSpec, sameMinor } from '../catalog/version.js';
import type { Version } from '../catalog/version.js';

/**
 * The upgrade planner, a pure function of (current version, target, catalog). Rules from the
 * spec's "Before you upgrade" and "Available versions": never skip a minor; stop at the
 * highest recommended patch of each minor in between; end at the target.
 */

export interface PlanUpgradeInput {
  /** The exact version the deployment runs now (`v1.25.1` or `1.25.1`). It need not be in the catalog. */
  from: string;
  /** What to upgrade to: `v1.25.1`, `1.25.1`, `1.25`, `1.25.x` or `latest`. */
  to: string;
  catalog: Catalog;
  /**
   * Plan an exact target the catalog does not list, with a warning (`--allow-unlisted`).
   * Default false: an unlisted target has no known notes, manual steps or template digests.
   */
  allowUnlisted?: boolean;
}

export interface PlannedHop {
  /** `v`-prefixed. */
  version: string;
  /** Why this hop is in the path, e.g. "highest recommended patch of 1.27". */
  reason: string;
  /** The catalog entry; undefined only for an unlisted target planned with `allowUnlisted`. */
  release: Release | undefined;
}

export interface UpgradePlanResult {
  from: string;
  /** The resolved target (`latest` and bare minors become an exact version); equals `from` when already there. */
  to: string;
  hops: PlannedHop[];
  warnings: string[];
  alreadyAt: boolean;
}

interface Entry {
  release: Release;
  v: Version;
}

/** A release the planner may stop at. */
function isStop(e: Entry): boolean {
  return e.release.recommended && !e.release.yanked;
}

function highest(entries: readonly Entry[]): Entry | undefined {
  let best: Entry | undefined;
  for (const e of entries) if (!best || compareVersions(e.v, best.v) > 0) best = e;
  return best;
}

function catalogName(catalog: Catalog): string {
  return catalog.source === 'embedded' ? 'the embedded catalog' : `catalog ${catalog.source}`;
}

/** The codes the planner refuses with (src/errors/error-codes.ts). */
export type PlanRefusalCode =
  | 'downgrade'
  | 'major-jump'
  | 'unknown-minor'
  | 'unknown-target-minor'
  | 'yanked-target'
  | 'yanked-only-minor'
  | 'no-recommended-patch'
  | 'unlisted-target'
  | 'current-too-old'
  | 'empty-catalog';

function refuse(code: PlanRefusalCode, message: string, hint: string, meta: PlanRefusalMeta): PantherctlError {
  return new PantherctlError(code, message, { source: 'user', hint, meta });
}

export function planUpgrade(input: PlanUpgradeInput): UpgradePlanResult {
  const from = parseVersion(input.from);
  const fromText = formatVersion(from);
  const spec = parseVersionSpec(input.to);
  const { catalog } = input;
  const name = catalogName(catalog);
  const entries: Entry[] = catalog.releases.map((release) => ({ release, v: parseVersion(release.version) }));
  const inMinor = (major: number, minor: number): Entry[] =>
    entries.filter((e) => e.v.major === major && e.v.minor === minor);
  const warnings: string[] = [];
  const meta = { from: fromText, to: input.to, catalog: catalog.source };

  const current = entries.find((e) => compareVersions(e.v, from) === 0);
  if (current?.release.yanked) {
    warnings.push(`The current version ${fromText} is yanked (${current.release.yanked.reason}); upgrading away from it is right.`);
  }

  const already = (warning?: string): UpgradePlanResult => ({
    from: fromText,
    to: fromText,
    hops: [],
    warnings: warning ? [...warnings, warning] : warnings,
    alreadyAt: true,
  });

  const downgrade = (target: string): PantherctlError =>
    refuse('downgrade', `${target} is older than the current version ${fromText}; Panther upgrades only move forward`, `Choose a target newer than ${fromText}.`, { ...meta, target });

  const majorJump = (target: string, targetMajor: number): PantherctlError => {
    const lastOfMajor = highest(entries.filter((e) => e.v.major === from.major && isStop(e)));
    const first = lastOfMajor && compareVersions(lastOfMajor.v, from) > 0 ? `Upgrade to ${formatVersion(lastOfMajor.v)} (--to ${from.major}.${lastOfMajor.v.minor}) first, then f` : 'F';
    return refuse(
      'major-jump',
      `${fromText} to ${target} changes the major version (${from.major} to ${targetMajor}); pantherctl plans upgrades within one major version`,
      `${first}ollow Panther's instructions for the major upgrade.`,
      { ...meta, target },
    );
  };

  /** Why a minor that the catalog knows has no stop: all yanked, or none recommended. */
  function noStopIn(minorName: string, candidates: readonly Entry[], isTarget: boolean): PantherctlError {
    const allYanked = candidates.every((e) => e.release.yanked);
    if (allYanked) {
      const reasons = candidates.map((e) => `${formatVersion(e.v)}: ${e.release.yanked?.reason ?? ''}`).join('; ');
      return isTarget
        ? refuse('yanked-target', `Every release of ${minorName} in ${name} is yanked (${reasons})`, `Choose another target, or supply a catalog with a good patch of ${minorName}.`, { ...meta, minor: minorName })
        : refuse(
            'yanked-only-minor',
            `Every release of ${minorName} in ${name} is yanked (${reasons}), and an upgrade cannot skip ${minorName}`,
            `Wait for a fixed patch of ${minorName} and add it to the catalog (--catalog FILE), or ask Panther support for a safe path.`,
            { ...meta, minor: minorName },
          );
    }
    return refuse(
      'no-recommended-patch',
      `${name} lists no recommended patch of ${minorName}, so there is no tested stop in it`,
      `Mark the patch of ${minorName} to stop at as recommended in the catalog file.`,
      { ...meta, minor: minorName },
    );
  }

  // 1. Resolve the target to an exact version, and say why it is the last hop.
  let target: Version;
  let targetRelease: Release | undefined;
  let finalReason: string;
  switch (spec.kind) {
    case 'latest': {
      const top = highest(entries.filter(isStop));
      if (!top) {
        throw refuse('empty-catalog', `${name} has no recommended, non-yanked release to upgrade to`, 'Supply a catalog file with --catalog FILE.', meta);
      }
      const cmp = compareVersions(top.v, from);
      if (cmp === 0) return already();
      if (cmp < 0) {
        return already(`${fromText} is newer than the latest recommended release in ${name} (${formatVersion(top.v)}); nothing to do.`);
      }
      if (top.v.major !== from.major) throw majorJump(formatVersion(top.v), top.v.major);
      target = top.v;
      targetRelease = top.release;
      finalReason = `latest recommended release (highest patch of ${formatMinor(top.v)})`;
      break;
    }
    case 'minor': {
      const minorName = `${spec.major}.${spec.minor}`;
      if (spec.major < from.major || (spec.major === from.major && spec.minor < from.minor)) throw downgrade(minorName);
      if (spec.major > from.major) throw majorJump(minorName, spec.major);
      const candidates = inMinor(spec.major, spec.minor);
      if (candidates.length === 0) {
        throw refuse('unknown-target-minor', `${name} has no release of ${minorName}`, 'List the known versions with `pantherctl catalog list`, or supply a catalog that has it with --catalog FILE.', { ...meta, minor: minorName });
      }
      const top = highest(candidates.filter(isStop));
      if (!top) throw noStopIn(minorName, candidates, true);
      const cmp = compareVersions(top.v, from);
      if (cmp === 0) return already();
      if (cmp < 0) {
        return already(`${fromText} is past the highest recommended patch of ${minorName} (${formatVersion(top.v)}); nothing to do.`);
      }
      target = top.v;
      targetRelease = top.release;
      finalReason = `highest recommended patch of ${minorName}, the target you asked for`;
      break;
    }
    case 'exact': {
      target = spec.version;
      const targetText = formatVersion(target);
      const cmp = compareVersions(target, from);
      if (cmp === 0) return already();
      if (cmp < 0) throw downgrade(targetText);
      if (target.major !== from.major) throw majorJump(targetText, target.major);
      const listed = entries.find((e) => compareVersions(e.v, target) === 0);
      if (listed?.release.yanked) {
        const alt = highest(inMinor(target.major, target.minor).filter(isStop));
        throw refuse(
          'yanked-target',
          `${targetText} is yanked: ${listed.release.yanked.reason}`,
          alt ? `Choose ${formatVersion(alt.v)}, the recommended patch of ${formatMinor(target)} (--to ${formatMinor(target)}).` : `Choose another release; ${name} has no good patch of ${formatMinor(target)}.`,
          { ...meta, target: targetText, reason: listed.release.yanked.reason },
        );
      }
      if (!listed) {
        if (!input.allowUnlisted) {
          throw refuse(
            'unlisted-target',
            `${targetText} is not in ${name}`,
            'Choose a listed version (`pantherctl catalog list`), supply a catalog that lists it with --catalog FILE, or pass --allow-unlisted to plan it anyway.',
            { ...meta, target: targetText },
          );
        }
        warnings.push(`${targetText} is not in ${name}: its notes, manual steps and template digests are unknown (planned because of --allow-unlisted).`);
      } else if (!listed.release.recommended) {
        warnings.push(`${targetText} is not a recommended release; the recommended patches are the tested stops.`);
      }
      targetRelease = listed?.release;
      finalReason = 'the target you asked for';
      break;
    }
  }

  const targetText = formatVersion(target);
  const hops: PlannedHop[] = [];

  // 2. Every minor strictly between current and target gets one stop: its highest recommended patch.
  if (!sameMinor(from, target)) {
    const sameMajor = entries.filter((e) => e.v.major === from.major);
    const oldestMinor = sameMajor.length ? Math.min(...sameMajor.map((e) => e.v.minor)) : undefined;
    if (oldestMinor !== undefined && from.minor + 1 < oldestMinor) {
      const gap = from.minor + 1 === oldestMinor - 1 ? `${from.major}.${from.minor + 1}` : `${from.major}.${from.minor + 1} to ${from.major}.${oldestMinor - 1}`;
      throw refuse(
        'current-too-old',
        `${fromText} is older than ${name} covers (it starts at ${from.major}.${oldestMinor}); it knows no release of ${gap}, and an upgrade cannot skip a minor`,
        `Supply a catalog file with --catalog FILE that covers ${from.major}.${from.minor + 1} up to your target (it replaces the embedded one; one recommended patch per minor).`,
        { ...meta, oldestMinor: `${from.major}.${oldestMinor}`, missing: gap },
      );
    }
    for (let minor = from.minor + 1; minor < target.minor; minor++) {
      const minorName = `${from.major}.${minor}`;
      const candidates = inMinor(from.major, minor);
      if (candidates.length === 0) {
        throw refuse(
          'unknown-minor',
          `${name} knows no release of ${minorName}, which lies between ${fromText} and ${targetText}; an upgrade cannot skip a minor`,
          `Supply a catalog that lists the recommended patch of ${minorName} with --catalog FILE.`,
          { ...meta, minor: minorName },
        );
      }
      const stop = highest(candidates.filter(isStop));
      if (!stop) throw noStopIn(minorName, candidates, false);
      for (const skipped of candidates) {
        if (skipped.release.yanked && compareVersions(skipped.v, stop.v) > 0) {
          warnings.push(`${formatVersion(skipped.v)} is yanked (${skipped.release.yanked.reason}); stopping at ${formatVersion(stop.v)} instead.`);
        }
      }
      hops.push({ version: formatVersion(stop.v), reason: `highest recommended patch of ${minorName}`, release: stop.release });
    }
  }

  // 3. The target itself; a target in the current minor is this one hop.
  hops.push({ version: targetText, reason: finalReason, release: targetRelease });
  return { from: fromText, to: targetText, hops, warnings, alreadyAt: false };
}
