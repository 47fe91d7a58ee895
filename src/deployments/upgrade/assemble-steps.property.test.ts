import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JournalEntry, JournalInput } from '../../journal/entry.js';
import { parseEntry } from '../../journal/entry.js';
import { summarizeJournal } from '../../journal/progress.js';
import { isInProgress } from '../wait/stack-status.js';
import { assembleSteps, atVersion, COMPLETES, hopDone, MUTATING, PHASE, reusableChangeSets, type AssemblyHop, type Confirmations, type Observations, type Step, type StackState, type UpgradeSnapshot } from './assemble-steps.js';

/**
 * Properties of the upgrade's step assembler, on arbitrary snapshots and on a model of a
 * deployment that a run drives, crashing at random points (as SIGKILL would), then resumed
 * until it finishes: no step repeated, role before root in every hop, a step the journal
 * records done never planned again, and AWS asked for each mutation of a hop at most once
 * (a StartBuild repeated with its journaled token inside the token's window included).
 */

const VERSIONS = ['v1.26.9', 'v1.27.8', 'v1.28.7', 'v1.29.4'];
const FROM = 'v1.25.18';

const arbPlan: fc.Arbitrary<AssemblyHop[]> = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }))
  .map(([n, builds]) => VERSIONS.slice(0, n).map((version, i) => ({ version, needsBuild: builds[i]! })));

// ------------------------------------------------------------------------------------------
// A model deployment: two stacks, change sets, builds, the journal, and what landed in AWS.

type Landed = { kind: 'role' | 'exec' | 'build'; hop: string; token: string; failed?: boolean; changeSet?: string };

interface World {
  role: StackState;
  root: StackState;
  entries: JournalEntry[];
  changeSets: Map<string, 'available' | 'executed' | 'deleted'>;
  /** Builds started, by idempotency token. */
  builds: Map<string, string>;
  landed: Landed[];
  tokens: number;
  /** A mutation that fails once (rolls back, or the build fails): `<hop> <kind>`. */
  failOnce?: string;
  /** The failure, once it happened (a run killed before it never meets it). */
  failed?: string;
  /** When each change set was made, in `landed` positions. */
  madeAt: Map<string, number>;
  /** Runs resume within CodeBuild's idempotency-token window (StartBuild is repeated with the token). */
  tokenWindow: boolean;
}

const stack = (version: string, status = 'UPDATE_COMPLETE'): StackState => ({ status, tags: { PantherVersion: version } });

function newWorld(): World {
  return { role: stack(FROM), root: stack(FROM), entries: [], changeSets: new Map(), builds: new Map(), landed: [], tokens: 0, madeAt: new Map(), tokenWindow: false };
}

class Crash extends Error {}
/** A step that failed in AWS: the run stops (as StepFailure does), the next one goes on. */
class Failed extends Error {}

function fails(w: World, hop: string, kind: Landed['kind']): boolean {
  if (w.failOnce !== `${hop} ${kind}`) return false;
  w.failed = w.failOnce;
  delete w.failOnce;
  return true;
}

/** One run: appends under its own id, and crashes when its budget of effects runs out. */
class Run {
  private effects = 0;
  constructor(
    readonly world: World,
    readonly id: string,
    private readonly crashAfter: number,
  ) {}

  /** A point where a SIGKILL may land: before a journal write or an AWS call. */
  tick(): void {
    if (this.effects++ >= this.crashAfter) throw new Crash();
  }

  append(input: JournalInput): void {
    this.tick();
    const w = this.world;
    const parsed = parseEntry({ ...input, v: 2, seq: w.entries.length + 1, time: new Date(w.entries.length * 1000).toISOString(), run: this.id });
    if (!parsed.ok) throw new Error(`model wrote an invalid entry: ${parsed.reason}`);
    w.entries.push(parsed.entry);
  }

  token(prefix: string): string {
    return `${prefix}-${++this.world.tokens}`;
  }
}

