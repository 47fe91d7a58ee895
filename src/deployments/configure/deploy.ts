import { pulumiBuildByDefault } from '../../catalog/pulumi-build.js';
import { roleTemplateUrl, rootTemplateUrl } from '../../catalog/urls.js';
import { embeddedCatalog } from '../../catalog/embedded.js';
import type { Catalog } from '../../catalog/types.js';
import { parseVersion } from '../../catalog/version.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { MSG, REQ, type IoHost } from '../../io/messages.js';
import { withDeployment } from '../deployment.js';
import { stagedRunOptions, type ConfigureOptions } from './configure.js';
import type { HopRecord } from '../../journal/progress.js';
import { redactValue } from '../../parameters/redact.js';
import { validateParameters } from '../../parameters/validate.js';
import type { StackSummary } from '../aws/types.js';
import { planFirstDeploy } from '../staging/first-deploy.js';
import type { FirstDeployPlan } from '../staging/types.js';
import { VERSION_TAG } from '../status/discover-root.js';
import type { ExecutorDeps } from '../deps/executor-deps.js';
import { constraintProblem, parseTemplateParameters, type TemplateParameterDecl } from '../templates/template-parameters.js';
import { isInProgress, isStableStatus } from '../wait/stack-status.js';
import type { StackWaitResult } from '../wait/types.js';
import type { OperationContext } from '../operations/context.js';
import { requestToken } from '../operations/request-token.js';
import { describeOrFail, recordStackOutcome, updateStackAndWait, waitStack } from '../operations/stack-operation.js';
import { checkDeployVersion } from './deploy-version.js';
import { everReachedCreateComplete } from './ever-created.js';
import { readParameterSource, valuesOf, type ParameterSource } from './inputs.js';
import { notifyStagePlan, shownValue, stageSummary } from './render-stages.js';
import { startStagedRun } from './run-records.js';
import { runInSession } from './session.js';
import { checkRootStackName, checkStackName } from './stack-name.js';
import { runStagedBuild, runStages } from './stage-runner.js';
import { HOP, type StagedRunOptions } from './types.js';
import { reportIssues, type TemplateFinding } from './validation.js';
import { runAccountPreflight } from '../preflight/account-checks.js';
import type { Acceptance } from '../preflight/types.js';

/** `build` runs `panther-pulumi` after the create and after the stages. */
export interface DeployRunOptions extends StagedRunOptions {
  /** Panther version to deploy, `v1.28.7` or `1.28.7`. */
  version: string;
  rootStack: string;
  /** Delete a stack left in ROLLBACK_COMPLETE by a failed first deploy, then create it again. Default false. */
  replaceFailed?: boolean;
  /** The release catalog `version` must be listed in (`--catalog FILE`). Default: the embedded catalog. */
  catalog?: Catalog;
  /** Deploy a version the catalog does not list, with a warning (`--allow-unlisted`). Default false: nothing is known about it. */
  allowUnlisted?: boolean;
}

export interface DeployResult {
  rootStack: string;
  version: string;
  created: string[];
  stagesApplied: number[];
  stagesUnchanged: number[];
  atDefault: string[];
}

/**
 * `pantherctl deploy`: a first deploy done the safe way. The role stack at the same version,
 * the root stack created with only the required and first-deploy-safe values, the
 * `panther-pulumi` build, then everything else as staged updates (a failed create deletes the
 * deployment; a failed update only rolls itself back).
 */
export async function runDeploy(deps: ExecutorDeps, io: IoHost, o: DeployRunOptions): Promise<DeployResult> {
  // Everything checkable offline goes first: a bad input must fail before any AWS call, never
  // after the role stack was created (a half-applied first deploy).
  checkRootStackName(o.rootStack);
  checkStackName(o.roleStack, 'the role stack name');
  const { version, warnings } = checkDeployVersion(o.version, o.catalog ?? embeddedCatalog(), o.allowUnlisted);
  const source = readParameterSource(o.paramsFile, o.overrides ?? []);
  checkOffline(io, source);
  for (const text of warnings) io.notify(MSG['deploy.version-warning'].msg(text, { version }));
  const prepared = await prepareDeploy(deps, io, o, version, source);
  return executeDeploy(deps, io, o, version, source, prepared, undefined);
}

