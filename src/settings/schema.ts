import { z } from 'zod';

/**
 * `pantherctl.yml`: the connection and stack names of one deployment, so that operators do
 * not repeat them on every command. Every key is optional; command-line options win.
 * The JSON Schema in schema/pantherctl-config.schema.json is generated from this one.
 */
export const pantherctlConfigSchema = z
  .object({
    $schema: z.string().optional(),
    profile: z.string().min(1).optional().describe('AWS shared-config profile (as --profile).'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
      .optional()
      .describe('AWS region of the deployment (as --region).'),
    endpointUrl: z.url().optional().describe('AWS endpoint to talk to instead of AWS itself, e.g. the sandbox (as --endpoint-url).'),
    assumeRole: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/)
      .optional()
      .describe('IAM role ARN to assume before any call (as --assume-role).'),
    rootStack: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/)
      .optional()
      .describe('Root stack name (as --root-stack); preflight refuses one without the panther- prefix, since the deployment role only acts on panther* stacks. Default: discovered.'),
    roleStack: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/)
      .optional()
      .describe('Deployment role stack name, as CloudFormation allows it. Default: panther-deployment-role (as --role-stack).'),
    useDeploymentRole: z
      .boolean()
      .optional()
      .describe('Pass the role stack output DeploymentRoleArn to CloudFormation as the root stack service role (RoleARN). Default: true when the output exists.'),
    stateDir: z.string().min(1).optional().describe('Where journals and locks are kept. Default: .pantherctl under the working directory (as --state-dir).'),
    catalog: z.string().min(1).optional().describe('Release catalog file instead of the embedded one (as --catalog).'),
    account: z
      .string()
      .regex(/^\d{12}$/)
      .optional()
      .describe('AWS account id the deployment lives in; preflight refuses other accounts (as --account).'),
    timeoutMinutes: z.number().int().min(1).max(1440).optional().describe('Longest wait for one stack operation or build, in minutes (as --timeout). Default: 120.'),
    state: z
      .string()
      .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/)
      .optional()
      .describe('Shared journal and lock in S3: s3://BUCKET/PREFIX (as --state). Default: the local state directory.'),
    stateKmsKey: z.string().min(1).optional().describe('KMS key (id, ARN or alias) the state objects are encrypted with, SSE-KMS (as --state-kms-key). Default: the bucket\'s default encryption.'),
    stateLeaseSeconds: z
      .number()
      .int()
      .min(5)
      .max(3600)
      .optional()
      .describe('How long the S3 lock lease lasts unless renewed (renewed at two thirds). Default: 120: a crashed run blocks others that long at most.'),
    notify: z
      .array(z.string().min(1))
      .max(20)
      .optional()
      .describe('Where upgrade, resume, deploy and configure send notifications: http(s) URLs and sns:TOPIC_ARN (added to --notify). Default: none.'),
  })
  .strict();

export type PantherctlConfig = z.infer<typeof pantherctlConfigSchema>;

/** The JSON Schema an editor validates pantherctl.yml with (`io: 'input'`: what a person writes). */
export function pantherctlConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pantherctlConfigSchema, { io: 'input' }) as Record<string, unknown>;
}

export function pantherctlConfigJsonSchemaText(): string {
  return `${JSON.stringify(pantherctlConfigJsonSchema(), null, 2)}\n`;
}

export const CONFIG_SCHEMA_PATH = 'schema/pantherctl-config.schema.json';