/** What the snapshot reader (steps.ts) would observe of the model. */
function observe(w: World, plan: readonly AssemblyHop[]): UpgradeSnapshot {
  const hops = summarizeJournal(w.entries).hops;
  const current = plan.find((h) => !hopDone(hops.get(h.version), w.root, h.version));
  const record = current ? hops.get(current.version) : undefined;
  const observed: Observations = {};
  const confirmed: Confirmations = {};
  if (current && record) {
    const v = current.version;
    const roleRec = record.steps['update-role'];
    if (roleRec && (roleRec.status === 'requested' || roleRec.status === 'accepted') && !atVersion(w.role, v) && !isInProgress(w.role.status)) {
      observed.roleUpdateLanded = w.landed.some((l) => l.kind === 'role' && l.token === roleRec.clientRequestToken);
    }
    const exec = record.steps['execute-change-set'];
    if (exec && (exec.status === 'requested' || exec.status === 'accepted') && !atVersion(w.root, v)) {
      const name = exec.requested?.changeSetName ?? '';
      const state = w.changeSets.get(name);
      observed.requestedExecution = isInProgress(w.root.status) || state === 'executed' || w.landed.some((l) => l.kind === 'exec' && l.token === exec.clientRequestToken) ? 'executed' : state === 'available' ? 'available' : 'gone';
    }
    const reusable = atVersion(w.root, v) ? [] : reusableChangeSets(record);
    if (reusable.length) observed.executable = Object.fromEntries(reusable.map((n) => [n, w.changeSets.get(n) === 'available']));
    const build = record.steps['start-build'];
    // Asked, never told the id, CodeBuild still holding the token: ask again with it (the reader looks no further).
    if (current.needsBuild && build?.status === 'requested' && w.tokenWindow && build.clientRequestToken) observed.requestedBuildToken = build.clientRequestToken;
    else if (current.needsBuild && build && (build.status === 'requested' || build.status === 'accepted')) {
      const id = w.builds.get(build.clientRequestToken ?? '');
      if (id) observed.requestedBuild = { buildId: id };
    }
    // CodeBuild confirms a build the journal calls done when it knows it as succeeded.
    if (current.needsBuild && build?.status === 'done') confirmed.build = [...w.builds.values()].includes(build.done?.buildId ?? '');
  }
  return { role: w.role, root: w.root, hops, observed, confirmed };
}

