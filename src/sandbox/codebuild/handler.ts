import { AwsError } from '../aws-error.js';
import type { Build, CodeBuildEngine, Project } from './engine.js';

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/**
 * `logs` of a build. Once its stream exists (created in PROVISIONING) it names the group and
 * stream (`/aws/codebuild/<project>`, a UUID) and links to them, as the AWS CLI's
 * batch-get-builds example shows (aws/aws-cli awscli/examples/codebuild/batch-get-builds.rst:
 * `groupName`, `streamName`, `deepLink` `...#logEvent:group=/aws/codebuild/<project>;stream=<uuid>`,
 * `cloudWatchLogs.status` ENABLED, `s3Logs.status` DISABLED). Before that, only the link, with
 * nulls in it (start-build.rst of the same examples: `#logEvent:group=null;stream=null`; the
 * CodeBuild User Guide's samples add `cloudWatchLogsArn` `...:log-group:null:log-stream:null`).
 * `cloudWatchLogsArn`'s format, `arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}`,
 * "not valid until" the stream is created in PROVISIONING: CodeBuild API Reference, LogsLocation
 * `cloudWatchLogsArn` (the same text in the SDKs' model docs, e.g. the Kotlin SDK's LogsLocation).
 */
function logsJson(b: Build, region: string, streamReady: boolean): Record<string, unknown> {
  const account = b.arn.split(':')[4] ?? '';
  const group = streamReady ? b.logGroup : 'null';
  const stream = streamReady ? b.logStream : 'null';
  return {
    ...(streamReady ? { groupName: b.logGroup, streamName: b.logStream } : {}),
    deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=${region}#logEvent:group=${group};stream=${stream}`,
    cloudWatchLogsArn: `arn:aws:logs:${region}:${account}:log-group:${group}:log-stream:${stream}`,
    cloudWatchLogs: { status: 'ENABLED' },
    s3Logs: { status: 'DISABLED', encryptionDisabled: false },
  };
}

/** A build as CodeBuild's JSON 1.1 protocol sends it: timestamps are epoch seconds. */
export function buildJson(b: Build, region: string, streamReady = true): Record<string, unknown> {
  return {
    id: b.id,
    arn: b.arn,
    buildNumber: b.buildNumber,
    startTime: seconds(b.startTime),
    ...(b.endTime !== undefined ? { endTime: seconds(b.endTime) } : {}),
    currentPhase: b.currentPhase,
    buildStatus: b.buildStatus,
    ...(b.sourceVersion ? { sourceVersion: b.sourceVersion } : {}),
    projectName: b.projectName,
    phases: b.phases.map((p) => ({
      phaseType: p.phaseType,
      ...(p.phaseStatus ? { phaseStatus: p.phaseStatus } : {}),
      startTime: seconds(p.startTime),
      ...(p.endTime !== undefined ? { endTime: seconds(p.endTime), durationInSeconds: p.durationInSeconds } : {}),
      ...(p.contexts ? { contexts: p.contexts } : {}),
    })),
    source: { type: 'NO_SOURCE', insecureSsl: false },
    secondarySources: [],
    secondarySourceVersions: [],
    artifacts: { location: '' },
    environment: {
      type: 'LINUX_CONTAINER',
      image: 'aws/codebuild/standard:5.0',
      computeType: 'BUILD_GENERAL1_MEDIUM',
      environmentVariables: b.environmentVariablesOverride ?? [],
      privilegedMode: false,
      imagePullCredentialsType: 'CODEBUILD',
    },
    serviceRole: b.serviceRole,
    logs: logsJson(b, region, streamReady),
    timeoutInMinutes: b.timeoutInMinutes,
    queuedTimeoutInMinutes: 480,
    buildComplete: b.buildComplete,
    initiator: b.initiator,
    encryptionKey: `arn:aws:kms:${region}:${b.arn.split(':')[4]}:alias/aws/s3`,
  };
}

