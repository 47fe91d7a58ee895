/**
 * Decide, then do: which step of an upgrade comes next, decided purely from a snapshot of
 * the deployment (the live role and root stacks, what the journal says of each hop, and what
 * AWS says of the requests and change sets a stopped run left), and executed elsewhere
 * (run-upgrade.ts), one step at a time.
 *
 * Why assemble again after every step rather than carry preconditions: a step's outcome
 * decides the next one (a change set with no changes means nothing to execute; a role update
 * that CloudFormation found nothing to do in leaves the stack as it was), and AWS may have
 * moved meanwhile (an operation a stopped run started finishes). So the executor reads a
 * fresh snapshot, takes the first assembled step, runs it, and assembles again; the rest of
 * the list is what would follow if nothing surprising happened, which is what the
 * properties below are stated over (assemble-steps.property.test.ts):
 *
 * - no step appears twice; in every hop the role steps come before the root steps, which
 *   come before the build, the version check and the hop's end;
 * - a step the journal records done (and the live stacks agree) is never planned again: at
 *   most said to be done (`skip-*`, when an earlier run did it);
 * - the journal alone never skips anything: a hop it calls done is skipped only while the
 *   live root stack runs that version or a later one, and a build it calls done only when
 *   CodeBuild confirms it (the snapshot's `confirmed`: that build exists, SUCCEEDED, and
 *   started after the root stack's last update); otherwise the hop, or the build, runs again;
 * - a request a stopped run made is waited for (`await-*`) or its change set executed, never
 *   made a second time, unless AWS shows it never landed; a StartBuild whose build id was never
 *   heard is repeated with its own idempotency token while CodeBuild holds it (`repeat-build`);
 * - a change set journaled as a no-op (nothing changes anywhere in the tree, the live template,
 *   parameters and tags) is deleted (`discard-change-set`), never executed.
 */
import { compareVersions, tryParseVersion } from '../../catalog/version.js';
import type { HopRecord } from '../../journal/progress.js';
import type { StackSummary } from '../aws/types.js';
import { VERSION_TAG } from '../status/discover-root.js';
import { isInProgress, isStableStatus } from '../wait/stack-status.js';

/** A hop as the assembler needs it. */
export interface AssemblyHop {
  version: string;
  /** Run `panther-pulumi` after the root stack (v1.22 on). */
  needsBuild: boolean;
}

/** What a stack looks like, as far as the decisions go. */
export type StackState = Pick<StackSummary, 'status' | 'tags'>;

/** What AWS says of the current hop's earlier requests (read only where the journal shows one). */
export interface Observations {
  /** The role update journaled as requested reached the stack (an in-progress event with its token). */
  roleUpdateLanded?: boolean;
  /**
   * What became of the execution journaled as requested: `executed` (it reached the stack:
   * wait for it), `available` (it never landed; its change set can still be executed), `gone`
   * (it never landed, and its change set is gone: make a new one).
   */
  requestedExecution?: 'executed' | 'available' | 'gone';
  /** Change sets made earlier (the confirmed preview, one a stopped run made): whether each can still be executed. */
  executable?: Readonly<Record<string, boolean>>;
  /** The build journaled as requested, when it runs or succeeded (wait for it). */
  requestedBuild?: { buildId: string };
  /**
   * The StartBuild journaled as requested never named its build, and CodeBuild still holds its
   * idempotency token (pulumi-build.ts repeatableBuildToken): the token, to ask again with.
   */
  requestedBuildToken?: string;
}

/** What the live state confirms of what the journal calls done, for the first hop not done (read only where the journal says done). */
export interface Confirmations {
  /**
   * The build the journal records as succeeded for that hop: CodeBuild knows its id, it
   * SUCCEEDED, and it started after the root stack's last update. False or absent: it is not
   * trusted (a journal of another stack of the same name, a build someone else's update made
   * stale), and the build runs again.
   */
  build?: boolean;
}

