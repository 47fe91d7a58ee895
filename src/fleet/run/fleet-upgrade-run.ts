/**
 * `pantherctl fleet plan | upgrade | resume`: the wave scheduler (schedule/wave-scheduler.ts)
 * driving the ordinary journaled `upgrade()` of each deployment (its own preflight, lock and
 * journal, in the shared state when `state` is given), with the plan digest of each one
 * (promotion/) recorded in its `run.start`. The scheduler decides what starts; this module
 * starts it, reports every phase as a `fleet.deployment` message, and tags each deployment's
 * own messages with `data.deployment`.
 */
import { embeddedCatalog } from '../../catalog/embedded.js';
import type { Catalog } from '../../catalog/types.js';
import { withDeployment } from '../../deployments/deployment.js';
import { status } from '../../deployments/status/status.js';
import { upgrade } from '../../deployments/upgrade/upgrade.js';
import { PantherctlError, isPantherctlError, usageError } from '../../errors/pantherctl-error.js';
import { approving, MSG, REQ, silentIoHost, type AnyMessage, type IoHost } from '../../io/messages.js';
import type { JournalEntry } from '../../journal/entry.js';
import { buildPlan } from '../../planning/plan-artifact.js';
import { planUpgrade } from '../../planning/plan-upgrade.js';
import type { Fleet, FleetDeployment } from '../file/types.js';
import { buildFleetPlan, checkParameterValues, compareFleetPlan, hopsFromPlan, type FetchedHopDigests, type FleetPlan, type FleetPlanDeployment } from '../promotion/fleet-plan.js';
import { journalRuns, recordedRuns } from '../promotion/journal-runs.js';
import { parameterChanges as hashChanges } from '../promotion/plan-digest.js';
import {
  advance,
  createSchedule,
  DEFAULT_FAILURE_TOLERANCE,
  DEFAULT_MAX_CONCURRENT,
  fleetRunExitCode,
  scheduleWaves,
  summarizeSchedule,
  type DeploymentProgress,
  type RecordedRun,
  type ScheduledDeployment,
  type ScheduleState,
  type ScheduleSummary,
} from '../schedule/wave-scheduler.js';
import { deploymentOptionsOf } from './fleet-status-run.js';
import { ApiPacer, pacingKey } from '../pacing/api-pacer.js';
import { attachPacing, type PaceableClient } from '../pacing/sdk-pacing.js';

export interface FleetConnectionOptions {
  fleet: Fleet;
  /** Shared state `s3://BUCKET/PREFIX`. Default: the local `stateDir`. */
  state?: string;
  stateKmsKey?: string;
  /** Local state directory. Default `.pantherctl`. */
  stateDir?: string;
  /** Default: the embedded catalog. */
  catalog?: Catalog;
  /** Every waiter's poll interval (tests). Default: the upgrade's own (1 s). */
  pollIntervalMs?: number;
  /** Deployments read at once while planning. Default 4, as `fleet status`. */
  readConcurrency?: number;
  /**
   * CloudFormation read calls (Describe*, List*, Get*) per second per account and region, in
   * total over every deployment of the run (`--describe-rate`). Default 5 (api-pacer.ts).
   */
  describeRate?: number;
  /** The pacer the deployments share. Default: `fleet upgrade`/`resume` make one with `describeRate`; `planFleet` alone paces nothing. */
  pacer?: ApiPacer;
}

export interface FleetPlanOptions extends FleetConnectionOptions {
  /** `--to`: `v1.28.7`, `1.28`, `latest`; every deployment must resolve it to the same version. */
  to: string;
  /** `--wave W`: plan only that wave. Default: every wave. */
  wave?: string;
  /** `--param KEY=VALUE` changes, hashed into the plan (values go no further). Default none. */
  parameters?: Readonly<Record<string, string>>;
  /** Default: omitted from the plan. */
  now?: () => Date;
}

