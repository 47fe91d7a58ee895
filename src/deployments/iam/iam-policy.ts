import { DEFAULT_ROLE_STACK, PULUMI_PROJECT, ROLE_TEMPLATE_BUCKET } from '../../catalog/urls.js';
import { validateRegion } from '../../catalog/regions.js';
import { isPantherctlError, usageError } from '../../errors/pantherctl-error.js';
import { parseStateUrl } from '../../journal/state-url.js';

const PARTITIONS = ['aws', 'aws-us-gov', 'aws-cn'];
const ACCOUNT_ID = /^\d{12}$/;

/** Checks the options a user typed; one-line usage errors, since they land in an ARN. */
export function validateIamPolicyOptions(options: IamPolicyOptions): void {
  if (options.account !== undefined && options.account !== '*' && !ACCOUNT_ID.test(options.account)) {
    throw usageError(`Expected \`--account\` to be a 12-digit AWS account id, got "${options.account}"`);
  }
  if (options.partition !== undefined && !PARTITIONS.includes(options.partition)) {
    throw usageError(`Expected \`--partition\` to be one of ${PARTITIONS.join(', ')}, got "${options.partition}"`);
  }
  if (options.region !== undefined && options.region !== '*') {
    try {
      validateRegion(options.region, options.allowUnsupportedRegion);
    } catch (err) {
      if (!isPantherctlError(err)) throw err;
      throw usageError(`Expected \`--region\` to be a region Panther publishes templates for, got "${options.region}"`, err.hint);
    }
  }
}

export interface IamPolicyOptions {
  /** Default `aws`; `aws-us-gov` and `aws-cn` for the other partitions. */
  partition?: string;
  /** Default `*`: any account. Narrow it to the deployment's account. */
  account?: string;
  /** Default `*`: any region. */
  region?: string;
  /** Name of the deployment role stack. Default panther-deployment-role. */
  roleStack?: string;
  /** Accept a well-formed region outside the supported list (`--allow-unsupported-region`). Default false. */
  allowUnsupportedRegion?: boolean;
  /** Shared state `s3://BUCKET/PREFIX` (`--state`): adds the state bucket's statements. Default: none (local state). */
  state?: string;
  /** SSE-KMS key of the state objects (`--state-kms-key`): adds its KMS statement. Default: none. */
  stateKmsKey?: string;
  /**
   * SNS topics runs notify (`--notify sns:ARN`): `sns:Publish` on exactly these. Default none:
   * without `--notify sns:` nothing publishes, so the policy grants no SNS action.
   */
  notifyTopics?: readonly string[];
}

interface Statement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

/**
 * The least-privilege policy for the operator who runs pantherctl (status, upgrade, resume,
 * diagnose, recover). What the stacks themselves create is done by CloudFormation with the
 * deployment role (RoleARN), so the operator only needs to drive CloudFormation, pass that
 * role, read templates, and start the pulumi build. Pure: printed by `pantherctl iam-policy`.
 */