/** Runs one step against the model, as steps.ts does against AWS. */
function execute(r: Run, step: Step): void {
  const w = r.world;
  const v = step.hop;
  const record = summarizeJournal(w.entries).hops.get(v);
  switch (step.kind) {
    case 'skip-role':
      if (step.record) r.append({ type: 'step.done', step: 'update-role', hop: v, skipped: 'already at version' });
      return;
    case 'await-role':
      // The operation a stopped run started ends as it ended (or ends now, if still running).
      if (lastLanded(w, 'role', v)?.failed) {
        r.append({ type: 'step.failed', step: 'update-role', hop: v, finalStatus: 'UPDATE_ROLLBACK_COMPLETE' });
        throw new Failed();
      }
      w.role = stack(v);
      r.append({ type: 'step.done', step: 'update-role', hop: v, finalStatus: 'UPDATE_COMPLETE' });
      return;
    case 'update-role': {
      const token = r.token('role');
      r.append({ type: 'step.requested', step: 'update-role', hop: v, clientRequestToken: token, stack: 'role', templateUrl: 'u', beforeEventId: 'e' });
      r.tick();
      w.landed.push({ kind: 'role', hop: v, token });
      const before = w.role.tags.PantherVersion ?? FROM;
      w.role = stack(before, 'UPDATE_IN_PROGRESS');
      r.tick();
      if (fails(w, v, 'role')) {
        w.landed.at(-1)!.failed = true;
        w.role = stack(before, 'UPDATE_ROLLBACK_COMPLETE');
        r.append({ type: 'step.failed', step: 'update-role', hop: v, finalStatus: 'UPDATE_ROLLBACK_COMPLETE' });
        throw new Failed();
      }
      w.role = stack(v);
      r.append({ type: 'step.done', step: 'update-role', hop: v, finalStatus: 'UPDATE_COMPLETE' });
      return;
    }
    case 'skip-root':
      if (step.record) r.append({ type: 'step.done', step: 'execute-change-set', hop: v, skipped: 'already at version' });
      return;
    case 'await-root':
      if (lastLanded(w, 'exec', v)?.failed) {
        r.append({ type: 'step.failed', step: 'execute-change-set', hop: v, finalStatus: 'UPDATE_ROLLBACK_COMPLETE' });
        throw new Failed();
      }
      w.root = stack(v);
      r.append({ type: 'step.done', step: 'execute-change-set', hop: v, finalStatus: 'UPDATE_COMPLETE' });
      return;
    case 'discard-change-set':
      throw new Error(`the model makes no no-op change sets: ${step.changeSetName}`);
    case 'drop-change-set':
      r.tick();
      w.changeSets.set(step.changeSetName, 'deleted');
      r.append({ type: 'step.done', step: 'create-change-set', hop: v, changeSetName: step.changeSetName, deleted: true });
      return;
    case 'create-change-set': {
      const name = r.token('cs');
      r.append({ type: 'step.requested', step: 'create-change-set', hop: v, clientRequestToken: name, changeSetName: name });
      r.tick();
      w.changeSets.set(name, 'available');
      w.madeAt.set(name, w.landed.length);
      r.append({ type: 'step.done', step: 'create-change-set', hop: v, changeSetName: name, changes: 3 });
      return;
    }
    case 'execute-change-set': {
      const name = step.changeSetName ?? record?.steps['create-change-set']?.done?.changeSetName;
      if (!name || w.changeSets.get(name) !== 'available') throw new Error(`execute of a change set that cannot be executed: ${name}`);
      const token = r.token('exec');
      r.append({ type: 'step.requested', step: 'execute-change-set', hop: v, clientRequestToken: token, changeSetName: name, beforeEventId: 'e' });
      r.tick();
      w.landed.push({ kind: 'exec', hop: v, token, changeSet: name });
      w.changeSets.set(name, 'executed');
      const before = w.root.tags.PantherVersion ?? FROM;
      w.root = stack(before, 'UPDATE_IN_PROGRESS');
      r.tick();
      if (fails(w, v, 'exec')) {
        w.landed.at(-1)!.failed = true;
        w.root = stack(before, 'UPDATE_ROLLBACK_COMPLETE');
        r.append({ type: 'step.failed', step: 'execute-change-set', hop: v, finalStatus: 'UPDATE_ROLLBACK_COMPLETE' });
        throw new Failed();
      }
      w.root = stack(v);
      r.append({ type: 'step.done', step: 'execute-change-set', hop: v, finalStatus: 'UPDATE_COMPLETE' });
      return;
    }
    case 'skip-build':
      return;
    case 'await-build':
      r.append({ type: 'step.done', step: 'start-build', hop: v, buildId: step.buildId });
      return;
    case 'start-build': {
      const token = r.token('build');
      r.append({ type: 'step.requested', step: 'start-build', hop: v, clientRequestToken: token, project: 'panther-pulumi' });
      r.tick();
      const id = `build:${token}`;
      w.builds.set(token, id);
      w.landed.push({ kind: 'build', hop: v, token });
      r.append({ type: 'step.accepted', step: 'start-build', hop: v, buildId: id });
      if (fails(w, v, 'build')) {
        // A failed build is not waited for again: it is started anew.
        w.builds.delete(token);
        r.append({ type: 'step.failed', step: 'start-build', hop: v, buildId: id, state: 'stack done, build failed' });
        throw new Failed();
      }
      r.append({ type: 'step.done', step: 'start-build', hop: v, buildId: id });
      return;
    }
    case 'repeat-build': {
      r.tick();
      // CodeBuild answers a repeated token with the build it started, or starts the one it never did.
      let id = w.builds.get(step.token);
      if (!id) {
        id = `build:${step.token}`;
        w.builds.set(step.token, id);
        w.landed.push({ kind: 'build', hop: v, token: step.token });
      }
      r.append({ type: 'step.accepted', step: 'start-build', hop: v, buildId: id });
      if (fails(w, v, 'build')) {
        w.builds.delete(step.token);
        r.append({ type: 'step.failed', step: 'start-build', hop: v, buildId: id, state: 'stack done, build failed' });
        throw new Failed();
      }
      r.append({ type: 'step.done', step: 'start-build', hop: v, buildId: id });
      return;
    }
    case 'verify':
      r.append({ type: 'step.done', step: 'verify', hop: v, version: v });
      return;
    case 'finish-hop':
      r.append({ type: 'hop.done', hop: v });
      return;
    case 'stack-busy':
      throw new Error(`the model has no foreign operations: ${step.stack} ${step.status}`);
  }
}