/**
 * The first-deploy rules that need no template, before any AWS call. Unknown keys and
 * required values are left to `prepareDeploy`: the template being deployed may be newer than
 * the parameter table. Warnings are reported once, by `prepareDeploy`.
 */
function checkOffline(io: IoHost, source: ParameterSource): void {
  const errors = validateParameters(source.inputs, { firstDeploy: true }).filter((i) => i.severity === 'error' && i.code !== 'unknown-parameter' && i.code !== 'missing-required');
  reportIssues(io, source.file, errors, []);
}

export interface PreparedDeploy {
  plan: FirstDeployPlan;
  templateUrl: string;
  build: boolean;
  /** Required preflight checks accepted with `--accept` (journaled with the run). */
  accepted?: Acceptance[];
}

export async function prepareDeploy(deps: ExecutorDeps, io: IoHost, o: DeployRunOptions, version: string, source: ParameterSource): Promise<PreparedDeploy> {
  const templateUrl = rootTemplateUrl(version, o.region);
  const template = parseTemplateParameters((await deps.templates.fetchTemplate(templateUrl)).body);
  const declared = new Map(template.map((d) => [d.key, d]));
  const issues = validateParameters(source.inputs, { firstDeploy: true }).filter(
    (i) =>
      // Advice to set a value later is what staging does anyway; the template being deployed
      // decides which keys exist (it may be newer than the parameter table).
      i.code !== 'set-after-first-deploy' && !(i.code === 'unknown-parameter' && declared.has(i.parameter)) && !(i.code === 'missing-required' && declared.get(i.parameter)?.default !== undefined),
  );
  const values = valuesOf(source.inputs);
  const findings = checkAgainstTemplate(values, template, version);
  reportIssues(io, source.file, issues, findings);
  const defaults = new Map(template.filter((d) => d.default !== undefined).map((d) => [d.key, d.default as string]));
  const plan = planFirstDeploy(values.filter((v) => declared.has(v.key)), { ...o.staging, templateDefaults: defaults });
  const build = o.build ?? pulumiBuildByDefault(parseVersion(version));
  // The account's limits against what the deployment will run with (the defaults, then the file), before anything is created.
  const after = new Map<string, string>(defaults);
  for (const v of values) if (declared.has(v.key)) after.set(v.key, v.value);
  const accepted = await runAccountPreflight(deps, io, { root: undefined, live: new Map(), stops: [{ values: after }], ...(o.accepts ? { accepts: o.accepts } : {}) });
  return { plan, templateUrl, build, accepted };
}

/** The file against the template being deployed: unknown keys, constraints, required values. */
function checkAgainstTemplate(values: readonly { key: string; value: string }[], template: readonly TemplateParameterDecl[], version: string): TemplateFinding[] {
  const declared = new Map(template.map((d) => [d.key, d]));
  const given = new Set(values.map((v) => v.key));
  const out: TemplateFinding[] = [];
  for (const v of values) {
    const decl = declared.get(v.key);
    if (!decl) {
      out.push({ parameter: v.key, code: 'unknown-parameter', message: `${v.key} is not a parameter of the ${version} template.` });
      continue;
    }
    const problem = constraintProblem(decl, v.value);
    if (problem) out.push({ parameter: v.key, code: 'parameter-constraint', message: `${v.key}: ${decl.noEcho ? 'its value' : `"${redactValue(v.key, v.value)}"`} ${problem} of the ${version} template.` });
  }
  for (const d of template) {
    if (d.default === undefined && !given.has(d.key)) out.push({ parameter: d.key, code: 'missing-required', message: `${d.key} has no default in the ${version} template: the file must give it.` });
  }
  return out;
}

