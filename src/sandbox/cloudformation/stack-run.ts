import { isAwsError } from '../aws-error.js';
import type { OperationRecord } from '../activity-log.js';
import type { Timer } from '../scheduler.js';
import type { CloudFormationEngine } from './engine.js';
import { resolveProperties, resolveString } from './intrinsics.js';
import type { Stack, StackResource } from './model.js';
import { resolveParameters } from './parameters.js';
import { missingCapability, NESTED_STACK_TYPE, parseTemplate, type ParsedTemplate, type ResourceDecl } from './template.js';

/** Simulated durations (ms at speed 1), chosen so a root update takes about a minute. */
const RESOURCE_MS: Record<string, number> = {
  'AWS::IAM::Role': 12_000,
  'AWS::IAM::Policy': 8_000,
  'AWS::IAM::ManagedPolicy': 8_000,
  'AWS::Lambda::Function': 14_000,
  'AWS::Lambda::LayerVersion': 6_000,
  'AWS::S3::Bucket': 8_000,
  'AWS::DynamoDB::Table': 14_000,
  'AWS::SQS::Queue': 5_000,
  'AWS::SNS::Topic': 4_000,
  'AWS::Logs::LogGroup': 3_000,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 14_000,
};
const DEFAULT_RESOURCE_MS = 5_000;
const STACK_START_MS = 1_000;
const ROLLBACK_START_MS = 1_000;
const CLEANUP_MS = 1_500;
const DELETE_MS = 4_000;

const durationOf = (type: string) => RESOURCE_MS[type] ?? DEFAULT_RESOURCE_MS;

/**
 * Shared by every stack an API call touches (the root and its nested stacks): the request
 * token stamped on events, the capabilities given, and the faults decided for this operation.
 */
export interface OperationContext {
  token?: string;
  capabilities: string[];
  rootStackName: string;
  targetVersion?: string;
  record?: OperationRecord;
  failResource?: { logicalId?: string; reason: string; anyDepth: boolean; fired: boolean; take(): void };
  failedLeaf?: { stackId: string; logicalId: string };
  /**
   * DisableRollback (or OnFailure DO_NOTHING): no stack of the tree rolls back; each one that
   * failed stays in CREATE_FAILED / UPDATE_FAILED (User Guide, stack-failure-options.md).
   */
  disableRollback?: boolean;
  rollbackFail?: { reason: string; fired: boolean; target?: { stackId: string; logicalId: string } };
}

interface Action {
  decl: ResourceDecl;
  kind: 'create' | 'update';
  state: 'pending' | 'running' | 'done' | 'failed' | 'cancelled';
  cancel?: () => void;
}

type RunState = 'applying' | 'failing' | 'applied' | 'cleaning' | 'rolling-back' | 'rolled-back' | 'rollback-failed' | 'deleting' | 'deleted' | 'done';

export interface ParentLink {
  onResult(ok: boolean, reason?: string): void;
}

/**
 * One operation on one stack, driven by the scheduler: resources start when what they
 * depend on is done; nested stacks run operations of their own; a failure cancels the
 * siblings in flight, tells the parent, and rolls back. Everything a rollback needs is
 * kept in the stack itself (`previous`, `previousProps`, `addedByUpdate`), so that a rollback
 * left in UPDATE_ROLLBACK_FAILED can be continued later, even after a restart.
 */
export class StackRun {
  private state: RunState = 'applying';
  private readonly timers = new Set<Timer>();
  private readonly actions = new Map<string, Action>();
  private readonly childRuns = new Map<string, StackRun>();
  private settleWaiters: ((ok: boolean) => void)[] = [];
  private settled: boolean | undefined;
  private removed: string[] = [];
  private failed: string[] = [];
  private cancelledByParent = false;
  /** A fail-resource fault names this nested stack: its first resource to finish fails. */
  failInside = false;
  onFinished?: () => void;

