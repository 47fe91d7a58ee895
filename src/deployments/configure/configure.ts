import { pulumiBuildByDefault } from '../../catalog/pulumi-build.js';
import { tryParseVersion } from '../../catalog/version.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { MSG, REQ, type IoHost } from '../../io/messages.js';
import { withDeployment, type DeploymentOptions, type OpenedDeployment } from '../deployment.js';
import type { StagingOptions } from '../staging/types.js';
import type { HopRecord } from '../../journal/progress.js';
import { validateParameters } from '../../parameters/validate.js';
import type { StackSummary } from '../aws/types.js';
import { planStages } from '../staging/plan-stages.js';
import type { Stage } from '../staging/types.js';
import { chooseRootStack, VERSION_TAG } from '../status/discover-root.js';
import type { ExecutorDeps } from '../deps/executor-deps.js';
import { parseTemplateParameters } from '../templates/template-parameters.js';
import { isStableStatus } from '../wait/stack-status.js';
import { readParameterSource, valuesOf, type ParameterSource } from './inputs.js';
import { crossParameterIssues } from './effective-validation.js';
import { diffAgainstLive, type LiveDiff } from './parameter-diff.js';
import { notifyDiff } from './render-diff.js';
import { notifyStagePlan, stageSummary } from './render-stages.js';
import { startStagedRun } from './run-records.js';
import { runInSession } from './session.js';
import { checkRootStackName } from './stack-name.js';
import { previewStage, runStagedBuild, runStages, type StagePreview } from './stage-runner.js';
import { HOP, type StagedRunOptions } from './types.js';
import { reportIssues, type ReportedIssue } from './validation.js';
import { runAccountPreflight } from '../preflight/account-checks.js';
import type { Acceptance } from '../preflight/types.js';

export interface LiveInspectOptions {
  /** Undefined: discover the one `panther-*` root stack. */
  rootStack?: string;
  /** Default `panther-deployment-role`. */
  roleStack: string;
  paramsFile: string;
  /** `--param KEY=VALUE` flags. */
  overrides?: readonly string[];
  /** Count secrets that cannot be compared as differences (`params diff --secrets-differ`). Default false. */
  secretsDiffer?: boolean;
}

export interface LiveInspection {
  root: StackSummary;
  source: ParameterSource;
  diff: LiveDiff;
  /** Findings that do not block (errors refuse in `inspectLive`). */
  warnings: ReportedIssue[];
  version?: string;
}

/**
 * The file against the live root stack: validated by the catalog rules and by the live
 * template's own constraints (read with GetTemplate: GetTemplateSummary omits patterns and
 * bounds), then diffed with secrets masked. Reads only.
 */
export async function inspectLive(deps: Pick<ExecutorDeps, 'cloudFormation'>, io: IoHost, o: LiveInspectOptions): Promise<LiveInspection> {
  const source = readParameterSource(o.paramsFile, o.overrides ?? []);
  const choice = await chooseRootStack(deps.cloudFormation, { ...(o.rootStack ? { named: o.rootStack } : {}), roleStack: o.roleStack });
  if (choice.how === 'discovered') io.notify(MSG['root-stack.discovered'].msg(`root stack: ${choice.name} (the only panther-* stack tagged ${VERSION_TAG})`, { rootStack: choice.name }));
  checkRootStackName(choice.name);
  const root = await deps.cloudFormation.describeStack(choice.name);
  if (!root) {
    throw new PantherctlError('stack-not-found', `stack ${choice.name} does not exist`, { source: 'aws', hint: 'For an account without a deployment, use `pantherctl deploy`.' });
  }
  const template = parseTemplateParameters(await deps.cloudFormation.getTemplateBody(root.stackId));
  const declared = new Set(template.map((d) => d.key));
  const values = valuesOf(source.inputs);
  const diff = diffAgainstLive(root.parameters, values, template, { secretsDiffer: Boolean(o.secretsDiffer) });
  const changed = new Set(diff.changes.map((c) => c.key));
  const issues = validateParameters(source.inputs, { firstDeploy: false }).filter(
    (i) =>
      // The live template decides which keys exist; the FirstUserEmail warning only when it changes.
      !(i.code === 'unknown-parameter' && declared.has(i.parameter)) && !(i.code === 'ignored-after-first-deploy' && !changed.has(i.parameter)),
  );
  // The file alone cannot tell DatadogEnabled=true from a stack without a key: judge the
  // cross-parameter rules on the file's values over the live ones, before anything changes.
  const cross = crossParameterIssues(source.inputs, root.parameters);
  const warnings = reportIssues(io, source.file, [...issues, ...cross], diff.findings);
  const version = root.tags[VERSION_TAG];
  return { root, source, diff, warnings, ...(version ? { version } : {}) };
}