function notifyPlan(io: IoHost, o: DeployRunOptions, plan: FirstDeployPlan, version: string): void {
  io.notify(MSG['deploy.plan'].msg(`deploy ${version} as ${o.rootStack}: create with ${plan.create.length} value${plan.create.length === 1 ? '' : 's'}, then ${plan.stages.length} staged update${plan.stages.length === 1 ? '' : 's'}`, { rootStack: o.rootStack, version, create: plan.create.map((p) => p.key), stages: plan.stages.map(stageSummary), atDefault: plan.atDefault }));
  for (const p of plan.create) {
    io.notify(MSG['deploy.create-value'].msg(`  create: ${p.key} = ${shownValue(p.key, p.value)}`, { key: p.key }));
  }
  notifyStagePlan(io, 'deploy', plan.stages, { withValues: true });
  if (plan.atDefault.length) {
    io.notify(MSG['deploy.at-default'].msg(`  already the template default (no update needed): ${plan.atDefault.join(', ')}`, { keys: plan.atDefault }));
  }
}

/** Shared by a fresh deploy and its resume; `resume` carries what the journal knows. */
export async function executeDeploy(
  deps: ExecutorDeps,
  io: IoHost,
  o: DeployRunOptions,
  version: string,
  source: ParameterSource,
  prepared: PreparedDeploy,
  resume: { records: ReadonlyMap<string, HopRecord> } | undefined,
): Promise<DeployResult> {
  const { plan, templateUrl, build } = prepared;
  const records = resume?.records ?? new Map<string, HopRecord>();
  return runInSession(deps, io, o, 'deploy', async (c) => {
    let root = await deps.cloudFormation.describeStack(o.rootStack);
    const createRec = records.get(HOP.create);
    const createDone = createRec?.steps['create-stack']?.status === 'done';
    if (!resume) await checkRootForFirstDeploy(c, root, o);

    notifyPlan(io, o, plan, version);
    if (!resume && !(await io.requestResponse(REQ['deploy.confirm'].req(`Deploy ${version} as ${o.rootStack} in ${o.region}?`, { rootStack: o.rootStack, version, region: o.region }, false)))) {
      throw new PantherctlError('not-confirmed', 'deploy cancelled: nothing was changed', { hint: 'Pass --yes to deploy without the question.' });
    }
    if (!resume) {
      await startStagedRun(c.journal, {
        command: 'deploy',
        source,
        stages: plan.stages,
        build,
        version,
        create: plan.create.map((p) => p.key),
        from: 'none',
        to: version,
        hops: [HOP.role, HOP.create, ...plan.stages.map((s) => HOP.stage(s.index))],
        options: { ...o.staging, replaceFailed: Boolean(o.replaceFailed) },
        ...(prepared.accepted?.length ? { accepted: prepared.accepted } : {}),
      });
    }

    const roleArn = await ensureRoleStack(c, o, version);
    if (roleArn) c.roleArn = roleArn;

    if (!createDone) {
      if (root?.status === 'ROLLBACK_COMPLETE' && o.replaceFailed) {
        await replaceFailedStack(c, root);
        root = undefined;
      }
      await createRoot(c, o, version, templateUrl, plan, root, createRec);
    }
    if (build) await runStagedBuild(c, HOP.create, records.get(HOP.create));

    const staged = await runStages(c, plan.stages, records);
    if (build && staged.applied.some((i) => records.get(HOP.stage(i))?.done !== true)) await runStagedBuild(c, HOP.build, records.get(HOP.build));
    const result: DeployResult = {
      rootStack: o.rootStack,
      version,
      created: plan.create.map((p) => p.key),
      stagesApplied: staged.applied,
      stagesUnchanged: staged.unchanged,
      atDefault: plan.atDefault,
    };
    io.notify(MSG['deploy.done'].msg(`${o.rootStack} runs ${version} with every value of ${o.paramsFile}: created, then ${staged.applied.length} staged update${staged.applied.length === 1 ? '' : 's'}`, { ...result }));
    await c.journal.append({ type: 'run.done' });
    return result;
  }, valuesOf(source.inputs));
}

