/**
 * The upgrade's preflight: the whole path checked before the first change, every failure
 * collected so the operator fixes them in one go. Reads only.
 */
import type { Catalog } from '../../catalog/types.js';
import { isPantherctlError } from '../../errors/pantherctl-error.js';
import type { IoHost } from '../../io/messages.js';
import type { Plan, PlanHop } from '../../planning/plan-artifact.js';
import { comparePlanInputs } from '../../planning/compare-plan.js';
import { PULUMI_PROJECT } from '../../catalog/urls.js';
import type { ParameterValue, StackParameter, StackSummary } from '../aws/types.js';
import type { ExecutorDeps } from '../deps/executor-deps.js';
import { planHopParameters, type ParameterDiffRow } from '../upgrade/hop-parameters.js';
import { isStableStatus } from '../wait/stack-status.js';
import { unstableHint } from '../upgrade/stack-status.js';
import { parseTemplateParameters } from '../templates/template-parameters.js';
import { CheckCollector, type CheckResult } from './collector.js';
import { accountChecks } from './account-checks.js';
import { driftChecks } from './drift-check.js';
import type { Acceptance, PreflightCheck } from './types.js';

export type { PreflightCheck } from './types.js';

/** A hop with everything the executor needs, computed once in preflight. */
export interface PreparedHop extends PlanHop {
  index: number;
  needsBuild: boolean;
  rootSha256?: string;
  roleSha256?: string;
  /** Root change-set parameters (UsePreviousValue for everything kept and not overridden). */
  parameters: ParameterValue[];
  /** Role stack update parameters. */
  roleParameters: ParameterValue[];
  diff: ParameterDiffRow[];
  /** Values the root stack runs with after this hop (secrets masked). */
  after: StackParameter[];
}

export interface PreflightInput {
  deps: Pick<ExecutorDeps, 'cloudFormation' | 'codeBuild' | 'templates' | 'lambda'>;
  io: IoHost;
  plan: Plan;
  root: StackSummary;
  role: StackSummary | undefined;
  region: string;
  account: string;
  /** Expected account (`--account` / pantherctl.yml); undefined: any. */
  expectedAccount?: string;
  catalog: Catalog;
  /** `--plan FILE`, compared with what is planned now. */
  savedPlan?: Plan;
  acks: readonly string[];
  overrides: ReadonlyMap<string, string>;
  /** A resumed run: a stack may be busy with our own operation, manual steps were acknowledged. */
  resuming?: boolean;
  /** Digests recorded when the run started (resume): a template that changed since is refused. */
  recordedDigests?: Record<string, { root?: string; role?: string }>;
  /** `--accept ID=REASON`: required checks to let pass. */
  accepts?: readonly Acceptance[];
  /** `--enable-termination-protection`: the run turns it on. */
  enableTerminationProtection?: boolean;
  /** Drift detection polling interval. Default 2 s. */
  pollIntervalMs?: number;
}

export interface PreflightResult {
  checks: PreflightCheck[];
  failures: PreflightCheck[];
  hops: PreparedHop[];
  /** The acceptances that let a failed required check pass (journaled by the run). */
  accepted: Acceptance[];
}

/**
 * Checks the whole path before the first change and collects every failure, so the
 * operator fixes them in one go. Reads only: nothing changes here.
 */
