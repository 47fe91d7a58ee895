import type { Catalog } from '../../catalog/types.js';
import { compareVersions, formatMinor, formatVersion, parseVersion, tryParseVersion } from '../../catalog/version.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';

export interface DeployVersionCheck {
  /** `v`-prefixed. */
  version: string;
  /** Said before the plan: an unlisted version deployed with `allowUnlisted`, or one that is not recommended. */
  warnings: string[];
}

/**
 * `deploy --version` against the release catalog, pure and before any AWS call: the spelling,
 * then a yanked release (always refused, as `plan` does) or one the catalog does not list
 * (refused unless `allowUnlisted`: nothing is known about it, and a template that is not
 * published would only be found missing after the role stack was created).
 */
export function checkDeployVersion(input: string, catalog: Catalog, allowUnlisted = false): DeployVersionCheck {
  const v = parseVersion(input);
  const version = formatVersion(v);
  const name = catalog.source === 'embedded' ? 'the embedded catalog' : `the catalog ${catalog.source}`;
  const listed = catalog.releases.find((r) => {
    const rv = tryParseVersion(r.version);
    return rv !== undefined && compareVersions(rv, v) === 0;
  });
  const recommended = (): string | undefined => {
    const same = catalog.releases.flatMap((r) => {
      const rv = tryParseVersion(r.version);
      return rv && r.recommended && !r.yanked && rv.major === v.major && rv.minor === v.minor ? [rv] : [];
    });
    const top = same.sort((a, b) => compareVersions(b, a))[0];
    return top ? formatVersion(top) : undefined;
  };
  if (listed?.yanked) {
    const alt = recommended();
    throw new PantherctlError('yanked-version', `${version} is yanked: ${listed.yanked.reason}`, {
      hint: alt ? `Deploy ${alt}, the recommended patch of ${formatMinor(v)}.` : `Choose another release; ${name} has no good patch of ${formatMinor(v)}.`,
      meta: { version, reason: listed.yanked.reason },
    });
  }
  if (!listed) {
    if (!allowUnlisted) {
      throw new PantherctlError('unlisted-version', `${version} is not in ${name}`, {
        hint: 'Choose a listed version (`pantherctl catalog list`), supply a catalog that lists it with --catalog FILE, or pass --allow-unlisted to deploy it anyway.',
        meta: { version, catalog: catalog.source },
      });
    }
    return { version, warnings: [`${version} is not in ${name}: its notes and template digests are unknown (deployed because of --allow-unlisted).`] };
  }
  return { version, warnings: listed.recommended ? [] : [`${version} is not a recommended release; the recommended patches are the tested ones.`] };
}
