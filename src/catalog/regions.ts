import { PantherctlError } from '../errors/pantherctl-error.js';

/**
 * Regions where Panther published self-hosted templates. The older docs list these 16 (newer
 * ones list a subset; we keep the wider list so existing deployments in those regions still
 * plan). cn-north-1 and cn-northwest-1 were backend-only and never had public templates.
 */
export const SUPPORTED_REGIONS: readonly string[] = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

export const DEFAULT_REGION = 'us-east-1';

const REGION_SHAPE = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/**
 * Checks a region name. `allowUnsupported` (the `--allow-unsupported-region` flag) lets a
 * site with a private template mirror use another region, but never a malformed name, since
 * the name goes into an S3 host name.
 */
export function validateRegion(region: string, allowUnsupported = false): string {
  if (SUPPORTED_REGIONS.includes(region)) return region;
  if (!REGION_SHAPE.test(region)) {
    throw new PantherctlError('invalid-region', `"${region}" is not an AWS region name`, {
      hint: `Use one of: ${SUPPORTED_REGIONS.join(', ')}.`,
      meta: { region },
    });
  }
  if (allowUnsupported) return region;
  throw new PantherctlError('unsupported-region', `Panther does not publish templates for region ${region}`, {
    hint: `Supported regions: ${SUPPORTED_REGIONS.join(', ')}. Pass --allow-unsupported-region if you mirror the templates yourself.`,
    meta: { region },
  });
}