/** Plans every deployment (of `wave`): its version now, the hops to the target, each hop's templates fetched and digested. */
export async function planFleet(o: FleetPlanOptions, io: IoHost = silentIoHost): Promise<FleetPlan> {
  const catalog = o.catalog ?? embeddedCatalog();
  const fleet = o.fleet;
  if (o.wave !== undefined && !fleet.waves.some((w) => w.id === o.wave)) {
    throw new PantherctlError('unknown-wave', `the fleet has no wave "${o.wave}"`, { source: 'usage', hint: `Waves: ${fleet.waves.map((w) => w.id).join(', ')}.`, meta: { wave: o.wave } });
  }
  const chosen = fleet.deployments.filter((d) => o.wave === undefined || d.wave === o.wave);
  const changes = hashChanges(o.parameters ?? {});
  const planned = await eachLimited(chosen, o.readConcurrency ?? 4, async (d) => {
    const options = {
      ...deploymentOptionsOf(d, o),
      catalog,
      ...(o.pollIntervalMs ? { pollIntervalMs: o.pollIntervalMs } : {}),
      ...(o.pacer ? { onCloudFormationClient: (client: object) => attachPacing(client as PaceableClient, o.pacer!, { key: pacingKey(d.account, d.region) }) } : {}),
    };
    const st = await status(options, silentIoHost);
    const result = planUpgrade({ from: st.rootStack.version, to: o.to, catalog });
    const plan = buildPlan(result, { region: d.region, catalog });
    const fetched = new Map<string, FetchedHopDigests>();
    if (plan.hops.length > 0) {
      await withDeployment(options, silentIoHost, async (opened) => {
        for (const hop of plan.hops) {
          const [root, role] = await Promise.all([opened.deps.templates.fetchTemplate(hop.rootTemplateUrl), opened.deps.templates.fetchTemplate(hop.roleTemplateUrl)]);
          fetched.set(hop.version, { root: root.sha256, role: role.sha256 });
        }
      });
    }
    return { name: d.name, from: result.from, to: result.to, hops: hopsFromPlan(plan, fetched), parameterChanges: changes };
  });
  const targets = new Set(planned.map((p) => p.to));
  if (targets.size > 1) {
    throw new PantherctlError('fleet-target-differs', `--to ${o.to} resolves to ${[...targets].join(' and ')} across the fleet`, {
      hint: 'Give an exact version (`--to v1.28.7`).',
      meta: { targets: Object.fromEntries(planned.map((p) => [p.name, p.to])) },
    });
  }
  const target = planned[0]?.to ?? o.to;
  const plan = buildFleetPlan({ fleet, target, catalog: { source: catalog.source, sha256: catalog.sha256 }, deployments: planned, ...(o.now ? { createdAt: o.now() } : {}) });
  for (const p of plan.deployments) {
    io.notify(
      MSG['fleet.planned'].msg(`${p.name}: ${p.from} -> ${plan.target}${p.hops.length ? ` in ${p.hops.length} hop${p.hops.length === 1 ? '' : 's'}` : ' (already there)'}, plan ${p.digest.slice(0, 12)}`, {
        deployment: p.name,
        wave: p.wave,
        from: p.from,
        to: plan.target,
        hops: p.hops.map((h) => h.version),
        digest: p.digest,
      }),
    );
  }
  return plan;
}

export interface FleetRunOptions extends FleetConnectionOptions {
  /** `--wave W`: run only that wave (requirements elsewhere are judged from their journals). Default: every wave. */
  wave?: string;
  /** `--max-concurrent N`. Default 1, as StackSets' MaxConcurrentCount. */
  maxConcurrent?: number;
  /** `--failure-tolerance K`. Default 0, as StackSets' FailureToleranceCount. */
  failureTolerance?: number;
  /** `--param KEY=VALUE`: given to every deployment's upgrade; must hash to the planned changes. Default none. */
  parameters?: Readonly<Record<string, string>>;
  /** Ctrl-C: no new deployment starts; running ones stop waiting. */
  signal?: AbortSignal;
  /** The command that continues a stopped run, for each deployment's hints. Default `pantherctl fleet resume`. */
  resumeCommand?: string;
}

export interface FleetUpgradeOptions extends FleetRunOptions {
  /** `--to`; with `plan`, must be its target. */
  to?: string;
  /** `--plan FILE`, read (read-fleet-plan.ts). Default: planned now. */
  plan?: FleetPlan;
}

export interface FleetRunResult {
  target: string;
  /** Each deployment of the run in its final phase, in run order. */
  progress: DeploymentProgress[];
  summary: ScheduleSummary;
  /** 0 all done, 4 failed or not started after failures, 1 refused, 5 stopped (fleet-run exit codes, docs/fleet.md). */
  exitCode: number;
  /** Not confirmed: nothing started. */
  declined?: boolean;
}