export interface ParamsDiffResult {
  rootStack: string;
  /** Absolute path of the parameter file. */
  file: string;
  different: boolean;
  rows: LiveDiff['rows'];
  warnings: ReportedIssue[];
  /** Whether secrets that cannot be compared counted as different (`--secrets-differ`). */
  secretsDiffer: boolean;
}

/** `pantherctl params diff`: the diff only; `different` decides exit 1. */
export async function runParamsDiff(deps: Pick<ExecutorDeps, 'cloudFormation'>, io: IoHost, o: LiveInspectOptions): Promise<ParamsDiffResult> {
  const { root, diff, source, warnings } = await inspectLive(deps, io, o);
  notifyDiff(io, diff.rows);
  const counts = { changed: 0, added: 0, 'cannot-compare': 0, unchanged: 0 };
  for (const r of diff.rows) counts[r.change]++;
  const secretsNote = counts['cannot-compare'] ? `; ${counts['cannot-compare']} secret${counts['cannot-compare'] === 1 ? '' : 's'} cannot be compared${o.secretsDiffer ? ' (counted as different)' : ' (not counted)'}` : '';
  const data = { rootStack: root.name, different: diff.different, ...counts };
  io.notify(
    diff.different
      ? MSG['params.different'].msg(`${root.name} differs from ${o.paramsFile}: ${counts.changed} changed, ${counts.added} added${secretsNote}`, data)
      : MSG['params.equal'].msg(`${root.name} matches ${o.paramsFile} (${counts.unchanged} equal${secretsNote})`, data),
  );
  return { rootStack: root.name, file: source.file, different: diff.different, rows: diff.rows, warnings, secretsDiffer: Boolean(o.secretsDiffer) };
}

/** One difference of the `params diff --json` document; secrets are `****` on both sides, always. */
export interface ParamsDiffDifference {
  parameter: string;
  change: 'changed' | 'added' | 'cannot-compare';
  from?: string;
  to?: string;
  secret: boolean;
}

/**
 * The single document `params diff --json` prints (pure). `equal` mirrors the exit code (0
 * equal, 1 different). `differences` are the rows that make the file differ: changed and
 * added values, and secrets only when `--secrets-differ` counts them. `secretsNotCompared`
 * names every secret of the file AWS returns masked, counted or not.
 */
export function paramsDiffDocument(r: ParamsDiffResult): {
  equal: boolean;
  rootStack: string;
  file: string;
  differences: ParamsDiffDifference[];
  secretsNotCompared: string[];
  secretsCountedAsDifferent: boolean;
  unchanged: string[];
  warnings: Omit<ReportedIssue, 'severity'>[];
} {
  const differences: ParamsDiffDifference[] = [];
  for (const row of r.rows) {
    if (row.change === 'unchanged' || (row.change === 'cannot-compare' && !r.secretsDiffer)) continue;
    differences.push({
      parameter: row.key,
      change: row.change,
      ...(row.from !== undefined ? { from: row.from } : {}),
      ...(row.to !== undefined ? { to: row.to } : {}),
      secret: row.secret,
    });
  }
  return {
    equal: !r.different,
    rootStack: r.rootStack,
    file: r.file,
    differences,
    secretsNotCompared: r.rows.filter((row) => row.change === 'cannot-compare').map((row) => row.key),
    secretsCountedAsDifferent: r.secretsDiffer,
    unchanged: r.rows.filter((row) => row.change === 'unchanged').map((row) => row.key),
    warnings: r.warnings.map(({ parameter, code, message, where }) => ({ parameter, code, message, where })),
  };
}

/** `build` runs `panther-pulumi` after the stages; default when the stack's version is v1.22 or later. */
export interface ConfigureRunOptions extends LiveInspectOptions, StagedRunOptions {}

