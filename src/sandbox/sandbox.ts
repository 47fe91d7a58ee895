import { ActivityLog } from './activity-log.js';
import { CloudFormationEngine } from './cloudformation/engine.js';
import type { StackResource } from './cloudformation/model.js';
import { CodeBuildEngine } from './codebuild/engine.js';
import { FaultBook, type Fault } from './faults.js';
import { SandboxError } from './sandbox-error.js';
import { LogsEngine } from './logs/logs-engine.js';
import { SnsEngine } from './sns/sns-engine.js';
import { readState, resourceSettledStatus, settledStatus, writeState, type SandboxState } from './persistence.js';
import { Random } from './random.js';
import { S3Store } from './s3/s3-store.js';
import { RealScheduler } from './scheduler.js';
import { publishTemplates, seedDeployment } from './seed.js';
import { LambdaAccount, reservedOf } from './lambda/lambda-account.js';
import { StsEngine, type RoleView } from './sts/sts-engine.js';

export interface ResolvedSandboxOptions {
  region: string;
  version: string;
  empty: boolean;
  speed: number;
  accountId: string;
  stateFile?: string;
  faults: Fault[];
  now: () => number;
  seed: number;
  /** S3 shared with the other cells of a fleet (fleet.ts): bucket names are global. Default: the cell's own. */
  s3?: S3Store;
  /** Lambda's regional concurrency quota (index.ts: default 1,000). */
  lambdaConcurrencyLimit: number;
}

const SAVE_DELAY_MS = 250;

/**
 * The sandbox account: CloudFormation, CodeBuild and S3 state on one clock, the fault book
 * and the activity log. Protocol handling lives in server.ts.
 */