/** `fleet upgrade`: plan (or follow `plan`), ask once (`fleet.confirm`), then run the waves. */
export async function fleetUpgrade(options: FleetUpgradeOptions, io: IoHost): Promise<FleetRunResult> {
  const o = withPacer(options);
  let plan = o.plan;
  if (plan) {
    if (o.to !== undefined && o.to !== plan.target) {
      throw new PantherctlError('plan-target-mismatch', `--to ${o.to} is not the fleet plan's target ${plan.target}`, { hint: 'Leave out --to to follow the plan.', meta: { to: o.to, planTo: plan.target } });
    }
    const values = new Map(Object.entries(o.parameters ?? {}));
    const diffs: { code: string; deployment?: string; message: string }[] = [];
    for (const d of compareFleetPlan(plan, o.fleet)) {
      if (d.severity === 'error') diffs.push(d);
      else io.notify(MSG['fleet.warning'].msg(d.message, { code: d.code, ...(d.deployment ? { deployment: d.deployment } : {}) }));
    }
    for (const p of plan.deployments) for (const m of checkParameterValues(p, values)) diffs.push({ code: m.code, deployment: p.name, message: `${p.name}: ${m.message}` });
    if (diffs.length > 0) {
      throw new PantherctlError('fleet-plan-mismatch', diffs[0]!.message, { hint: 'Make the plan again with `pantherctl fleet plan --to V --out FILE`, or give the planned --param values.', meta: { differences: diffs } });
    }
  } else {
    if (o.to === undefined) throw usageError('fleet upgrade needs --to VERSION or --plan FILE');
    plan = await planFleet({ ...o, to: o.to, ...(o.wave !== undefined ? { wave: o.wave } : {}) }, io);
  }
  return runFleet(o, io, plan.target, plan.deployments, { ask: true, alreadyDone: [] });
}

/**
 * `fleet resume`: the target and each deployment's plan digest from the journals (the latest
 * run that recorded a plan digest); deployments that finished it count as done, the others
 * start again (each continuing its own journal), those never started are planned now.
 */
export async function fleetResume(options: FleetRunOptions, io: IoHost): Promise<FleetRunResult> {
  const o = withPacer(options);
  const catalog = o.catalog ?? embeddedCatalog();
  const chosen = o.fleet.deployments.filter((d) => o.wave === undefined || d.wave === o.wave);
  const journals = await eachLimited(chosen, o.readConcurrency ?? 4, async (d) => ({ d, runs: journalRuns(await readJournalOf(d, o)) }));
  const latest = journals
    .flatMap((j) => j.runs.filter((r) => r.digest !== undefined && r.to !== undefined))
    .sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0))
    .at(-1);
  if (!latest?.to) {
    throw new PantherctlError('nothing-to-resume', 'no deployment of the fleet has a fleet upgrade in its journal', { hint: 'Start one with `pantherctl fleet upgrade --to VERSION`.', meta: {} });
  }
  const target = latest.to;
  const planned: FleetPlanDeployment[] = [];
  const alreadyDone: string[] = [];
  const fresh: FleetDeployment[] = [];
  for (const { d, runs } of journals) {
    const ofTarget = runs.filter((r) => r.to === target && r.digest !== undefined);
    const finished = ofTarget.find((r) => r.outcome === 'done');
    const last = finished ?? ofTarget.at(-1);
    if (!last?.digest) {
      fresh.push(d);
      continue;
    }
    if (finished) alreadyDone.push(d.name);
    planned.push({ name: d.name, account: d.account, region: d.region, rootStack: d.rootStack, wave: d.wave, from: last.from ?? target, hops: [], parameterChanges: [], digest: last.digest });
  }
  if (fresh.length > 0) {
    const again = await planFleet({ ...o, catalog, to: target, fleet: { ...o.fleet, deployments: fresh } }, io);
    planned.push(...again.deployments);
  }
  return runFleet(o, io, target, planned, { ask: false, alreadyDone });
}