  constructor(
    private readonly engine: CloudFormationEngine,
    readonly stack: Stack,
    private readonly ctx: OperationContext,
    private readonly depth: number,
    private readonly parent?: ParentLink,
  ) {}

  private get root(): boolean {
    return this.depth === 0;
  }

  private after(ms: number, fn: () => void): void {
    const t = this.engine.scheduler.after(ms, () => {
      this.timers.delete(t);
      fn();
      this.engine.changed();
    });
    this.timers.add(t);
  }

  private event(res: Pick<StackResource, 'logicalId' | 'physicalId' | 'type'>, status: string, reason?: string): void {
    this.engine.resourceEvent(this.stack, res, status, reason, this.ctx.token);
  }

  private status(status: string, reason?: string): void {
    this.engine.stackStatus(this.stack, status, reason, this.ctx.token);
  }

  // --- create / update -----------------------------------------------------------------

  /**
   * Starts a create (`previousTemplate` absent) or an update. The stack already carries the
   * new template, parameters and tags; `stack.previous` holds the old ones for an update.
   */
  startApply(kind: 'create' | 'update', template: ParsedTemplate): void {
    this.kind = kind;
    this.status(kind === 'create' ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS', this.root ? 'User Initiated' : undefined);
    const plan = this.engine.planResources(this.stack, template);
    for (const c of plan.changes) this.actions.set(c.decl.logicalId, { decl: c.decl, kind: c.kind, state: 'pending' });
    this.removed = plan.removed;
    this.after(STACK_START_MS, () => this.pump());
  }

  private kind: 'create' | 'update' = 'update';

  private pump(): void {
    if (this.state !== 'applying') return;
    let busy = false;
    for (const [id, a] of this.actions) {
      if (a.state === 'running') busy = true;
      if (a.state !== 'pending') continue;
      const ready = a.decl.dependsOn.every((dep) => {
        const d = this.actions.get(dep);
        return !d || d.state === 'done';
      });
      if (!ready) {
        busy = true;
        continue;
      }
      busy = true;
      a.state = 'running';
      if (a.decl.type === NESTED_STACK_TYPE) this.startNested(id, a);
      else this.startLeaf(id, a);
    }
    if (!busy) this.finishApply();
  }

  private startLeaf(id: string, a: Action): void {
    const stack = this.stack;
    let res = stack.resources[id];
    const now = this.engine.scheduler.now();
    if (a.kind === 'create') {
      res = { logicalId: id, type: a.decl.type, physicalId: '', status: 'CREATE_IN_PROGRESS', updatedAt: now, props: '{}' };
      stack.resources[id] = res;
      if (this.kind === 'update') (stack.addedByUpdate ??= []).push(id);
      this.event(res, 'CREATE_IN_PROGRESS');
      const resolved = resolveProperties(a.decl.properties, this.engine.resolveContext(stack));
      res.physicalId = this.engine.physicalIdFor(stack, a.decl, resolved.values);
      this.event(res, 'CREATE_IN_PROGRESS', 'Resource creation Initiated');
    } else if (res) {
      res.previousProps ??= res.props;
      this.event(res, 'UPDATE_IN_PROGRESS');
    }
    const target = res as StackResource;
    const verb = a.kind === 'create' ? 'CREATE' : 'UPDATE';
    const t = this.engine.scheduler.after(durationOf(a.decl.type), () => {
      this.timers.delete(t);
      if (a.state !== 'running') return;
      const props = resolveProperties(a.decl.properties, this.engine.resolveContext(stack)).values;
      const failure = this.failResourceReason(id) ?? this.engine.outOfBandFailure(target, a.kind) ?? this.engine.refuseResource?.(target, props);
      if (failure) {
        a.state = 'failed';
        this.event(target, `${verb}_FAILED`, failure);
        this.onActionFailed(id);
      } else {
        target.props = JSON.stringify(props);
        // The update applied the template's properties: an out-of-band change is gone (reverted silently).
        delete target.actualProps;
        a.state = 'done';
        this.event(target, `${verb}_COMPLETE`);
        this.pump();
      }
      this.engine.changed();
    });
    this.timers.add(t);
    a.cancel = () => {
      this.engine.scheduler.cancel(t);
      this.timers.delete(t);
      a.state = 'cancelled';
      this.event(target, `${verb}_FAILED`, a.kind === 'create' ? 'Resource creation cancelled' : 'Resource update cancelled');
    };
  }

  private startNested(id: string, a: Action): void {
    const stack = this.stack;
    const now = this.engine.scheduler.now();
    const verb = a.kind === 'create' ? 'CREATE' : 'UPDATE';
    let res = stack.resources[id];
    if (a.kind === 'create' || !res) {
      res = { logicalId: id, type: a.decl.type, physicalId: '', status: 'CREATE_IN_PROGRESS', updatedAt: now, props: '{}' };
      stack.resources[id] = res;
      if (this.kind === 'update') (stack.addedByUpdate ??= []).push(id);
    } else {
      res.previousProps ??= res.props;
    }
    const target = res;
    this.event(target, `${verb}_IN_PROGRESS`);

    let child: Stack;
    let template: ParsedTemplate;
    let params: Record<string, string>;
    const resolved = resolveProperties(a.decl.properties, this.engine.resolveContext(stack));
    try {
      const url = resolved.values.TemplateURL;
      if (typeof url !== 'string') throw new Error('TemplateURL must be a supported URL.');
      template = parseTemplate(this.engine.s3.readTemplate(url));
      const missing = missingCapability(template, this.ctx.capabilities);
      if (missing) throw new Error(`Requires capabilities : [${missing}]`);
      const given = resolved.values.Parameters;
      const inputs = Object.entries(typeof given === 'object' && given !== null ? (given as Record<string, unknown>) : {}).map(
        ([key, value]) => ({ key, value: typeof value === 'string' ? value : (resolveString(value, this.engine.resolveContext(stack)) ?? '') }),
      );
      const existing = target.nestedStackId ? this.engine.stackById(target.nestedStackId) : undefined;
      params = resolveParameters(template.parameters, inputs, a.kind === 'update' ? existing?.parameters : undefined);
    } catch (err) {
      const message = isAwsError(err) || err instanceof Error ? err.message : String(err);
      this.after(STACK_START_MS, () => {
        if (a.state !== 'running') return;
        a.state = 'failed';
        this.event(target, `${verb}_FAILED`, message);
        this.onActionFailed(id);
      });
      a.cancel = () => {
        a.state = 'cancelled';
        this.event(target, `${verb}_FAILED`, a.kind === 'create' ? 'Resource creation cancelled' : 'Resource update cancelled');
      };
      return;
    }

    const tags = this.stack.tags;
    if (a.kind === 'create' || !target.nestedStackId) {
      child = this.engine.createNestedStack(stack, id, template, params, tags, this.ctx.capabilities);
      target.physicalId = child.stackId;
      target.nestedStackId = child.stackId;
      this.event(target, 'CREATE_IN_PROGRESS', 'Resource creation Initiated');
    } else {
      child = this.engine.stackById(target.nestedStackId) as Stack;
      child.previous = { templateBody: child.templateBody, parameters: child.parameters, tags: child.tags };
      child.templateBody = template.body;
      child.description = template.description;
      child.parameters = params;
      child.tags = tags;
      child.lastUpdatedTime = now;
    }
    const run = new StackRun(this.engine, child, this.ctx, this.depth + 1, {
      onResult: (ok, reason) => {
        if (a.state !== 'running') return;
        if (ok) {
          target.props = JSON.stringify(resolved.values);
          a.state = 'done';
          this.event(target, `${verb}_COMPLETE`);
          this.pump();
        } else {
          a.state = 'failed';
          const why =
            a.kind === 'create'
              ? `Embedded stack ${child.stackId} was not successfully created: ${reason ?? ''}`.trim()
              : `Embedded stack ${child.stackId} was not successfully updated. Currently in ${this.ctx.disableRollback ? 'UPDATE_FAILED' : 'UPDATE_ROLLBACK_IN_PROGRESS'} with reason: ${reason ?? ''}`.trim();
          this.event(target, `${verb}_FAILED`, why);
          this.onActionFailed(id);
        }
      },
    });
    if (this.ctx.failResource && !this.ctx.failResource.fired && this.ctx.failResource.logicalId === id) run.failInside = true;
    this.childRuns.set(id, run);
    a.cancel = () => {
      a.state = 'cancelled';
      run.cancelFromParent();
      this.event(target, `${verb}_FAILED`, a.kind === 'create' ? 'Resource creation cancelled' : 'Resource update cancelled');
    };
    run.startApply(a.kind === 'create' ? 'create' : 'update', template);
  }

  private failResourceReason(id: string): string | undefined {
    const fr = this.ctx.failResource;
    if (!fr || fr.fired) return undefined;
    const match = fr.logicalId ? id === fr.logicalId || this.failInside : this.depth >= 1 || fr.anyDepth;
    if (!match) return undefined;
    fr.fired = true;
    fr.take();
    this.ctx.failedLeaf = { stackId: this.stack.stackId, logicalId: id };
    return fr.reason;
  }

  private onActionFailed(id: string, reasonOverride?: string): void {
    if (this.state !== 'applying') return;
    this.state = 'failing';
    if (id) this.failed.push(id);
    for (const [other, a] of this.actions) {
      if (a.state === 'running' && a.cancel) {
        a.cancel();
        this.failed.push(other);
      }
    }
    const list = `[${this.failed.join(', ')}]`;
    const keep = this.ctx.disableRollback === true;
    // With rollback on, a failed create says so: "The following resource(s) failed to create:
    // [RidesTable, ProfilePicturesBucket]. . Rollback requested by user." (quoted in
    // aws-samples/aws-serverless-workshops#210). With DisableRollback the stack ends in
    // CREATE_FAILED with "The following resource(s) failed to create: [MyBucket]" (User Guide,
    // stack-failure-options.md), nothing about a rollback.
    const reason =
      reasonOverride ??
      (this.kind === 'create'
        ? keep
          ? `The following resource(s) failed to create: ${list}`
          : `The following resource(s) failed to create: ${list}.${this.root ? ' Rollback requested by user.' : ''}`
        : `The following resource(s) failed to update: ${list}.`);
    if (this.root) {
      if (this.kind === 'update' && !keep) {
        const f = this.engine.faults.takeFailRollback(this.ctx.rootStackName, this.ctx.targetVersion);
        if (f) {
          this.ctx.rollbackFail = {
            fired: false,
            reason:
              f.reason ??
              `Resource handler returned message: "Layer version arn:aws:lambda:${this.engine.region}:${this.engine.accountId}:layer:panther-python-layer:1 does not exist" (HandlerErrorCode: NotFound)`,
            ...(this.ctx.failedLeaf ? { target: this.ctx.failedLeaf } : {}),
          };
        }
      }
      if (this.ctx.record && !keep) this.engine.activity.endOperation(this.ctx.record, reasonOverride ? 'cancelled' : 'failed', this.stack.status);
    }
    if (keep) {
      // Every stack of the tree stays where the failure left it, nested ones included.
      this.status(this.kind === 'create' ? 'CREATE_FAILED' : 'UPDATE_FAILED', reason);
      this.state = 'rolled-back';
      if (!this.cancelledByParent) this.parent?.onResult(false, reason);
      this.settle(false);
      if (this.root) this.finish(reasonOverride ? 'cancelled' : 'failed');
      return;
    }
    if (!this.cancelledByParent) this.parent?.onResult(false, reason);
    this.after(ROLLBACK_START_MS, () => this.startRollback(reason));
  }

  /** A sibling failed in the parent: stop and roll back, without reporting back up. */
  cancelFromParent(): void {
    this.cancelledByParent = true;
    this.onActionFailed('', this.kind === 'create' ? 'Resource creation cancelled' : 'Resource update cancelled');
  }

  /** CancelUpdateStack on the root stack. */
  cancelByUser(): boolean {
    if (this.state !== 'applying' || this.kind !== 'update') return false;
    this.onActionFailed('', 'Stack update cancelled');
    return true;
  }

  isApplying(): boolean {
    return this.state === 'applying';
  }

  private finishApply(): void {
    if (this.kind === 'create') {
      this.engine.refreshOutputs(this.stack);
      this.status('CREATE_COMPLETE');
      this.state = 'applied';
      if (this.root) {
        this.commit();
        this.finish('succeeded');
      } else {
        this.parent?.onResult(true);
      }
      return;
    }
    this.status('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    this.state = 'applied';
    if (this.root) this.cleanupTree(() => this.finish('succeeded'));
    else this.parent?.onResult(true);
  }

  /** The cleanup phase: removed resources go, nested stacks clean up too, then UPDATE_COMPLETE. */
  private cleanupTree(done: () => void): void {
    this.state = 'cleaning';
    const waits: ((cb: () => void) => void)[] = [];
    for (const id of this.removed) waits.push((cb) => this.deleteResource(id, true, cb));
    for (const run of this.childRuns.values()) if (run.state === 'applied' && run.kind === 'update') waits.push((cb) => run.cleanupTree(cb));
    waits.push((cb) => this.after(CLEANUP_MS, cb));
    all(waits, () => {
      this.engine.refreshOutputs(this.stack);
      this.status('UPDATE_COMPLETE');
      this.state = 'done';
      if (this.root) this.commit();
      done();
    });
  }

  /** The operation succeeded: what a rollback would have needed is dropped, tree-wide. */
  private commit(): void {
    const s = this.stack;
    delete s.previous;
    delete s.addedByUpdate;
    for (const r of Object.values(s.resources)) delete r.previousProps;
    for (const run of this.childRuns.values()) run.commit();
    this.state = 'done';
    if (this.root) this.engine.committed(s);
  }

  private finish(outcome: OperationRecord['outcome']): void {
    if (this.root && this.ctx.record) this.engine.activity.endOperation(this.ctx.record, outcome, this.stack.status);
    this.onFinished?.();
  }

  // --- rollback -------------------------------------------------------------------------

  private settle(ok: boolean): void {
    this.settled = ok;
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const w of waiters) w(ok);
  }

  /** Calls back once this stack's rollback (or deletion) has ended; at once if it has. */
  whenSettled(cb: (ok: boolean) => void): void {
    if (this.settled !== undefined) cb(this.settled);
    else this.settleWaiters.push(cb);
  }

  /** Rolls back a failed operation, or (for a nested stack that had succeeded) its parent's. */
  startRollback(reason: string | undefined): void {
    if (this.state === 'rolling-back' || this.state === 'rolled-back' || this.state === 'rollback-failed') return;
    this.state = 'rolling-back';
    this.settled = undefined;
    if (this.root && this.ctx.record) {
      this.ctx.record = this.engine.activity.startOperation({ stack: this.stack.stackName, kind: 'rollback' });
    }
    if (this.kind === 'create') {
      this.status('ROLLBACK_IN_PROGRESS', reason);
      const ids = Object.values(this.stack.resources)
        .filter((r) => r.status !== 'DELETE_COMPLETE')
        .map((r) => r.logicalId);
      all(
        ids.map((id) => (cb: () => void) => this.deleteResource(id, false, cb)),
        () => {
          this.status('ROLLBACK_COMPLETE');
          this.state = 'rolled-back';
          this.settle(true);
          this.finish('succeeded');
        },
      );
      return;
    }
    this.status('UPDATE_ROLLBACK_IN_PROGRESS', reason);
    const s = this.stack;
    if (s.previous) {
      s.templateBody = s.previous.templateBody;
      s.parameters = s.previous.parameters;
      s.tags = s.previous.tags;
      s.description = parseTemplate(s.templateBody).description;
    }
    const targets = Object.values(s.resources).filter((r) => r.previousProps !== undefined && !(s.addedByUpdate ?? []).includes(r.logicalId));
    this.revert(targets, new Set(), false);
  }

  /**
   * ContinueUpdateRollback: retries the resources whose rollback failed, skipping some.
   * `skip` holds ResourcesToSkip as given: a root resource by logical id, any other as
   * `<name of its stack>.<LogicalId>` (botocore ContinueUpdateRollback ResourcesToSkip; User
   * Guide, using-cfn-updating-stacks-continueupdaterollback.md, `WebInfra-Compute-Asg.myAsg`).
   */
  startContinueRollback(skip: ReadonlySet<string>): void {
    this.kind = 'update';
    this.state = 'rolling-back';
    this.settled = undefined;
    this.status('UPDATE_ROLLBACK_IN_PROGRESS', this.root ? 'User Initiated' : undefined);
    const targets = Object.values(this.stack.resources).filter((r) => r.status === 'UPDATE_FAILED');
    this.revert(targets, skip, true);
  }

  /** The logical ids `skip` names in this stack. */
  private ownSkips(skip: ReadonlySet<string>): Set<string> {
    const mine = new Set<string>();
    for (const entry of skip) {
      const dot = entry.indexOf('.');
      if (this.root ? dot < 0 : entry.slice(0, dot) === this.stack.stackName) mine.add(dot < 0 ? entry : entry.slice(dot + 1));
    }
    return mine;
  }

  private revert(targets: StackResource[], skip: ReadonlySet<string>, continuing: boolean): void {
    const failedNow: string[] = [];
    const mine = this.ownSkips(skip);
    all(
      targets.map((res) => (cb: () => void) => {
        if (mine.has(res.logicalId)) {
          delete res.previousProps;
          delete res.rollbackFailed;
          this.event(res, 'UPDATE_COMPLETE', 'Resource skipped during continue update rollback');
          cb();
          return;
        }
        this.event(res, 'UPDATE_IN_PROGRESS');
        if (res.type === NESTED_STACK_TYPE && res.nestedStackId) {
          const childStack = this.engine.stackById(res.nestedStackId);
          if (!childStack) {
            cb();
            return;
          }
          const onChild = (ok: boolean) => {
            if (ok) {
              if (res.previousProps !== undefined) res.props = res.previousProps;
              delete res.previousProps;
              delete res.rollbackFailed;
              this.event(res, 'UPDATE_COMPLETE');
            } else {
              failedNow.push(res.logicalId);
              res.rollbackFailed = true;
              this.event(res, 'UPDATE_FAILED', `Nested stack ${childStack.stackId} failed to roll back: it is in UPDATE_ROLLBACK_FAILED.`);
            }
            cb();
          };
          let run = this.childRuns.get(res.logicalId);
          if (continuing && childStack.status === 'UPDATE_ROLLBACK_FAILED') {
            run = new StackRun(this.engine, childStack, this.ctx, this.depth + 1);
            this.childRuns.set(res.logicalId, run);
            run.startContinueRollback(skip);
          } else if (!run) {
            // Nothing in flight for it (restart, or it never started): already where it was.
            onChild(true);
            return;
          } else if (run.state === 'applied' || run.state === 'done' || run.state === 'cleaning') {
            run.startRollback(undefined);
          }
          run.whenSettled(onChild);
          return;
        }
        this.after(durationOf(res.type), () => {
          if (this.rollbackFails(res.logicalId)) {
            failedNow.push(res.logicalId);
            res.rollbackFailed = true;
            this.event(res, 'UPDATE_FAILED', this.ctx.rollbackFail?.reason);
          } else {
            if (res.previousProps !== undefined) res.props = res.previousProps;
            delete res.previousProps;
            delete res.rollbackFailed;
            this.event(res, 'UPDATE_COMPLETE');
          }
          cb();
        });
      }),
      () => {
        if (failedNow.length > 0) {
          this.status('UPDATE_ROLLBACK_FAILED', `The following resource(s) failed to update: [${failedNow.join(', ')}].`);
          this.state = 'rollback-failed';
          this.settle(false);
          this.finish('failed');
          return;
        }
        this.status('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
        const added = [...(this.stack.addedByUpdate ?? [])];
        all(
          [...added.map((id) => (cb: () => void) => this.deleteResource(id, true, cb)), (cb: () => void) => this.after(CLEANUP_MS, cb)],
          () => {
            this.engine.refreshOutputs(this.stack);
            this.status('UPDATE_ROLLBACK_COMPLETE');
            const s = this.stack;
            delete s.previous;
            delete s.addedByUpdate;
            for (const r of Object.values(s.resources)) delete r.previousProps;
            this.state = 'rolled-back';
            this.settle(true);
            this.finish('succeeded');
          },
        );
      },
    );
  }

  private rollbackFails(id: string): boolean {
    const rf = this.ctx.rollbackFail;
    if (!rf || rf.fired) return false;
    if (rf.target && (rf.target.stackId !== this.stack.stackId || rf.target.logicalId !== id)) return false;
    rf.fired = true;
    return true;
  }

  // --- delete ---------------------------------------------------------------------------

  /** DeleteStack, or the deletion of a nested stack its parent no longer has. */
  startDelete(): void {
    this.state = 'deleting';
    this.settled = undefined;
    this.status('DELETE_IN_PROGRESS', this.root ? 'User Initiated' : undefined);
    const ids = Object.values(this.stack.resources)
      .filter((r) => r.status !== 'DELETE_COMPLETE')
      .map((r) => r.logicalId)
      .reverse();
    all(
      ids.map((id) => (cb: () => void) => this.deleteResource(id, false, cb)),
      () => {
        this.status('DELETE_COMPLETE');
        this.engine.markDeleted(this.stack);
        this.state = 'deleted';
        this.settle(true);
        this.finish('succeeded');
      },
    );
  }

  /** Deletes one resource; `forget` drops it from the stack (an update removed it). */
  private deleteResource(id: string, forget: boolean, done: () => void): void {
    const res = this.stack.resources[id];
    if (!res || res.status === 'DELETE_COMPLETE') {
      if (forget) delete this.stack.resources[id];
      done();
      return;
    }
    const finish = () => {
      this.event(res, 'DELETE_COMPLETE');
      if (forget) delete this.stack.resources[id];
      done();
    };
    this.event(res, 'DELETE_IN_PROGRESS');
    if (res.type === NESTED_STACK_TYPE && res.nestedStackId) {
      const child = this.engine.stackById(res.nestedStackId);
      if (!child || child.status === 'DELETE_COMPLETE') {
        this.after(DELETE_MS / 4, finish);
        return;
      }
      const existing = this.childRuns.get(id);
      const remove = () => {
        const run = new StackRun(this.engine, child, this.ctx, this.depth + 1);
        this.childRuns.set(id, run);
        run.startDelete();
        run.whenSettled(() => finish());
      };
      if (existing && (existing.state === 'failing' || existing.state === 'rolling-back')) existing.whenSettled(() => remove());
      else remove();
      return;
    }
    this.after(res.physicalId ? DELETE_MS : DELETE_MS / 4, finish);
  }

  /** Ends every timer of this run and its nested runs (reset, shutdown). */
  abort(): void {
    for (const t of this.timers) this.engine.scheduler.cancel(t);
    this.timers.clear();
    for (const run of this.childRuns.values()) run.abort();
  }
}

/** Runs the tasks side by side and calls `done` once after the last one finishes. */
function all(tasks: ((cb: () => void) => void)[], done: () => void): void {
  let left = tasks.length;
  if (left === 0) {
    done();
    return;
  }
  let called = false;
  for (const task of tasks) {
    task(() => {
      if (called) return;
      if (--left === 0) {
        called = true;
        done();
      }
    });
  }
}