/** Operations a killed run started go on in AWS: some have finished by the time the next run looks. */
function settleInAws(w: World, lastHop: string | undefined, finished: boolean): void {
  if (!finished || !lastHop) return;
  if (isInProgress(w.role.status)) w.role = stack(lastOf(w, 'role') ?? lastHop);
  if (isInProgress(w.root.status)) w.root = stack(lastOf(w, 'exec') ?? lastHop);
  // The change set a killed run executed is gone once its operation ends (AWS deletes them).
  for (const [name, state] of w.changeSets) if (state === 'executed') w.changeSets.set(name, 'deleted');
}

const lastOf = (w: World, kind: Landed['kind']): string | undefined => w.landed.filter((l) => l.kind === kind && !l.failed).at(-1)?.hop;
const lastLanded = (w: World, kind: Landed['kind'], hop: string): Landed | undefined => w.landed.filter((l) => l.kind === kind && l.hop === hop).at(-1);

// ------------------------------------------------------------------------------------------
// The invariants of one assembled list.

function checkList(steps: readonly Step[], plan: readonly AssemblyHop[], snapshot: UpgradeSnapshot): void {
  const ids = steps.map((s) => `${s.hop}/${s.kind}${s.kind === 'execute-change-set' || s.kind === 'drop-change-set' || s.kind === 'discard-change-set' ? `/${s.changeSetName ?? ''}` : ''}`);
  // No step repeated.
  expect(new Set(ids).size).toBe(ids.length);
  const order = plan.map((h) => h.version);
  for (let i = 1; i < steps.length; i++) {
    const a = steps[i - 1]!;
    const b = steps[i]!;
    const ha = order.indexOf(a.hop);
    const hb = order.indexOf(b.hop);
    // Hops in plan order; within a hop, role before root before build before verify before its end.
    expect(hb).toBeGreaterThanOrEqual(ha);
    if (ha === hb) expect(PHASE[b.kind]).toBeGreaterThanOrEqual(PHASE[a.kind]);
  }
  // The snapshot's observations and confirmations are of the first hop not done (the only one work can be under way in).
  const current = plan.find((h) => !hopDone(snapshot.hops.get(h.version), snapshot.root, h.version));
  for (const hop of plan) {
    const mine = steps.filter((s) => s.hop === hop.version);
    const record = snapshot.hops.get(hop.version);
    // A hop is skipped when the journal calls it done and the root stack runs it (or later), never on the journal's word alone.
    if (hopDone(record, snapshot.root, hop.version)) expect(mine).toEqual([]);
    else if (!mine.some((s) => s.kind === 'stack-busy')) expect(mine.at(-1)?.kind).toBe('finish-hop');
    // A step the journal records done, with the stacks (and CodeBuild) agreeing, is never done
    // again, in the hop under way. (A hop after one the journal calls done but the root stack
    // does not run is not under way: it starts from scratch once the hop before is done again.)
    const underWay = hop === current;
    const doneAndLive = {
      role: underWay && record?.steps['update-role']?.status === 'done' && atVersion(snapshot.role, hop.version),
      root: underWay && record?.steps['execute-change-set']?.status === 'done' && atVersion(snapshot.root, hop.version),
      build: underWay && record?.steps['start-build']?.status === 'done' && snapshot.confirmed.build === true,
    };
    for (const s of mine) {
      if (!MUTATING.has(s.kind)) continue;
      const part = PHASE[s.kind] === 0 ? 'role' : PHASE[s.kind] === 1 ? 'root' : 'build';
      expect(doneAndLive[part], `${s.kind} of ${hop.version} redoes a done step`).toBe(false);
    }
    // The root never goes before its role: while the role is still to do, no root step runs first.
    const firstRoot = mine.findIndex((s) => PHASE[s.kind] === 1);
    const lastRole = mine.findLastIndex((s) => PHASE[s.kind] === 0);
    if (firstRoot >= 0 && lastRole >= 0) expect(lastRole).toBeLessThan(firstRoot);
  }
}

/**
 * The confirmation's preview, as run-upgrade.ts makes it before the first run starts: a change
 * set for hop 1, made while the role is not at hop 1 yet, so it is deleted again (unless the
 * run is killed first: then a stopped run leaves a change set made before its role update).
 */