/** The scheduler loop over the planned deployments (those of the fleet without a plan are left out). */
async function runFleet(o: FleetRunOptions, io: IoHost, target: string, planned: readonly FleetPlanDeployment[], how: { ask: boolean; alreadyDone: readonly string[] }): Promise<FleetRunResult> {
  const byName = new Map(planned.map((p) => [p.name, p]));
  const fleet = o.fleet;
  const inRun = fleet.deployments.filter((d) => byName.has(d.name));
  const waves = scheduleWaves(
    { waves: fleet.waves.map((w) => ({ id: w.id, deployments: w.deployments.filter((n) => byName.has(n)) })).filter((w) => w.deployments.length > 0), deployments: inRun },
    (name) => byName.get(name)!.digest,
  );
  // Requirements outside the run (`--wave`, or a deployment the plan left out): judged from their journals in the shared state.
  const outside = [...new Set(inRun.flatMap((d) => d.requiredDeployments))].filter((n) => !byName.has(n) || (o.wave !== undefined && fleet.deployments.find((d) => d.name === n)?.wave !== o.wave));
  const history: Record<string, RecordedRun[]> = {};
  await eachLimited(outside, o.readConcurrency ?? 4, async (name) => {
    const d = fleet.deployments.find((x) => x.name === name);
    if (d) history[name] = recordedRuns(await readJournalOf(d, o));
  });
  let state: ScheduleState = createSchedule({
    waves: o.wave === undefined ? waves : waves.filter((w) => w.id === o.wave),
    maxConcurrent: o.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
    failureTolerance: o.failureTolerance ?? DEFAULT_FAILURE_TOLERANCE,
    alreadyDone: how.alreadyDone,
    history,
  });
  const names = state.progress.map((p) => p.name);
  if (how.ask && names.length > 0) {
    const yes = await io.requestResponse(REQ['fleet.confirm'].req(`Upgrade ${names.length} deployment${names.length === 1 ? '' : 's'} (${names.join(', ')}) to ${target}?`, { target, deployments: names }, false));
    if (!yes) {
      io.notify(MSG['upgrade.declined'].msg('not confirmed; nothing changed.'));
      return { target, progress: [...state.progress], summary: summarizeSchedule(state), exitCode: 1, declined: true };
    }
  }
  // Each deployment's own upgrade confirmation is covered by the fleet's.
  const yes = approving(io);
  // Deployments done in an earlier run are reported too, once, as such.
  let reported = new Map<string, string>(state.progress.map((p) => [p.name, 'pending']));
  const report = (): void => {
    for (const p of state.progress) {
      if (reported.get(p.name) === p.phase || p.phase === 'pending') continue;
      const level = p.phase === 'failed' ? 'error' : p.phase === 'refused' || p.phase === 'not-started' ? 'warn' : 'info';
      const text = p.phase === 'running' ? `${p.name}: started` : p.phase === 'done' ? `${p.name}: done${p.earlierRun ? ' (in an earlier run)' : ''}` : `${p.name}: ${p.phase}${p.reason ? `: ${p.reason}` : ''}`;
      io.notify(
        MSG['fleet.deployment'].msg(level, text, {
          deployment: p.name,
          wave: p.wave,
          phase: p.phase,
          ...(p.reasonCode ? { reasonCode: p.reasonCode } : {}),
          ...(p.reason ? { reason: p.reason } : {}),
          ...(p.promotion ? { promotion: p.promotion.map((r) => ({ ...r })) } : {}),
          ...(p.earlierRun ? { earlierRun: true } : {}),
        }),
      );
    }
    reported = new Map(state.progress.map((p) => [p.name, p.phase]));
  };
  const pacer = o.pacer ?? withPacer(o).pacer;
  const running = new Map<string, Promise<{ name: string; ok: boolean; reason?: string }>>();
  const start = (d: ScheduledDeployment): void => {
    const fd = fleet.deployments.find((x) => x.name === d.name)!;
    const p = byName.get(d.name)!;
    running.set(d.name, runOne(fd, p, target, o, pacer, tagged(yes, d.name)));
  };
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'abort'>((resolve) => {
    onAbort = () => resolve('abort');
    if (o.signal?.aborted) resolve('abort');
    else o.signal?.addEventListener('abort', onAbort, { once: true });
  });
  let stopped = false;
  let step = advance(state, { type: 'begin' });
  state = step.state;
  report();
  step.start.forEach(start);
  try {
    while (!state.finished) {
      if (running.size === 0) break;
      const next = await Promise.race([...running.values(), ...(stopped ? [] : [aborted])]);
      if (next === 'abort') {
        stopped = true;
        step = advance(state, { type: 'stop', reason: 'interrupted' });
      } else {
        running.delete(next.name);
        step = advance(state, { type: 'finished', name: next.name, outcome: next.ok ? 'succeeded' : 'failed', ...(next.reason ? { reason: next.reason } : {}) });
      }
      state = step.state;
      report();
      step.start.forEach(start);
    }
  } finally {
    if (onAbort) o.signal?.removeEventListener('abort', onAbort);
  }
  const summary = summarizeSchedule(state);
  const exitCode = fleetRunExitCode(state);
  io.notify(
    MSG['fleet.done'].msg(`fleet run to ${target}: ${summary.done.length} done, ${summary.failed.length} failed, ${summary.notStarted.length} not started, ${summary.refused.length} refused`, {
      target,
      done: summary.done,
      failed: summary.failed,
      notStarted: summary.notStarted,
      refused: summary.refused,
      ...(state.halted ? { halted: state.halted } : {}),
    }),
  );
  return { target, progress: [...state.progress], summary, exitCode };
}