export interface UpgradeSnapshot {
  role: StackState;
  root: StackState;
  /** The journal, folded: what it says of each hop. */
  hops: ReadonlyMap<string, HopRecord>;
  /** About the first hop not done, the only one steps can be under way in. */
  observed: Observations;
  /** What the live state confirms of the journal's done steps. */
  confirmed: Confirmations;
}

/** The parts of a hop, in order. */
export type HopPart = 'role' | 'root' | 'build' | 'verify';

export interface AssembleOptions {
  /** This run's id: a step this run journaled done is not planned again. */
  run: string;
  /**
   * Parts this run already finished, as `<hop>/<part>` (a part said to be done without a
   * journal entry, `skip-root` after an earlier run's update, is only said once).
   */
  completed?: ReadonlySet<string>;
  /** The change set made for the confirmation (this run), for the first hop. */
  preview?: { hop: string; changeSetName: string };
}

/** What a step is about; `mutates` tells the steps that change something in AWS from those that only read or journal. */
export type Step =
  /** The role stack already runs the hop's version. `record`: journal it as done (the journal does not say so yet). */
  | { kind: 'skip-role'; hop: string; record: boolean }
  /** A role update a stopped run asked for reached the stack: wait for it. */
  | { kind: 'await-role'; hop: string }
  | { kind: 'update-role'; hop: string }
  /** The root stack already runs the hop's version. */
  | { kind: 'skip-root'; hop: string; record: boolean }
  /** An execution a stopped run asked for reached the stack: wait for it. */
  | { kind: 'await-root'; hop: string }
  /** Execute a change set: the confirmed preview, one a stopped run made or requested, or (no name) the one the step before makes. */
  | { kind: 'execute-change-set'; hop: string; changeSetName?: string }
  /** A change set made before the hop's role update: the root never goes first, so it goes. */
  | { kind: 'drop-change-set'; hop: string; changeSetName: string }
  /** A no-op change set (nothing changes anywhere, the live inputs): deleted instead of executed, which finishes the root part. */
  | { kind: 'discard-change-set'; hop: string; changeSetName: string }
  | { kind: 'create-change-set'; hop: string }
  | { kind: 'skip-build'; hop: string }
  /** A build a stopped run started is running or succeeded: wait for it. */
  | { kind: 'await-build'; hop: string; buildId: string }
  | { kind: 'start-build'; hop: string }
  /** StartBuild again with the token a stopped run journaled, inside its window: CodeBuild answers with the build it started, or starts it. */
  | { kind: 'repeat-build'; hop: string; token: string }
  | { kind: 'verify'; hop: string }
  | { kind: 'finish-hop'; hop: string }
  /** Someone else's operation runs on the stack: refuse (`stack-busy`), never queue behind it. */
  | { kind: 'stack-busy'; hop: string; stack: 'role' | 'root'; status: string };

export type StepKind = Step['kind'];

/** Steps that make a mutating AWS call. */
export const MUTATING: ReadonlySet<StepKind> = new Set(['update-role', 'create-change-set', 'execute-change-set', 'drop-change-set', 'discard-change-set', 'start-build', 'repeat-build']);

/** The part a step finishes when it succeeds (a change set made or dropped is a step on the way). */
export const COMPLETES: Readonly<Partial<Record<StepKind, HopPart>>> = {
  'skip-role': 'role',
  'await-role': 'role',
  'update-role': 'role',
  'skip-root': 'root',
  'await-root': 'root',
  'execute-change-set': 'root',
  'discard-change-set': 'root',
  'skip-build': 'build',
  'await-build': 'build',
  'start-build': 'build',
  'repeat-build': 'build',
  verify: 'verify',
};

/** Which part of a hop a step belongs to, in the order a hop runs them. */
export const PHASE: Readonly<Record<StepKind, number>> = {
  'skip-role': 0,
  'await-role': 0,
  'update-role': 0,
  'stack-busy': 0,
  'skip-root': 1,
  'await-root': 1,
  'drop-change-set': 1,
  'create-change-set': 1,
  'execute-change-set': 1,
  'discard-change-set': 1,
  'skip-build': 2,
  'await-build': 2,
  'start-build': 2,
  'repeat-build': 2,
  verify: 3,
  'finish-hop': 4,
};