function projectJson(p: Project): Record<string, unknown> {
  return {
    name: p.name,
    arn: p.arn,
    ...(p.description ? { description: p.description } : {}),
    source: { type: 'NO_SOURCE', buildspec: p.buildspec, insecureSsl: false },
    secondarySources: [],
    secondarySourceVersions: [],
    artifacts: { type: 'NO_ARTIFACTS' },
    secondaryArtifacts: [],
    cache: { type: 'NO_CACHE' },
    environment: {
      type: 'LINUX_CONTAINER',
      image: p.image,
      computeType: p.computeType,
      environmentVariables: [],
      privilegedMode: false,
      imagePullCredentialsType: 'CODEBUILD',
    },
    serviceRole: p.serviceRole,
    timeoutInMinutes: p.timeoutInMinutes,
    queuedTimeoutInMinutes: 480,
    encryptionKey: p.arn.replace(/:codebuild:/, ':kms:').replace(/project\/.*$/, 'alias/aws/s3'),
    tags: [],
    created: seconds(p.created),
    lastModified: seconds(p.lastModified),
    badge: { badgeEnabled: false },
    projectVisibility: 'PRIVATE',
  };
}

function invalid(message: string): AwsError {
  return new AwsError('InvalidInputException', message);
}

function requireString(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  if (v === undefined || v === null) throw invalid(`1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  if (typeof v !== 'string' || v.length === 0) throw invalid(`1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  return v;
}

function requireIds(body: Record<string, unknown>, name: string): string[] {
  const v = body[name];
  if (!Array.isArray(v)) throw invalid(`1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  if (v.length < 1 || v.length > 100) throw invalid(`1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must have length between 1 and 100`);
  if (!v.every((x) => typeof x === 'string')) throw new AwsError('SerializationException', `Unexpected value type in '${name}'`);
  return v as string[];
}

/** One CodeBuild JSON 1.1 action: returns the response object, or throws an AwsError. */
export function handleCodeBuild(engine: CodeBuildEngine, region: string, action: string, body: Record<string, unknown>): unknown {
  switch (action) {
    case 'BatchGetProjects': {
      const names = requireIds(body, 'names');
      const found = names.map((n) => engine.projects.get(n.split('/').pop() ?? n)).filter((p): p is Project => p !== undefined);
      return { projects: found.map(projectJson), projectsNotFound: names.filter((n) => !engine.projects.has(n.split('/').pop() ?? n)) };
    }
    case 'ListProjects':
      return { projects: [...engine.projects.keys()] };
    case 'StartBuild': {
      const name = requireString(body, 'projectName');
      const env = Array.isArray(body.environmentVariablesOverride)
        ? (body.environmentVariablesOverride as { name?: unknown; value?: unknown; type?: unknown }[]).map((e) => ({
            name: String(e.name ?? ''),
            // Values may be secrets: the sandbox keeps names only.
            value: '****',
            type: typeof e.type === 'string' ? e.type : 'PLAINTEXT',
          }))
        : undefined;
      const build = engine.startBuild(name, {
        ...(typeof body.sourceVersion === 'string' ? { sourceVersion: body.sourceVersion } : {}),
        ...(env ? { env } : {}),
        ...(typeof body.idempotencyToken === 'string' ? { idempotencyToken: body.idempotencyToken } : {}),
      });
      return { build: buildJson(build, region, engine.hasLogStream(build)) };
    }
    case 'BatchGetBuilds': {
      const ids = requireIds(body, 'ids');
      return {
        builds: ids.map((id) => engine.builds.get(id)).filter((b): b is Build => b !== undefined).map((b) => buildJson(b, region, engine.hasLogStream(b))),
        buildsNotFound: ids.filter((id) => !engine.builds.has(id)),
      };
    }
    case 'StopBuild': {
      const stopped = engine.stopBuild(requireString(body, 'id'));
      return { build: buildJson(stopped, region, engine.hasLogStream(stopped)) };
    }
    case 'ListBuildsForProject': {
      const name = requireString(body, 'projectName');
      const ids = engine.buildIdsFor(name, body.sortOrder === 'ASCENDING');
      const start = typeof body.nextToken === 'string' ? Number(Buffer.from(body.nextToken, 'base64').toString()) || 0 : 0;
      const slice = ids.slice(start, start + 100);
      return { ids: slice, ...(start + 100 < ids.length ? { nextToken: Buffer.from(String(start + 100)).toString('base64') } : {}) };
    }
    case 'ListBuilds':
      return { ids: [...engine.builds.keys()].reverse() };
    default:
      throw new AwsError('UnknownOperationException', `Unknown operation ${action}`);
  }
}

/** The project named by a CodeBuild call, for the call log. */
export function projectOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.projectName === 'string') return body.projectName;
  if (Array.isArray(body.names) && typeof body.names[0] === 'string') return body.names[0];
  if (typeof body.id === 'string') return body.id.split(':')[0];
  if (Array.isArray(body.ids) && typeof body.ids[0] === 'string') return body.ids[0].split(':')[0];
  return undefined;
}
