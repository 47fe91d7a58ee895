/**
 * A thin gateway over the CodeBuild SDK client for the `panther-pulumi` step: start a build,
 * read it, find the last one. Retries and error classification as for CloudFormation.
 */
import {
  BatchGetBuildsCommand,
  BatchGetProjectsCommand,
  ListBuildsForProjectCommand,
  StartBuildCommand,
  type Build,
  type CodeBuildClient,
} from '@aws-sdk/client-codebuild';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { gatewayCall } from './gateway-call.js';
import type { BuildInfo, CodeBuildGateway, GatewayOptions } from './types.js';

export function toBuildInfo(b: Build): BuildInfo {
  return {
    id: b.id ?? '',
    ...(b.projectName ? { projectName: b.projectName } : {}),
    ...(b.buildNumber !== undefined ? { buildNumber: b.buildNumber } : {}),
    status: b.buildStatus ?? 'IN_PROGRESS',
    ...(b.currentPhase ? { currentPhase: b.currentPhase } : {}),
    phases: (b.phases ?? []).map((p) => ({
      type: p.phaseType ?? 'UNKNOWN',
      ...(p.phaseStatus ? { status: p.phaseStatus } : {}),
      ...(p.startTime ? { startTime: p.startTime } : {}),
      ...(p.endTime ? { endTime: p.endTime } : {}),
      ...(p.durationInSeconds !== undefined ? { durationSeconds: p.durationInSeconds } : {}),
      ...(p.contexts?.[0]?.message ? { message: p.contexts[0].message } : {}),
    })),
    ...(b.startTime ? { startTime: b.startTime } : {}),
    ...(b.endTime ? { endTime: b.endTime } : {}),
    ...(b.logs && (b.logs.groupName || b.logs.streamName || b.logs.deepLink)
      ? {
          logs: {
            ...(b.logs.groupName ? { groupName: b.logs.groupName } : {}),
            ...(b.logs.streamName ? { streamName: b.logs.streamName } : {}),
            ...(b.logs.deepLink ? { deepLink: b.logs.deepLink } : {}),
          },
        }
      : {}),
  };
}

export class SdkCodeBuildGateway implements CodeBuildGateway {
  constructor(
    private readonly client: CodeBuildClient,
    private readonly options: GatewayOptions = {},
  ) {}

  private call<T>(operation: string, resource: string, fn: () => Promise<T>): Promise<T> {
    return gatewayCall(this.options, fn, { operation: `CodeBuild.${operation}`, resource });
  }


  async projectExists(project: string): Promise<boolean> {
    const out = await this.call('BatchGetProjects', project, () => this.client.send(new BatchGetProjectsCommand({ names: [project] })));
    return (out.projects ?? []).some((p) => p.name === project);
  }

  async startBuild(project: string, options: { idempotencyToken?: string } = {}): Promise<string> {
    const out = await this.call('StartBuild', project, () =>
      this.client.send(
        new StartBuildCommand({ projectName: project, ...(options.idempotencyToken ? { idempotencyToken: options.idempotencyToken } : {}) }),
      ),
    );
    if (!out.build?.id) throw new PantherctlError('aws-error', `CodeBuild.StartBuild (${project}) returned no build id.`, { source: 'aws' });
    return out.build.id;
  }

  async getBuild(id: string): Promise<BuildInfo> {
    const out = await this.call('BatchGetBuilds', id, () => this.client.send(new BatchGetBuildsCommand({ ids: [id] })));
    const build = out.builds?.[0];
    if (!build) throw new PantherctlError('build-not-found', `CodeBuild has no build ${id}.`, { source: 'aws', meta: { buildId: id } });
    return toBuildInfo(build);
  }

  async lastBuild(project: string): Promise<BuildInfo | undefined> {
    const list = await this.call('ListBuildsForProject', project, () =>
      this.client.send(new ListBuildsForProjectCommand({ projectName: project, sortOrder: 'DESCENDING' })),
    );
    const id = list.ids?.[0];
    return id ? this.getBuild(id) : undefined;
  }
}
