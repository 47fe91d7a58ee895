import { z } from 'zod';
import { DEFAULT_ROLE_STACK } from '../../catalog/urls.js';

/**
 * The shape of a fleet file (`--fleet FILE`, default `./pantherctl-fleet.yml`): the
 * deployments one `pantherctl fleet ...` command acts on, grouped in waves. Only load.ts and
 * the schema writer import this module (zod stays off the paths that do not read a fleet).
 * schema/pantherctl-fleet.schema.json is generated from it (`npm run schema`).
 */

/**
 * Deployment and wave names are typed back on the command line (`--wave W`), end up in state
 * keys (`s3://BUCKET/PREFIX/<name>/...`) and in `requires`, so they stay shell- and key-safe.
 */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const ACCOUNT_PATTERN = /^\d{12}$/;
/** Same shape catalog/regions.ts accepts; whether Panther publishes there is checked after the shape. */
export const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
/**
 * CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128. The
 * deployment role only acts on `panther*` stacks and the documentation asks for `panther-`.
 */
export const ROOT_STACK_PATTERN = /^panther-[A-Za-z0-9-]{1,120}$/;
export const STACK_PATTERN = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** `staging`, `prod-eu`, or `wave:<W>` for every deployment of wave W. */
export const REQUIREMENT_PATTERN = /^(wave:)?[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const nameMessage = 'expected a name of letters, digits, ".", "_" or "-" (at most 63, starting with a letter or digit)';

const name = z
  .string({ error: (iss) => (iss.input === undefined ? undefined : nameMessage) })
  .regex(NAME_PATTERN, { error: nameMessage })
  .meta({ description: 'Unique name of the deployment in the fleet; used by `requires`, in messages and in the shared state keys.' });

const account = z
  // YAML reads unquoted digits as a number (and drops leading zeros): say so.
  .string({
    error: (iss) =>
      iss.input === undefined ? undefined : 'expected the account id as a quoted string of 12 digits, e.g. "123456789012" (unquoted, YAML reads it as a number)',
  })
  .regex(ACCOUNT_PATTERN, { error: 'expected an AWS account id of 12 digits' })
  .meta({ description: 'AWS account id (12 digits, quoted). Preflight refuses credentials of another account.' });

const region = z
  .string({ error: (iss) => (iss.input === undefined ? undefined : 'expected an AWS region name such as us-east-2') })
  .regex(REGION_PATTERN, { error: 'expected an AWS region name such as us-east-2' })
  .meta({ description: 'AWS region of the deployment.' });

const rootStack = z
  .string({ error: (iss) => (iss.input === undefined ? undefined : 'expected a stack name starting with panther-') })
  .regex(ROOT_STACK_PATTERN, {
    error: 'expected a stack name starting with "panther-" (then letters, digits or "-"): the deployment role only acts on panther* stacks',
  })
  .meta({ description: 'Root CloudFormation stack. Must start with `panther-`: the deployment role only acts on `panther*` stacks.' });

const roleStack = z
  .string()
  .regex(STACK_PATTERN, { error: 'expected a CloudFormation stack name (a letter, then letters, digits or "-")' })
  .default(DEFAULT_ROLE_STACK)
  .meta({ description: `Stack of the deployment role. Default: ${DEFAULT_ROLE_STACK}.` });

/** Says which of the two shapes was meant, instead of zod's generic "Invalid input". */
function credentialsMessage(input: unknown): string {
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const keys = Object.keys(input);
    if (keys.includes('profile') && keys.includes('assumeRole')) return 'give either profile or assumeRole, not both';
    const other = keys.find((k) => k !== 'profile' && k !== 'assumeRole');
    if (other !== undefined) return `unknown key "${other}" in credentials (expected profile or assumeRole)`;
    return 'expected profile or assumeRole';
  }
  return 'expected a map with profile or assumeRole';
}

const credentials = z
  .union(
    [
      z
        .strictObject({ profile: z.string().min(1, { error: 'expected a profile name' }) })
        .meta({ description: 'A profile of the AWS shared config and credentials files.' }),
      z
        .strictObject({
          assumeRole: z
            .string()
            .regex(ROLE_ARN_PATTERN, { error: 'expected an IAM role ARN such as arn:aws:iam::123456789012:role/PantherOperator' }),
        })
        .meta({ description: 'An IAM role to assume (with the default credentials) before any call.' }),
    ],
    { error: (iss) => credentialsMessage(iss.input) },
  )
  .meta({ description: 'How to get credentials for this deployment: `profile` or `assumeRole`, not both. Default: the SDK default chain.' });

const waveMessage = 'expected a wave name (letters, digits, ".", "_" or "-") or a whole number';
const wave = z
  .union([z.string().regex(NAME_PATTERN), z.int().min(0).max(1_000_000)], { error: waveMessage })
  .meta({
    description:
      'The wave this deployment runs in. Waves run one after another, in the order in which they first appear in the file; numbered waves must first appear in ascending order.',
  });

const requirement = z
  .string({ error: 'expected a deployment name or wave:<W>' })
  .regex(REQUIREMENT_PATTERN, { error: 'expected a deployment name or wave:<W>' });

const requires = z
  .union([requirement, z.array(requirement).min(1, { error: 'expected at least one deployment name or wave:<W>' })], {
    error: 'expected a deployment name, wave:<W>, or a list of them',
  })
  .meta({
    description:
      'Deployments (by name) or waves (`wave:<W>`) that must have finished the same plan (same plan digest) before this one starts. They must be in an earlier wave or the same one.',
  });

const endpointUrl = z.url({ error: 'expected a URL such as http://127.0.0.1:4599' });

const deployment = z
  .strictObject({
    name,
    account,
    region,
    rootStack,
    roleStack,
    credentials: credentials.optional(),
    endpointUrl: endpointUrl.optional().meta({ description: 'AWS endpoint for this deployment instead of AWS itself (the sandbox). Default: the fleet-wide endpointUrl.' }),
    wave,
    requires: requires.optional(),
  })
  .meta({ description: 'One Panther deployment of the fleet.' });

export const fleetFileSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Path or URL of this JSON Schema, for editors.' }),
    schemaVersion: z.literal(1, { error: 'expected schemaVersion: 1' }),
    endpointUrl: endpointUrl.optional().meta({ description: 'AWS endpoint for every deployment (e.g. the sandbox); a deployment may set its own.' }),
    deployments: z.array(deployment).min(1, { error: 'expected at least one deployment' }),
  })
  .meta({
    title: 'pantherctl fleet',
    description: 'The Panther deployments `pantherctl fleet status|plan|upgrade|resume` act on, in waves (`--fleet FILE`).',
  });

/** A fleet file after shape validation, before the rules (names, waves, requires). */
export type FleetFile = z.output<typeof fleetFileSchema>;
export type FleetFileDeployment = FleetFile['deployments'][number];

/** The JSON Schema an editor validates a fleet file with (`io: 'input'`: what a person writes). */
export function fleetJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(fleetFileSchema, { io: 'input' }) as Record<string, unknown>;
}

/** The exact text of schema/pantherctl-fleet.schema.json (a test checks the committed file matches). */
export function fleetJsonSchemaText(): string {
  return `${JSON.stringify(fleetJsonSchema(), null, 2)}\n`;
}

/** Where the schema lives, relative to the package root. */
export const FLEET_SCHEMA_PATH = 'schema/pantherctl-fleet.schema.json';
