import { AwsError } from '../aws-error.js';
import type { ActivityLog, OperationRecord } from '../activity-log.js';
import type { FaultBook } from '../faults.js';
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
  onChange: () => void;
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
    this.endPhase(build, failing ? 'FAILED' : 'SUCCEEDED', failing ? [{ statusCode: 'COMMAND_EXECUTION_ERROR', message: build.failMessage as string }] : undefined);
    if (failing) build.buildStatus = 'FAILED';
    const next = PHASES[index + 1];
    if (!next) {
      this.complete(build, build.buildStatus === 'IN_PROGRESS' ? 'SUCCEEDED' : build.buildStatus);
      return;
    }
    build.currentPhase = next[0];
    build.phases.push({ phaseType: next[0], startTime: this.now });
    this.schedule(build);
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