function preview(r: Run, hop: string): void {
  const name = r.token('preview');
  r.append({ type: 'step.requested', step: 'create-change-set', hop, clientRequestToken: name, changeSetName: name, preview: true });
  r.tick();
  r.world.changeSets.set(name, 'available');
  r.world.madeAt.set(name, r.world.landed.length);
  r.append({ type: 'step.done', step: 'create-change-set', hop, changeSetName: name, changes: 3 });
  r.tick();
  r.world.changeSets.set(name, 'deleted');
  r.append({ type: 'step.done', step: 'create-change-set', hop, changeSetName: name, deleted: true });
}

interface Scenario {
  crashes: readonly number[];
  /** Per killed run: whether what it started in AWS finished before the next run looks. */
  aws: readonly boolean[];
  withPreview: boolean;
  failOnce?: string;
  tokenWindow: boolean;
}

/** Drives runs over the model until the upgrade is done; each run but the last is killed at a random point, or stopped by the failure. */
function drive(plan: readonly AssemblyHop[], sc: Scenario): World {
  const w = newWorld();
  if (sc.failOnce) w.failOnce = sc.failOnce;
  w.tokenWindow = sc.tokenWindow;
  const budgets = [...sc.crashes, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  budgets.forEach((budget, i) => {
    if (i > 0 && summarizeJournal(w.entries).hops.get(plan.at(-1)!.version)?.done) return;
    const run = new Run(w, `run-${i}`, budget);
    const completed = new Set<string>();
    try {
      if (i === 0 && sc.withPreview) preview(run, plan[0]!.version);
      for (let n = 0; n < 200; n++) {
        const snapshot = observe(w, plan);
        const steps = assembleSteps(snapshot, plan, { run: run.id, completed });
        checkList(steps, plan, snapshot);
        const step = steps[0];
        if (!step) return;
        execute(run, step);
        const part = COMPLETES[step.kind];
        if (part) completed.add(`${step.hop}/${part}`);
      }
      throw new Error('no progress after 200 steps');
    } catch (err) {
      if (err instanceof Failed) return;
      if (!(err instanceof Crash)) throw err;
      settleInAws(w, plan.at(-1)?.version, sc.aws[i] ?? true);
    }
  });
  return w;
}

const arbScenario = (plan: readonly AssemblyHop[]): fc.Arbitrary<Scenario> =>
  fc.record({
    crashes: fc.array(fc.nat({ max: 40 }), { maxLength: 4 }),
    aws: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    withPreview: fc.boolean(),
    tokenWindow: fc.boolean(),
    failOnce: fc.option(
      fc.tuple(fc.constantFrom(...plan.map((h) => h.version)), fc.constantFrom('role', 'exec', 'build')).map(([h, k]) => `${h} ${k}`),
      { nil: undefined },
    ),
  }) as fc.Arbitrary<Scenario>;

describe('assembleSteps on a model deployment, killed at random points and resumed', () => {
  it('finishes every hop, each role update landing once and before its root update, each execution and build once (again only after a failure)', () => {
    fc.assert(
      fc.property(arbPlan.chain((plan) => arbScenario(plan).map((sc) => ({ plan, sc }))), ({ plan, sc }) => {
        const w = drive(plan, sc);
        const summary = summarizeJournal(w.entries);
        for (const hop of plan) {
          expect(summary.hops.get(hop.version)?.done, hop.version).toBe(true);
          const landed = w.landed.filter((l) => l.hop === hop.version).map((l) => l.kind);
          // AWS was asked for each mutation of a hop once (resume waits for what landed), twice only after it failed.
          const failed = (kind: Landed['kind']): number => (w.failed === `${hop.version} ${kind}` ? 1 : 0);
          const expected: Landed['kind'][] = [
            ...(failed('role') ? ['role' as const] : []),
            'role',
            ...(failed('exec') ? ['exec' as const] : []),
            'exec',
            ...(hop.needsBuild ? [...(failed('build') ? ['build' as const] : []), 'build' as const] : []),
          ];
          // Role, then root, then build.
          expect(landed).toEqual(expected);
          // The change set a hop executes is made after its role update succeeded: its template and role are the hop's.
          const roleAt = w.landed.findIndex((l) => l.kind === 'role' && l.hop === hop.version && !l.failed);
          for (const exec of w.landed.filter((l) => l.kind === 'exec' && l.hop === hop.version)) expect(w.madeAt.get(exec.changeSet!)).toBeGreaterThan(roleAt);
        }
        // And hop after hop.
        expect([...new Set(w.landed.map((l) => l.hop))]).toEqual(plan.map((h) => h.version));
        expect(atVersion(w.root, plan.at(-1)!.version) && atVersion(w.role, plan.at(-1)!.version)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('an uninterrupted run assembles the plain path: role, change set, execution, build, check, end, per hop', () => {
    fc.assert(
      fc.property(arbPlan, (plan) => {
        const w = newWorld();
        const steps = assembleSteps(observe(w, plan), plan, { run: 'r' });
        expect(steps.map((s) => `${s.hop} ${s.kind}`)).toEqual(
          plan.flatMap((h) => ['update-role', 'create-change-set', 'execute-change-set', ...(h.needsBuild ? ['start-build'] : []), 'verify', 'finish-hop'].map((k) => `${h.version} ${k}`)),
        );
      }),
    );
  });
});

// ------------------------------------------------------------------------------------------
// Arbitrary snapshots: records and stacks in any state, not only those a run leaves.

const STATUSES = ['requested', 'accepted', 'done', 'failed'] as const;
const arbStack = fc.record({ version: fc.constantFrom(FROM, ...VERSIONS), status: fc.constantFrom('UPDATE_COMPLETE', 'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED') });
const arbPart = fc.option(fc.constantFrom(...STATUSES), { nil: undefined });

const arbSnapshot = (plan: readonly AssemblyHop[]): fc.Arbitrary<{ snapshot: UpgradeSnapshot; preview: boolean }> =>
  fc
    .record({
      role: arbStack,
      root: arbStack,
      doneHops: fc.nat({ max: plan.length }),
      parts: fc.record({ role: arbPart, create: fc.option(fc.constantFrom('requested', 'done', 'no-op', 'deleted', 'failed'), { nil: undefined }), exec: arbPart, build: arbPart, verify: fc.option(fc.constant('done' as const), { nil: undefined }), byThisRun: fc.boolean() }),
      observed: fc.record({
        roleUpdateLanded: fc.option(fc.boolean(), { nil: undefined }),
        requestedExecution: fc.option(fc.constantFrom('executed' as const, 'available' as const, 'gone' as const), { nil: undefined }),
        executable: fc.boolean(),
        requestedBuild: fc.boolean(),
        requestedBuildToken: fc.boolean(),
      }),
      confirmedBuild: fc.boolean(),
      preview: fc.boolean(),
    })
    .map((g) => {
      const entries: JournalInput[] = [];
      plan.slice(0, g.doneHops).forEach((h) => entries.push({ type: 'hop.done', hop: h.version }));
      const cur = plan[g.doneHops];
      if (cur) {
        const v = cur.version;
        const p = g.parts;
        const put = (step: 'update-role' | 'execute-change-set' | 'start-build', status: (typeof STATUSES)[number] | undefined, requested: JournalInput): void => {
          if (!status) return;
          entries.push(requested);
          if (status === 'accepted' && step === 'start-build') entries.push({ type: 'step.accepted', step, hop: v, buildId: 'b1' });
          if (status === 'done') entries.push({ type: 'step.done', step, hop: v });
          if (status === 'failed') entries.push({ type: 'step.failed', step, hop: v });
        };
        put('update-role', p.role, { type: 'step.requested', step: 'update-role', hop: v, clientRequestToken: 'r1', stack: 'role', templateUrl: 'u' });
        if (p.create) {
          entries.push({ type: 'step.requested', step: 'create-change-set', hop: v, clientRequestToken: 'cs1', changeSetName: 'cs1' });
          if (p.create === 'done' || p.create === 'deleted' || p.create === 'no-op') {
            entries.push({ type: 'step.done', step: 'create-change-set', hop: v, changeSetName: 'cs1', ...(p.create === 'deleted' ? { deleted: true } : {}), ...(p.create === 'no-op' ? { changes: 0, noOp: true } : {}) });
          }
          if (p.create === 'failed') entries.push({ type: 'step.failed', step: 'create-change-set', hop: v, changeSetName: 'cs1' });
        }
        put('execute-change-set', p.exec, { type: 'step.requested', step: 'execute-change-set', hop: v, clientRequestToken: 'x1', changeSetName: 'cs1' });
        put('start-build', p.build, { type: 'step.requested', step: 'start-build', hop: v, clientRequestToken: 'b1', project: 'panther-pulumi' });
        if (p.verify) entries.push({ type: 'step.done', step: 'verify', hop: v, version: v });
      }
      const journal: JournalEntry[] = entries.map((e, i) => {
        const parsed = parseEntry({ ...e, v: 2, seq: i + 1, time: 't', run: g.parts.byThisRun ? 'this' : 'earlier' });
        if (!parsed.ok) throw new Error(parsed.reason);
        return parsed.entry;
      });
      const observed: Observations = {
        ...(g.observed.roleUpdateLanded !== undefined ? { roleUpdateLanded: g.observed.roleUpdateLanded } : {}),
        ...(g.observed.requestedExecution ? { requestedExecution: g.observed.requestedExecution } : {}),
        executable: { cs1: g.observed.executable },
        ...(g.observed.requestedBuild ? { requestedBuild: { buildId: 'b1' } } : {}),
        ...(g.observed.requestedBuildToken ? { requestedBuildToken: 'b1' } : {}),
      };
      const confirmed: Confirmations = g.parts.build === 'done' ? { build: g.confirmedBuild } : {};
      return { snapshot: { role: stack(g.role.version, g.role.status), root: stack(g.root.version, g.root.status), hops: summarizeJournal(journal).hops, observed, confirmed }, preview: g.preview };
    });

describe('assembleSteps on arbitrary snapshots', () => {
  it('never repeats a step, keeps role before root, never redoes a done step, and never throws', () => {
    fc.assert(
      fc.property(
        arbPlan.chain((plan) => arbSnapshot(plan).map((s) => ({ plan, ...s }))),
        ({ plan, snapshot, preview }) => {
          const steps = assembleSteps(snapshot, plan, { run: 'this', ...(preview ? { preview: { hop: plan[0]!.version, changeSetName: 'cs1' } } : {}) });
          checkList(steps, plan, snapshot);
          // A request in flight that AWS shows landed is waited for, never made again.
          const first = plan.find((h) => !hopDone(snapshot.hops.get(h.version), snapshot.root, h.version));
          const exec = first && snapshot.hops.get(first.version)?.steps['execute-change-set'];
          if (first && exec && (exec.status === 'requested' || exec.status === 'accepted') && snapshot.observed.requestedExecution === 'executed' && !atVersion(snapshot.root, first.version)) {
            expect(steps.filter((s) => s.hop === first.version && (s.kind === 'create-change-set' || (s.kind === 'execute-change-set' && s.changeSetName === undefined)))).toEqual([]);
          }
          // A change set journaled as a no-op is never executed; while it can be, it is deleted instead.
          const create = first && snapshot.hops.get(first.version)?.steps['create-change-set'];
          if (first && create?.done?.noOp && !create.done.deleted) {
            expect(steps.filter((s) => s.kind === 'execute-change-set' && s.changeSetName === 'cs1')).toEqual([]);
            const rootStep = steps.find((s) => s.hop === first.version && PHASE[s.kind] === 1);
            if (rootStep && !exec && snapshot.observed.executable?.cs1 && !atVersion(snapshot.root, first.version) && !isInProgress(snapshot.root.status)) expect(rootStep.kind).toBe('discard-change-set');
          }
          // A build the journal calls done is skipped only when CodeBuild confirms it; unconfirmed (by an earlier run), it is started again.
          const doneBuild = first && snapshot.hops.get(first.version)?.steps['start-build'];
          if (first && first.needsBuild && doneBuild?.status === 'done' && doneBuild.entry.run !== 'this') {
            const buildSteps = steps.filter((s) => s.hop === first.version && PHASE[s.kind] === 2).map((s) => s.kind);
            if (!steps.some((s) => s.kind === 'stack-busy')) expect(buildSteps).toEqual([snapshot.confirmed.build ? 'skip-build' : 'start-build']);
          }
          // StartBuild is repeated with its token only while no build id was heard, and then never started anew.
          const build = first && snapshot.hops.get(first.version)?.steps['start-build'];
          const mine = steps.filter((s) => s.hop === first?.version);
          if (build?.status !== 'requested' || !snapshot.observed.requestedBuildToken) expect(mine.filter((s) => s.kind === 'repeat-build')).toEqual([]);
          else if (mine.some((s) => PHASE[s.kind] === 2)) expect(mine.filter((s) => PHASE[s.kind] === 2)).toEqual([{ kind: 'repeat-build', hop: first!.version, token: 'b1' }]);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
