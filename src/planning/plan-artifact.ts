import type { Catalog, ManualStep, TemplateDigests } from '../catalog/types.js';
import { PULUMI_PROJECT, roleTemplateUrl, rootTemplateUrl } from '../catalog/urls.js';
import { pulumiBuildByDefault } from '../catalog/pulumi-build.js';
import { parseVersion } from '../catalog/version.js';
import type { UpgradePlanResult } from './plan-upgrade.js';

/**
 * The plan as an artifact (`pantherctl plan --json`, `--out plan.json`): everything a later
 * `upgrade --plan` needs, plus the SHA-256 of the catalog it came from so the upgrade can refuse
 * a plan whose inputs changed. `from`, `to`, `hops` and `catalogSha256` are a public JSON contract.
 * No zod here: `plan` must not load it (reading a saved plan lives in read-plan.ts).
 */

/** Bumped when the artifact changes incompatibly; read-plan.ts refuses other values. */
export const PLAN_SCHEMA_VERSION = 1;

/** The post-deploy step from v1.22 on: `aws codebuild start-build --project-name panther-pulumi`. */
export const PULUMI_POST_DEPLOY = `start-build ${PULUMI_PROJECT}`;

export interface PlanHop {
  version: string;
  reason: string;
  roleTemplateUrl: string;
  rootTemplateUrl: string;
  /** Steps after the root stack update, in order; `start-build panther-pulumi` from v1.22 on. */
  postDeploy: string[];
  notes: string[];
  /** Steps a person must do and acknowledge (`--ack ID`) before this hop runs. */
  manualSteps: ManualStep[];
  /** Expected template digests from the catalog; empty when the catalog has none. */
  templateSha256: TemplateDigests;
  /** False for a target planned with `--allow-unlisted` (nothing is known about it). */
  listed: boolean;
}

export interface Plan {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  from: string;
  to: string;
  region: string;
  /** True when no `--region` was given and the template URLs are for the default region. */
  regionAssumed?: boolean;
  alreadyAt: boolean;
  hops: PlanHop[];
  warnings: string[];
  catalogSha256: string;
  /** `embedded` or the catalog file path. */
  catalogSource: string;
  /** ISO time the plan was made; only present when the caller passes a clock reading. */
  createdAt?: string;
}

export interface BuildPlanOptions {
  /** Region of the root stack; must already be validated (validateRegion). */
  region: string;
  /** The region is the default, not one the operator gave. Default false. */
  regionAssumed?: boolean;
  /** The catalog `result` was planned from. */
  catalog: Catalog;
  /** When the plan was made. Default: omitted, which keeps the function pure and its output stable. */
  createdAt?: Date;
}

export function buildPlan(result: UpgradePlanResult, options: BuildPlanOptions): Plan {
  const { region, catalog } = options;
  const hops = result.hops.map((hop): PlanHop => {
    const r = hop.release;
    const v = parseVersion(hop.version);
    // An unlisted target has no catalog entry; the spec's rule decides its build step.
    const pulumi = r ? r.pulumiBuild : pulumiBuildByDefault(v);
    return {
      version: hop.version,
      reason: hop.reason,
      roleTemplateUrl: roleTemplateUrl(hop.version),
      rootTemplateUrl: rootTemplateUrl(hop.version, region),
      postDeploy: pulumi ? [PULUMI_POST_DEPLOY] : [],
      notes: r ? [...r.notes] : [],
      manualSteps: r ? r.manualSteps.map((s) => ({ id: s.id, text: s.text })) : [],
      templateSha256: {
        ...(r?.templates.root ? { root: r.templates.root } : {}),
        ...(r?.templates.role ? { role: r.templates.role } : {}),
      },
      listed: r !== undefined,
    };
  });
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    from: result.from,
    to: result.to,
    region,
    ...(options.regionAssumed ? { regionAssumed: true } : {}),
    alreadyAt: result.alreadyAt,
    hops,
    warnings: [...result.warnings],
    catalogSha256: catalog.sha256,
    catalogSource: catalog.source,
    ...(options.createdAt ? { createdAt: options.createdAt.toISOString() } : {}),
  };
}
