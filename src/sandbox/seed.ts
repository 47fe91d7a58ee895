import { embeddedCatalog } from '../catalog/embedded.js';
import { DEFAULT_ROLE_STACK, ROLE_TEMPLATE_BUCKET, rootTemplateBucket, roleTemplateUrl, rootTemplateUrl, PULUMI_PROJECT } from '../catalog/urls.js';
import { normalizeVersion } from '../catalog/version.js';
import type { CloudFormationEngine } from './cloudformation/engine.js';
import type { CodeBuildEngine } from './codebuild/engine.js';
import { nestedTemplateKey, nestedTemplates, roleTemplate, rootParameters, rootTemplate } from './fixtures/templates.js';
import { parseS3Url, type S3Store } from './s3/s3-store.js';
import { ManualScheduler, type Scheduler } from './scheduler.js';

export const ROOT_STACK = 'panther-root';
export const ROLE_STACK = DEFAULT_ROLE_STACK;
const HOUR = 3_600_000;

/** Publishes the fixture templates of every catalog version (and `extra`) at the spec's URLs. */
export function publishTemplates(s3: S3Store, region: string, extra: string): void {
  s3.createBucket(rootTemplateBucket(region));
  s3.createBucket(ROLE_TEMPLATE_BUCKET);
  const versions = new Set(embeddedCatalog().releases.map((r) => r.version));
  versions.add(normalizeVersion(extra));
  for (const v of versions) {
    const root = parseS3Url(rootTemplateUrl(v, region));
    s3.put(root.bucket, root.key, Buffer.from(rootTemplate(v, region)), 'application/x-yaml');
    for (const [name, body] of Object.entries(nestedTemplates(v))) {
      s3.put(root.bucket, nestedTemplateKey(v, name), Buffer.from(body), 'application/x-yaml');
    }
    const role = parseS3Url(roleTemplateUrl(v));
    s3.put(role.bucket, role.key, Buffer.from(roleTemplate(v)), 'application/x-yaml');
  }
}

/** Plausible values for the parameters that have no default. */
function seededParameters(version: string, region: string, accountId: string): { key: string; value: string }[] {
  const values: Record<string, string> = {
    FirstUserEmail: 'admin@example.com',
    PulumiSecretArn: `arn:aws:secretsmanager:${region}:${accountId}:secret:panther-pulumi-access-token-Ab12Cd`,
    PulumiSecretKeyArn: `arn:aws:secretsmanager:${region}:${accountId}:secret:panther-pulumi-secret-key-Ef34Gh`,
    CompanyDisplayName: 'Example Corp',
    // A NoEcho secret, so the seeded stack has one to mask; the sandbox only keeps a digest.
    DatadogAPIKey: 'sandbox-not-a-real-datadog-key',
  };
  return rootParameters(version)
    .filter((p) => values[p.def.name] !== undefined)
    .map((p) => ({ key: p.def.name, value: values[p.def.name] as string }));
}

/**
 * A Panther deployment at `version`, created "two days ago" on a manual clock so its event
 * history looks like real CloudFormation timing without anyone waiting for it.
 */
export function seedDeployment(
  deps: { cfn: CloudFormationEngine; codebuild: CodeBuildEngine; real: Scheduler; region: string; accountId: string },
  version: string,
): void {
  const v = normalizeVersion(version);
  const manual = new ManualScheduler(deps.real.now() - 48 * HOUR);
  deps.cfn.useScheduler(manual);
  deps.codebuild.useScheduler(manual);
  try {
    const tags = [
      { Key: 'PantherVersion', Value: v },
      { Key: 'Application', Value: 'Panther' },
    ];
    deps.cfn.createStack({
      stackName: ROLE_STACK,
      templateUrl: roleTemplateUrl(v),
      parameters: [],
      tags,
      capabilities: ['CAPABILITY_NAMED_IAM'],
    });
    manual.drain();
    manual.advance(10 * 60_000);
    const roleArn = `arn:aws:iam::${deps.accountId}:role/PantherDeploymentRole-${deps.region}`;
    deps.cfn.createStack({
      stackName: ROOT_STACK,
      templateUrl: rootTemplateUrl(v, deps.region),
      parameters: seededParameters(v, deps.region, deps.accountId),
      tags,
      capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      roleArn,
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
