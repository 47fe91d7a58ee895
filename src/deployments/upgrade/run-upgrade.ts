import type { Catalog } from '../../catalog/types.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { MSG, REQ, type IoHost } from '../../io/messages.js';
import type { Journal } from '../../journal/journal.js';
import { summarizeJournal, type JournalSummary } from '../../journal/progress.js';
import { runJournaled, type JournaledRun } from '../../journal/run-journaled.js';
import type { StateStore } from '../../journal/state-store.js';
import { buildPlan, type Plan } from '../../planning/plan-artifact.js';
import { planUpgrade } from '../../planning/plan-upgrade.js';
import { compareVersions, parseVersion } from '../../catalog/version.js';
import type { ChangeSetSummary, StackSummary } from '../aws/types.js';
import type { ResolvedDeployment } from '../deployment.js';
import { chooseRootStack } from '../status/discover-root.js';
import { readDeploymentVersion } from '../status/read-version.js';
import type { ExecutorDeps } from '../deps/executor-deps.js';
import { runPreflight, type PreparedHop } from '../preflight/upgrade-checks.js';
import { refuseFailed } from '../preflight/collector.js';
import type { Acceptance } from '../preflight/types.js';
import { stackBusyError } from '../operations/stack-operation.js';
import { isInProgress } from '../wait/stack-status.js';
import { planDigest } from '../../fleet/promotion/plan-digest.js';
import { atVersion, assembleSteps, COMPLETES, hopDone } from './assemble-steps.js';
import { createChangeSet, executeStep, readUpgradeSnapshot, type StepContext } from './steps.js';
import { runRedactor } from '../../support/run-redaction.js';
import { REDACTED } from '../../parameters/redact.js';
import type { EstimateOptions } from '../eta/estimate.js';
import { EtaTracker } from '../eta/eta-tracker.js';
import { learnFromHistory } from '../eta/learn-history.js';

export interface RunUpgradeInput {
  deps: ExecutorDeps;
  io: IoHost;
  settings: ResolvedDeployment;
  catalog: Catalog;
  /** Where the deployment's journal and lock are. */
  store: StateStore;
  /**
   * `--to`: v1.28.7, 1.28, latest. Default: the saved plan's target (`--plan`), else latest.
   * Ignored by resume (the journal has the resolved target).
   */
  to?: string;
  /** `--current`: the version to assume when the stack does not say. */
  current?: string;
  /** `--ack ID` for manual steps. */
  acks?: readonly string[];
  /** `--accept ID=REASON`: required preflight checks to let pass; the reasons are journaled. */
  accepts?: readonly Acceptance[];
  /** `--enable-termination-protection`: turn on the root stack's termination protection before the first hop. */
  enableTerminationProtection?: boolean;
  /** `--param KEY=VALUE`: values for new parameters or changes; values never reach the journal. */
  overrides?: ReadonlyMap<string, string>;
  /** `--plan FILE`, already read. */
  savedPlan?: Plan;
  /** `--allow-unlisted`. */
  allowUnlisted?: boolean;
  /** Continue the journal's unfinished run instead of planning anew; no second confirmation. */
  resume?: boolean;
  /** `--dry-run`: preflight and preview, then delete the change set; nothing changes. */
  dryRun?: boolean;
  /** Ctrl-C: stops waiting, never the stack operation. */
  signal?: AbortSignal;
  /** The fleet plan this run carries out (`fleet upgrade`): recorded in `run.start`, checked against the fetched templates. */
  planDigest?: { digest: string; parameterChanges: readonly { key: string; valueSha256: string }[] };
  /**
   * Builds the command line that continues this run, with `--param KEY=<value>` placeholders
   * for `paramKeys` (values are never stored).
   */
  resumeCommandWith: (paramKeys: readonly string[], rootStack: string) => string;
  /** Builds the command line of another pantherctl command to run next (`recover --stack X`), with this run's connection flags. Default: the bare command. */
  commandLine?: (command: string, args: readonly string[], rootStack: string) => string;
  now?: () => Date;
  /** When a resource counts as overdue (`resource.overdue`). Default: past 1.25 × its p90 and by 30 s at least. */
  eta?: EstimateOptions;
}

