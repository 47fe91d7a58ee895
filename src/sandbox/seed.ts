import type { CloudFormationEngine } from './cloudformation/engine.js';
import type { CodeBuildEngine } from './codebuild/engine.js';
import { fixtureRegions, nestedTemplates, publishedVersions, roleTemplate, rootTemplate } from './fixtures/fixtures.js';
import {
  nestedTemplateKey,
  PULUMI_PROJECT,
  ROLE_TEMPLATE_BUCKET,
  ROLE_TEMPLATE_BUCKET_REGION,
  roleTemplateKey,
  roleTemplateUrl,
  rootTemplateBucket,
  rootTemplateKey,
  rootTemplateUrl,
} from './s3/panther-buckets.js';
import type { S3Store } from './s3/s3-store.js';
import { ManualScheduler, type Scheduler } from './scheduler.js';
import { canonicalRelease } from './versions.js';

export const ROOT_STACK = 'panther-root';
/** The role stack's name in the seeded account (the documentation's PantherDeploymentRole, as a stack). */
export const ROLE_STACK = 'panther-deployment-role';
const HOUR = 3_600_000;

const YAML = 'application/x-yaml';

/**
 * Publishes the fixture templates of every published version in Panther's buckets: each
 * `panther-enterprise-<region>` bucket in its own region (the regions of fixtures/versions.yml,
 * and the sandbox's own), the role template bucket in us-west-2. Both belong to another
 * account (Panther's): readable, not listable, not writable.
 */
export function publishTemplates(s3: S3Store, sandboxRegion: string): void {
  const regions = new Set([...fixtureRegions(), sandboxRegion]);
  const versions = publishedVersions();
  const role = s3.createBucket(ROLE_TEMPLATE_BUCKET, ROLE_TEMPLATE_BUCKET_REGION, { foreign: true });
  for (const v of versions) s3.put(role.name, roleTemplateKey(v), Buffer.from(roleTemplate(v)), YAML, { published: true });
  for (const region of regions) {
    const bucket = s3.createBucket(rootTemplateBucket(region), region, { foreign: true });
    for (const v of versions) {
      s3.put(bucket.name, rootTemplateKey(v), Buffer.from(rootTemplate(v)), YAML, { published: true });
      for (const [file, body] of Object.entries(nestedTemplates(v))) s3.put(bucket.name, nestedTemplateKey(v, file), Buffer.from(body), YAML, { published: true });
    }
  }
}

/** Plausible values for the parameters that have no default, and one secret to mask. */
const SEEDED_VALUES: Record<string, (region: string, accountId: string) => string> = {
  FirstUserEmail: () => 'admin@example.com',
  PulumiSecretArn: (r, a) => `arn:aws:secretsmanager:${r}:${a}:secret:panther-pulumi-access-token-Ab12Cd`,
  PulumiSecretKeyArn: (r, a) => `arn:aws:secretsmanager:${r}:${a}:secret:panther-pulumi-secret-key-Ef34Gh`,
  CompanyDisplayName: () => 'Example Corp',
  // A NoEcho secret, so the seeded stack has one to mask; the sandbox only keeps a digest.
  DatadogAPIKey: () => 'sandbox-not-a-real-datadog-key',
};

/**
 * A Panther deployment at `version`, created "two days ago" on a manual clock so its event
 * history looks like real CloudFormation timing without anyone waiting for it.
 */
export function seedDeployment(
  deps: { cfn: CloudFormationEngine; codebuild: CodeBuildEngine; real: Scheduler; region: string; accountId: string },
  version: string,
): void {
  const v = canonicalRelease(version) as string;
  const manual = new ManualScheduler(deps.real.now() - 48 * HOUR);
  deps.cfn.useScheduler(manual);
  deps.codebuild.useScheduler(manual);
  try {
    const tags = [
      { Key: 'PantherVersion', Value: v },
      { Key: 'Application', Value: 'Panther' },
    ];
    deps.cfn.createStack({ stackName: ROLE_STACK, templateUrl: roleTemplateUrl(v), parameters: [], tags, capabilities: ['CAPABILITY_NAMED_IAM'] });
    manual.drain();
    manual.advance(10 * 60_000);
    const declared = deps.cfn.templateParameterNames(rootTemplateUrl(v, deps.region));
    deps.cfn.createStack({
      stackName: ROOT_STACK,
      templateUrl: rootTemplateUrl(v, deps.region),
      parameters: Object.entries(SEEDED_VALUES)
        .filter(([key]) => declared.includes(key))
        .map(([key, value]) => ({ key, value: value(deps.region, deps.accountId) })),
      tags,
      capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      roleArn: `arn:aws:iam::${deps.accountId}:role/PantherDeploymentRole-${deps.region}`,
    });
    manual.drain();
    manual.advance(5 * 60_000);
    deps.codebuild.createProject(PULUMI_PROJECT, 'Applies the Pulumi part of the Panther deployment');
    deps.codebuild.startBuild(PULUMI_PROJECT);
    manual.drain();
  } finally {
    deps.cfn.useScheduler(deps.real);
    deps.codebuild.useScheduler(deps.real);
  }
}
