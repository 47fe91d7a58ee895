import { z } from 'zod';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { readUserText } from '../../io/read-user-file.js';
import { FLEET_PLAN_KIND, FLEET_PLAN_SCHEMA_VERSION, type FleetPlan } from './fleet-plan.js';
import { planDigest } from './plan-digest.js';

/**
 * Reads a fleet plan (`fleet upgrade --plan FILE`). Beyond the shape, it recomputes every
 * deployment's digest: a plan edited by hand (a hop or a hash changed, the digest kept) would
 * otherwise pass promotion with a plan staging never ran.
 */

const version = z.string().regex(/^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/, { error: 'expected a v-prefixed version' });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected a lower-case SHA-256 digest' });

const fleetPlanSchema = z.strictObject({
  schemaVersion: z.literal(FLEET_PLAN_SCHEMA_VERSION, { error: `expected schemaVersion ${FLEET_PLAN_SCHEMA_VERSION}` }),
  kind: z.literal(FLEET_PLAN_KIND, { error: `expected kind "${FLEET_PLAN_KIND}" (a single deployment's plan goes to \`upgrade --plan\`)` }),
  target: version,
  createdAt: z.iso.datetime().optional(),
  fleet: z.strictObject({ source: z.string().min(1), sha256 }),
  catalog: z.strictObject({ source: z.string().min(1), sha256 }),
  deployments: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        account: z.string().regex(/^\d{12}$/),
        region: z.string().min(1),
        rootStack: z.string().min(1),
        wave: z.string().min(1),
        from: version,
        hops: z.array(z.strictObject({ version, rootTemplateSha256: sha256, roleTemplateSha256: sha256 })),
        parameterChanges: z.array(z.strictObject({ key: z.string().regex(/^[A-Za-z0-9]{1,255}$/), valueSha256: sha256 })),
        digest: sha256,
      }),
    )
    .min(1, { error: 'expected at least one deployment' }),
});

/** Parses and checks a fleet plan. Throws PantherctlError `invalid-fleet-plan` (exit 1) naming the first problem. */
export function parseFleetPlan(text: string, fileName = 'fleet plan'): FleetPlan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PantherctlError('invalid-fleet-plan', `${fileName} is not JSON: ${(err as Error).message}`, {
      hint: 'Make the plan again with `pantherctl fleet plan --to V --out FILE`.',
      meta: { file: fileName, path: '' },
    });
  }
  const parsed = fleetPlanSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw invalid(fileName, `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid fleet plan'}`, path);
  }
  const plan = parsed.data as FleetPlan;
  const seen = new Set<string>();
  plan.deployments.forEach((d, i) => {
    const path = `deployments[${i}]`;
    if (seen.has(d.name)) throw invalid(fileName, `${path}.name: duplicate deployment ${d.name}`, `${path}.name`);
    seen.add(d.name);
    const last = d.hops[d.hops.length - 1]?.version ?? d.from;
    if (last !== plan.target) throw invalid(fileName, `${path}: the plan of ${d.name} ends at ${last}, not at the target ${plan.target}`, path);
    const keys = new Set(d.parameterChanges.map((p) => p.key));
    if (keys.size !== d.parameterChanges.length) throw invalid(fileName, `${path}.parameterChanges: a parameter is changed twice`, `${path}.parameterChanges`);
    if (planDigest({ target: plan.target, hops: d.hops, parameterChanges: d.parameterChanges }) !== d.digest) {
      throw invalid(fileName, `${path}.digest: does not match the plan of ${d.name} (was the file edited?)`, `${path}.digest`);
    }
  });
  return plan;
}

/** Reads a fleet plan file: `fleet-plan-unreadable` when it cannot be read, `invalid-fleet-plan` when it is not one. */
export function readFleetPlanFile(path: string): FleetPlan {
  return parseFleetPlan(readUserText(path, { what: 'fleet plan', code: 'fleet-plan-unreadable', option: '--plan' }), path);
}

function invalid(fileName: string, message: string, path: string): PantherctlError {
  return new PantherctlError('invalid-fleet-plan', `${fileName}: ${message}`, {
    hint: 'Make the plan again with `pantherctl fleet plan --to V --out FILE`; do not edit a saved plan by hand.',
    meta: { file: fileName, path },
  });
}