export interface UpgradeResult {
  outcome: 'done' | 'already-at' | 'dry-run' | 'declined';
  rootStack: string;
  from: string;
  to: string;
  hops: string[];
  journal?: string;
}

/**
 * `pantherctl upgrade` and `pantherctl resume`: find the deployment, plan, preflight every
 * hop, confirm once (`upgrade.confirm`, not asked by a dry run or a resume), then run hop
 * after hop (role, root change set, build, verify), with the journal written before every
 * mutating call. Throws PantherctlError: `deployment` source when AWS rolled back or a build
 * failed, `interrupted` when waiting stopped.
 */
export async function runUpgrade(o: RunUpgradeInput): Promise<UpgradeResult> {
  const { deps, io, settings } = o;
  const cfn = deps.cloudFormation;
  const identity = await deps.identity.getCallerIdentity();
  const choice = await chooseRootStack(cfn, { ...(settings.rootStack ? { named: settings.rootStack } : {}), roleStack: settings.roleStack });
  io.notify(MSG['deployment.root-stack'].msg(choice.how === 'named' ? `root stack ${choice.name} (account ${identity.account}, ${settings.connection.region})` : `root stack ${choice.name} (found: the only panther-* stack tagged PantherVersion; account ${identity.account}, ${settings.connection.region})`, { name: choice.name, how: choice.how, account: identity.account, region: settings.connection.region }));
  const root = await cfn.describeStack(choice.name);
  if (!root) throw new PantherctlError('stack-not-found', `root stack ${choice.name} does not exist`, { source: 'aws', hint: 'Check --root-stack and --region.' });
  const role = await cfn.describeStack(settings.roleStack);
  const live = await readDeploymentVersion(cfn, root, o.current ? { current: o.current } : {});
  io.notify(MSG['deployment.version'].msg(`${root.name} runs ${live.version} (read from ${live.source})`, { ...live }));

  refuseStuck(o, root, role);

  // The lock is the deployment's; the journal is this root stack's (a stack of the same name created again has its own).
  const key = { account: identity.account, region: settings.connection.region, rootStack: root.name, stackId: root.stackId };
  return runJournaled(
    o.resume ? 'resume' : 'upgrade',
    { key, store: o.store, live: { stackId: root.stackId, creationTime: root.creationTime }, io, resumeCommand: o.resumeCommandWith([], root.name), ...(o.signal ? { signal: o.signal } : {}), ...(o.now ? { now: o.now } : {}) },
    (run) => underLock(o, { run, journal: run.journal, root, role, live: live.version, summary: run.before, jPath: run.location, account: identity.account, principal: identity.arn }),
  );
}

/**
 * A stack left where no update can start is refused before anything else, upgrade and resume
 * alike, with the one command that gets it out: `recover` for a stuck rollback (of the root, a
 * nested, or the role stack), `deploy --replace-failed` for a failed first deploy, a second
 * DeleteStack for a failed delete. (Without this, resume met AWS's raw ValidationError.)
 */
function refuseStuck(o: RunUpgradeInput, root: StackSummary, role: StackSummary | undefined): void {
  const line = (command: string, args: readonly string[]): string => o.commandLine?.(command, args, root.name) ?? ['pantherctl', command, ...args].join(' ');
  const resume = o.resumeCommandWith([], root.name);
  for (const [s, kind] of [[root, 'root'], [role, 'role']] as const) {
    if (!s) continue;
    let next: string | undefined;
    if (s.status === 'UPDATE_ROLLBACK_FAILED') next = line('recover', ['--stack', s.name]);
    else if (kind === 'root' && (s.status === 'ROLLBACK_COMPLETE' || s.status === 'ROLLBACK_FAILED')) next = line('diagnose', []);
    else if (s.status === 'DELETE_FAILED') next = line('diagnose', []);
    if (!next) continue;
    throw new PantherctlError('stack-stuck', `${kind} stack ${s.name} is ${s.status}: no update can start on it`, {
      source: 'deployment',
      hint: s.status === 'UPDATE_ROLLBACK_FAILED' ? `Run \`${next}\` first (it continues the rollback), then \`${resume}\`.` : `Run \`${next}\`: it names what gets the stack out of ${s.status}.`,
      meta: { stack: s.name, status: s.status, nextCommand: next },
    });
  }
}

