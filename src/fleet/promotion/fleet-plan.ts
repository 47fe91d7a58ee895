import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { Plan } from '../../planning/plan-artifact.js';
import type { Fleet } from '../file/types.js';
import { planDigest, type DigestHop, type DigestParameterChange, hashParameterValue } from './plan-digest.js';

/**
 * The fleet plan (`pantherctl fleet plan --out FILE`): made once, then followed by every
 * deployment of `fleet upgrade --plan FILE`, so staging and production run exactly the same
 * thing. JSON, versioned by `schemaVersion`; read back with read-fleet-plan.ts. It holds no
 * parameter value: each change is a key and a keyed SHA-256 of its value, and `fleet upgrade`
 * refuses `--param` values that do not hash to the planned ones. No zod in this module.
 */

/** Bumped when the format changes incompatibly; the reader refuses other values. */
export const FLEET_PLAN_SCHEMA_VERSION = 1;
/** Tells a fleet plan from a single deployment's plan (`pantherctl plan --out`) at a glance. */
export const FLEET_PLAN_KIND = 'pantherctl-fleet-plan';

export interface FleetPlanDeployment {
  name: string;
  account: string;
  region: string;
  rootStack: string;
  wave: string;
  /** The version the deployment was at when the plan was made. */
  from: string;
  /** Empty when the deployment is already at the target. */
  hops: DigestHop[];
  parameterChanges: DigestParameterChange[];
  /** `planDigest` of target, hops and parameter changes; the reader recomputes and compares it. */
  digest: string;
}

export interface FleetPlan {
  schemaVersion: typeof FLEET_PLAN_SCHEMA_VERSION;
  kind: typeof FLEET_PLAN_KIND;
  target: string;
  /** ISO time the plan was made; omitted when the caller passes no clock reading (stable output). */
  createdAt?: string;
  /** The fleet file the plan was made from. */
  fleet: { source: string; sha256: string };
  /** The release catalog the hops come from (`embedded` or a file). */
  catalog: { source: string; sha256: string };
  /** In fleet file order. */
  deployments: FleetPlanDeployment[];
}

export interface PlannedDeploymentInput {
  name: string;
  from: string;
  hops: readonly DigestHop[];
  /** Hashed already (`parameterChanges(values)`); values never reach the plan. */
  parameterChanges: readonly DigestParameterChange[];
}

export interface BuildFleetPlanInput {
  fleet: Fleet;
  /** `v1.28.7`: the resolved target, the same for every deployment. */
  target: string;
  catalog: { source: string; sha256: string };
  /** One per planned deployment, by name; those of the fleet without one are left out (`--wave`). */
  deployments: readonly PlannedDeploymentInput[];
  /** Default: omitted, so the same inputs give the same file. */
  createdAt?: Date;
}

/** Assembles the plan and computes each deployment's digest. Throws TypeError on a name the fleet lacks. */
export function buildFleetPlan(input: BuildFleetPlanInput): FleetPlan {
  const planned = new Map(input.deployments.map((d) => [d.name, d]));
  for (const name of planned.keys()) {
    if (!input.fleet.deployments.some((d) => d.name === name)) throw new TypeError(`buildFleetPlan: ${name} is not in the fleet`);
  }
  const deployments: FleetPlanDeployment[] = [];
  for (const d of input.fleet.deployments) {
    const p = planned.get(d.name);
    if (!p) continue;
    const hops = p.hops.map((h) => ({ version: h.version, rootTemplateSha256: h.rootTemplateSha256.toLowerCase(), roleTemplateSha256: h.roleTemplateSha256.toLowerCase() }));
    const parameterChanges = [...p.parameterChanges].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    deployments.push({
      name: d.name,
      account: d.account,
      region: d.region,
      rootStack: d.rootStack,
      wave: d.wave,
      from: p.from,
      hops,
      parameterChanges,
      digest: planDigest({ target: input.target, hops, parameterChanges }),
    });
  }
  return {
    schemaVersion: FLEET_PLAN_SCHEMA_VERSION,
    kind: FLEET_PLAN_KIND,
    target: input.target,
    ...(input.createdAt ? { createdAt: input.createdAt.toISOString() } : {}),
    fleet: { source: input.fleet.source, sha256: input.fleet.sha256 },
    catalog: { source: input.catalog.source, sha256: input.catalog.sha256 },
    deployments,
  };
}

