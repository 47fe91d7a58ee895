import type { Catalog } from '../catalog/types.js';
import { roleTemplateUrl, rootTemplateUrl } from '../catalog/urls.js';
import { isPantherctlError } from '../errors/pantherctl-error.js';
import type { Plan } from './plan-artifact.js';
import { planUpgrade } from './plan-upgrade.js';

/** Every way a saved plan can stop matching its inputs, declared once (docs/codes.md lists them). */
export const PLAN_DIFFERENCE_CODES = {
  'catalog-changed': 'The catalog changed since the plan was made (its SHA-256 differs).',
  'path-changed': 'The catalog now plans another path.',
  'plan-refused': 'The plan could not be made today (the planner refuses it).',
  'hop-missing': 'A hop of the plan is no longer in the catalog.',
  'hop-yanked': 'A hop of the plan is now yanked.',
  'template-digest-changed': 'The expected template digests of a hop changed.',
  'manual-steps-changed': 'The manual steps of a hop changed.',
  'notes-changed': 'The notes of a hop changed.',
  'url-mismatch': 'The template URLs of a hop are not the ones pantherctl builds for it.',
} as const;

export type PlanDifferenceCode = keyof typeof PLAN_DIFFERENCE_CODES;

/** One way a saved plan no longer matches its inputs; `upgrade --plan` refuses while any remain. */
export interface PlanDifference {
  code: PlanDifferenceCode;
  message: string;
  /** The hop the difference is about, when there is one. */
  hop?: string;
}

/**
 * Compares a saved plan with the catalog `upgrade --plan` would use now. An empty list means the
 * plan still stands. Beyond the catalog digest, it says what changed, so the operator can judge
 * whether to plan again (they must: the upgrade refuses any difference).
 */
export function comparePlanInputs(plan: Plan, catalog: Catalog): PlanDifference[] {
  const diffs: PlanDifference[] = [];
  if (plan.catalogSha256 !== catalog.sha256) {
    diffs.push({
      code: 'catalog-changed',
      message: `The catalog changed since the plan was made (plan: ${plan.catalogSource} ${plan.catalogSha256.slice(0, 12)}, now: ${catalog.source} ${catalog.sha256.slice(0, 12)})`,
    });
  }

  for (const hop of plan.hops) {
    if (hop.rootTemplateUrl !== rootTemplateUrl(hop.version, plan.region) || hop.roleTemplateUrl !== roleTemplateUrl(hop.version)) {
      diffs.push({ code: 'url-mismatch', hop: hop.version, message: `The template URLs of ${hop.version} are not the ones pantherctl builds for it` });
    }
    const release = catalog.releases.find((r) => r.version === hop.version);
    if (!release) {
      if (hop.listed) diffs.push({ code: 'hop-missing', hop: hop.version, message: `${hop.version} is no longer in the catalog` });
      continue;
    }
    if (release.yanked) {
      diffs.push({ code: 'hop-yanked', hop: hop.version, message: `${hop.version} is now yanked: ${release.yanked.reason}` });
    }
    if ((release.templates.root ?? null) !== (hop.templateSha256.root ?? null) || (release.templates.role ?? null) !== (hop.templateSha256.role ?? null)) {
      diffs.push({ code: 'template-digest-changed', hop: hop.version, message: `The expected template digests of ${hop.version} changed` });
    }
    if (JSON.stringify(release.manualSteps.map((s) => [s.id, s.text])) !== JSON.stringify(hop.manualSteps.map((s) => [s.id, s.text]))) {
      diffs.push({ code: 'manual-steps-changed', hop: hop.version, message: `The manual steps of ${hop.version} changed` });
    }
    if (JSON.stringify(release.notes) !== JSON.stringify(hop.notes)) {
      diffs.push({ code: 'notes-changed', hop: hop.version, message: `The notes of ${hop.version} changed` });
    }
  }

  // The same question asked of today's catalog must give the same path.
  try {
    const again = planUpgrade({ from: plan.from, to: plan.to, catalog, allowUnlisted: plan.hops.some((h) => !h.listed) });
    const was = plan.hops.map((h) => h.version).join(' -> ');
    const now = again.hops.map((h) => h.version).join(' -> ');
    if (was !== now) {
      diffs.push({ code: 'path-changed', message: `The catalog now gives another path: ${now || '(none)'} instead of ${was || '(none)'}` });
    }
  } catch (err) {
    if (!isPantherctlError(err)) throw err;
    diffs.push({ code: 'plan-refused', message: `The plan could not be made today: ${err.message}` });
  }
  return diffs;
}