interface Held {
  run: JournaledRun;
  journal: Journal;
  root: StackSummary;
  role: StackSummary | undefined;
  live: string;
  summary: JournalSummary;
  jPath: string;
  account: string;
  /** The caller's ARN, journaled in run.start for `history`. */
  principal: string;
}

async function underLock(o: RunUpgradeInput, h: Held): Promise<UpgradeResult> {
  const { deps, io, settings } = o;
  const { journal, root, summary } = h;
  const base = { rootStack: root.name, from: h.live, journal: h.jPath };
  // The latest run may be a deploy or configure: theirs to continue (resume hands them over
  // before this), never read as an upgrade plan (its hops are `role`, `stage-1`, ...).
  const stagedStart = summary.start && (summary.start.command === 'deploy' || summary.start.command === 'configure') ? summary.start : undefined;
  if (stagedStart && !summary.finished) {
    throw new PantherctlError('unfinished-run', `a ${stagedStart.command} of ${root.name} did not finish`, {
      hint: `Run \`${o.resumeCommandWith([], root.name)}\` to finish it first.`,
      meta: { journal: h.jPath, target: stagedStart.to },
    });
  }
  const upgradePlan = stagedStart ? undefined : summary.plan;
  const unfinished = upgradePlan && !summary.finished ? upgradePlan : undefined;

  // Which hops to run: the journal's unfinished ones (resume, or upgrade to the same target), else a fresh plan.
  let target: string;
  let hopVersions: string[] | undefined;
  if (o.resume) {
    if (!upgradePlan) {
      throw new PantherctlError('nothing-to-resume', `the journal of ${root.name} has no upgrade to resume`, { hint: 'Start one with `pantherctl upgrade --to VERSION`.', meta: { journal: h.jPath } });
    }
    if (summary.finished) {
      // Finished: nothing is continued, and nothing new is started without a confirmation.
      io.notify(MSG['resume.already-done'].msg(`the last upgrade of ${root.name} (to ${recordedTarget(upgradePlan)}) already finished; nothing to resume`, { command: 'upgrade' }));
      return { ...base, outcome: 'already-at', to: h.live, hops: [] };
    }
    target = recordedTarget(upgradePlan);
  } else {
    target = o.to ?? o.savedPlan?.to ?? 'latest';
  }
  const fresh = planUpgrade({ from: h.live, to: target, catalog: o.catalog, allowUnlisted: Boolean(o.allowUnlisted) });
  for (const w of fresh.warnings) io.notify(MSG['plan.warning'].msg(w));
  // From here on the target is a resolved version (v1.31.1, never 1.31 or latest): journaled,
  // compared with an unfinished run's, and printed.
  target = fresh.to;
  if (!o.resume && o.savedPlan && o.to !== undefined && o.savedPlan.to !== target) {
    throw new PantherctlError('plan-target-mismatch', `--to ${o.to} is ${target}, but the saved plan (--plan) ends at ${o.savedPlan.to}`, {
      hint: 'Leave out --to to follow the plan, or make a new plan with `pantherctl plan --out`.',
      meta: { to: target, planTo: o.savedPlan.to },
    });
  }
  const continuing = Boolean(unfinished && (o.resume || recordedTarget(unfinished) === target));
  if (unfinished && !continuing) {
    throw new PantherctlError('unfinished-run', `an upgrade of ${root.name} to ${recordedTarget(unfinished)} did not finish`, {
      hint: `Run \`${o.resumeCommandWith(latestOverrideKeys(h.journal), root.name)}\` to finish it first, or move the journal aside to start over.`,
      meta: { journal: h.jPath, target: recordedTarget(unfinished) },
    });
  }
  const givenKeys = [...(o.overrides?.keys() ?? [])];
  const commandWith = (keys: readonly string[]): string => o.resumeCommandWith(keys, root.name);
  if (continuing && unfinished) {
    // --param values are never journaled: a run that had them needs them again.
    const missing = latestOverrideKeys(journal).filter((k) => !o.overrides?.has(k));
    if (missing.length > 0) {
      const keys = [...new Set([...givenKeys, ...missing])];
      throw new PantherctlError('params-required', `this upgrade of ${root.name} was started with --param ${missing.join(', ')}, whose value${missing.length === 1 ? ' is' : 's are'} not stored; give ${missing.length === 1 ? 'it' : 'them'} again`, {
        hint: `Run \`${commandWith(keys)}\`.`,
        meta: { keys: missing },
      });
    }
    const liveV = parseVersion(h.live);
    // A hop at the live version may still owe its build; earlier ones are behind us.
    // A hop the journal calls done is left out only while the root stack runs it (hopDone).
    hopVersions = unfinished.hops.filter((v) => !hopDone(summary.hops.get(v), root, v) && compareVersions(parseVersion(v), liveV) >= 0);
    target = recordedTarget(unfinished);
  }
  const remaining = hopVersions ?? fresh.hops.map((x) => x.version);
  if (remaining.length === 0) {
    if (continuing) await journal.append({ type: 'run.done', to: target, note: 'nothing left to do' });
    io.notify(MSG['upgrade.already-at'].msg(`${root.name} is already at ${h.live}: nothing to do.`, { version: h.live }));
    return { ...base, outcome: 'already-at', to: h.live, hops: [] };
  }

  // The Plan of the remaining hops (with catalog notes, URLs, build steps).
  const full = buildPlan(planUpgrade({ from: continuing && unfinished ? unfinished.from : h.live, to: target, catalog: o.catalog, allowUnlisted: Boolean(o.allowUnlisted) }), {
    region: settings.connection.region,
    catalog: o.catalog,
  });
  const plan: Plan = { ...full, from: h.live, hops: remaining.map((v) => full.hops.find((x) => x.version === v)).filter((x): x is NonNullable<typeof x> => Boolean(x)) };
  if (plan.hops.length !== remaining.length) {
    throw new PantherctlError('plan-changed', `the catalog no longer plans the hops this upgrade started with (${remaining.join(', ')})`, { hint: 'Check the catalog (--catalog), or move the journal aside and plan again.' });
  }

  plan.hops.forEach((hop, i) => {
    io.notify(MSG['plan.hop'].msg(`hop ${i + 1}/${plan.hops.length}: ${hop.version} (${hop.reason})`, { index: i + 1, total: plan.hops.length, version: hop.version, reason: hop.reason, postDeploy: hop.postDeploy }));
  });

  // Someone else's operation on a stack, before a new run starts: exit 6, naming it (a
  // continued run waits for its own operations: the assembler tells them apart).
  if (!continuing) {
    for (const [s, what] of [[root, 'root stack'], [h.role, 'role stack']] as const) {
      if (s && isInProgress(s.status)) throw await stackBusyError(deps.cloudFormation, s, `${what} ${s.name}`, o.commandLine?.('diagnose', [], root.name) ?? 'pantherctl diagnose');
    }
  }

  const recorded = continuing ? latestDigests(journal) : undefined;
  const pre = await runPreflight({
    deps,
    io,
    plan,
    root,
    role: h.role,
    region: settings.connection.region,
    account: h.account,
    ...(settings.account ? { expectedAccount: settings.account } : {}),
    catalog: o.catalog,
    ...(o.savedPlan ? { savedPlan: o.savedPlan } : {}),
    acks: o.acks ?? [],
    overrides: o.overrides ?? new Map(),
    resuming: continuing,
    ...(recorded ? { recordedDigests: recorded } : {}),
    // A resumed run keeps what its start accepted (journaled), plus what is accepted now.
    ...(deps.pollIntervalMs ? { pollIntervalMs: deps.pollIntervalMs } : {}),
    accepts: [...(continuing ? latestAccepted(journal) : []).filter((a) => !o.accepts?.some((b) => b.id === a.id)), ...(o.accepts ?? [])],
    ...(o.enableTerminationProtection ? { enableTerminationProtection: true } : {}),
  });
  if (pre.failures.length > 0) refuseFailed(io, pre.failures);
  io.notify(MSG['preflight.passed'].msg(`preflight passed (${pre.checks.length} checks)`));
  if (o.planDigest && !continuing) {
    // A template republished since the fleet plan was made: the plan staging ran is no longer this one.
    const fetched = fetchedPlanDigest(target, pre.hops, o.planDigest.parameterChanges);
    if (fetched !== undefined && fetched !== o.planDigest.digest) {
      throw new PantherctlError('plan-digest-mismatch', `the templates fetched for ${root.name} do not digest to the planned ${o.planDigest.digest.slice(0, 12)} (now ${fetched.slice(0, 12)}); nothing was changed`, {
        hint: 'Make the fleet plan again (`pantherctl fleet plan`), and run it on the required deployments first.',
        meta: { planned: o.planDigest.digest, fetched },
      });
    }
  }

  const roleArn = settings.useDeploymentRole ? h.role?.outputs.DeploymentRoleArn : undefined;
  const resumeCommand = commandWith(givenKeys);
  h.run.resumeCommand = resumeCommand;
  const signal = h.run.signal;
  // Build logs and quoted reasons lose the --param values of secret parameters, and whatever
  // is written next to a NoEcho key of the hops' templates (masked in their diffs).
  const redact = runRedactor({
    values: [...(o.overrides ?? new Map<string, string>())].map(([key, value]) => ({ key, value })),
    secretKeys: pre.hops.flatMap((p) => p.diff.filter((d) => d.from === REDACTED || d.to === REDACTED).map((d) => d.key)),
  });
  const commandLine = o.commandLine;
  const c: StepContext = {
    deps,
    io,
    journal,
    signal,
    timeoutMs: settings.timeoutMs,
    rootStack: root.name,
    roleStack: settings.roleStack,
    ...(roleArn ? { roleArn } : {}),
    resumeCommand,
    redact,
    ...(commandLine ? { commandLine: (command: string, args: readonly string[]) => commandLine(command, args, root.name) } : {}),
  };
  const first = pre.hops[0]!;

  // One confirmation: the plan, then the first hop's change set and parameter diff.
  let preview: { changeSetName: string } | undefined;
  let changeSet: ChangeSetSummary | undefined;
  const askFirst = !continuing;
  {
    if (askFirst) {
      const made = await createChangeSet(c, first, root, { preview: true });
      changeSet = made.changeSet;
      // A no-op change set (nothing changes anywhere in the tree) is kept for the confirmation
      // too: the assembler decides to delete it rather than execute it (discard-change-set).
      if (!made.noChanges) preview = { changeSetName: made.changeSetName };
      notifyPreview(io, first, changeSet, made.noChanges || made.noOp);
      for (const later of pre.hops.slice(1)) {
        for (const d of later.diff.filter((x) => x.change === 'added' || x.change === 'removed' || x.change === 'changed')) {
          const text = d.change === 'added' ? `+ ${d.key} = ${d.to}` : d.change === 'removed' ? `- ${d.key} (was ${d.from})` : `~ ${d.key}: ${d.from} → ${d.to}`;
          io.notify(MSG['preview.later-parameter'].msg(`  at ${later.version}: ${text}`, { hop: later.version, ...d }));
        }
      }
      const n = pre.hops.length;
      const question = REQ['upgrade.confirm'].req(
        `Upgrade ${root.name} from ${h.live} to ${target} in ${n} hop${n === 1 ? '' : 's'}?`,
        { rootStack: root.name, from: h.live, to: target, hops: remaining, ...(changeSet ? { changes: changeSet.changes.length } : {}) },
        false,
      );
      const dropPreview = async (): Promise<void> => {
        if (!preview) return;
        await deps.cloudFormation.deleteChangeSet({ stackName: root.name, changeSetName: preview.changeSetName });
        await journal.append({ type: 'step.done', step: 'create-change-set', hop: first.version, changeSetName: preview.changeSetName, deleted: true });
      };
      if (o.dryRun) {
        await dropPreview();
        io.notify(MSG['upgrade.dry-run'].msg(`dry run: preflight passed and the change set was previewed and deleted; nothing changed.`, { from: h.live, to: target, hops: remaining }));
        return { ...base, outcome: 'dry-run', to: target, hops: remaining };
      }
      if (!(await io.requestResponse(question))) {
        await dropPreview();
        io.notify(MSG['upgrade.declined'].msg('not confirmed; nothing changed.'));
        return { ...base, outcome: 'declined', to: target, hops: remaining };
      }
      // The role goes first: a change set made before the role update is only executed when the
      // role was already at the hop's version; otherwise it goes now, and the hop makes a fresh
      // one after its role update (so a failed role update leaves no change set behind).
      if (preview && !(h.role && atVersion(h.role, first.version))) {
        await dropPreview();
        preview = undefined;
      }
    }
  }

  // Time to go: learned from this deployment's earlier runs (history), shown from the first hop on.
  const model = await learnFromHistory({ deps, settings, store: o.store }, { journal: journal.all() });
  const clock = deps.clock;
  c.io = new EtaTracker(io, model, pre.hops.map((p) => ({ version: p.version, needsBuild: p.needsBuild })), { ...o.eta, ...(clock ? { now: () => clock.now() } : {}) });
  // --enable-termination-protection: journaled with the run's start, then turned on before the first hop.
  const protect = Boolean(o.enableTerminationProtection) && !root.terminationProtection;

  await journal.append({
    type: 'run.start',
    command: o.resume ? 'resume' : 'upgrade',
    from: continuing && unfinished ? unfinished.from : h.live,
    to: target,
    hops: continuing && unfinished ? unfinished.hops : remaining,
    rootStack: root.name,
    roleStack: settings.roleStack,
    acks: [...(o.acks ?? [])],
    ...(pre.accepted.length ? { accepted: pre.accepted } : {}),
    ...(protect ? { enableTerminationProtection: true } : {}),
    // Keys only: values given with --param may be secrets.
    overrideKeys: [...(o.overrides?.keys() ?? [])],
    digests: Object.fromEntries(pre.hops.map((p) => [p.version, { ...(p.rootSha256 ? { root: p.rootSha256 } : {}), ...(p.roleSha256 ? { role: p.roleSha256 } : {}) }])),
    principal: h.principal,
    ...(o.planDigest ? { planDigest: o.planDigest.digest, parameterChanges: o.planDigest.parameterChanges.map((p) => ({ key: p.key, valueSha256: p.valueSha256 })) } : {}),
  });
  if (protect) {
    await deps.cloudFormation.updateTerminationProtection({ stackName: root.name, enable: true });
    io.notify(MSG['preflight.termination-protection'].msg(`termination protection turned on for ${root.name}`, { stack: root.name }));
  }

  // Decide, then do: read the deployment, assemble what is left (assemble-steps.ts), run the
  // first step, and again, until nothing is left. Each decision sees what the step before did.
  const total = pre.hops.length;
  const started = new Set<string>();
  const completed = new Set<string>();
  const readVersion = async (r: StackSummary): Promise<string> => (await readDeploymentVersion(deps.cloudFormation, r)).version;
  // A hop takes at most a dozen steps; more means the decisions go round in circles (a bug):
  // stop, with the journal intact, rather than hang.
  for (let n = 0; ; n++) {
    if (n > 12 * total + 12) throw new PantherctlError('internal', `the upgrade of ${root.name} makes no progress (${n} steps for ${total} hops)`);
    checkAbort(signal);
    const snapshot = await readUpgradeSnapshot(c, pre.hops);
    const step = assembleSteps(snapshot, pre.hops, { run: journal.run, completed, ...(preview ? { preview: { hop: first.version, changeSetName: preview.changeSetName } } : {}) })[0];
    if (!step) break;
    const hop = pre.hops.find((x) => x.version === step.hop)!;
    if (!started.has(hop.version)) {
      started.add(hop.version);
      c.io.notify(MSG['hop.start'].msg(`hop ${hop.index + 1} of ${total}: ${hop.version}`, { index: hop.index + 1, total, version: hop.version }));
    }
    await executeStep(c, step, hop, snapshot, readVersion);
    const part = COMPLETES[step.kind];
    if (part) completed.add(`${hop.version}/${part}`);
    if (step.kind === 'finish-hop') c.io.notify(MSG['hop.done'].msg(`hop ${hop.index + 1} of ${total} done: ${root.name} runs ${hop.version}`, { index: hop.index + 1, total, version: hop.version }));
  }
  await journal.append({ type: 'run.done', to: target });
  io.notify(MSG['upgrade.done'].msg(`${root.name} upgraded from ${h.live} to ${target} in ${pre.hops.length} hop${pre.hops.length === 1 ? '' : 's'}.`, { from: h.live, to: target, hops: remaining }));
  return { ...base, outcome: 'done', to: target, hops: remaining };
}

