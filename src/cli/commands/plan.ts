import { Option } from 'commander';
import { DEFAULT_REGION, validateRegion } from '../../catalog/regions.js';
import { planUpgrade } from '../../planning/plan-upgrade.js';
import { buildPlan, type Plan } from '../../planning/plan-artifact.js';
import { createStyle } from '../../io/style.js';
import { writeUserText } from '../../io/write-user-file.js';
import type { CliContext } from '../context.js';
import type { ProgramBuilder } from '../main.js';
import { resolveCatalog } from './catalog-option.js';

interface PlanOptions {
  from: string;
  to: string;
  /** Undefined: DEFAULT_REGION, said in a warning and `regionAssumed` in the JSON. */
  region?: string;
  catalog?: string;
  allowUnlisted?: boolean;
  allowUnsupportedRegion?: boolean;
  out?: string;
}

export function registerPlanCommand(b: ProgramBuilder): void {
  const cmd = b
    .command('plan', 'plan the upgrade path offline and explain every stop')
    .requiredOption('--from <version>', 'the version deployed now (v1.25.1 or 1.25.1)')
    .addOption(new Option('--to <version>', 'target: v1.28.7, 1.28, 1.28.x or latest').default('latest'))
    .option('--region <region>', `region of the deployment, for template URLs (default ${DEFAULT_REGION}, with a warning)`)
    .option('--catalog <file>', 'release catalog file to use instead of the embedded one')
    .option('--allow-unlisted', 'allow a target the catalog does not list (with a warning)')
    .option('--allow-unsupported-region', 'allow a region Panther does not publish templates for')
    .option('--out <file>', 'also write the plan as JSON to this file, for `upgrade --plan`');
  b.action<PlanOptions>(cmd, async (ctx, o) => {
    const regionAssumed = o.region === undefined;
    const region = validateRegion(o.region ?? DEFAULT_REGION, o.allowUnsupportedRegion);
    const catalog = await resolveCatalog(o.catalog);
    const result = planUpgrade({ from: o.from, to: o.to, catalog, allowUnlisted: Boolean(o.allowUnlisted) });
    const warnings = [...result.warnings, ...(regionAssumed ? [regionAssumedWarning()] : [])];
    const plan = buildPlan({ ...result, warnings }, { region, regionAssumed, catalog });
    if (o.out) writePlanFile(o.out, plan);
    if (ctx.json) ctx.outJson(plan);
    else renderPlan(ctx, plan, plan.warnings, o.out);
    return 0;
  });
}

/** Template URLs name a region; a plan made without one says which it took. */
export function regionAssumedWarning(): string {
  return `no --region given: the template URLs are for ${DEFAULT_REGION}; pass --region REGION for a deployment elsewhere`;
}

function writePlanFile(file: string, plan: Plan): void {
  writeUserText(file, `${JSON.stringify(plan, null, 2)}\n`, { what: 'plan', code: 'cannot-write-file', option: '--out' });
}

function renderPlan(ctx: CliContext, plan: Plan, warnings: readonly string[], out: string | undefined): void {
  const s = createStyle(ctx.color);
  for (const w of warnings) ctx.err(`${s.yellow('warning:')} ${w}`);
  if (plan.hops.length === 0) {
    ctx.out(`Already at ${plan.to}: nothing to do.`);
    return;
  }
  const n = plan.hops.length;
  ctx.out(s.bold(`Upgrade plan ${plan.from} → ${plan.to}: ${n} hop${n === 1 ? '' : 's'} (region ${plan.region}, catalog ${plan.catalogSource})`));
  plan.hops.forEach((hop, i) => {
    ctx.out('');
    ctx.out(`${s.bold(`${i + 1}. ${hop.version}`)}  ${s.dim(hop.reason)}`);
    ctx.out(`   1) update the deployment role stack to ${hop.version}`);
    ctx.out(`      ${s.cyan(hop.roleTemplateUrl)}`);
    ctx.out(`   2) update the root stack to ${hop.version}`);
    ctx.out(`      ${s.cyan(hop.rootTemplateUrl)}`);
    hop.postDeploy.forEach((step, k) => ctx.out(`   ${k + 3}) ${describeStep(step)}`));
    for (const note of hop.notes) ctx.out(`   ${s.yellow('note:')} ${note}`);
    for (const step of hop.manualSteps) ctx.out(`   ${s.yellow('manual step')} [${step.id}]: ${step.text} (confirm with --ack ${step.id})`);
  });
  ctx.out('');
  ctx.out(s.dim(`catalog sha256 ${plan.catalogSha256}`));
  if (out) ctx.out(`Plan written to ${out}; pass it to \`pantherctl upgrade --plan ${out}\` to refuse drifted inputs.`);
}

function describeStep(step: string): string {
  const build = /^start-build (\S+)$/.exec(step);
  return build ? `start the ${build[1]} CodeBuild build and wait for it` : step;
}