/** `deploy`: a first deploy of `version` as `rootStack`. */
export interface DeployOptions extends ConfigureOptions {
  /** Panther version to deploy, `v1.28.7` or `1.28.7`; refused unless the catalog lists it (or `allowUnlisted`). */
  version: string;
  /** A first deploy names its root stack: `panther-` and a name. Required. */
  rootStack: string;
  /** Delete a stack left in ROLLBACK_COMPLETE by a failed first deploy, then create it again. Default false: it may be investigated first. */
  replaceFailed?: boolean;
  /** Deploy a version the catalog does not list, with a warning. Default false: nothing is known about it. */
  allowUnlisted?: boolean;
}

/**
 * `pantherctl deploy`: into an account without Panther. Every input is checked before the
 * first AWS call; one confirmation (`deploy.confirm`; a host that cannot ask declines); then
 * the role stack, the root stack with the safe minimum, the build, and staged updates,
 * journaled and resumable.
 */
export function deploy(options: DeployOptions, io: IoHost): Promise<DeployResult> {
  return withDeployment(options, io, (d) =>
    runDeploy(d.deps, io, {
      ...stagedRunOptions(d, options),
      version: options.version,
      rootStack: options.rootStack,
      resumeCommand: d.resumeCommand({ rootStack: options.rootStack }),
      replaceFailed: Boolean(options.replaceFailed),
      catalog: d.catalog,
      allowUnlisted: Boolean(options.allowUnlisted),
    }),
  );
}

/** What may stand where the root stack goes: nothing, or a failed first deploy. */
async function checkRootForFirstDeploy(c: OperationContext, root: StackSummary | undefined, o: DeployRunOptions): Promise<void> {
  if (!root) return;
  if (root.status === 'ROLLBACK_COMPLETE') {
    const cause = await c.deps.findRootCause(root.stackId, { signal: c.signal }).catch(() => undefined);
    if (cause) c.io.notify(MSG['deploy.root-cause'].msg(`the failed first deploy of ${root.name}: ${cause.text}`, { rootCause: cause }));
    if (!o.replaceFailed) {
      throw new PantherctlError('failed-first-deploy', `${root.name} is in ROLLBACK_COMPLETE: an earlier first deploy failed${cause ? ` (${cause.text})` : ''}; it is left untouched`, {
        hint: 'Fix the cause, then run deploy again with --replace-failed to delete the failed stack and create it again.',
        meta: { rootStack: root.name, status: root.status, ...(cause ? { rootCause: cause } : {}) },
      });
    }
    return;
  }
  throw new PantherctlError('root-stack-exists', `${root.name} already exists (${root.status}); deploy is only for an account without a deployment`, {
    hint: isStableStatus(root.status) ? 'Use `pantherctl configure --params FILE` to change its parameters.' : 'Wait for the running operation (`pantherctl status`).',
    meta: { rootStack: root.name, status: root.status },
  });
}

/**
 * The role stack at the deploy's version: created when absent, updated when at another
 * version, waited on. Returns its DeploymentRoleArn when the root stack should use it.
 */