/** The plan digest of the hops as preflight fetched them; undefined when a template digest is missing. */
function fetchedPlanDigest(target: string, hops: readonly PreparedHop[], parameterChanges: readonly { key: string; valueSha256: string }[]): string | undefined {
  const digested = [];
  for (const h of hops) {
    if (!h.rootSha256 || !h.roleSha256) return undefined;
    digested.push({ version: h.version, rootTemplateSha256: h.rootSha256, roleTemplateSha256: h.roleSha256 });
  }
  return planDigest({ target, hops: digested, parameterChanges });
}

function checkAbort(signal: AbortSignal): void {
  if (signal.aborted) throw new PantherctlError('interrupted', 'Interrupted.', { source: 'interrupted' });
}

/** The resolved target of a journaled run: its last hop (older journals kept `--to` as typed, `1.31` or `latest`). */
function recordedTarget(plan: { to: string; hops: string[] }): string {
  return plan.hops.at(-1) ?? plan.to;
}

/** The `--param` keys of the latest run that started (values are never journaled). */
function latestOverrideKeys(journal: Journal): string[] {
  const start = summarizeJournal(journal.all()).start;
  return start ? [...start.overrideKeys] : [];
}

/** The template digests the latest upgrade recorded when it started (a staged run records none). */
function latestAccepted(journal: Journal): Acceptance[] {
  const start = summarizeJournal(journal.all()).start;
  return start && (start.command === 'upgrade' || start.command === 'resume') ? (start.accepted ?? []) : [];
}