/** One deployment: the ordinary journaled upgrade to the plan's target, carrying the plan digest. */
async function runOne(d: FleetDeployment, p: FleetPlanDeployment, target: string, o: FleetRunOptions, pacer: ApiPacer, io: IoHost): Promise<{ name: string; ok: boolean; reason?: string }> {
  try {
    const r = await upgrade(
      {
        ...deploymentOptionsOf(d, o),
        ...(o.pollIntervalMs ? { pollIntervalMs: o.pollIntervalMs } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        to: target,
        parameters: o.parameters ?? {},
        planDigest: p.digest,
        parameterChanges: p.parameterChanges,
        resumeCommand: () => o.resumeCommand ?? 'pantherctl fleet resume',
        onCloudFormationClient: (client) => attachPacing(client as PaceableClient, pacer, { key: pacingKey(d.account, d.region), ...(o.signal ? { signal: o.signal } : {}) }),
      },
      io,
    );
    return r.outcome === 'done' || r.outcome === 'already-at' ? { name: d.name, ok: true } : { name: d.name, ok: false, reason: `${d.name}: ${r.outcome}` };
  } catch (err) {
    const message = isPantherctlError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
    io.notify(MSG['fleet.warning'].msg(`${d.name} failed: ${message}`, { code: isPantherctlError(err) ? err.code : 'internal', deployment: d.name }));
    return { name: d.name, ok: false, reason: message };
  }
}

/** The pacing window: a second and a margin for the network's jitter (see withPacer). */
const PACING_WINDOW_MS = 1050;

/** One pacer for the run (planning included): deployments sharing an account and region share its budget. */
function withPacer<T extends FleetConnectionOptions>(o: T): T & { pacer: ApiPacer } {
  // Grants are spaced evenly over a window 5% longer than a second: calls leave the pacer
  // exactly spaced but reach AWS a few ms apart from that, and the limit is what AWS counts.
  return { ...o, pacer: o.pacer ?? new ApiPacer({ windowMs: PACING_WINDOW_MS, ...(o.describeRate !== undefined ? { limit: o.describeRate } : {}) }) };
}

/** The deployment's journal from the state store (shared when `state` is given). */
async function readJournalOf(d: FleetDeployment, o: FleetConnectionOptions): Promise<JournalEntry[]> {
  return withDeployment(deploymentOptionsOf(d, o), silentIoHost, (opened) => opened.store.read({ account: d.account, region: d.region, rootStack: d.rootStack }));
}

/** The same host, with every message of one deployment tagged with its name (`data.deployment`, and a prefix to the text). */
function tagged(io: IoHost, deployment: string): IoHost {
  return {
    notify: (m: AnyMessage) => io.notify({ ...m, text: `${deployment}: ${m.text}`, data: { ...((m.data as Record<string, unknown> | undefined) ?? {}), deployment } } as AnyMessage),
    requestResponse: (r) => io.requestResponse(r),
  };
}

async function eachLimited<T, R>(items: readonly T[], limit: number, body: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await body(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