async function ensureRoleStack(c: OperationContext, o: DeployRunOptions, version: string): Promise<string | undefined> {
  let role = await c.deps.cloudFormation.describeStack(o.roleStack);
  const url = roleTemplateUrl(version);
  if (role && isInProgress(role.status)) {
    // Ours, when a stopped deploy created it: wait for it; anything else is someone's operation.
    const rec = c.journal
      .all()
      .filter((e) => e.type === 'step.requested' && e.hop === HOP.role)
      .flatMap((e) => (e.type === 'step.requested' && (e.step === 'update-role' || e.step === 'create-role') ? [e] : []))
      .at(-1);
    if (!rec) throw new PantherctlError('stack-busy', `role stack ${o.roleStack} is ${role.status}`, { source: 'aws', hint: 'Wait for it to finish, then deploy again.' });
    const after = rec.step === 'update-role' ? rec.beforeEventId : undefined;
    await settleRole(c, await waitStack(c, role.stackId, after, rec.clientRequestToken, 'role', new Date(rec.time)), new Date(rec.time), rec.step);
    role = await describeOrFail(c, o.roleStack);
  }
  if (!role) {
    const token = requestToken('role');
    const started = new Date();
    c.io.notify(MSG['deploy.role'].msg(`creating the deployment role stack ${o.roleStack} at ${version}…`, { stack: o.roleStack, version, action: 'create' }));
    await c.journal.append({ type: 'step.requested', hop: HOP.role, step: 'create-role', clientRequestToken: token, stack: o.roleStack, templateUrl: url });
    const { stackId } = await c.deps.cloudFormation.createStack({ stackName: o.roleStack, templateUrl: url, parameters: [], tags: { [VERSION_TAG]: version }, clientRequestToken: token });
    await settleRole(c, await waitStack(c, stackId, undefined, token, 'role', started), started, 'create-role');
    role = await describeOrFail(c, stackId);
  } else if (role.tags[VERSION_TAG] !== version) {
    c.io.notify(MSG['deploy.role'].msg(`updating the deployment role stack ${o.roleStack} from ${role.tags[VERSION_TAG] ?? 'an unknown version'} to ${version}…`, { stack: o.roleStack, version, action: 'update' }));
    const updated = await updateStackAndWait(c, {
      hop: HOP.role,
      step: 'update-role',
      stack: role,
      input: { templateUrl: url, parameters: role.parameters.map((p) => ({ key: p.key, usePreviousValue: true })), tags: { ...role.tags, [VERSION_TAG]: version } },
      clientRequestToken: requestToken('role'),
      label: 'role',
      journal: { stack: o.roleStack, templateUrl: url },
    });
    if (updated !== 'no-updates') await settleRole(c, updated.result, updated.started, 'update-role');
    role = await describeOrFail(c, role.stackId);
  } else {
    c.io.notify(MSG['deploy.role'].msg(`deployment role stack ${o.roleStack} is at ${version}`, { stack: o.roleStack, version, action: 'none' }));
  }
  return (o.useDeploymentRole ?? true) ? role.outputs.DeploymentRoleArn : undefined;
}

async function settleRole(c: OperationContext, result: StackWaitResult, started: Date, step: 'create-role' | 'update-role'): Promise<void> {
  const outcome = await recordStackOutcome(c, { hop: HOP.role, step }, result, started);
  if (outcome.ok) return;
  const { cause } = outcome;
  throw new PantherctlError('role-stack-failed', `the deployment role stack ${result.stackName} ended ${result.finalStatus}${cause ? `: ${cause.text}` : ''}`, {
    source: 'deployment',
    hint: 'Nothing of the root stack was created. Fix the cause, then deploy again.',
    meta: { stack: result.stackName, finalStatus: result.finalStatus, ...(cause ? { rootCause: cause } : {}) },
  });
}

/** `--replace-failed`: deletes a stack of a failed first deploy, never one that ever existed for real. */
async function replaceFailedStack(c: OperationContext, root: StackSummary): Promise<void> {
  const events = await c.deps.cloudFormation.describeEvents(root.stackId);
  if (everReachedCreateComplete(events, root)) {
    throw new PantherctlError('refuse-delete', `${root.name} reached CREATE_COMPLETE once; pantherctl never deletes a stack that was deployed`, {
      hint: 'Inspect it with `pantherctl diagnose`; delete it yourself only if you are sure nothing in it is needed.',
      meta: { rootStack: root.name, status: root.status },
    });
  }
  const token = requestToken('delete');
  const started = new Date();
  const beforeEventId = events[0]?.eventId;
  c.io.notify(MSG['deploy.replace-failed'].msg(`deleting ${root.name} (ROLLBACK_COMPLETE, never created) to create it again…`, { stack: root.name, stackId: root.stackId }));
  await c.journal.append({ type: 'step.requested', hop: HOP.create, step: 'delete-stack', clientRequestToken: token, stackId: root.stackId, beforeEventId });
  await c.deps.cloudFormation.deleteStack({ stackName: root.stackId, ...(c.roleArn ? { roleArn: c.roleArn } : {}), clientRequestToken: token });
  const result = await waitStack(c, root.stackId, beforeEventId, token, 'root', started);
  if (result.finalStatus !== 'DELETE_COMPLETE') {
    await c.journal.append({ type: 'step.failed', hop: HOP.create, step: 'delete-stack', finalStatus: result.finalStatus });
    throw new PantherctlError('delete-failed', `deleting the failed stack ${root.name} ended ${result.finalStatus}`, { source: 'deployment', hint: 'Run `pantherctl diagnose` to see why.' });
  }
  await c.journal.append({ type: 'step.done', hop: HOP.create, step: 'delete-stack', finalStatus: result.finalStatus });
}

