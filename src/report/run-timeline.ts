/**
 * The timeline of one run, as plain data: its hops, each hop's role / root / build spans, the
 * role stack, root stack and every nested stack with their resources (from stack events), the
 * build's phases, the root cause, totals and the slowest resources. Built purely from
 * journal-like entries, stack events and build phases, so `report`, `history` and the ETA
 * learner share one reading of a run, tested with plain objects.
 *
 * The input types are deliberately minimal and structural: the journal's entries, the
 * gateways' StackEvent and BuildInfo fit them as they are (dates or ISO strings).
 */

export const TIMELINE_SCHEMA = 'pantherctl.timeline/v1';

const STACK_TYPE = 'AWS::CloudFormation::Stack';

// ---------------------------------------------------------------------------------------------
// Input

export interface TimelineJournalEntry {
  seq?: number;
  /** ISO time the entry was written (the operator's clock). */
  time: string;
  run: string;
  /** `run.start`, `step.requested`, `step.accepted`, `step.done`, `step.failed`, `hop.done`, `run.done`, `run.failed`, `run.interrupted`. */
  type: string;
  step?: string;
  hop?: string;
  clientRequestToken?: string;
  [key: string]: unknown;
}

export interface TimelineStackEvent {
  stackId: string;
  stackName: string;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  status: string;
  reason?: string;
  time: string | Date;
  clientRequestToken?: string;
  eventId?: string;
}

export interface TimelineBuildPhase {
  type: string;
  status?: string;
  startTime?: string | Date;
  endTime?: string | Date;
  durationSeconds?: number;
  message?: string;
}

export interface TimelineBuild {
  id: string;
  /** The hop it ran for; else matched by the `buildId` the journal recorded. */
  hop?: string;
  status?: string;
  phases: readonly TimelineBuildPhase[];
  startTime?: string | Date;
  endTime?: string | Date;
}

/** A root cause found by diagnose (wins over the one derived from the events). */
export interface TimelineRootCauseInput {
  stack?: string;
  logicalId?: string;
  resourceType?: string;
  status?: string;
  reason?: string;
}

export interface RunTimelineInput {
  journal: readonly TimelineJournalEntry[];
  /** Default: the latest run that started. Runs it resumed are included. */
  runId?: string;
  /** Events of the role stack, the root stack and its nested stacks (deleted ones included), any order. */
  stackEvents?: readonly TimelineStackEvent[];
  builds?: readonly TimelineBuild[];
  rootCause?: TimelineRootCauseInput;
  /** Where open spans end (a run still going). Default: the latest time in the input. */
  now?: string | Date;
  /**
   * Skew tolerated between the journal's clock and AWS's event times when placing events in
   * hops. Default 5 000 ms: journal entries bracket their calls, but the operator's clock is
   * not AWS's.
   */
  skewMs?: number;
  /** How many slowest resources to list. Default 10. */
  slowest?: number;
}

// ---------------------------------------------------------------------------------------------
// Output

/** `pending`: a planned hop the run has not reached (or never reached). */
export type SpanStatus = 'done' | 'failed' | 'running' | 'skipped' | 'no-updates' | 'interrupted' | 'pending';

export interface Span {
  start?: string;
  end?: string;
  durationMs?: number;
  status: SpanStatus;
}

export interface RunSegment {
  id: string;
  command?: string;
  start: string;
  end?: string;
  outcome: RunOutcome;
  code?: string;
}

export type RunOutcome = 'done' | 'failed' | 'interrupted' | 'running';

/** One IN_PROGRESS → terminal stretch of a resource (an update, then its rollback). */
export interface ResourceSegment {
  start: string;
  end?: string;
  status: string;
}

export interface ResourceSpan {
  stackId: string;
  stackName: string;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  start: string;
  end?: string;
  durationMs?: number;
  /** The first stretch's length when it completed: what the same change usually takes. */
  forwardMs?: number;
  finalStatus: string;
  /** The reason of its first real failure, else of its last event. */
  reason?: string;
  failed: boolean;
  /** Failed only as "Resource update cancelled" and the like: a consequence, not a cause. */
  cancelled: boolean;
  rootCause: boolean;
  /** For AWS::CloudFormation::Stack resources: the nested stack's id. */
  nestedStackId?: string;
  segments: ResourceSegment[];
}

