import { z } from 'zod';
import { EXACT_VERSION_SOURCE } from './version.js';

/**
 * The shape of a catalog FILE (`--catalog FILE`, YAML or JSON). Only `load.ts` and
 * `json-schema.ts` import this module: zod is too heavy to load for the offline `plan`
 * command on the embedded catalog. schema/catalog.schema.json is generated from it.
 */

/** The spellings `parseVersion` accepts, by the same rule: `v1.25.18` or `1.25.18` (version files drop the `v`). */
export const VERSION_PATTERN = new RegExp(EXACT_VERSION_SOURCE);
export const SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;
/** Manual step ids are typed back by the operator (`--ack ID`), so they stay shell-safe. */
export const STEP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const sha256 = z
  .string()
  .regex(SHA256_PATTERN, { error: 'expected a SHA-256 digest: 64 hexadecimal digits' })
  .meta({ description: 'SHA-256 of the published template, 64 hexadecimal digits.' });

const manualStep = z
  .strictObject({
    id: z
      .string()
      .regex(STEP_ID_PATTERN, { error: 'expected a step id of letters, digits, ".", "_" or "-"' })
      .meta({ description: 'Stable id the operator passes to `--ack` once the step is done. Unique in the catalog.' }),
    text: z.string().min(1, { error: 'expected a non-empty description of the step' }),
  })
  .meta({ description: 'Something a person has to do around this hop; the upgrade waits for `--ack ID`.' });

const release = z.strictObject({
  version: z
    // YAML reads `1.25` as a number; say what a version looks like instead of "expected string".
    .string({ error: (iss) => (iss.input === undefined ? undefined : 'expected a version such as v1.25.18 or 1.25.18') })
    .regex(VERSION_PATTERN, { error: 'expected a version such as v1.25.18 or 1.25.18' })
    .meta({ description: 'Exact release, with or without the `v` prefix.' }),
  recommended: z
    .boolean()
    .default(true)
    .meta({ description: 'A recommended release may be an intermediate stop; the highest recommended patch of each minor is used.' }),
  yanked: z
    .strictObject({ reason: z.string().min(1, { error: 'expected a non-empty reason' }) })
    .optional()
    .meta({ description: 'Present when the release must not be installed; the planner refuses it as a stop or target.' }),
  notes: z.array(z.string()).optional().meta({ description: 'Migration notes shown with the hop.' }),
  manualSteps: z.array(manualStep).optional(),
  pulumiBuild: z
    .boolean()
    .optional()
    .meta({ description: 'Whether the `panther-pulumi` CodeBuild project runs after the root stack. Default: true from v1.22 on.' }),
  templates: z
    .strictObject({ root: sha256.optional(), role: sha256.optional() })
    .optional()
    .meta({ description: 'Expected SHA-256 of the root and deployment role templates.' }),
});

export const catalogFileSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Path or URL of this JSON Schema, for editors.' }),
    schemaVersion: z.literal(1),
    releases: z.array(release),
  })
  .meta({
    title: 'pantherctl release catalog',
    description: 'Panther releases pantherctl may plan upgrades through (`pantherctl --catalog FILE`).',
  });

/** A catalog file after shape validation, before normalisation. */
export type CatalogFile = z.output<typeof catalogFileSchema>;
export type CatalogFileRelease = CatalogFile['releases'][number];
