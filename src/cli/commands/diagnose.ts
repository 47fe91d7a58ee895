import { rootCauseSummary } from '../../deployments/deps/executor-deps.js';
import type { Diagnosis } from '../../deployments/diagnose/diagnose.js';
import { ExitCode } from '../../errors/pantherctl-error.js';
import { createStyle } from '../../io/style.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import type { CliContext } from '../context.js';
import type { ProgramBuilder } from '../main.js';
import { catalogOption, connectionOptions } from './connection-options.js';

interface DiagnoseFlags extends ConnectionFlags {
  /** Any stack; default the root stack. */
  stack?: string;
}

/** `pantherctl diagnose`: state, root cause and next command of a stack. Exit 0 when stable, 4 when failed or stuck. */
export function registerDiagnoseCommand(b: ProgramBuilder): void {
  const cmd = catalogOption(connectionOptions(b.command('diagnose', 'why did the last operation of a stack fail: state, root cause, next command'))).option(
    '--stack <name>',
    'the stack to look at (default: the root stack)',
  );
  b.action<DiagnoseFlags>(cmd, async (ctx, o) => {
    const { deploymentOptions } = await import('../deployment-options.js');
    const { diagnose, isFailedStatus } = await import('../../deployments/diagnose/diagnose.js');
    const d = await diagnose({ ...(await deploymentOptions(ctx, o)), ...(o.stack ? { stack: o.stack } : {}) }, ctx.io);
    if (ctx.json) ctx.outJson(d);
    else renderDiagnosis(ctx, d);
    return isFailedStatus(d.status) ? ExitCode.deploymentFailed : ExitCode.ok;
  });
}

/** The text form of a diagnosis (`--json` prints the Diagnosis itself). */
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