export async function runPreflight(input: PreflightInput): Promise<PreflightResult> {
  const { deps, plan, root, role } = input;
  const collector = new CheckCollector(input.io, input.accepts);
  const checks = collector.checks;
  const add = (c: CheckResult): void => void collector.add(c);

  add({
    id: 'root-stack-name',
    ok: root.name.startsWith('panther-'),
    message: root.name.startsWith('panther-')
      ? `root stack ${root.name} is named panther-*`
      : `root stack ${root.name} does not start with panther-: the deployment role only acts on panther* stacks and resources, so updates through it would be denied`,
  });
  add({
    id: 'root-stack-stable',
    ok: isStableStatus(root.status) || Boolean(input.resuming),
    message: isStableStatus(root.status) ? `root stack is ${root.status}` : `root stack is ${root.status}. ${unstableHint(root.status)}`,
  });
  if (!role) {
    add({ id: 'role-stack', ok: false, message: 'deployment role stack not found; name it with --role-stack (default panther-deployment-role)' });
  } else {
    add({
      id: 'role-stack',
      ok: isStableStatus(role.status) || Boolean(input.resuming),
      message: isStableStatus(role.status) ? `role stack ${role.name} is ${role.status}` : `role stack ${role.name} is ${role.status}. ${unstableHint(role.status)}`,
    });
  }
  if (input.expectedAccount) {
    add({
      id: 'account',
      ok: input.expectedAccount === input.account,
      message: input.expectedAccount === input.account ? `account ${input.account} as configured` : `credentials are for account ${input.account}, but ${input.expectedAccount} is configured`,
    });
  }
  const stackRegion = root.stackId.split(':')[3];
  if (stackRegion) {
    add({ id: 'region', ok: stackRegion === input.region, message: stackRegion === input.region ? `region ${input.region}` : `root stack is in ${stackRegion}, not ${input.region}` });
  }

  if (input.savedPlan) comparePlan(input.savedPlan, plan, input.catalog, add);

  if (!input.resuming) {
    for (const hop of plan.hops) {
      for (const step of hop.manualSteps) {
        const acked = input.acks.includes(step.id);
        add({
          id: 'manual-step',
          hop: hop.version,
          ok: acked,
          message: acked ? `manual step ${step.id} acknowledged` : `manual step before ${hop.version} needs a person: ${step.text} (confirm with --ack ${step.id})`,
        });
      }
    }
  }
  for (const hop of plan.hops) for (const note of hop.notes) add({ id: 'note', hop: hop.version, ok: true, severity: 'warning', message: `${hop.version}: ${note}` });

  const needsBuild = plan.hops.some((h) => h.postDeploy.length > 0);
  if (needsBuild) {
    const exists = await deps.codeBuild.projectExists(PULUMI_PROJECT).catch(() => false);
    add({ id: 'build-project', ok: exists, message: exists ? `CodeBuild project ${PULUMI_PROJECT} exists` : `CodeBuild project ${PULUMI_PROJECT} not found` });
  }

  // Templates: all fetched at once, parameters carried hop to hop.
  const fetched = await Promise.all(
    plan.hops.map(async (hop) => ({
      root: await deps.templates.fetchTemplate(hop.rootTemplateUrl).catch((err: unknown) => ({ error: err })),
      role: await deps.templates.fetchTemplate(hop.roleTemplateUrl).catch((err: unknown) => ({ error: err })),
    })),
  );
  const hops: PreparedHop[] = [];
  const declaredSomewhere = new Set<string>();
  let live = root.parameters;
  let roleLive = role?.parameters ?? [];
  plan.hops.forEach((hop, index) => {
    const f = fetched[index]!;
    const prepared: PreparedHop = {
      ...hop,
      index,
      needsBuild: hop.postDeploy.length > 0,
      parameters: [],
      roleParameters: [],
      diff: [],
      after: [],
    };
    for (const [kind, got, url] of [
      ['root', f.root, hop.rootTemplateUrl],
      ['role', f.role, hop.roleTemplateUrl],
    ] as const) {
      if ('error' in got) {
        const why = isPantherctlError(got.error) ? got.error.message : String(got.error);
        add({ id: 'template-fetch', hop: hop.version, ok: false, message: `cannot fetch the ${kind} template of ${hop.version} (${url}): ${why}` });
        continue;
      }
      if (kind === 'root') prepared.rootSha256 = got.sha256;
      else prepared.roleSha256 = got.sha256;
      const expected = hop.templateSha256[kind];
      const recorded = input.recordedDigests?.[hop.version]?.[kind];
      if (expected && expected.toLowerCase() !== got.sha256) {
        add({ id: 'template-digest', hop: hop.version, ok: false, message: `the ${kind} template of ${hop.version} changed: sha256 ${got.sha256.slice(0, 12)}, expected ${expected.slice(0, 12)}` });
      } else if (recorded && recorded !== got.sha256) {
        add({ id: 'template-digest', hop: hop.version, ok: false, message: `the ${kind} template of ${hop.version} changed since this upgrade started (sha256 ${got.sha256.slice(0, 12)}, was ${recorded.slice(0, 12)})` });
      } else {
        add({ id: 'template-fetch', hop: hop.version, ok: true, message: `${kind} template of ${hop.version} fetched, sha256 ${got.sha256.slice(0, 12)}` });
      }
      let decls;
      try {
        decls = parseTemplateParameters(got.body);
      } catch {
        add({ id: 'template-parse', hop: hop.version, ok: false, message: `the ${kind} template of ${hop.version} does not parse` });
        continue;
      }
      if (kind === 'root') for (const d of decls) declaredSomewhere.add(d.key);
      const planned = planHopParameters({ version: hop.version, live: kind === 'root' ? live : roleLive, template: decls, overrides: kind === 'root' ? input.overrides : new Map() });
      for (const finding of planned.findings) {
        add({ id: `${kind}-${finding.code}`, hop: hop.version, ok: finding.severity !== 'error', severity: finding.severity, message: `${kind === 'role' ? 'role stack: ' : ''}${finding.message}` });
      }
      if (kind === 'root') {
        prepared.parameters = planned.parameters;
        prepared.diff = planned.diff;
        prepared.after = planned.next;
        live = planned.next;
      } else {
        prepared.roleParameters = planned.parameters;
        roleLive = planned.next;
      }
    }
    hops.push(prepared);
  });
  const templatesRead = hops.every((h) => h.rootSha256 !== undefined);
  for (const key of input.overrides.keys()) {
    if (templatesRead && !declaredSomewhere.has(key)) {
      add({ id: 'root-unknown-override', ok: false, message: `--param ${key} is not a parameter of any hop's template (${plan.hops.map((h) => h.version).join(', ')})` });
    }
  }
  if (!checks.some((c) => c.id.startsWith('root-') && !c.ok)) {
    add({ id: 'parameters', ok: true, message: `live parameters fit every hop's template (${plan.hops.length} hop${plan.hops.length === 1 ? '' : 's'})` });
  }
  // The account's own limits and the stacks' guards, against the parameters each hop runs with.
  const stops = templatesRead ? hops.map((h) => ({ hop: h.version, values: new Map(h.after.map((p) => [p.key, p.value])) })) : [];
  // Independent reads at once: the account's limits and the drift of every stack of the tree.
  const [account, drift] = await Promise.all([
    accountChecks(deps, { root, live: new Map(root.parameters.map((p) => [p.key, p.value])), stops, ...(input.enableTerminationProtection ? { enableTerminationProtection: true } : {}) }),
    // A resumed run's stacks carry its own changes, possibly under way: no drift to look for.
    input.resuming ? Promise.resolve<CheckResult[]>([]) : driftChecks(deps.cloudFormation, { root, role, ...(input.pollIntervalMs ? { pollIntervalMs: input.pollIntervalMs } : {}) }),
  ]);
  for (const r of [...account, ...drift]) add(r);
  return { checks, failures: collector.failures(), hops, accepted: collector.used() };
}

function comparePlan(saved: Plan, now: Plan, catalog: Catalog, add: (c: CheckResult) => void): void {
  const problems: string[] = [];
  if (saved.from !== now.from) problems.push(`the plan starts at ${saved.from}, the deployment runs ${now.from}`);
  if (saved.to !== now.to) problems.push(`the plan ends at ${saved.to}, this upgrade at ${now.to}`);
  if (saved.region !== now.region) problems.push(`the plan is for ${saved.region}, the deployment is in ${now.region}`);
  const a = saved.hops.map((h) => h.version).join(' -> ');
  const b = now.hops.map((h) => h.version).join(' -> ');
  if (a !== b) problems.push(`the plan's hops ${a} differ from ${b}`);
  for (const d of comparePlanInputs(saved, catalog)) problems.push(d.message);
  if (problems.length === 0) add({ id: 'saved-plan', ok: true, severity: 'info', message: `saved plan matches (catalog sha256 ${saved.catalogSha256.slice(0, 12)})` });
  for (const p of problems) add({ id: 'saved-plan', ok: false, severity: 'error', message: `saved plan: ${p}` });
}
