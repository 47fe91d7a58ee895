import { DEFAULT_REGION, validateRegion } from '../../catalog/regions.js';
import { roleTemplateUrl, rootTemplateUrl } from '../../catalog/urls.js';
import { normalizeVersion } from '../../catalog/version.js';
import type { ProgramBuilder } from '../main.js';
import { regionAssumedWarning } from './plan.js';

interface UrlsOptions {
  version: string;
  /** Undefined: DEFAULT_REGION, said on stderr and as `regionAssumed` in the JSON. */
  region?: string;
  allowUnsupportedRegion?: boolean;
}

export function registerUrlsCommand(b: ProgramBuilder): void {
  const cmd = b
    .command('urls', 'print the root and deployment role template URLs of a version')
    .requiredOption('--version <version>', 'a Panther version (v1.25.1 or 1.25.1)')
    .option('--region <region>', `region of the deployment (default ${DEFAULT_REGION}, with a warning)`)
    .option('--allow-unsupported-region', 'allow a region Panther does not publish templates for');
  b.action<UrlsOptions>(cmd, async (ctx, o) => {
    const version = normalizeVersion(o.version);
    const regionAssumed = o.region === undefined;
    const region = validateRegion(o.region ?? DEFAULT_REGION, o.allowUnsupportedRegion);
    const urls = { version, region, ...(regionAssumed ? { regionAssumed: true } : {}), rootTemplateUrl: rootTemplateUrl(version, region), roleTemplateUrl: roleTemplateUrl(version) };
    if (ctx.json) ctx.outJson(urls);
    else {
      if (regionAssumed) ctx.err(`warning: ${regionAssumedWarning()}`);
      ctx.out(`root stack template       ${urls.rootTemplateUrl}`);
      ctx.out(`deployment role template  ${urls.roleTemplateUrl}`);
    }
    return 0;
  });
}
