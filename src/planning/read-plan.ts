import { readUserText } from '../io/read-user-file.js';
import { z } from 'zod';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { PLAN_SCHEMA_VERSION } from './plan-artifact.js';
import type { Plan } from './plan-artifact.js';

/**
 * Reads a saved plan (`upgrade --plan plan.json`). Only that path loads zod; `plan` itself
 * never imports this module.
 */

const version = z.string().regex(/^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/, { error: 'expected a v-prefixed version' });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected a lowercase SHA-256 digest' });

const planSchema = z.strictObject({
  schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
  from: version,
  to: version,
  region: z.string().min(1),
  regionAssumed: z.boolean().optional(),
  alreadyAt: z.boolean(),
  hops: z.array(
    z.strictObject({
      version,
      reason: z.string(),
      roleTemplateUrl: z.url(),
      rootTemplateUrl: z.url(),
      postDeploy: z.array(z.string()),
      notes: z.array(z.string()),
      manualSteps: z.array(z.strictObject({ id: z.string().min(1), text: z.string() })),
      templateSha256: z.strictObject({ root: sha256.optional(), role: sha256.optional() }),
      listed: z.boolean(),
    }),
  ),
  warnings: z.array(z.string()),
  catalogSha256: sha256,
  catalogSource: z.string().min(1),
  createdAt: z.iso.datetime().optional(),
});

/** Parses and validates plan JSON. Throws PantherctlError `invalid-plan` naming the first bad field. */
export function parsePlan(text: string, fileName = 'plan'): Plan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PantherctlError('invalid-plan', `${fileName} is not JSON: ${(err as Error).message}`, {
      hint: 'Make the plan again with `pantherctl plan ... --out FILE`.',
      meta: { file: fileName },
    });
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new PantherctlError('invalid-plan', `${fileName}: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid plan'}`, {
      hint: 'Make the plan again with `pantherctl plan ... --out FILE`; do not edit a saved plan by hand.',
      meta: { file: fileName, path },
    });
  }
  return parsed.data as Plan;
}

/** Reads a plan file. Throws `plan-unreadable` when the file cannot be read, `invalid-plan` when it is not a plan. */
export function readPlanFile(path: string): Plan {
  return parsePlan(readUserText(path, { what: 'plan', code: 'plan-unreadable', option: '--plan' }), path);
}