/** Tags roll back with the stack, so a stable stack tagged with the version runs it. */
export const atVersion = (s: StackState, version: string): boolean => s.tags[VERSION_TAG] === version && isStableStatus(s.status);

const inFlight = (status: string | undefined): boolean => status === 'requested' || status === 'accepted';

/**
 * A hop is done when the journal says so and the live root stack agrees: it runs that version
 * or a later one (its PantherVersion tag; tags roll back with the stack). A journal that says
 * done of a stack below the hop (another stack's journal, a downgrade by hand) is not trusted.
 */
export function hopDone(record: HopRecord | undefined, root: StackState, version: string): boolean {
  if (!record?.done) return false;
  const live = tryParseVersion(root.tags[VERSION_TAG] ?? '');
  const hop = tryParseVersion(version);
  return live !== undefined && hop !== undefined && compareVersions(live, hop) >= 0;
}

/**
 * Every step left, hop after hop, from `snapshot`. Pure: the same snapshot gives the same
 * steps. Only the first hop not done can have work under way; later hops start from scratch
 * (their stacks are not at their version yet, and nothing of them is in flight).
 */
export function assembleSteps(snapshot: UpgradeSnapshot, plan: readonly AssemblyHop[], options: AssembleOptions): Step[] {
  const steps: Step[] = [];
  let current = true;
  for (const hop of plan) {
    const record = snapshot.hops.get(hop.version);
    if (hopDone(record, snapshot.root, hop.version)) continue;
    steps.push(...hopSteps(hop, record, current ? snapshot : undefined, options));
    current = false;
  }
  return steps;
}

/** The rest of one hop. `snapshot` is undefined for a hop after the current one. */
function hopSteps(hop: AssemblyHop, record: HopRecord | undefined, snapshot: UpgradeSnapshot | undefined, options: AssembleOptions): Step[] {
  const v = hop.version;
  const steps: Step[] = [];
  const observed = snapshot?.observed ?? {};
  // A later hop's stacks are still at an earlier version.
  const role = snapshot?.role;
  const root = snapshot?.root;
  const parts: Record<HopPart, keyof HopRecord['steps']> = { role: 'update-role', root: 'execute-change-set', build: 'start-build', verify: 'verify' };
  /** This run finished the part: it journaled it done, or said so. */
  const finished = (part: HopPart): boolean => {
    const r = record?.steps[parts[part]];
    return (r?.status === 'done' && r.entry.run === options.run) || options.completed?.has(`${v}/${part}`) === true;
  };

  // 1. The role stack: the root never goes first.
  const roleRec = record?.steps['update-role'];
  if (!finished('role')) {
    if (role && atVersion(role, v)) steps.push({ kind: 'skip-role', hop: v, record: roleRec?.status !== 'done' });
    // A request of ours may have reached AWS before we stopped: wait for it, never repeat it.
    else if (inFlight(roleRec?.status) && ((role && isInProgress(role.status)) || observed.roleUpdateLanded !== false)) steps.push({ kind: 'await-role', hop: v });
    else if (role && isInProgress(role.status)) return [{ kind: 'stack-busy', hop: v, stack: 'role', status: role.status }];
    else steps.push({ kind: 'update-role', hop: v });
  }

  // 2. The root stack: a change set made after the role update, then its execution.
  if (!finished('root')) {
    const rootPart = rootSteps(v, record, root, observed, options);
    if (rootPart[0]?.kind !== 'stack-busy') steps.push(...rootPart);
    // Busy: refused when it is the root's turn; while the role goes first, judged again after it.
    else if (steps.length === 0) return rootPart;
    else steps.push(...fresh(v));
  }

  // 3. The build, 4. the version check, 5. the hop's end.
  if (hop.needsBuild && !finished('build')) {
    const buildRec = record?.steps['start-build'];
    // Done, by the journal of an earlier run, and confirmed by CodeBuild; unconfirmed, it runs again.
    if (buildRec?.status === 'done' && snapshot?.confirmed.build === true) steps.push({ kind: 'skip-build', hop: v });
    // Asked, never told the build id, and CodeBuild still holds the token: ask again with it.
    else if (buildRec?.status === 'requested' && observed.requestedBuildToken) steps.push({ kind: 'repeat-build', hop: v, token: observed.requestedBuildToken });
    else if (inFlight(buildRec?.status) && observed.requestedBuild) steps.push({ kind: 'await-build', hop: v, buildId: observed.requestedBuild.buildId });
    else steps.push({ kind: 'start-build', hop: v });
  }
  if (!finished('verify')) steps.push({ kind: 'verify', hop: v });
  steps.push({ kind: 'finish-hop', hop: v });
  return steps;
}

