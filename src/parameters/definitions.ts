import type { ParameterDef } from './types.js';

/**
 * Every deployment parameter of the root Panther template that pantherctl knows, as the
 * product documentation ("Configuring deployment parameters") gives it. The same table
 * drives validation, `params explain`, the sandbox's fixture templates, first-deploy staging
 * and secret masking, so a parameter added here is picked up everywhere.
 *
 * Where the spec is inconsistent, the definition says which reading was chosen and why.
 * A few parameters the spec's prose or DOMAIN.md refers to without listing them are at the
 * end, marked "not in the spec's list".
 */

/**
 * The spec's pattern for an optional Secrets Manager ARN, copied as CloudFormation gets it.
 * The trailing `?` makes the whole ARN optional, so the empty default is accepted.
 */
const OPTIONAL_SECRET_ARN = String.raw`^(arn:(aws|aws-cn|aws-us-gov):secretsmanager:[a-z]{2}-[a-z]{4,9}-[1-9]:[0-9]{12}:secret:\S+)?$`;

/**
 * The spec's airgap CIDR pattern, verbatim. Its `.` is unescaped, so it matches any
 * character and CloudFormation accepts strings such as `172x31x254x0/25`. We keep it as the
 * CloudFormation rule (being stricter than CloudFormation here would reject stacks that
 * deploy); the real CIDR check is a separate rule in rules.ts.
 */
const AIRGAP_CIDR = String.raw`^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]).){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])(/([0-9]|[1-2][0-9]|3[0-2]))$`;

const BOOL = ['true', 'false'] as const;

type Spec = Omit<ParameterDef, 'type' | 'required' | 'secret' | 'ignoredAfterFirstDeploy' | 'firstDeploy'> &
  Partial<Pick<ParameterDef, 'required' | 'secret' | 'ignoredAfterFirstDeploy' | 'firstDeploy'>>;

function str(spec: Spec): ParameterDef {
  return {
    type: 'String',
    required: false,
    secret: false,
    ignoredAfterFirstDeploy: false,
    firstDeploy: 'later',
    ...spec,
  };
}

function num(spec: Spec): ParameterDef {
  return { ...str(spec), type: 'Number' };
}

function flag(name: string, defaultValue: 'true' | 'false', group: string, description: string): ParameterDef {
  return str({ name, default: defaultValue, allowedValues: BOOL, group, description });
}

