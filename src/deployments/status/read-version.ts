import { formatVersion, tryParseVersion } from '../../catalog/version.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { CloudFormationGateway, StackSummary } from '../aws/types.js';
import { VERSION_TAG } from './discover-root.js';

/** Where a deployment's version was read from, in the order they are tried. */
export type VersionSource = 'tag' | 'nested-tag' | 'template-mapping' | '--current';

export interface DeploymentVersion {
  version: string;
  source: VersionSource;
  /** For `nested-tag`: the nested stack whose tag was read. */
  from?: string;
}

/** `1.16.0` or `v1.16.0` from a tag or mapping, normalised; undefined when not a version. */
function asVersion(text: unknown): string | undefined {
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  const v = tryParseVersion(String(text));
  return v ? formatVersion(v) : undefined;
}

/**
 * The version a root stack runs. The root template has no version output, so: its
 * PantherVersion tag, else a nested stack's, else `Mappings.Constants.Panther.Version` of
 * its template, else what the operator says (`--current`). Says which source won.
 */
export async function readDeploymentVersion(
  cfn: CloudFormationGateway,
  root: StackSummary,
  options: { current?: string } = {},
): Promise<DeploymentVersion> {
  const tagged = asVersion(root.tags[VERSION_TAG]);
  if (tagged) return { version: tagged, source: 'tag' };

  const resources = await cfn.listStackResources(root.stackId);
  for (const r of resources) {
    if (r.resourceType !== 'AWS::CloudFormation::Stack' || !r.physicalId) continue;
    const nested = await cfn.describeStack(r.physicalId);
    const v = asVersion(nested?.tags[VERSION_TAG]);
    if (v) return { version: v, source: 'nested-tag', from: nested?.name ?? r.logicalId };
  }

  const fromTemplate = await versionFromTemplate(await cfn.getTemplateBody(root.stackId));
  if (fromTemplate) return { version: fromTemplate, source: 'template-mapping' };

  if (options.current) {
    const v = asVersion(options.current);
    if (!v) throw new PantherctlError('invalid-version', `"${options.current}" given to --current is not a Panther version`, { hint: 'Use v1.25.1 or 1.25.1.' });
    return { version: v, source: '--current' };
  }
  throw new PantherctlError('version-unknown', `cannot tell which version ${root.name} runs: no PantherVersion tag on it or its nested stacks, and no version in its template`, {
    hint: 'Say it with --current VERSION.',
  });
}

/**
 * `Mappings.Constants.Panther.Version` of a template body (YAML or JSON); CloudFormation tags
 * such as !Ref are tolerated. The YAML parser is loaded here, not at start: most stacks carry
 * their version in a tag, and `status` should not pay for a parser it rarely needs.
 */
export async function versionFromTemplate(body: string): Promise<string | undefined> {
  const { parseDocument } = await import('yaml');
  try {
    // logLevel silent: unknown CloudFormation tags (!Ref, !Sub) are not errors for this read.
    const doc = parseDocument(body, { logLevel: 'silent' });
    const js = doc.toJS({ maxAliasCount: -1 }) as { Mappings?: { Constants?: { Panther?: { Version?: unknown } } } } | null;
    return asVersion(js?.Mappings?.Constants?.Panther?.Version);
  } catch {
    return undefined;
  }
}

/** The role stack's version: its PantherVersion tag, else a version in its template's description or mapping. */
export async function readRoleVersion(cfn: CloudFormationGateway, role: StackSummary): Promise<string | undefined> {
  const tagged = asVersion(role.tags[VERSION_TAG]);
  if (tagged) return tagged;
  const body = await cfn.getTemplateBody(role.stackId);
  const mapped = await versionFromTemplate(body);
  if (mapped) return mapped;
  const m = /\bv?(\d+\.\d+\.\d+)\b/.exec(role.description ?? '');
  return m ? asVersion(m[1]) : undefined;
}