export interface StackSpan {
  stackId: string;
  name: string;
  kind: 'role' | 'root' | 'nested';
  parentStackId?: string;
  /** Logical id of this nested stack in its parent. */
  logicalId?: string;
  /** 0 for role and root stacks, 1 for their nested stacks, and so on. */
  depth: number;
  start: string;
  end?: string;
  durationMs?: number;
  finalStatus: string;
  failed: boolean;
  resources: ResourceSpan[];
}

export interface PhaseSpan {
  type: string;
  status?: string;
  start?: string;
  end?: string;
  durationMs?: number;
  message?: string;
  failed: boolean;
}

export interface BuildSpan extends Span {
  id?: string;
  buildStatus?: string;
  phases: PhaseSpan[];
}

export interface HopTimeline {
  version: string;
  index: number;
  total: number;
  start?: string;
  end?: string;
  durationMs?: number;
  status: SpanStatus;
  role?: Span;
  root?: Span;
  build?: BuildSpan;
  /** Role stack, root stack, then nested stacks depth first. */
  stacks: StackSpan[];
}

export interface RootCauseSummary {
  kind: 'resource' | 'build' | 'step';
  hop?: string;
  stack?: string;
  logicalId?: string;
  resourceType?: string;
  status?: string;
  reason?: string;
  phase?: string;
  text: string;
}

export interface SlowResource {
  hop: string;
  stackName: string;
  logicalId: string;
  resourceType: string;
  durationMs: number;
  failed: boolean;
}

export interface RunTimeline {
  schema: typeof TIMELINE_SCHEMA;
  run: {
    id: string;
    command?: string;
    from?: string;
    to?: string;
    principal?: string;
    rootStack?: string;
    roleStack?: string;
    start: string;
    end?: string;
    durationMs?: number;
    outcome: RunOutcome;
    code?: string;
    state?: string;
  };
  /** The invocations this run is made of: the run, and the runs it resumed, oldest first. */
  runs: RunSegment[];
  hops: HopTimeline[];
  rootCause?: RootCauseSummary;
  totals: {
    durationMs?: number;
    hops: number;
    hopsDone: number;
    stacks: number;
    resources: number;
    failedResources: number;
    /** Summed over hops, per step kind. */
    roleMs: number;
    rootMs: number;
    buildMs: number;
  };
  /** Longest resources (nested stack containers excluded: their time is their resources'). */
  slowest: SlowResource[];
}