export class Sandbox {
  readonly random: Random;
  readonly activity: ActivityLog;
  readonly faults: FaultBook;
  readonly s3: S3Store;
  readonly scheduler: RealScheduler;
  readonly cfn: CloudFormationEngine;
  readonly codebuild: CodeBuildEngine;
  readonly sts: StsEngine;
  readonly lambda: LambdaAccount;
  readonly logs: LogsEngine;
  readonly sns: SnsEngine;
  /** Bugs inside scheduled operations, surfaced by /_sandbox/health instead of crashing. */
  readonly taskErrors: string[] = [];
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(readonly options: ResolvedSandboxOptions) {
    this.random = new Random(options.seed);
    this.activity = new ActivityLog();
    this.faults = new FaultBook(this.random);
    this.scheduler = new RealScheduler(options.speed, options.now, (err) => {
      if (this.taskErrors.length < 100) this.taskErrors.push(err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err));
    });
    this.s3 = options.s3 ?? new S3Store(() => this.scheduler.now());
    const onChange = () => this.changed();
    const common = { scheduler: this.scheduler, region: options.region, accountId: options.accountId, random: this.random, faults: this.faults, activity: this.activity, onChange };
    this.lambda = new LambdaAccount(options.lambdaConcurrencyLimit, () => this.cfn.liveStacks());
    this.cfn = new CloudFormationEngine({
      ...common,
      s3: this.s3,
      onCommitted: (_stack, resources) => this.provisionProjects(resources),
      refuseResource: (resource, props) => this.refuseResource(resource, props),
    });
    // Log lines carry the build's own clock (seeding runs on a manual one), so the engine
    // takes timestamps from the build, and its own only for groups and streams.
    this.logs = new LogsEngine(() => this.scheduler.now());
    this.codebuild = new CodeBuildEngine({ ...common, logs: this.logs });
    this.sns = new SnsEngine({ region: options.region, accountId: options.accountId, random: this.random, now: () => this.scheduler.now() });
    this.sts = new StsEngine({ accountId: options.accountId, random: this.random, now: () => this.scheduler.now(), roles: () => this.roles() });
  }

  /** The account's IAM roles: every AWS::IAM::Role a live stack holds, with its trust policy. */
  private roles(): RoleView[] {
    const out: RoleView[] = [];
    for (const stack of this.cfn.liveStacks()) {
      for (const r of Object.values(stack.resources)) {
        if (r.type !== 'AWS::IAM::Role' || !r.physicalId || r.status.startsWith('DELETE') || r.status === 'CREATE_IN_PROGRESS' || r.status === 'CREATE_FAILED') continue;
        const props = JSON.parse(r.props) as { AssumeRolePolicyDocument?: unknown; MaxSessionDuration?: unknown };
        const max = Number(props.MaxSessionDuration);
        out.push({
          name: r.physicalId,
          arn: this.cfn.attribute(r, 'Arn') as string,
          roleId: this.cfn.attribute(r, 'RoleId') as string,
          trustPolicy: props.AssumeRolePolicyDocument,
          maxSessionDuration: Number.isFinite(max) && max > 0 ? max : 3600,
        });
      }
    }
    return out;
  }

  /**
   * The root template declares the `panther-pulumi` project as an `AWS::CodeBuild::Project`;
   * once the stack operation that created it succeeds, CodeBuild serves it, as in AWS, so a
   * first deploy into an empty account can start the build.
   */
  private provisionProjects(resources: readonly StackResource[]): void {
    for (const r of resources) {
      if (r.type !== 'AWS::CodeBuild::Project') continue;
      const props = JSON.parse(r.props) as { Name?: unknown; Description?: unknown };
      const name = typeof props.Name === 'string' ? props.Name : r.physicalId;
      if (!this.codebuild.projects.has(name)) this.codebuild.createProject(name, typeof props.Description === 'string' ? props.Description : undefined);
    }
  }

  /**
   * What Lambda refuses of a function CloudFormation creates or updates: a reserved concurrency
   * that leaves less than the minimum unreserved. CloudFormation's Lambda handler reports it as
   * quoted in aws-samples/siem-on-amazon-opensearch-service#175 and
   * aws-samples/one-observability-demo#278: `Resource handler returned message: "<Lambda's
   * message> (Service: Lambda, Status Code: 400, Request ID: <id>)" (RequestToken: <uuid>,
   * HandlerErrorCode: InvalidRequest)`.
   */
  private refuseResource(resource: { type: string; physicalId: string }, props: Record<string, unknown>): string | undefined {
    if (resource.type !== 'AWS::Lambda::Function') return undefined;
    const reserved = reservedOf(props);
    if (reserved === undefined) return undefined;
    const name = typeof props.FunctionName === 'string' ? props.FunctionName : resource.physicalId;
    const refused = this.lambda.reservationFailure(name, reserved);
    if (!refused) return undefined;
    return `Resource handler returned message: "${refused} (Service: Lambda, Status Code: 400, Request ID: ${this.random.uuid()})" (RequestToken: ${this.random.uuid()}, HandlerErrorCode: InvalidRequest)`;
  }

  /** Loads the state file if there is one, else seeds the account; then installs the faults. */
  init(): void {
    const state = this.options.stateFile ? readState(this.options.stateFile) : undefined;
    if (state) this.restore(state);
    else this.seed();
    this.installFaults(this.options.faults);
    this.saveNow();
  }

  /**
   * Replaces the fault list; a `drift` fault changes its resource out of band now (and stays
   * listed, fired). Throws SandboxError when it names no resource.
   */
  installFaults(faults: readonly Fault[]): void {
    for (const f of faults) {
      if (f.kind !== 'drift') continue;
      try {
        this.cfn.applyDrift(f);
      } catch (err) {
        throw new SandboxError('invalid-faults', err instanceof Error ? err.message : String(err));
      }
    }
    this.faults.replace(faults);
  }

  private seed(): void {
    publishTemplates(this.s3, this.options.region);
    if (!this.options.empty) {
      seedDeployment(
        { cfn: this.cfn, codebuild: this.codebuild, real: this.scheduler, region: this.options.region, accountId: this.options.accountId },
        this.options.version,
      );
    }
    this.activity.reset();
  }

  /** Back to the seeded account (or the empty one), with the faults the sandbox started with. */
  reset(): void {
    this.cfn.clear();
    this.codebuild.clear();
    this.logs.clear();
    this.sns.clear();
    this.s3.clear();
    this.sts.clear();
    this.faults.clear();
    this.seed();
    this.installFaults(this.options.faults);
    this.saveNow();
  }

  changed(): void {
    if (!this.options.stateFile || this.closed || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  saveNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (this.options.stateFile) writeState(this.options.stateFile, this.snapshot());
  }

  snapshot(): SandboxState {
    return {
      format: 'pantherctl-sandbox-state',
      formatVersion: 2,
      savedAt: new Date(this.scheduler.now()).toISOString(),
      region: this.options.region,
      accountId: this.options.accountId,
      stacks: this.cfn.stacks,
      changeSets: [...this.cfn.changeSets.values()],
      projects: [...this.codebuild.projects.values()],
      builds: [...this.codebuild.builds.values()],
      logs: this.logs.snapshot(),
      sns: this.sns.snapshot(),
      // Published templates are rebuilt at every start; only what clients stored is kept.
      buckets: [...this.s3.buckets.values()].map((b) => ({
        name: b.name,
        creationDate: b.creationDate,
        region: b.region,
        foreign: b.foreign,
        objects: [...b.objects.entries()]
          .filter(([, o]) => !o.published)
          .map(([key, o]) => ({ key, body: o.body.toString('base64'), contentType: o.contentType, etag: o.etag, lastModified: o.lastModified, ...(o.sse ? { sse: o.sse } : {}) })),
      })),
    };
  }

  private restore(state: SandboxState): void {
    const now = this.scheduler.now();
    publishTemplates(this.s3, this.options.region);
    for (const b of state.buckets) {
      const bucket = this.s3.createBucket(b.name, b.region ?? this.options.region, { foreign: b.foreign ?? false });
      bucket.creationDate = b.creationDate;
      for (const o of b.objects) bucket.objects.set(o.key, { body: Buffer.from(o.body, 'base64'), contentType: o.contentType, etag: o.etag, lastModified: o.lastModified, ...(o.sse ? { sse: o.sse } : {}) });
    }
    for (const stack of state.stacks) {
      // An operation cut off by a crash is settled where it was heading (a clean stop finishes them).
      const settled = settledStatus(stack.status);
      if (settled) {
        for (const r of Object.values(stack.resources)) {
          const rs = resourceSettledStatus(r.status);
          if (rs) this.cfn.resourceEvent(stack, r, rs, 'Settled when the sandbox restarted', undefined);
        }
        this.cfn.stackStatus(stack, settled, 'Settled when the sandbox restarted', undefined);
        if (settled === 'DELETE_COMPLETE') stack.deletionTime = now;
        delete stack.previous;
        delete stack.addedByUpdate;
      }
      this.cfn.addStack(stack);
    }
    for (const cs of state.changeSets) {
      if (cs.status === 'CREATE_PENDING' || cs.status === 'CREATE_IN_PROGRESS') {
        cs.status = 'CREATE_COMPLETE';
        cs.executionStatus = 'AVAILABLE';
      }
      this.cfn.changeSets.set(cs.changeSetId, cs);
    }
    this.logs.restore(state.logs);
    this.sns.restore(state.sns);
    for (const p of state.projects) this.codebuild.projects.set(p.name, p);
    for (const b of state.builds) {
      this.codebuild.builds.set(b.id, b);
      if (!b.buildComplete) this.codebuild.schedule(b);
    }
  }

  /** Finishes every operation in flight (at once), saves, and stops saving. */
  close(): void {
    this.scheduler.drain();
    this.saveNow();
    this.closed = true;
  }
}