function rootSteps(v: string, record: HopRecord | undefined, root: StackState | undefined, observed: Observations, options: AssembleOptions): Step[] {
  const exec = record?.steps['execute-change-set'];
  const create = record?.steps['create-change-set'];
  // A no-op (create-change-set found nothing to change anywhere, with the live inputs):
  // executing it would update the whole tree for nothing, so it is deleted instead.
  const noOp = create?.done?.noOp === true && !create.done.deleted ? create.done.changeSetName : undefined;
  const use = (name: string): Step[] => [name === noOp ? { kind: 'discard-change-set', hop: v, changeSetName: name } : { kind: 'execute-change-set', hop: v, changeSetName: name }];
  if (root && atVersion(root, v)) return [{ kind: 'skip-root', hop: v, record: exec?.status !== 'done' }];
  // Resume: an execution we asked for may be running or finished, or never have landed.
  if (inFlight(exec?.status)) {
    const state = root ? observed.requestedExecution : 'executed';
    if (state === 'executed') return [{ kind: 'await-root', hop: v }];
    const requestedName = exec?.requested?.changeSetName;
    if (state === 'available' && requestedName) return use(requestedName);
  }
  if (root && isInProgress(root.status)) return [{ kind: 'stack-busy', hop: v, stack: 'root', status: root.status }];

  // A change set made earlier is reused while it can still be executed: the confirmed
  // preview (made when the role was already at the hop's version), or one a stopped run made
  // after this hop's role update. One made before the role update goes.
  const latest = create?.status === 'done' && !create.done?.deleted ? create.done?.changeSetName : undefined;
  const preview = options.preview?.hop === v && latest === options.preview.changeSetName ? options.preview.changeSetName : undefined;
  const executable = (name: string): boolean => root !== undefined && observed.executable?.[name] === true;
  if (preview) return executable(preview) ? use(preview) : fresh(v);
  // Not the one an execution already used: a change set is executed once.
  const executedSince = exec !== undefined && create !== undefined && exec.entry.seq > create.entry.seq;
  if (latest && !executedSince && executable(latest)) {
    const roleSeq = record?.steps['update-role']?.entry.seq ?? 0;
    const madeAfterRole = (create?.requested?.seq ?? create?.entry.seq ?? 0) > roleSeq;
    if (madeAfterRole) return use(latest);
    return [{ kind: 'drop-change-set', hop: v, changeSetName: latest }, ...fresh(v)];
  }
  return fresh(v);
}

const fresh = (v: string): Step[] => [
  { kind: 'create-change-set', hop: v },
  { kind: 'execute-change-set', hop: v },
];

/** The change sets the assembler may reuse for a hop: the reader asks AWS whether each can still be executed. */
export function reusableChangeSets(record: HopRecord | undefined): string[] {
  const create = record?.steps['create-change-set'];
  const latest = create?.status === 'done' && !create.done?.deleted ? create.done?.changeSetName : undefined;
  return latest ? [latest] : [];
}