function latestDigests(journal: Journal): Record<string, { root?: string; role?: string }> | undefined {
  const start = summarizeJournal(journal.all()).start;
  return start && (start.command === 'upgrade' || start.command === 'resume') ? start.digests : undefined;
}

function notifyPreview(io: IoHost, hop: PreparedHop, cs: ChangeSetSummary | undefined, noChanges: boolean): void {
  io.notify(MSG['preview.change-set'].msg(noChanges ? `change set for ${hop.version}: no resource changes` : `change set for ${hop.version}: ${cs?.changes.length ?? 0} resource change${cs?.changes.length === 1 ? '' : 's'}`, { hop: hop.version, changes: cs?.changes.length ?? 0, ...(cs ? { changeSetName: cs.changeSetName } : {}) }));
  for (const ch of cs?.changes ?? []) {
    const replace = ch.replacement === 'True' ? ' (REPLACEMENT)' : ch.replacement === 'Conditional' ? ' (may be replaced)' : '';
    // A change inside a nested stack is named by its path (`Core.PythonLayer`).
    const name = ch.nestedPath ? `${ch.nestedPath}.${ch.logicalId}` : ch.logicalId;
    io.notify(MSG['preview.resource'].msg(`  ${ch.action.padEnd(6)} ${name} (${ch.resourceType})${replace}`, { ...ch }));
  }
  const changed = hop.diff.filter((d) => d.change !== 'unchanged');
  io.notify(MSG['preview.parameters'].msg(changed.length === 0 ? `parameters: no changes (${hop.diff.length} kept)` : `parameters: ${changed.length} change${changed.length === 1 ? '' : 's'}, ${hop.diff.length - changed.length} kept`, { changed: changed.length, kept: hop.diff.length - changed.length }));
  for (const d of changed) {
    const text = d.change === 'added' ? `  + ${d.key} = ${d.to}` : d.change === 'removed' ? `  - ${d.key} (was ${d.from})` : `  ~ ${d.key}: ${d.from} → ${d.to}`;
    io.notify(MSG['preview.parameter'].msg(text, { ...d }));
  }
}
