import { rootCauseSummary } from '../../deployments/deps/executor-deps.js';
import type { Diagnosis } from '../../deployments/diagnose/diagnose.js';
import type { DeploymentDiagnosis } from '../../deployments/diagnose/deployment-diagnosis.js';
import { createStyle } from '../../io/style.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import type { CliContext } from '../context.js';
import type { ProgramBuilder } from '../main.js';
import { catalogOption, connectionOptions, stateDirOption } from './connection-options.js';

interface DiagnoseFlags extends ConnectionFlags {
  /** Any stack; default the root stack. */
  stack?: string;
}

/**
 * `pantherctl diagnose`: the whole deployment (root, nested and role stacks, last build, lock,
 * journal): what needs attention and the one command that continues. Exit 0 when nothing
 * needs attention, 4 when something failed or stopped, 6 when an operation runs (wait).
 */
export function registerDiagnoseCommand(b: ProgramBuilder): void {
  const cmd = stateDirOption(catalogOption(connectionOptions(b.command('diagnose', 'why did the last operation of a stack fail: state, root cause, next command')))).option(
    '--stack <name>',
    'the stack to show in detail (default: the first that needs attention, else the root stack); the whole deployment is looked at',
  );
  b.action<DiagnoseFlags>(cmd, async (ctx, o) => {
    const { deploymentOptions } = await import('../deployment-options.js');
    const { diagnose, diagnoseExitCode } = await import('../../deployments/diagnose/diagnose.js');
    const d = await diagnose({ ...(await deploymentOptions(ctx, o)), ...(o.stack ? { stack: o.stack } : {}) }, ctx.io);
    if (ctx.json) ctx.outJson(d);
    else renderDeploymentDiagnosis(ctx, d);
    return diagnoseExitCode(d);
  });
}

/** The text form of a deployment's diagnosis (`--json` prints the DeploymentDiagnosis itself). */
export function renderDeploymentDiagnosis(ctx: Pick<CliContext, 'color' | 'out'>, d: DeploymentDiagnosis): void {
  const s = createStyle(ctx.color);
  // The stack shown first, without a next line of its own: the deployment's comes last.
  const { nextCommand: _next, ...shown } = d;
  renderDiagnosis(ctx, shown);
  for (const f of d.findings) {
    const mark = f.level === 'busy' ? s.yellow('busy') : f.level === 'action' ? s.red('needs attention') : s.dim('note');
    ctx.out(`${mark}: ${f.subject} ${f.name} ${f.status}: ${f.state}${f.nextCommand ? `\n  next: ${f.nextCommand}` : ''}`);
  }
  ctx.out(d.attention === 'none' ? s.green('nothing needs attention') : `next: ${d.nextCommand ?? 'see above'}`);
}

/** The text form of one stack's diagnosis. */
export function renderDiagnosis(ctx: Pick<CliContext, 'color' | 'out'>, d: Diagnosis): void {
  const s = createStyle(ctx.color);
  ctx.out(`${s.bold(d.stack)}  ${d.status}${d.statusReason ? s.dim(` (${d.statusReason})`) : ''}`);
  ctx.out(`state: ${d.state}`);
  if (d.rootCause) ctx.out(`${s.red('root cause:')} ${rootCauseSummary(d.rootCause).text}`);
  for (const f of d.rollbackFailures) ctx.out(`${s.yellow('rollback failed:')} ${f.resourcePath} (${f.resourceType}): ${f.reason ?? f.status}`);
  if (d.nextCommand) ctx.out(`next: ${d.nextCommand}`);
  // The --skip values exactly as ContinueUpdateRollback's ResourcesToSkip takes them.
  if (d.suggestedSkips.length > 0) ctx.out(`if that fails again: pantherctl recover ${d.suggestedSkips.map((k) => `--skip ${k}`).join(' ')}`);
}
