import { AwsError } from '../aws-error.js';
import type { ActivityLog, OperationRecord } from '../activity-log.js';
import type { FaultBook } from '../faults.js';
import type { LogsEngine } from '../logs/logs-engine.js';
import type { Random } from '../random.js';
import type { Scheduler, Timer } from '../scheduler.js';

export interface Project {
  name: string;
  arn: string;
  description?: string;
  serviceRole: string;
  created: number;
  lastModified: number;
  image: string;
  computeType: string;
  timeoutInMinutes: number;
  buildspec: string;
}

export interface BuildPhase {
  phaseType: string;
  phaseStatus?: string;
  startTime: number;
  endTime?: number;
  durationInSeconds?: number;
  contexts?: { statusCode: string; message: string }[];
}

export interface Build {
  id: string;
  arn: string;
  buildNumber: number;
  projectName: string;
  startTime: number;
  endTime?: number;
  currentPhase: string;
  buildStatus: string;
  buildComplete: boolean;
  phases: BuildPhase[];
  initiator: string;
  sourceVersion?: string;
  environmentVariablesOverride?: { name: string; value: string; type: string }[];
  /** Set when a fail-build fault applies: the BUILD phase fails with this message. */
  failMessage?: string;
  serviceRole: string;
  timeoutInMinutes: number;
  logGroup: string;
  logStream: string;
}

/** How long a StartBuild idempotency token holds (botocore codebuild StartBuildInput: "valid for 5 minutes"). */
const IDEMPOTENCY_WINDOW_MS = 5 * 60_000;

/** Phases in order, with simulated durations (ms at speed 1): a Pulumi run takes about two minutes. */
const PHASES: [string, number][] = [
  ['SUBMITTED', 1_000],
  ['QUEUED', 2_000],
  ['PROVISIONING', 10_000],
  ['DOWNLOAD_SOURCE', 4_000],
  ['INSTALL', 8_000],
  ['PRE_BUILD', 3_000],
  ['BUILD', 60_000],
  ['POST_BUILD', 3_000],
  ['UPLOAD_ARTIFACTS', 1_000],
  ['FINALIZING', 2_000],
];

export interface CodeBuildDeps {
  scheduler: Scheduler;
  region: string;
  accountId: string;
  random: Random;
  faults: FaultBook;
  activity: ActivityLog;
  /** Where builds write their log lines (CloudWatch Logs, `/aws/codebuild/<project>`). */
  logs: LogsEngine;
  onChange: () => void;
}

/** The build's command (the project's buildspec runs it in BUILD). */
const BUILD_COMMAND = 'pulumi up --yes';

/**
 * The agent's own lines, in the shape CodeBuild writes them: `[Container] <yyyy/mm/dd
 * hh:mm:ss.micro> <text>` ("Running on CodeBuild On-demand", "Waiting for agent ping",
 * "Phase is DOWNLOAD_SOURCE", "Entering phase BUILD", "Running command ...", "Command did not
 * exit successfully <cmd> exit status N", "Phase complete: BUILD State: FAILED", "Phase
 * context status code: COMMAND_EXECUTION_ERROR Message: ...": build logs quoted in
 * aws/copilot-cli#2780, awslabs/aws-deployment-framework#471 and aws/aws-codebuild-docker-images#385).
 */
