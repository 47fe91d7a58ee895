import { formatVersion, parseVersion } from './version.js';

/**
 * Template URLs exactly as the spec gives them. Versions are always written with the `v`
 * prefix, because every published S3 path uses it even though version files say `1.16.0`.
 */
export function rootTemplateUrl(version: string, region: string): string {
  return `https://panther-enterprise-${region}.s3.amazonaws.com/${formatVersion(parseVersion(version))}/panther.yml`;
}

export function roleTemplateUrl(version: string): string {
  return `https://panther-public-cloudformation-templates.s3.amazonaws.com/panther-deployment-role/${formatVersion(parseVersion(version))}/template.yml`;
}

export const ROLE_TEMPLATE_BUCKET = 'panther-public-cloudformation-templates';
export const rootTemplateBucket = (region: string): string => `panther-enterprise-${region}`;
export const PULUMI_PROJECT = 'panther-pulumi';
/** The deployment role stack's name when the operator names none (the spec's `PantherDeploymentRole`). */
export const DEFAULT_ROLE_STACK = 'panther-deployment-role';