export class RunNotFoundError extends Error {
  constructor(
    readonly runId: string | undefined,
    readonly known: string[],
  ) {
    super(runId ? `No run ${runId} in the journal${known.length ? ` (runs: ${known.join(', ')})` : ''}.` : 'The journal has no run.');
    this.name = 'RunNotFoundError';
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

const ms = (t: string | Date): number => (t instanceof Date ? t.getTime() : Date.parse(t));
const iso = (t: number): string => new Date(t).toISOString();
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const NOISE = [/^Resource (update|creation|deletion) cancelled/i, /^The following resource\(s\) failed to/i];
const isNoise = (reason: string | undefined): boolean => reason !== undefined && NOISE.some((re) => re.test(reason.trim()));
const isTerminal = (status: string): boolean => !status.endsWith('_IN_PROGRESS');
const FAILED_BUILD = new Set(['FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED', 'CLIENT_ERROR']);

function isOwnEvent(e: TimelineStackEvent): boolean {
  return e.resourceType === STACK_TYPE && (e.logicalId === e.stackName || e.physicalId === e.stackId);
}

/** Which journal steps make up each span of a hop (upgrade and first-deploy names). */
const ROLE_STEPS = new Set(['update-role', 'create-role']);
const ROOT_STEPS = new Set(['create-change-set', 'execute-change-set', 'create-stack', 'delete-stack', 'continue-rollback']);
const BUILD_STEPS = new Set(['start-build']);

interface StepFold {
  start?: number;
  end?: number;
  status?: SpanStatus;
  tokens: Set<string>;
  buildIds: Set<string>;
}

function foldSteps(entries: readonly TimelineJournalEntry[], names: Set<string>, stopped: boolean): StepFold & { span?: Span } {
  const fold: StepFold = { tokens: new Set(), buildIds: new Set() };
  for (const e of entries) {
    if (!e.step || !names.has(e.step)) continue;
    const t = ms(e.time);
    if (e.clientRequestToken) fold.tokens.add(e.clientRequestToken);
    const buildId = str(e.buildId);
    if (buildId) fold.buildIds.add(buildId);
    if (e.type === 'step.requested') {
      fold.start = Math.min(fold.start ?? t, t);
      // A new request after an outcome reopens the span: a resumed step spans its attempts.
      fold.status = 'running';
    } else if (e.type === 'step.accepted') {
      fold.status ??= 'running';
    } else if (e.type === 'step.done') {
      // A deleted preview change set (`--dry-run`, or a stale one) is bookkeeping, not the update.
      if (e.deleted === true) continue;
      fold.end = t;
      if (e.skipped !== undefined && fold.start === undefined) fold.status = 'skipped';
      else if (e.noUpdates) fold.status = 'no-updates';
      // A change set made is half of the root update: its execution is the other half.
      else if (e.step === 'create-change-set') fold.status = 'running';
      else fold.status = 'done';
    } else if (e.type === 'step.failed') {
      fold.end = t;
      fold.status = 'failed';
    }
  }
  if (fold.status === undefined) return fold;
  const status: SpanStatus = fold.status === 'running' && stopped ? 'interrupted' : fold.status;
  const span: Span = {
    status,
    ...(fold.start !== undefined ? { start: iso(fold.start) } : {}),
    ...(fold.end !== undefined && status !== 'running' && status !== 'interrupted' ? { end: iso(fold.end) } : {}),
  };
  if (span.start && span.end) span.durationMs = Math.max(0, ms(span.end) - ms(span.start));
  return { ...fold, span };
}

// ---------------------------------------------------------------------------------------------
// Runs

interface RunInfo {
  id: string;
  entries: TimelineJournalEntry[];
  start?: TimelineJournalEntry;
}

function runsOf(journal: readonly TimelineJournalEntry[]): RunInfo[] {
  const byId = new Map<string, RunInfo>();
  const order: RunInfo[] = [];
  const sorted = [...journal].sort((a, b) => (a.seq !== undefined && b.seq !== undefined ? a.seq - b.seq : ms(a.time) - ms(b.time)));
  for (const e of sorted) {
    let r = byId.get(e.run);
    if (!r) {
      r = { id: e.run, entries: [] };
      byId.set(e.run, r);
      order.push(r);
    }
    r.entries.push(e);
    if (e.type === 'run.start' && !r.start) r.start = e;
  }
  return order;
}

/** The selected run and the runs it resumed (a `resume` continues the run before it), oldest first. */
function chainOf(runs: RunInfo[], runId: string | undefined): RunInfo[] {
  const started = runs.filter((r) => r.start);
  const index = runId === undefined ? started.length - 1 : started.findIndex((r) => r.id === runId);
  if (index < 0) throw new RunNotFoundError(runId, started.map((r) => r.id));
  const chain = [started[index] as RunInfo];
  for (let i = index; i > 0 && started[i]?.start?.command === 'resume'; i--) chain.unshift(started[i - 1] as RunInfo);
  return chain;
}

function outcomeOf(r: RunInfo): { outcome: RunOutcome; end?: number; code?: string; state?: string; hop?: string } {
  for (let i = r.entries.length - 1; i >= 0; i--) {
    const e = r.entries[i] as TimelineJournalEntry;
    const end = ms(e.time);
    const extra = { ...(str(e.code) ? { code: str(e.code) } : {}), ...(str(e.state) ? { state: str(e.state) } : {}), ...(e.hop ? { hop: e.hop } : {}) };
    if (e.type === 'run.done') return { outcome: 'done', end };
    if (e.type === 'run.failed') return { outcome: 'failed', end, ...extra };
    if (e.type === 'run.interrupted') return { outcome: 'interrupted', end, ...extra };
  }
  return { outcome: 'running' };
}

// ---------------------------------------------------------------------------------------------
// Stacks

interface StackMeta {
  stackId: string;
  name: string;
  kind: StackSpan['kind'];
  parentStackId?: string;
  logicalId?: string;
}

function classifyStacks(events: readonly TimelineStackEvent[], rootName: string | undefined, roleName: string | undefined): Map<string, StackMeta> {
  // A nested stack is named by its parent's AWS::CloudFormation::Stack resource (physical id).
  const parentOf = new Map<string, { parent: string; logicalId: string }>();
  for (const e of events) {
    if (e.resourceType === STACK_TYPE && !isOwnEvent(e) && e.physicalId?.startsWith('arn:')) parentOf.set(e.physicalId, { parent: e.stackId, logicalId: e.logicalId });
  }
  const names = new Map<string, string>();
  for (const e of events) names.set(e.stackId, e.stackName);
  const metas = new Map<string, StackMeta>();
  const rootIds = [...names].filter(([, n]) => n === rootName).map(([id]) => id);
  for (const [stackId, name] of names) {
    const link = parentOf.get(stackId);
    if (name === roleName) metas.set(stackId, { stackId, name, kind: 'role' });
    else if (name === rootName || (!link && rootName === undefined)) metas.set(stackId, { stackId, name, kind: 'root' });
    else
      metas.set(stackId, {
        stackId,
        name,
        kind: 'nested',
        // A nested stack whose parent resource's events are missing hangs under the root.
        ...(link ? { parentStackId: link.parent, logicalId: link.logicalId } : rootIds[0] ? { parentStackId: rootIds[0] } : {}),
      });
  }
  return metas;
}

function depthOf(metas: Map<string, StackMeta>, id: string): number {
  let depth = 0;
  for (let m = metas.get(id); m?.parentStackId && depth < 20; m = metas.get(m.parentStackId)) depth++;
  return depth;
}

function resourceSpans(events: TimelineStackEvent[]): ResourceSpan[] {
  const byLogical = new Map<string, TimelineStackEvent[]>();
  for (const e of events) {
    if (isOwnEvent(e)) continue;
    const list = byLogical.get(e.logicalId) ?? [];
    list.push(e);
    byLogical.set(e.logicalId, list);
  }
  const spans: ResourceSpan[] = [];
  for (const [logicalId, list] of byLogical) {
    const first = list[0] as TimelineStackEvent;
    const last = list[list.length - 1] as TimelineStackEvent;
    const segments: ResourceSegment[] = [];
    let open: number | undefined;
    for (const e of list) {
      if (!isTerminal(e.status)) open ??= ms(e.time);
      else {
        segments.push({ start: iso(open ?? ms(e.time)), end: iso(ms(e.time)), status: e.status });
        open = undefined;
      }
    }
    if (open !== undefined) segments.push({ start: iso(open), status: last.status });
    const realFailure = list.find((e) => e.status.endsWith('_FAILED') && !isNoise(e.reason));
    const anyFailure = list.find((e) => e.status.endsWith('_FAILED'));
    const startMs = ms(first.time);
    const endMs = isTerminal(last.status) ? ms(last.time) : undefined;
    const firstSeg = segments[0];
    const reason = realFailure?.reason ?? anyFailure?.reason ?? [...list].reverse().find((e) => e.reason)?.reason;
    spans.push({
      stackId: first.stackId,
      stackName: first.stackName,
      logicalId,
      ...(first.physicalId || last.physicalId ? { physicalId: last.physicalId ?? first.physicalId } : {}),
      resourceType: first.resourceType,
      start: iso(startMs),
      ...(endMs !== undefined ? { end: iso(endMs), durationMs: endMs - startMs } : {}),
      ...(firstSeg?.end && firstSeg.status.endsWith('_COMPLETE') ? { forwardMs: ms(firstSeg.end) - ms(firstSeg.start) } : {}),
      finalStatus: last.status,
      ...(reason ? { reason } : {}),
      failed: realFailure !== undefined,
      cancelled: realFailure === undefined && anyFailure !== undefined,
      rootCause: false,
      ...(first.resourceType === STACK_TYPE && (last.physicalId ?? first.physicalId)?.startsWith('arn:') ? { nestedStackId: last.physicalId ?? first.physicalId } : {}),
      segments,
    });
  }
  return spans.sort((a, b) => ms(a.start) - ms(b.start) || a.logicalId.localeCompare(b.logicalId));
}

function stackSpan(meta: StackMeta, depth: number, events: TimelineStackEvent[]): StackSpan {
  const own = events.filter(isOwnEvent);
  const first = own[0] ?? events[0];
  const lastOwn = own[own.length - 1];
  const lastTerminal = [...own].reverse().find((e) => isTerminal(e.status));
  // Without the stack's own events (a partial event list) its status is not known.
  const finalStatus = lastOwn?.status ?? 'UNKNOWN';
  const resources = resourceSpans(events);
  const startMs = ms((first as TimelineStackEvent).time);
  const endMs = lastOwn && isTerminal(lastOwn.status) && lastTerminal ? ms(lastTerminal.time) : undefined;
  const failed = own.some((e) => e.status.includes('ROLLBACK') || e.status.endsWith('_FAILED')) || resources.some((r) => r.failed);
  return {
    stackId: meta.stackId,
    name: meta.name,
    kind: meta.kind,
    ...(meta.parentStackId ? { parentStackId: meta.parentStackId } : {}),
    ...(meta.logicalId ? { logicalId: meta.logicalId } : {}),
    depth,
    start: iso(startMs),
    ...(endMs !== undefined ? { end: iso(endMs), durationMs: endMs - startMs } : {}),
    finalStatus,
    failed,
    resources,
  };
}

/** Role, then root, then nested stacks depth first in the order their parents list them. */
function orderStacks(spans: StackSpan[]): StackSpan[] {
  const out: StackSpan[] = [];
  const children = new Map<string, StackSpan[]>();
  for (const s of spans) if (s.parentStackId) children.set(s.parentStackId, [...(children.get(s.parentStackId) ?? []), s]);
  const visit = (s: StackSpan): void => {
    if (out.includes(s)) return;
    out.push(s);
    const kids = (children.get(s.stackId) ?? []).sort((a, b) => {
      const ra = s.resources.findIndex((r) => r.nestedStackId === a.stackId);
      const rb = s.resources.findIndex((r) => r.nestedStackId === b.stackId);
      return (ra < 0 ? 1e9 : ra) - (rb < 0 ? 1e9 : rb) || a.name.localeCompare(b.name);
    });
    kids.forEach(visit);
  };
  spans.filter((s) => s.kind === 'role').forEach(visit);
  spans.filter((s) => s.kind === 'root').forEach(visit);
  spans.forEach(visit);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Builds

function phaseSpans(build: TimelineBuild): PhaseSpan[] {
  return build.phases.map((p) => {
    const start = p.startTime !== undefined ? ms(p.startTime) : undefined;
    const end = p.endTime !== undefined ? ms(p.endTime) : undefined;
    const duration = p.durationSeconds !== undefined ? p.durationSeconds * 1000 : start !== undefined && end !== undefined ? end - start : undefined;
    return {
      type: p.type,
      ...(p.status ? { status: p.status } : {}),
      ...(start !== undefined ? { start: iso(start) } : {}),
      ...(end !== undefined ? { end: iso(end) } : {}),
      ...(duration !== undefined ? { durationMs: duration } : {}),
      ...(p.message ? { message: p.message } : {}),
      failed: p.status !== undefined && FAILED_BUILD.has(p.status),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Root cause

function describeCause(r: { logicalId?: string; resourceType?: string; stack?: string; status?: string; reason?: string }): string {
  const what = [r.logicalId, r.resourceType ? `(${r.resourceType})` : undefined, r.stack ? `in ${r.stack}` : undefined].filter(Boolean).join(' ');
  return [what, r.status, r.reason].filter(Boolean).join(': ');
}

function buildCause(hop: HopTimeline, failedEntry: TimelineJournalEntry | undefined): RootCauseSummary {
  const phase = hop.build?.phases.find((p) => p.failed);
  const phaseType = phase?.type ?? str(failedEntry?.phase);
  const status = hop.build?.buildStatus ?? str(failedEntry?.status) ?? 'FAILED';
  return {
    kind: 'build',
    hop: hop.version,
    status,
    ...(phaseType ? { phase: phaseType } : {}),
    ...(phase?.message ? { reason: phase.message } : {}),
    text: [`build ${status}`, phaseType ? `in ${phaseType}` : undefined, phase?.message].filter(Boolean).join(': '),
  };
}

/**
 * The root cause: the one diagnose found when given; else, for a failed build step, the
 * failing phase; else the first real failure among the failed hop's resources (a resource
 * before the nested stack that reports it); else the journal's text.
 */
function findRootCause(input: RunTimelineInput, hops: HopTimeline[], failedHop: string | undefined, failedEntry: TimelineJournalEntry | undefined): RootCauseSummary | undefined {
  const candidates = failedHop ? hops.filter((h) => h.version === failedHop) : hops.filter((h) => h.status === 'failed');
  const resources = candidates.flatMap((h) => h.stacks.flatMap((s) => s.resources.map((r) => ({ hop: h.version, r }))));
  const given = input.rootCause;
  if (given?.logicalId) {
    const match = resources.find(({ r }) => r.logicalId === given.logicalId && (!given.stack || r.stackName === given.stack));
    if (match) match.r.rootCause = true;
    const fields = { stack: given.stack ?? match?.r.stackName, logicalId: given.logicalId, resourceType: given.resourceType ?? match?.r.resourceType, status: given.status, reason: given.reason ?? match?.r.reason };
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<typeof fields>;
    const hop = match?.hop ?? failedHop;
    return { kind: 'resource', ...(hop ? { hop } : {}), ...defined, text: describeCause(defined) };
  }
  const failedBuildHop = candidates.find((h) => h.build?.status === 'failed');
  if (failedBuildHop && failedEntry?.step !== undefined && BUILD_STEPS.has(failedEntry.step)) return buildCause(failedBuildHop, failedEntry);
  const failures = resources
    .filter(({ r }) => r.failed)
    .map(({ hop, r }) => ({ hop, r, at: ms(r.segments.find((s) => s.status.endsWith('_FAILED'))?.end ?? r.start) }))
    .sort((a, b) => a.at - b.at || Number(a.r.resourceType === STACK_TYPE) - Number(b.r.resourceType === STACK_TYPE));
  const first = failures.find((f) => f.r.resourceType !== STACK_TYPE) ?? failures[0];
  if (first) {
    first.r.rootCause = true;
    const r = first.r;
    const status = r.segments.find((s) => s.status.endsWith('_FAILED'))?.status ?? r.finalStatus;
    const fields = { logicalId: r.logicalId, resourceType: r.resourceType, stack: r.stackName, status, ...(r.reason ? { reason: r.reason } : {}) };
    return { kind: 'resource', hop: first.hop, ...fields, text: describeCause(fields) };
  }
  if (failedBuildHop) return buildCause(failedBuildHop, failedEntry);
  const text = str(failedEntry?.rootCause) ?? str(failedEntry?.reason);
  if (text) return { kind: 'step', ...(failedHop ? { hop: failedHop } : {}), text };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The timeline

export function buildRunTimeline(input: RunTimelineInput): RunTimeline {
  const skew = input.skewMs ?? 5_000;
  const chain = chainOf(runsOf(input.journal), input.runId);
  const selected = chain[chain.length - 1] as RunInfo;
  const firstStart = chain[0]?.start as TimelineJournalEntry;
  const lastStart = selected.start as TimelineJournalEntry;
  const entries = chain.flatMap((r) => r.entries);
  const ended = outcomeOf(selected);
  const stopped = ended.outcome !== 'running';

  const latest = Math.max(
    ...entries.map((e) => ms(e.time)),
    ...(input.stackEvents ?? []).map((e) => ms(e.time)),
    ...(input.builds ?? []).flatMap((b) => b.phases.flatMap((p) => [p.startTime, p.endTime]).filter((t): t is string | Date => t !== undefined).map(ms)),
  );
  const now = input.now !== undefined ? ms(input.now) : latest;

  const rootStack = str(lastStart.rootStack) ?? str(firstStart.rootStack);
  const roleStack = str(lastStart.roleStack) ?? str(firstStart.roleStack);
  const planned = Array.isArray(firstStart.hops) ? (firstStart.hops as unknown[]).filter((h): h is string => typeof h === 'string') : [];
  const versions = [...planned];
  for (const e of entries) if (e.hop && !versions.includes(e.hop) && (e.step || e.type === 'hop.done')) versions.push(e.hop);

  // Per hop: its journal spans, and the windows in which its stack events happened.
  interface HopWork {
    version: string;
    entries: TimelineJournalEntry[];
    role: ReturnType<typeof foldSteps>;
    root: ReturnType<typeof foldSteps>;
    build: ReturnType<typeof foldSteps>;
    window?: [number, number];
  }
  const work: HopWork[] = versions.map((version) => {
    const own = entries.filter((e) => e.hop === version);
    const hopStopped = stopped || own.some((e) => e.type === 'hop.done');
    return {
      version,
      entries: own,
      role: foldSteps(own, ROLE_STEPS, hopStopped),
      root: foldSteps(own, ROOT_STEPS, hopStopped),
      build: foldSteps(own, BUILD_STEPS, hopStopped),
      ...(own.length > 0 ? { window: [Math.min(...own.map((e) => ms(e.time))), Math.max(...own.map((e) => ms(e.time)))] as [number, number] } : {}),
    };
  });
  // A hop's window reaches to the next hop's first entry (or the run's end): events of an
  // update still rolling back after its step.failed entry belong to it.
  work.forEach((w, i) => {
    if (!w.window) return;
    const next = work.slice(i + 1).find((n) => n.window)?.window?.[0];
    w.window = [w.window[0], next ?? Math.max(w.window[1], ended.end ?? now)];
  });

  const runStart = ms(firstStart.time);
  const runEnd = ended.end ?? now;
  const events = (input.stackEvents ?? []).filter((e) => {
    const t = ms(e.time);
    return t >= runStart - skew && t <= runEnd + skew;
  });
  const metas = classifyStacks(events, rootStack, roleStack);

  const inSpan = (fold: StepFold, t: number): boolean => fold.start !== undefined && t >= fold.start - skew && t <= (fold.end ?? runEnd) + skew;
  const hopOf = (e: TimelineStackEvent): HopWork | undefined => {
    const t = ms(e.time);
    const kind = metas.get(e.stackId)?.kind ?? 'nested';
    if (e.clientRequestToken) {
      const byToken = work.find((w) => w.role.tokens.has(e.clientRequestToken as string) || w.root.tokens.has(e.clientRequestToken as string));
      if (byToken) return byToken;
    }
    const byStep = work.find((w) => (kind === 'role' ? inSpan(w.role, t) : inSpan(w.root, t)));
    if (byStep) return byStep;
    return work.find((w) => w.window && t >= w.window[0] - skew && t <= w.window[1] + skew);
  };
  const eventsByHop = new Map<string, Map<string, TimelineStackEvent[]>>();
  for (const e of [...events].sort((a, b) => ms(a.time) - ms(b.time))) {
    const w = hopOf(e);
    if (!w) continue;
    const stacks = eventsByHop.get(w.version) ?? new Map<string, TimelineStackEvent[]>();
    stacks.set(e.stackId, [...(stacks.get(e.stackId) ?? []), e]);
    eventsByHop.set(w.version, stacks);
  }

  const buildFor = (w: HopWork): TimelineBuild | undefined =>
    (input.builds ?? []).find((b) => b.hop === w.version) ?? (input.builds ?? []).find((b) => w.build.buildIds.has(b.id));

  const failedHop = ended.outcome === 'failed' ? ended.hop : undefined;
  const hops: HopTimeline[] = work.map((w, i) => {
    const stacks = orderStacks(
      [...(eventsByHop.get(w.version) ?? new Map<string, TimelineStackEvent[]>())].map(([stackId, list]) => {
        const meta = metas.get(stackId) ?? { stackId, name: list[0]?.stackName ?? stackId, kind: 'nested' as const };
        return stackSpan(meta, depthOf(metas, stackId), list);
      }),
    );
    const build = buildFor(w);
    let buildSpan: BuildSpan | undefined;
    if (w.build.span || build) {
      const base: Span = w.build.span ?? {
        status: build?.status === 'SUCCEEDED' ? 'done' : build?.status && FAILED_BUILD.has(build.status) ? 'failed' : stopped ? 'interrupted' : 'running',
        ...(build?.startTime ? { start: iso(ms(build.startTime)) } : {}),
        ...(build?.endTime ? { end: iso(ms(build.endTime)) } : {}),
      };
      if (base.start && base.end && base.durationMs === undefined) base.durationMs = ms(base.end) - ms(base.start);
      buildSpan = { ...base, ...(build ? { id: build.id } : [...w.build.buildIds][0] ? { id: [...w.build.buildIds][0] } : {}), ...(build?.status ? { buildStatus: build.status } : {}), phases: build ? phaseSpans(build) : [] };
    }
    const done = w.entries.some((e) => e.type === 'hop.done');
    const failed = failedHop === w.version || [w.role.span, w.root.span, buildSpan].some((s) => s?.status === 'failed');
    const status: SpanStatus = done ? 'done' : failed ? 'failed' : w.entries.length === 0 ? 'pending' : stopped ? 'interrupted' : 'running';
    const starts = [w.role.span?.start, w.root.span?.start, buildSpan?.start, ...stacks.map((s) => s.start)].filter((t): t is string => t !== undefined).map(ms);
    const hopDone = [...w.entries].reverse().find((e) => e.type === 'hop.done');
    const lastEntry = w.entries[w.entries.length - 1];
    const startMs = starts.length ? Math.min(...starts) : w.window?.[0];
    const endCandidates = [hopDone ? ms(hopDone.time) : undefined, ...stacks.map((s) => (s.end ? ms(s.end) : undefined)), status !== 'running' && lastEntry ? ms(lastEntry.time) : undefined].filter((t): t is number => t !== undefined);
    const endMs = status === 'running' || status === 'pending' || endCandidates.length === 0 ? undefined : Math.max(...endCandidates);
    return {
      version: w.version,
      index: i + 1,
      total: work.length,
      ...(startMs !== undefined ? { start: iso(startMs) } : {}),
      ...(endMs !== undefined ? { end: iso(endMs) } : {}),
      ...(startMs !== undefined && endMs !== undefined ? { durationMs: endMs - startMs } : {}),
      status,
      ...(w.role.span ? { role: w.role.span } : {}),
      ...(w.root.span ? { root: w.root.span } : {}),
      ...(buildSpan ? { build: buildSpan } : {}),
      stacks,
    };
  });

  const failedEntry = [...entries].reverse().find((e) => e.type === 'step.failed' && (failedHop === undefined || e.hop === failedHop));
  const rootCause = ended.outcome === 'failed' || hops.some((h) => h.status === 'failed') ? findRootCause(input, hops, failedHop, failedEntry) : undefined;

  const allResources = hops.flatMap((h) => h.stacks.flatMap((s) => s.resources.map((r) => ({ hop: h.version, r }))));
  const slowest = allResources
    .filter(({ r }) => r.resourceType !== STACK_TYPE && r.durationMs !== undefined)
    .sort((a, b) => (b.r.durationMs ?? 0) - (a.r.durationMs ?? 0) || a.r.logicalId.localeCompare(b.r.logicalId))
    .slice(0, input.slowest ?? 10)
    .map(({ hop, r }) => ({ hop, stackName: r.stackName, logicalId: r.logicalId, resourceType: r.resourceType, durationMs: r.durationMs ?? 0, failed: r.failed }));
  const sum = (pick: (h: HopTimeline) => number | undefined): number => hops.reduce((n, h) => n + (pick(h) ?? 0), 0);

  const runs: RunSegment[] = chain.map((r) => {
    const o = outcomeOf(r);
    return {
      id: r.id,
      ...(str(r.start?.command) ? { command: str(r.start?.command) } : {}),
      start: iso(ms((r.start as TimelineJournalEntry).time)),
      ...(o.end !== undefined ? { end: iso(o.end) } : {}),
      outcome: o.outcome,
      ...(o.code ? { code: o.code } : {}),
    };
  });

  return {
    schema: TIMELINE_SCHEMA,
    run: {
      id: selected.id,
      ...(str(firstStart.command) ? { command: str(firstStart.command) } : {}),
      ...(str(firstStart.from) ? { from: str(firstStart.from) } : {}),
      ...(str(lastStart.to) ?? str(firstStart.to) ? { to: str(lastStart.to) ?? str(firstStart.to) } : {}),
      ...(str(lastStart.principal) ?? str(firstStart.principal) ? { principal: str(lastStart.principal) ?? str(firstStart.principal) } : {}),
      ...(rootStack ? { rootStack } : {}),
      ...(roleStack ? { roleStack } : {}),
      start: iso(runStart),
      ...(ended.end !== undefined ? { end: iso(ended.end), durationMs: ended.end - runStart } : {}),
      outcome: ended.outcome,
      ...(ended.code ? { code: ended.code } : {}),
      ...(ended.state ? { state: ended.state } : {}),
    },
    runs,
    hops,
    ...(rootCause ? { rootCause } : {}),
    totals: {
      ...(ended.end !== undefined ? { durationMs: ended.end - runStart } : {}),
      hops: hops.length,
      hopsDone: hops.filter((h) => h.status === 'done').length,
      stacks: hops.reduce((n, h) => n + h.stacks.length, 0),
      resources: allResources.length,
      failedResources: allResources.filter(({ r }) => r.failed).length,
      roleMs: sum((h) => h.role?.durationMs),
      rootMs: sum((h) => h.root?.durationMs),
      buildMs: sum((h) => h.build?.durationMs),
    },
    slowest,
  };
}