function agentLine(at: number, text: string): string {
  const d = new Date(at);
  const two = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}000`;
  return `[Container] ${stamp} ${text}`;
}

/**
 * What the sandbox's `panther-pulumi` prints in BUILD: Pulumi's update summary. This is the
 * sandbox's own stand-in for Panther's build output (not an AWS behaviour), with no secret in it.
 */
function pulumiLines(failed: boolean): string[] {
  return [
    'Updating (panther):',
    '    pulumi:pulumi:Stack panther running',
    ' ~  aws:lambda:Function alerts-api updating (0s) [diff: ~environment]',
    ...(failed
      ? [' ~  aws:lambda:Function alerts-api updating (2s) error: 1 error occurred:', '    pulumi:pulumi:Stack panther  1 error', 'Resources:', '    57 unchanged', 'Duration: 3s']
      : [' ~  aws:lambda:Function alerts-api updated (2s) [diff: ~environment]', '    pulumi:pulumi:Stack panther', 'Resources:', '    ~ 1 updated', '    57 unchanged', 'Duration: 48s']),
  ];
}

/** CodeBuild projects and builds whose phases advance on the sandbox clock. */
export class CodeBuildEngine {
  readonly projects = new Map<string, Project>();
  readonly builds = new Map<string, Build>();
  private readonly timers = new Map<string, Timer>();
  private readonly records = new Map<string, OperationRecord>();
  /** idempotencyToken -> the build it started, when, and with which request. */
  private readonly tokens = new Map<string, { buildId: string; at: number; request: string }>();

  constructor(private deps: CodeBuildDeps) {}

  useScheduler(scheduler: Scheduler): void {
    this.deps = { ...this.deps, scheduler };
  }

  private get now(): number {
    return this.deps.scheduler.now();
  }

  createProject(name: string, description?: string): Project {
    const p: Project = {
      name,
      arn: `arn:aws:codebuild:${this.deps.region}:${this.deps.accountId}:project/${name}`,
      serviceRole: `arn:aws:iam::${this.deps.accountId}:role/${name}-codebuild`,
      created: this.now,
      lastModified: this.now,
      image: 'aws/codebuild/standard:5.0',
      computeType: 'BUILD_GENERAL1_MEDIUM',
      timeoutInMinutes: 60,
      buildspec: 'version: 0.2\nphases:\n  build:\n    commands:\n      - pulumi up --yes\n',
      ...(description ? { description } : {}),
    };
    this.projects.set(name, p);
    return p;
  }

  requireProject(name: string): Project {
    const p = this.projects.get(name);
    if (!p) {
      throw new AwsError('ResourceNotFoundException', `Project cannot be found: arn:aws:codebuild:${this.deps.region}:${this.deps.accountId}:project/${name}`);
    }
    return p;
  }

  /**
   * StartBuild. `idempotencyToken`: "The token is included in the StartBuild request and is
   * valid for 5 minutes. If you repeat the StartBuild request with the same token, but change a
   * parameter, CodeBuild returns a parameter mismatch error" (botocore codebuild/2016-10-06,
   * StartBuildInput). A repeat within the 5 minutes gets the first build back, not a second one;
   * the mismatch error's code and text are in UNVERIFIED.md.
   */
  startBuild(projectName: string, opts: { sourceVersion?: string; env?: Build['environmentVariablesOverride']; idempotencyToken?: string } = {}): Build {
    const project = this.requireProject(projectName);
    const token = opts.idempotencyToken;
    const request = JSON.stringify([projectName, opts.sourceVersion ?? null, (opts.env ?? []).map((e) => [e.name, e.type])]);
    if (token !== undefined) {
      const seen = this.tokens.get(token);
      if (seen && this.now - seen.at < IDEMPOTENCY_WINDOW_MS) {
        if (seen.request !== request) {
          throw new AwsError('InvalidInputException', `Idempotency token ${token} was used with different parameters within the last 5 minutes`);
        }
        const build = this.builds.get(seen.buildId);
        if (build) return build;
      }
    }
    const number = 1 + [...this.builds.values()].filter((b) => b.projectName === projectName).length;
    const uuid = this.deps.random.uuid();
    const fault = this.deps.faults.takeFailBuild(projectName);
    const build: Build = {
      id: `${projectName}:${uuid}`,
      arn: `arn:aws:codebuild:${this.deps.region}:${this.deps.accountId}:build/${projectName}:${uuid}`,
      buildNumber: number,
      projectName,
      startTime: this.now,
      currentPhase: 'SUBMITTED',
      buildStatus: 'IN_PROGRESS',
      buildComplete: false,
      phases: [{ phaseType: 'SUBMITTED', startTime: this.now }],
      initiator: 'sandbox-user',
      serviceRole: project.serviceRole,
      timeoutInMinutes: project.timeoutInMinutes,
      logGroup: `/aws/codebuild/${projectName}`,
      logStream: uuid,
      ...(opts.sourceVersion ? { sourceVersion: opts.sourceVersion } : {}),
      ...(opts.env && opts.env.length > 0 ? { environmentVariablesOverride: opts.env } : {}),
      ...(fault ? { failMessage: fault.reason ?? 'Error while executing command: pulumi up --yes. Reason: exit status 255' } : {}),
    };
    this.builds.set(build.id, build);
    if (token !== undefined) this.tokens.set(token, { buildId: build.id, at: this.now, request });
    this.records.set(build.id, this.deps.activity.startOperation({ project: projectName, kind: 'build' }));
    this.schedule(build);
    this.deps.onChange();
    return build;
  }

  /** Schedules the end of the current phase; used on start and when a saved build resumes. */
  schedule(build: Build): void {
    const index = PHASES.findIndex(([p]) => p === build.currentPhase);
    const entry = PHASES[index];
    if (!entry || build.buildComplete) return;
    const t = this.deps.scheduler.after(entry[1], () => {
      this.timers.delete(build.id);
      this.advance(build, index);
      this.deps.onChange();
    });
    this.timers.set(build.id, t);
  }

  private endPhase(build: Build, status: string, contexts?: BuildPhase['contexts']): void {
    const phase = build.phases[build.phases.length - 1];
    if (!phase || phase.endTime !== undefined) return;
    phase.endTime = this.now;
    phase.durationInSeconds = Math.max(0, Math.round((phase.endTime - phase.startTime) / 1000));
    phase.phaseStatus = status;
    if (contexts) phase.contexts = contexts;
  }

  private advance(build: Build, index: number): void {
    const failing = build.currentPhase === 'BUILD' && build.failMessage !== undefined;
    this.logPhaseEnd(build, failing);
    this.endPhase(build, failing ? 'FAILED' : 'SUCCEEDED', failing ? [{ statusCode: 'COMMAND_EXECUTION_ERROR', message: build.failMessage as string }] : undefined);
    if (failing) build.buildStatus = 'FAILED';
    const next = PHASES[index + 1];
    if (!next) {
      this.complete(build, build.buildStatus === 'IN_PROGRESS' ? 'SUCCEEDED' : build.buildStatus);
      return;
    }
    build.currentPhase = next[0];
    build.phases.push({ phaseType: next[0], startTime: this.now });
    this.logPhaseStart(build);
    this.schedule(build);
  }

  /** The build's log stream exists (it is created in PROVISIONING). */
  hasLogStream(build: Build): boolean {
    return this.deps.logs.groups.get(build.logGroup)?.streams.has(build.logStream) ?? false;
  }

  /** Appends agent lines to the build's stream; nothing before the stream exists (PROVISIONING). */
  private log(build: Build, lines: string[]): void {
    const stream = this.deps.logs.groups.get(build.logGroup)?.streams.get(build.logStream);
    if (!stream) return;
    this.deps.logs.put(build.logGroup, build.logStream, lines, this.now);
  }

  /**
   * "The log stream is created during the PROVISIONING phase" (AWS-FACTS.md, from the
   * CodeBuild User Guide's build phase transitions): before it, GetLogEvents answers
   * ResourceNotFoundException.
   */
  private logPhaseStart(build: Build): void {
    const at = this.now;
    const phase = build.currentPhase;
    if (phase === 'PROVISIONING') {
      this.deps.logs.ensureStream(build.logGroup, build.logStream, at);
      this.log(build, [agentLine(at, 'Running on CodeBuild On-demand'), agentLine(at, 'Waiting for agent ping'), agentLine(at, 'Waiting for DOWNLOAD_SOURCE')]);
    } else if (phase === 'DOWNLOAD_SOURCE') {
      this.log(build, [agentLine(at, 'Phase is DOWNLOAD_SOURCE'), agentLine(at, `CODEBUILD_SRC_DIR=/codebuild/output/src${build.buildNumber}/src`), agentLine(at, 'YAML location is /codebuild/readonly/buildspec.yml')]);
    } else if (phase === 'INSTALL' || phase === 'PRE_BUILD' || phase === 'POST_BUILD') {
      this.log(build, [agentLine(at, `Entering phase ${phase}`)]);
    } else if (phase === 'BUILD') {
      this.log(build, [agentLine(at, 'Entering phase BUILD'), agentLine(at, `Running command ${BUILD_COMMAND}`), ...pulumiLines(build.failMessage !== undefined).slice(0, 3)]);
    }
  }

  private logPhaseEnd(build: Build, failing: boolean): void {
    const at = this.now;
    const phase = build.currentPhase;
    if (phase === 'SUBMITTED' || phase === 'QUEUED' || phase === 'PROVISIONING') return;
    const lines: string[] = [];
    if (phase === 'BUILD') {
      lines.push(...pulumiLines(failing).slice(3), '');
      if (failing) lines.push(agentLine(at, `Command did not exit successfully ${BUILD_COMMAND} exit status 255`));
    }
    lines.push(agentLine(at, `Phase complete: ${phase} State: ${failing ? 'FAILED' : 'SUCCEEDED'}`));
    lines.push(agentLine(at, failing ? `Phase context status code: COMMAND_EXECUTION_ERROR Message: ${build.failMessage ?? ''}` : 'Phase context status code:  Message: '));
    this.log(build, lines);
  }

  private complete(build: Build, status: string): void {
    build.buildStatus = status;
    build.currentPhase = 'COMPLETED';
    build.phases.push({ phaseType: 'COMPLETED', startTime: this.now });
    build.endTime = this.now;
    build.buildComplete = true;
    const record = this.records.get(build.id);
    if (record) {
      this.deps.activity.endOperation(record, status === 'SUCCEEDED' ? 'succeeded' : status === 'STOPPED' ? 'cancelled' : 'failed', status);
      this.records.delete(build.id);
    }
  }

  stopBuild(id: string): Build {
    const build = this.requireBuild(id);
    if (build.buildComplete) return build;
    const t = this.timers.get(id);
    if (t) this.deps.scheduler.cancel(t);
    this.timers.delete(id);
    this.log(build, [agentLine(this.now, `Phase complete: ${build.currentPhase} State: STOPPED`)]);
    this.endPhase(build, 'STOPPED');
    this.complete(build, 'STOPPED');
    this.deps.onChange();
    return build;
  }

  requireBuild(id: string): Build {
    const b = this.builds.get(id);
    if (!b) throw new AwsError('ResourceNotFoundException', `Build cannot be found: ${id}`);
    return b;
  }

  /** Newest first, as ListBuildsForProject answers by default. */
  buildIdsFor(projectName: string, ascending = false): string[] {
    this.requireProject(projectName);
    const ids = [...this.builds.values()].filter((b) => b.projectName === projectName).map((b) => b.id);
    return ascending ? ids : ids.reverse();
  }

  clear(): void {
    for (const t of this.timers.values()) this.deps.scheduler.cancel(t);
    this.timers.clear();
    this.records.clear();
    this.tokens.clear();
    this.projects.clear();
    this.builds.clear();
  }
}