export function buildIamPolicy(options: IamPolicyOptions = {}): IamPolicyDocument {
  validateIamPolicyOptions(options);
  const p = options.partition ?? 'aws';
  const account = options.account ?? '*';
  const region = options.region ?? '*';
  const cfn = (name: string): string => `arn:${p}:cloudformation:${region}:${account}:stack/${name}/*`;
  const roleStack = options.roleStack ?? DEFAULT_ROLE_STACK;
  // The root stack is named panther-*; its nested stacks are named <root>-<Logical>-<suffix>,
  // so `panther-*` covers them and the role stack (which the pattern also matches by name).
  const stacks = [cfn('panther-*'), ...(roleStack.startsWith('panther-') ? [] : [cfn(roleStack)])];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        // Root stack discovery lists stacks; ListStacks and GetTemplateSummary of a URL have
        // no resource-level permissions, so they need `*`.
        Sid: 'DiscoverStacksAndReadTemplates',
        Effect: 'Allow',
        // DescribeStackDriftDetectionStatus names a detection id, not a stack: no resource-level permissions.
        Action: ['cloudformation:ListStacks', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplateSummary', 'cloudformation:ValidateTemplate', 'cloudformation:DescribeStackDriftDetectionStatus'],
        Resource: '*',
      },
      {
        Sid: 'ReadPantherStacks',
        Effect: 'Allow',
        Action: [
          'cloudformation:DescribeStacks',
          'cloudformation:DescribeStackEvents',
          'cloudformation:DescribeStackResource',
          'cloudformation:DescribeStackResources',
          'cloudformation:ListStackResources',
          'cloudformation:GetTemplate',
          'cloudformation:GetTemplateSummary',
          'cloudformation:DescribeChangeSet',
          'cloudformation:ListChangeSets',
          // Preflight's drift check (docs/preflight.md).
          'cloudformation:DetectStackDrift',
          'cloudformation:DescribeStackResourceDrifts',
        ],
        Resource: stacks,
      },
      {
        Sid: 'UpdatePantherStacks',
        Effect: 'Allow',
        // CreateStack and DeleteStack: `deploy` creates both stacks, `--replace-failed` deletes a
        // root stack left in ROLLBACK_COMPLETE.
        Action: [
          'cloudformation:CreateStack',
          'cloudformation:DeleteStack',
          'cloudformation:UpdateStack',
          'cloudformation:CreateChangeSet',
          'cloudformation:ExecuteChangeSet',
          'cloudformation:DeleteChangeSet',
          'cloudformation:ContinueUpdateRollback',
          'cloudformation:CancelUpdateStack',
          'cloudformation:TagResource',
          // Preflight's --enable-termination-protection.
          'cloudformation:UpdateTerminationProtection',
        ],
        Resource: stacks,
      },
      {
        // Change sets and updates reference templates by URL; CloudFormation fetches them
        // with the caller's permissions, and preflight hashes them.
        Sid: 'ReadPantherTemplates',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [`arn:${p}:s3:::panther-enterprise-${region === '*' ? '*' : region}/*`, `arn:${p}:s3:::${ROLE_TEMPLATE_BUCKET}/*`],
      },
      {
        // RoleARN on the root stack: CloudFormation acts as the deployment role, the role
        // stack's DeploymentRoleArn output (`role/PantherDeploymentRole-<region>`); older role
        // templates named it panther-*. Only ever passed to CloudFormation.
        Sid: 'PassDeploymentRoleToCloudFormation',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [`arn:${p}:iam::${account}:role/PantherDeploymentRole*`, `arn:${p}:iam::${account}:role/panther-*`],
        Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      },
      {
        // The role stack is updated with the operator's own credentials (it cannot use the
        // role it is changing), so the operator manages that one role and its policies.
        Sid: 'UpdateDeploymentRoleStackResources',
        Effect: 'Allow',
        Action: [
          'iam:GetRole',
          'iam:CreateRole',
          'iam:UpdateRole',
          'iam:UpdateAssumeRolePolicy',
          'iam:TagRole',
          'iam:UntagRole',
          'iam:GetRolePolicy',
          'iam:PutRolePolicy',
          'iam:DeleteRolePolicy',
          'iam:AttachRolePolicy',
          'iam:DetachRolePolicy',
          'iam:ListRolePolicies',
          'iam:ListAttachedRolePolicies',
        ],
        Resource: [`arn:${p}:iam::${account}:role/PantherDeploymentRole*`, `arn:${p}:iam::${account}:role/panther-*`],
      },
      {
        Sid: 'RunPulumiBuild',
        Effect: 'Allow',
        Action: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds', 'codebuild:BatchGetProjects', 'codebuild:ListBuildsForProject'],
        Resource: `arn:${p}:codebuild:${region}:${account}:project/${PULUMI_PROJECT}`,
      },
      {
        // The build's log, tailed while it runs and read for a failure's last lines: CodeBuild
        // writes it to /aws/codebuild/<project>, one stream per build (LogsLocation
        // cloudWatchLogsArn: arn:...:logs:REGION:ACCOUNT:log-group:GROUP:log-stream:STREAM).
        Sid: 'ReadPulumiBuildLogs',
        Effect: 'Allow',
        Action: ['logs:GetLogEvents'],
        Resource: `arn:${p}:logs:${region}:${account}:log-group:/aws/codebuild/${PULUMI_PROJECT}:log-stream:*`,
      },
      ...(options.notifyTopics && options.notifyTopics.length > 0
        ? [{ Sid: 'PublishNotifications', Effect: 'Allow' as const, Action: ['sns:Publish'], Resource: [...new Set(options.notifyTopics)] }]
        : []),
      {
        Sid: 'CheckAccount',
        Effect: 'Allow',
        Action: ['sts:GetCallerIdentity'],
        Resource: '*',
      },
      ...stateStatements(p, region, account, options),
      {
        // Preflight (docs/preflight.md): the account's Lambda concurrency. GetAccountSettings
        // has no resource-level permissions (Service Authorization Reference, AWS Lambda).
        Sid: 'PreflightAccountLimits',
        Effect: 'Allow',
        Action: ['lambda:GetAccountSettings'],
        Resource: '*',
      },
    ],
  };
}

/**
 * The shared state bucket (`--state`, src/journal/s3-state-store.ts): objects are read and
 * written (conditional writes need s3:PutObject only: S3 User Guide, conditional-writes.html),
 * never deleted; ListBucket on the prefix lists journals and makes a missing object 404 rather
 * than 403 ("If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status
 * code 403", botocore s3 GetObject documentation), which is how the store tells "no lock yet".
 */
function stateStatements(p: string, region: string, account: string, options: IamPolicyOptions): Statement[] {
  if (options.state === undefined) {
    if (options.stateKmsKey !== undefined) throw usageError('`--state-kms-key` needs `--state s3://BUCKET/PREFIX`');
    return [];
  }
  const { bucket, prefix } = parseStateUrl(options.state);
  const statements: Statement[] = [
    { Sid: 'ListSharedState', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: `arn:${p}:s3:::${bucket}`, Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } } },
    { Sid: 'ReadWriteSharedState', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:${p}:s3:::${bucket}/${prefix}*` },
  ];
  if (options.stateKmsKey !== undefined) {
    const key = options.stateKmsKey;
    // A key ARN narrows it; an id or alias is resolved by KMS, so the key is any of the account's, used through S3 only.
    const resource = key.startsWith('arn:') ? key : `arn:${p}:kms:${region}:${account}:key/*`;
    statements.push({
      Sid: 'EncryptSharedState',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: resource,
      ...(key.startsWith('arn:') ? {} : { Condition: { StringLike: { 'kms:ViaService': `s3.${region}.amazonaws.com` } } }),
    });
  }
  return statements;
}

/** `pantherctl iam-policy`: the least-privilege IAM policy for running pantherctl against a deployment (pure). */
export const iamPolicy = buildIamPolicy;
