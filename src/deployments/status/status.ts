import type { Catalog } from '../../catalog/types.js';
import { PULUMI_PROJECT } from '../../catalog/urls.js';
import { compareVersions, parseVersion } from '../../catalog/version.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { CloudFormationGateway, CodeBuildGateway } from '../aws/types.js';
import type { IoHost } from '../../io/messages.js';
import { withDeployment, type DeploymentOptions } from '../deployment.js';
import { chooseRootStack } from './discover-root.js';
import { readDeploymentVersion, readRoleVersion, type VersionSource } from './read-version.js';

/** `pantherctl status --json`: a public contract. */
export interface DeploymentStatus {
  rootStack: { name: string; chosen: 'named' | 'discovered'; status: string; version: string; versionSource: VersionSource; versionFrom?: string };
  roleStack: { name: string; status?: string; version?: string; found: boolean };
  lastBuild?: { id: string; status: string; startTime?: string; endTime?: string };
  latestRecommended?: string;
  /** Minor releases between the deployed version and the latest recommended (same major). */
  minorsBehind: number;
  upToDate: boolean;
}

export interface StatusInput {
  cloudFormation: CloudFormationGateway;
  codeBuild: CodeBuildGateway;
  catalog: Catalog;
  rootStack?: string;
  roleStack: string;
  /** `--current`: the version to assume when the stack does not say. */
  current?: string;
}

export async function readStatus(input: StatusInput): Promise<DeploymentStatus> {
  const { cloudFormation: cfn } = input;
  // The role stack and the last build do not depend on the root stack: asked at once, their
  // round trips (and loading the CodeBuild client) overlap the root's instead of following it.
  const roleRead = cfn.describeStack(input.roleStack).then(async (role) => ({ role, version: role ? await readRoleVersion(cfn, role) : undefined }));
  // Awaited below; until then a failure must not count as unhandled if the root fails first.
  roleRead.catch(() => undefined);
  const buildRead = input.codeBuild.lastBuild(PULUMI_PROJECT).catch(() => undefined);
  const choice = await chooseRootStack(cfn, { ...(input.rootStack ? { named: input.rootStack } : {}), roleStack: input.roleStack });
  // Discovery has just described the root stack; a named one is described here.
  const root = choice.stack ?? (await cfn.describeStack(choice.name));
  if (!root) {
    throw new PantherctlError('stack-not-found', `root stack ${choice.name} does not exist`, { source: 'aws', hint: 'Check --root-stack and --region.' });
  }
  const version = await readDeploymentVersion(cfn, root, input.current ? { current: input.current } : {});
  const { role, version: roleVersion } = await roleRead;
  const build = await buildRead;

  const recommended = input.catalog.releases.filter((r) => r.recommended && !r.yanked).map((r) => parseVersion(r.version));
  const v = parseVersion(version.version);
  const sameMajor = recommended.filter((r) => r.major === v.major).sort(compareVersions);
  const latest = sameMajor[sameMajor.length - 1];
  const behind = latest && compareVersions(latest, v) > 0;
  const minorsBehind = behind ? latest.minor - v.minor : 0;
  return {
    rootStack: {
      name: root.name,
      chosen: choice.how,
      status: root.status,
      version: version.version,
      versionSource: version.source,
      ...(version.from ? { versionFrom: version.from } : {}),
    },
    roleStack: { name: input.roleStack, found: Boolean(role), ...(role ? { status: role.status } : {}), ...(roleVersion ? { version: roleVersion } : {}) },
    ...(build
      ? {
          lastBuild: {
            id: build.id,
            status: build.status,
            ...(build.startTime ? { startTime: build.startTime.toISOString() } : {}),
            ...(build.endTime ? { endTime: build.endTime.toISOString() } : {}),
          },
        }
      : {}),
    ...(latest ? { latestRecommended: `v${latest.major}.${latest.minor}.${latest.patch}` } : {}),
    minorsBehind,
    upToDate: !behind,
  };
}

export interface StatusOptions extends DeploymentOptions {
  /** The version deployed, when the stacks do not say. Default: read from the stacks. */
  current?: string;
}

/** `pantherctl status`: the stacks, their versions (and where they were read from), the last build, how far behind. Reads only. */
export function status(options: StatusOptions, io: IoHost): Promise<DeploymentStatus> {
  return withDeployment(options, io, ({ deps, settings, catalog }) =>
    readStatus({
      cloudFormation: deps.cloudFormation,
      codeBuild: deps.codeBuild,
      catalog,
      ...(settings.rootStack ? { rootStack: settings.rootStack } : {}),
      roleStack: settings.roleStack,
      ...(options.current ? { current: options.current } : {}),
    }),
  );
}