async function createRoot(c: OperationContext, o: DeployRunOptions, version: string, templateUrl: string, plan: FirstDeployPlan, existing: StackSummary | undefined, rec: HopRecord | undefined): Promise<void> {
  const requested = rec?.steps['create-stack'];
  let stackId: string;
  let token: string | undefined;
  let started: Date;
  if (existing && requested && (requested.status === 'requested' || requested.status === 'accepted') && existing.status === 'CREATE_IN_PROGRESS') {
    // A create a stopped run asked for: wait for it, never ask twice.
    stackId = existing.stackId;
    token = requested.clientRequestToken;
    started = new Date(requested.entry.time);
  } else if (existing && requested && existing.status !== 'ROLLBACK_COMPLETE' && isStableStatus(existing.status)) {
    await c.journal.append({ type: 'step.done', hop: HOP.create, step: 'create-stack', finalStatus: existing.status });
    return;
  } else {
    token = requestToken('create');
    started = new Date();
    c.io.notify(MSG['deploy.create'].msg(`creating ${o.rootStack} at ${version} with ${plan.create.map((p) => p.key).join(', ')}…`, { stack: o.rootStack, version, parameters: plan.create.map((p) => p.key) }));
    await c.journal.append({ type: 'step.requested', hop: HOP.create, step: 'create-stack', clientRequestToken: token, templateUrl, parameterKeys: plan.create.map((p) => p.key) });
    ({ stackId } = await c.deps.cloudFormation.createStack({
      stackName: o.rootStack,
      templateUrl,
      parameters: plan.create.map((p) => ({ key: p.key, value: p.value })),
      tags: { [VERSION_TAG]: version },
      ...(c.roleArn ? { roleArn: c.roleArn } : {}),
      clientRequestToken: token,
    }));
    await c.journal.append({ type: 'step.accepted', hop: HOP.create, step: 'create-stack', stackId });
  }
  const result = await waitStack(c, stackId, undefined, token, 'root', started);
  const outcome = await recordStackOutcome(c, { hop: HOP.create, step: 'create-stack' }, result, started);
  if (outcome.ok) {
    c.io.notify(MSG['deploy.created'].msg(`${o.rootStack} created (${result.finalStatus})`, { stack: o.rootStack, stackId, elapsedMs: result.elapsedMs }));
    return;
  }
  const { cause } = outcome;
  c.io.notify(MSG['deploy.create-failed'].msg(`creating ${o.rootStack} failed: ${cause?.text ?? result.finalStatus}`, { stack: o.rootStack, finalStatus: result.finalStatus, ...(cause ? { rootCause: cause } : {}) }));
  throw new PantherctlError('first-deploy-failed', `the first deploy of ${o.rootStack} failed${cause ? `: ${cause.text}` : ''}; the stack is left in ${result.finalStatus}`, {
    source: 'deployment',
    hint: 'A failed first deploy deletes its resources and leaves the stack to be deleted. Fix the cause, then run deploy again with --replace-failed.',
    meta: { rootStack: o.rootStack, finalStatus: result.finalStatus, ...(cause ? { rootCause: cause } : {}) },
  });
}