/** The file's text: two-space JSON with a final newline, fields in a fixed order. */
export function fleetPlanText(plan: FleetPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/** One way a fleet plan does not fit the fleet file it is used with. */
export interface FleetPlanDifference {
  code: 'fleet-file-changed' | 'deployment-not-planned' | 'deployment-not-in-fleet' | 'deployment-moved' | 'deployment-wave-changed';
  /** `error`: `fleet upgrade --plan` refuses; `warning`: it says so and goes on. */
  severity: 'error' | 'warning';
  deployment?: string;
  message: string;
}

/**
 * Compares a fleet plan with the fleet file at hand. A deployment the plan does not cover is
 * only a warning (the plan may have been made for one wave, `--wave`); a planned deployment
 * that is gone or now points at another stack is an error.
 */
export function compareFleetPlan(plan: FleetPlan, fleet: Fleet): FleetPlanDifference[] {
  const diffs: FleetPlanDifference[] = [];
  if (plan.fleet.sha256 !== fleet.sha256) {
    diffs.push({ code: 'fleet-file-changed', severity: 'warning', message: `The fleet file changed since the plan was made (plan: ${plan.fleet.source}, now: ${fleet.source})` });
  }
  const byName = new Map(fleet.deployments.map((d) => [d.name, d]));
  for (const p of plan.deployments) {
    const d = byName.get(p.name);
    if (!d) {
      diffs.push({ code: 'deployment-not-in-fleet', severity: 'error', deployment: p.name, message: `${p.name} is planned but no longer in the fleet file` });
    } else if (d.account !== p.account || d.region !== p.region || d.rootStack !== p.rootStack) {
      diffs.push({
        code: 'deployment-moved',
        severity: 'error',
        deployment: p.name,
        message: `${p.name} was planned for ${p.account} ${p.region} ${p.rootStack}, the fleet file now says ${d.account} ${d.region} ${d.rootStack}`,
      });
    } else if (d.wave !== p.wave) {
      diffs.push({ code: 'deployment-wave-changed', severity: 'warning', deployment: p.name, message: `${p.name} moved from wave ${p.wave} to wave ${d.wave} since the plan was made` });
    }
  }
  const planned = new Set(plan.deployments.map((p) => p.name));
  for (const d of fleet.deployments) {
    if (!planned.has(d.name)) diffs.push({ code: 'deployment-not-planned', severity: 'warning', deployment: d.name, message: `${d.name} is not in the plan and will not be upgraded with it` });
  }
  return diffs;
}

/** A `--param` value that does not match the plan (only keys are named: never a value). */
export interface ParameterMismatch {
  code: 'param-missing' | 'param-unplanned' | 'param-differs';
  key: string;
  message: string;
}

/**
 * Checks the `--param KEY=VALUE` values given to `fleet upgrade` against a planned
 * deployment: every planned key needs its value again (the plan has only hashes), no other
 * key may be added, and each value must hash to the planned one.
 */
export function checkParameterValues(planned: FleetPlanDeployment, values: ReadonlyMap<string, string>): ParameterMismatch[] {
  const out: ParameterMismatch[] = [];
  const keys = new Set(planned.parameterChanges.map((p) => p.key));
  for (const p of planned.parameterChanges) {
    const value = values.get(p.key);
    if (value === undefined) out.push({ code: 'param-missing', key: p.key, message: `the plan changes ${p.key}: pass --param ${p.key}=<value> again (the plan keeps only a hash of it)` });
    else if (hashParameterValue(p.key, value) !== p.valueSha256) out.push({ code: 'param-differs', key: p.key, message: `the value given for ${p.key} is not the one planned` });
  }
  for (const key of values.keys()) {
    if (!keys.has(key)) out.push({ code: 'param-unplanned', key, message: `${key} is not changed by the plan: make a new plan to change it` });
  }
  return out;
}

/** Template digests fetched for one hop (preflight fetches every hop's templates). */
export interface FetchedHopDigests {
  root?: string;
  role?: string;
}

/**
 * The digestable hops of one deployment's plan (planning/plan-artifact.ts): each hop's
 * template digests as fetched, else as the catalog expects them. Throws PantherctlError
 * `template-digest-unknown` (exit 1) when neither knows one: a plan whose templates are not
 * pinned cannot be promoted, since "the same plan" would mean "the same URLs" only.
 */
export function hopsFromPlan(plan: Plan, fetched: ReadonlyMap<string, FetchedHopDigests> = new Map()): DigestHop[] {
  return plan.hops.map((hop) => {
    const got = fetched.get(hop.version);
    const root = got?.root ?? hop.templateSha256.root;
    const role = got?.role ?? hop.templateSha256.role;
    if (root === undefined || role === undefined) {
      throw new PantherctlError('template-digest-unknown', `the ${root === undefined ? 'root' : 'role'} template digest of ${hop.version} is not known`, {
        hint: 'Fetch the templates (fleet plan does, unless offline), or use a catalog that records their SHA-256.',
        meta: { hop: hop.version },
      });
    }
    return { version: hop.version, rootTemplateSha256: root.toLowerCase(), roleTemplateSha256: role.toLowerCase() };
  });
}
