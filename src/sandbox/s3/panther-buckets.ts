/**
 * Where Panther publishes its templates, as the sandbox serves them:
 * - root and nested templates in `panther-enterprise-<region>`, one bucket per region it
 *   names ("Self-Hosted Deployments (Legacy)": `https://panther-enterprise-{region}.s3.amazonaws.com/{version}/panther.yml`);
 * - the deployment role template in `panther-public-cloudformation-templates`
 *   (`.../panther-deployment-role/{version}/template.yml`), a bucket in us-west-2: Panther's
 *   own sources say so (panther-labs/panther cmd/opstools/s3queue/s3queue_test.go,
 *   `s3Region = "us-west-2" // region of above bucket`) and its docs link the template
 *   through `panther-public-cloudformation-templates.s3-us-west-2.amazonaws.com`
 *   (panther-labs/panther docs, quick-start).
 */
export const ROLE_TEMPLATE_BUCKET = 'panther-public-cloudformation-templates';
export const ROLE_TEMPLATE_BUCKET_REGION = 'us-west-2';

export const rootTemplateBucket = (region: string): string => `panther-enterprise-${region}`;

/** The region a `panther-enterprise-<region>` bucket lives in, by its name. */
export function regionOfRootBucket(bucket: string): string | undefined {
  const m = /^panther-enterprise-([a-z]{2}(?:-[a-z]+)+-\d)$/.exec(bucket);
  return m?.[1];
}

export const rootTemplateKey = (version: string): string => `${version}/panther.yml`;
export const nestedTemplateKey = (version: string, file: string): string => `${version}/nested/${file}.yml`;
export const roleTemplateKey = (version: string): string => `panther-deployment-role/${version}/template.yml`;

/** The URLs the documentation gives (virtual-host style, no region in the host). */
export const rootTemplateUrl = (version: string, region: string): string =>
  `https://${rootTemplateBucket(region)}.s3.amazonaws.com/${rootTemplateKey(version)}`;
export const roleTemplateUrl = (version: string): string => `https://${ROLE_TEMPLATE_BUCKET}.s3.amazonaws.com/${roleTemplateKey(version)}`;

/** The CodeBuild project the documentation says to build after every root update. */
export const PULUMI_PROJECT = 'panther-pulumi';