export interface ConfigureResult {
  rootStack: string;
  changed: boolean;
  stages: { index: number; parameters: string[] }[];
  stagesApplied: number[];
  stagesUnchanged: number[];
}

/**
 * `pantherctl configure`: the diff, validation, a change-set preview of the first stage, one
 * confirmation, then the changes as staged updates. A file equal to the live stack changes
 * nothing and says so.
 */
export async function runConfigure(deps: ExecutorDeps, io: IoHost, o: ConfigureRunOptions): Promise<ConfigureResult> {
  const inspection = await inspectLive(deps, io, o);
  const { root, diff, source } = inspection;
  notifyDiff(io, diff.rows);
  if (diff.changes.length === 0) {
    io.notify(MSG['configure.no-changes'].msg(`no changes: ${root.name} already has every value of ${o.paramsFile}; nothing was updated`, { rootStack: root.name }));
    return { rootStack: root.name, changed: false, stages: [], stagesApplied: [], stagesUnchanged: [] };
  }
  if (!isStableStatus(root.status)) {
    throw new PantherctlError('stack-not-stable', `${root.name} is ${root.status}; configure needs a stack no operation is running on`, {
      source: 'aws',
      hint: root.status === 'UPDATE_ROLLBACK_FAILED' ? 'Run `pantherctl recover` first.' : 'Wait for it (`pantherctl status`), then try again.',
    });
  }
  // The account's limits against the values the file asks for (preflight), before anything changes.
  const live = new Map(root.parameters.map((p) => [p.key, p.value]));
  const after = new Map(live);
  for (const ch of diff.changes) after.set(ch.key, ch.value);
  const accepted = await runAccountPreflight(deps, io, { root, live, stops: [{ values: after }], ...(o.accepts ? { accepts: o.accepts } : {}) });
  const stages = planStages(diff.changes, o.staging ?? {});
  const version = inspection.version ? tryParseVersion(inspection.version) : undefined;
  const build = o.build ?? (version ? pulumiBuildByDefault(version) : false);
  return executeConfigure(deps, io, { ...o, rootStack: root.name, accepted }, source, stages, build, undefined);
}

export async function executeConfigure(
  deps: ExecutorDeps,
  io: IoHost,
  o: ConfigureRunOptions & { rootStack: string; accepted?: readonly Acceptance[] },
  source: ParameterSource,
  stages: Stage[],
  build: boolean,
  resume: { records: ReadonlyMap<string, HopRecord> } | undefined,
): Promise<ConfigureResult> {
  const records = resume?.records ?? new Map<string, HopRecord>();
  return runInSession(deps, io, o, 'configure', async (c) => {
    if (o.useDeploymentRole ?? true) {
      const role = await deps.cloudFormation.describeStack(o.roleStack);
      const arn = role?.outputs.DeploymentRoleArn;
      if (arn) c.roleArn = arn;
    }
    const changes = stages.reduce((n, s) => n + s.parameters.length, 0);
    io.notify(MSG['configure.plan'].msg(`configure ${o.rootStack}: ${changes} value${changes === 1 ? '' : 's'} in ${stages.length} staged update${stages.length === 1 ? '' : 's'}`, { rootStack: o.rootStack, stages: stages.map(stageSummary) }));
    notifyStagePlan(io, 'configure', stages);
    let preview: StagePreview | undefined;
    if (!resume) {
      await startStagedRun(c.journal, { command: 'configure', source, stages, build, from: 'live', to: 'file', hops: stages.map((s) => HOP.stage(s.index)), options: { ...o.staging }, ...(o.accepted?.length ? { accepted: o.accepted } : {}) });
      preview = await previewStage(c, stages[0]!, stages.length);
      const question = REQ['configure.confirm'].req(`Apply ${stages.length} staged update${stages.length === 1 ? '' : 's'} to ${o.rootStack}?`, { rootStack: o.rootStack, stages: stages.length }, false);
      if (!(await io.requestResponse(question))) {
        await deps.cloudFormation.deleteChangeSet({ stackName: o.rootStack, changeSetName: preview.changeSetName }).catch(() => undefined);
        throw new PantherctlError('not-confirmed', 'configure cancelled: nothing was changed', { hint: 'Pass --yes to apply without the question.' });
      }
    }
    const staged = await runStages(c, stages, records, preview);
    if (build && staged.applied.length > 0) await runStagedBuild(c, HOP.build, records.get(HOP.build));
    const result: ConfigureResult = {
      rootStack: o.rootStack,
      changed: staged.applied.length > 0,
      stages: stages.map((s) => ({ index: s.index, parameters: s.parameters.map((p) => p.key) })),
      stagesApplied: staged.applied,
      stagesUnchanged: staged.unchanged,
    };
    io.notify(MSG['configure.done'].msg(staged.applied.length
        ? `${o.rootStack} now has every value of ${o.paramsFile}: ${staged.applied.length} staged update${staged.applied.length === 1 ? '' : 's'} applied${staged.unchanged.length ? `, ${staged.unchanged.length} needed no change` : ''}`
        : `no changes: ${o.rootStack} already had every value of ${o.paramsFile} (CloudFormation found nothing to change); nothing was updated`, { ...result }));
    await c.journal.append({ type: 'run.done' });
    return result;
  }, valuesOf(source.inputs));
}

