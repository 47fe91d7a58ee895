import { ExitCode } from '../../errors/pantherctl-error.js';
import type { HistoryRun } from '../../deployments/history/history.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import type { CliContext } from '../context.js';
import type { ProgramBuilder } from '../main.js';
import { connectionOptions, journalOptions } from './connection-options.js';

/** `pantherctl history [--json]`: every run on the deployment, newest first. Reads only; exit 0. */
export function registerHistoryCommand(b: ProgramBuilder): void {
  const cmd = journalOptions(connectionOptions(b.command('history', 'every run on the deployment: when, who, command, from → to, hop durations, outcome, root cause')));
  b.action<ConnectionFlags>(cmd, async (ctx, o) => {
    const { deploymentOptions } = await import('../deployment-options.js');
    const { history } = await import('../../deployments/history/history.js');
    const h = await history(await deploymentOptions(ctx, o), ctx.io);
    if (ctx.json) ctx.outJson(h);
    else renderHistory(ctx, h.rootStack, h.runs);
    return ExitCode.ok;
  });
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`);

/** The text form (`--json` prints the HistoryResult itself). */
export function renderHistory(ctx: Pick<CliContext, 'out'>, rootStack: string, runs: readonly HistoryRun[]): void {
  if (runs.length === 0) {
    ctx.out(`${rootStack}: no run journaled yet`);
    return;
  }
  for (const r of runs) {
    ctx.out(`${r.start}  ${r.command ?? '?'}  ${r.from ?? '?'} → ${r.to ?? '?'}  ${r.outcome}${r.code ? ` (${r.code})` : ''}  ${seconds(r.durationMs)}  ${r.principal ?? ''}  run ${r.run}`.trimEnd());
    for (const h of r.hops) ctx.out(`    ${h.version}  ${h.status}  role ${seconds(h.roleMs)}  root ${seconds(h.rootMs)}  build ${seconds(h.buildMs)}`);
    if (r.rootCause) ctx.out(`    root cause: ${r.rootCause}`);
  }
}