export const PARAMETERS: readonly ParameterDef[] = [
  // --- core: the only values a first deploy needs -------------------------------------
  str({
    name: 'FirstUserEmail',
    group: 'core',
    required: true,
    firstDeploy: 'required',
    ignoredAfterFirstDeploy: true,
    description:
      'A Panther admin invite is sent to this email address. Updates are ignored after the first successful deploy.',
  }),
  str({
    name: 'PulumiSecretArn',
    group: 'core',
    required: true,
    firstDeploy: 'required',
    description: 'Provided by Panther: the secret holding your dedicated Pulumi access token.',
  }),
  str({
    name: 'PulumiSecretKeyArn',
    group: 'core',
    required: true,
    firstDeploy: 'required',
    description: 'Provided by Panther: the key of the secret holding your Pulumi access token.',
  }),
  // The spec gives no default for OnboardSelf; the open-source Panther root template
  // defaulted it to true with true/false allowed, and nothing in the spec contradicts it.
  str({
    name: 'OnboardSelf',
    group: 'core',
    default: 'true',
    allowedValues: BOOL,
    firstDeploy: 'safe',
    description: 'Whether Panther onboards its own AWS account for monitoring.',
  }),

  // --- support: telemetry and access for Panther's on-call ---------------------------------
  str({
    name: 'SentryEnvironment',
    group: 'support',
    default: 'prod',
    firstDeploy: 'safe',
    description:
      'Application errors are sent to Sentry for Panther to triage (recommended: prod). A blank string disables the integration.',
  }),
  // The spec says a read-only SupportRole is deployed "by default" but does not print the
  // default account id (it is Panther's own account). We cannot invent it, so the table's
  // default is empty; a value left unset on a real template keeps the template's default.
  str({
    name: 'SupportRoleIdentityAccountId',
    group: 'support',
    default: '',
    firstDeploy: 'safe',
    description:
      "Account allowed to assume the read-only SupportRole (no data access). A blank string disables the role. The template's default is Panther's account id, which the spec does not print.",
  }),
  str({
    name: 'OpsRoleIdentityAccountId',
    group: 'support',
    default: '',
    description:
      'A non-empty value deploys an OperationsRole with service-level admin permissions. Off by default; keep it off until needed.',
  }),

  // --- sizing and tuning -----------------------------------------------------------------
  num({
    name: 'DataLakeForwarderMemory',
    group: 'tuning',
    default: '256',
    minValue: 256,
    maxValue: 2048,
    description: 'Memory (MB) for the Cloud Security DataLake Forwarder lambdas.',
  }),
  // The spec gives only a maximum; no minimum is invented.
  num({
    name: 'MaxLookupTableCompressedSizeMB',
    group: 'tuning',
    default: '200',
    maxValue: 400,
    description: 'Maximum size (MB) of the Gzip-compressed data backing a Lookup Table.',
  }),
  num({
    name: 'CloudSecurityScanSegments',
    group: 'tuning',
    default: '5',
    minValue: 5,
    description: 'Segments to use in table scans.',
  }),
  num({
    name: 'SnapshotScanWindowMinutes',
    group: 'tuning',
    default: '0',
    minValue: 0,
    description: 'If non-zero, deduplicate scan requests within this many minutes.',
  }),
  num({
    name: 'SnapshotPollerLambdaMemorySize',
    group: 'tuning',
    default: '1024',
    minValue: 1024,
    maxValue: 10240,
    description: 'Snapshot Poller (Cloud Security) Lambda memory size in MB.',
  }),
  num({
    name: 'SlowRuleMaxUtilization',
    group: 'tuning',
    default: '50',
    minValue: 1,
    description: 'Maximum time allowed for a rule to run before an alarm is triggered.',
  }),
  str({
    name: 'PythonRuntime',
    group: 'tuning',
    default: 'python3.7',
    allowedValues: ['python3.7', 'python3.9'],
    description: 'The Python runtime for AWS Lambda functions. python3.7 is deprecated by AWS Lambda.',
  }),

  // --- lambda-concurrency ------------------------------------------------------------------
  num({
    name: 'ReplayAPIReservedConcurrency',
    group: 'lambda-concurrency',
    default: '40',
    minValue: 0,
    description: 'Reserved concurrency for the panther-replay-log-pusher Lambda function.',
  }),
  num({
    name: 'MessageForwarderReservedConcurrency',
    group: 'lambda-concurrency',
    default: '50',
    minValue: 0,
    description:
      'Reserved concurrency for the panther-message-forwarder Lambda function (no effect if EnableLambdaReservedConcurrency=false).',
  }),
  num({
    name: 'ReplayProcessorReservedConcurrency',
    group: 'lambda-concurrency',
    default: '40',
    minValue: 0,
    description: 'Reserved concurrency for the panther-replay-results-processor Lambda function.',
  }),

  // --- audit ---------------------------------------------------------------------------------
  flag(
    'EnablePantherAuditLogIngestion',
    'false',
    'audit',
    'Ingest the Audit Logs of this Panther instance into this Panther instance.',
  ),
  num({
    name: 'PantherAuditLogsExpirationDays',
    group: 'audit',
    default: '1825',
    minValue: 30,
    description: 'Expiration in days of Panther Audit Logs (an S3 lifecycle policy).',
  }),
  flag('DynamoDBCloudtrailEnabled', 'false', 'audit', 'Data access logging for specific DynamoDB tables.'),

  // --- features -------------------------------------------------------------------------------
  flag('EnableReplays', 'true', 'features', 'Enables or disables the ability to run replays.'),
  flag('EnableReports', 'false', 'features', 'Enable viewing reports in the Console.'),
  str({
    name: 'FeatureSandboxedExecFlows',
    group: 'features',
    default: 'test-rule',
    description: 'Which functions the detections engine runs with the Python executor.',
  }),
  flag('EnableIntelligentTiering', 'false', 'features', 'Enable INTELLIGENT_TIERING on Panther manager S3 buckets.'),
  flag('EnableAlertsGSIThree', 'false', 'features', 'Feature flag: third month partition GSI for alerts.'),
  flag(
    'EnableFips',
    'false',
    'features',
    'Use FIPS endpoints for AWS services in US regions (may degrade performance; ignored for Snowflake backends).',
  ),
  flag('EnableNewNavigation', 'false', 'features', 'Enable the new navigation page grouping in the UI.'),
  flag('EnableAlertAssignees', 'false', 'features', 'Enables the ability to assign alerts to users.'),
  flag('EnableMicrosoftGraphPuller', 'false', 'features', 'Enables the Microsoft Graph Puller feature.'),

  // --- datadog ---------------------------------------------------------------------------------
  flag('DatadogEnabled', 'false', 'datadog', 'Enables sending telemetry data to Datadog.'),
  // Not given a default in the spec; empty is the only default that does not leak a key.
  str({
    name: 'DatadogAPIKey',
    group: 'datadog',
    default: '',
    secret: true,
    description: 'API key for sending observability data to Datadog (secret).',
  }),
  // The spec prints the default as a lone `"`: a rendering of `''` (empty string), as the
  // optional pattern and SnowflakeRBACSecretARN's `''` show.
  str({
    name: 'DatadogAPIKeySecretArn',
    group: 'datadog',
    default: '',
    allowedPattern: OPTIONAL_SECRET_ARN,
    description: 'Secrets Manager ARN of the API key for sending observability data to Datadog.',
  }),
  // The spec's pattern lacks the trailing `?` its siblings have. As printed, CloudFormation
  // would reject the template's own empty default, so the printed pattern cannot be the
  // deployed one: we use the sibling's optional form.
  str({
    name: 'DatadogAppKeySecretArn',
    group: 'datadog',
    default: '',
    allowedPattern: OPTIONAL_SECRET_ARN,
    description: 'Secrets Manager ARN of the App key for setting up the Datadog AWS Integration.',
  }),
  // Listed as "21 or 22". Kept a String with exact AllowedValues: a Number type would still
  // compare the text, and `22.0` must not slip through either way.
  str({
    name: 'DatadogExtensionVersion',
    group: 'datadog',
    default: '22',
    allowedValues: ['21', '22'],
    description: 'The Datadog Lambda extension version.',
  }),

  // --- airgap ----------------------------------------------------------------------------------
  str({
    name: 'AirgapSubnetOneIPRange',
    group: 'airgap',
    default: '172.31.254.0/25',
    allowedPattern: AIRGAP_CIDR,
    description:
      'A valid, available IP range (CIDR) in the existing VPC, used by the VPC lambdas. Only takes effect if VpcId is specified.',
  }),
  str({
    name: 'AirgapSubnetTwoIPRange',
    group: 'airgap',
    default: '172.31.254.128/25',
    allowedPattern: AIRGAP_CIDR,
    description:
      'A second IP range (CIDR) in the existing VPC, for multi-AZ redundancy. Only takes effect if VpcId is specified.',
  }),

  // --- snowflake (risky: the spec says to set it after the first deploy, on its own) --------
  // SnowflakeRBACSecretARN is listed twice in the spec with the same pattern (once without a
  // default, once with `''`): one definition, default empty.
  str({
    name: 'SnowflakeRBACSecretARN',
    group: 'snowflake',
    risky: true,
    default: '',
    allowedPattern: OPTIONAL_SECRET_ARN,
    description: 'ARN of the AWS secret with configuration and credentials for the PANTHER_RBAC Snowflake user.',
  }),
  num({
    name: 'SnowflakeDDLUpdateConcurrency',
    group: 'snowflake',
    risky: true,
    default: '1',
    minValue: 1,
    maxValue: 100,
    description: 'The concurrency used when updating Snowflake tables, views and pipes.',
  }),

  // --- segment ---------------------------------------------------------------------------------
  // Allowed values include the empty string (`''` in the spec): blank disables Segment.
  str({
    name: 'SegmentEnvironment',
    group: 'segment',
    default: 'prod',
    allowedValues: ['', 'dev', 'staging', 'prod'],
    description: 'Segment environment type; blank disables the Segment integration. Needs a write key for the env.',
  }),
  // The spec prints a dev write key. It is a secret, so it is not in the code: the default
  // is empty (the spec's staging/prod value, printed as a lone `"`).
  str({
    name: 'Segment',
    group: 'segment',
    default: '',
    secret: true,
    description: 'Segment write key (secret). It can only send data to Segment, not read it.',
  }),

  // --- not in the spec's list: named by its prose or by DOMAIN.md --------------------------
  // The airgap ranges "only take effect if VpcID is specified". The spec spells it `VpcID`
  // there, but CloudFormation's own type and every AWS naming convention is `VpcId`
  // (AWS::EC2::VPC::Id, the VpcId property); we use `VpcId` and the unknown-key check
  // suggests it to anyone who types `VpcID`.
  str({
    name: 'VpcId',
    group: 'airgap',
    default: '',
    description:
      'Not in the spec\'s list (named by the airgap ranges\' description): an existing VPC to deploy the VPC lambdas into. Blank: none.',
  }),
  // Named by MessageForwarderReservedConcurrency's description. Its default is not printed;
  // `true` keeps the listed concurrency defaults meaningful (they would be inert otherwise).
  str({
    name: 'EnableLambdaReservedConcurrency',
    group: 'lambda-concurrency',
    default: 'true',
    allowedValues: BOOL,
    description:
      "Not in the spec's list (named by MessageForwarderReservedConcurrency): whether reserved concurrency settings are applied.",
  }),
  // The spec calls the "custom domain configuration parameters" risky without listing them;
  // DOMAIN.md's 1.19.5 -> 1.21 migration names ApiCertificateArn.
  str({
    name: 'CustomDomain',
    group: 'custom-domain',
    risky: true,
    default: '',
    description: "Not in the spec's list (named by its prose): a custom domain for the Panther web application.",
  }),
  str({
    name: 'ApiCertificateArn',
    group: 'custom-domain',
    risky: true,
    default: '',
    description:
      "Not in the spec's list (named by DOMAIN.md's 1.19.5 to 1.21 migration): ACM certificate (us-east-1) for the API domain.",
  }),
  // The spec calls the "snowflake configuration parameters" risky; this is the secret the
  // Snowflake backend's API user reads. Same optional-ARN pattern as its RBAC sibling.
  str({
    name: 'SnowflakeAPISecretARN',
    group: 'snowflake',
    risky: true,
    default: '',
    allowedPattern: OPTIONAL_SECRET_ARN,
    description: "Not in the spec's list (named by its prose): ARN of the AWS secret with the Snowflake API user's credentials.",
  }),
];

const byName = new Map(PARAMETERS.map((def) => [def.name, def]));

/** The definition with exactly this name (CloudFormation keys are case-sensitive). */
export function findParameter(name: string): ParameterDef | undefined {
  return byName.get(name);
}