/** `configure`: what changes, and how it is staged. */
export interface ConfigureOptions extends DeploymentOptions {
  /** The parameter file: a YAML/JSON map, the AWS CLI's list, or CodePipeline's `{"Parameters": {...}}`. */
  paramsFile: string;
  /** `KEY=VALUE` values over the file's (as `--param`); they make the run impossible to resume (values are never stored). */
  overrides?: readonly string[];
  /** How to group the changes. Default: related parameters together, risky groups on their own. */
  staging?: StagingOptions;
  /** Run `panther-pulumi` after the stages. Default: when the stack's version is v1.22 or later, as the docs say. */
  build?: boolean;
  /** `--accept ID=REASON`: required preflight checks to let pass; the reasons are journaled. Default none. */
  accepts?: readonly Acceptance[];
}

/**
 * `pantherctl configure`: the file against the live root stack (diff with secrets masked,
 * validation against the live template), a preview of the first stage, one confirmation
 * (`configure.confirm`; a host that cannot ask declines: `not-confirmed`), then the changes as
 * staged updates, journaled and resumable.
 */
export function configure(options: ConfigureOptions, io: IoHost): Promise<ConfigureResult> {
  return withDeployment(options, io, (d) =>
    runConfigure(d.deps, io, {
      ...(d.settings.rootStack ? { rootStack: d.settings.rootStack } : {}),
      ...stagedRunOptions(d, options),
    }),
  );
}

/** The options `deploy` and `configure` share, from the opened deployment. */
export function stagedRunOptions(d: OpenedDeployment, o: ConfigureOptions): StagedRunOptions {
  const { settings } = d;
  return {
    roleStack: settings.roleStack,
    region: settings.connection.region,
    paramsFile: o.paramsFile,
    overrides: o.overrides ?? [],
    ...(o.staging ? { staging: o.staging } : {}),
    ...(o.build !== undefined ? { build: o.build } : {}),
    ...(o.accepts?.length ? { accepts: o.accepts } : {}),
    useDeploymentRole: settings.useDeploymentRole,
    store: d.store,
    timeoutMs: settings.timeoutMs,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(settings.rootStack ? { resumeCommand: d.resumeCommand({ rootStack: settings.rootStack }) } : {}),
  };
}

export interface ParamsDiffOptions extends DeploymentOptions {
  paramsFile: string;
  /** `KEY=VALUE` values over the file's (as `--param`). */
  overrides?: readonly string[];
  /** Count secrets, which AWS returns masked and cannot be compared, as different. Default false: a drift check would always fail. */
  secretsDiffer?: boolean;
}

/** `pantherctl params diff`: the file against the live stack; reads only. */
export function paramsDiff(options: ParamsDiffOptions, io: IoHost): Promise<ParamsDiffResult> {
  return withDeployment(options, io, (d) =>
    runParamsDiff(d.deps, io, {
      ...(d.settings.rootStack ? { rootStack: d.settings.rootStack } : {}),
      roleStack: d.settings.roleStack,
      paramsFile: options.paramsFile,
      overrides: options.overrides ?? [],
      secretsDiffer: Boolean(options.secretsDiffer),
    }),
  );
}
