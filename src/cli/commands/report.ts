import { ExitCode } from '../../errors/pantherctl-error.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import type { ProgramBuilder } from '../main.js';
import { connectionOptions, journalOptions } from './connection-options.js';

interface ReportFlags extends ConnectionFlags {
  run?: string;
  html: string;
}

const PANTHERCTL_VERSION = '0.1.0';

/**
 * `pantherctl report [--run ID] --html FILE`: one run's timeline as a self-contained HTML
 * file. Reads only. Exit codes: 0 written; 1 unknown run or the file cannot be written; 3 AWS.
 */
export function registerReportCommand(b: ProgramBuilder): void {
  const cmd = journalOptions(connectionOptions(b.command('report', 'write the HTML timeline of a run: hops, stacks, resources, build phases, failures')))
    .option('--run <id>', 'the run (see `pantherctl history`; default: the last one)')
    .requiredOption('--html <file>', 'where to write the HTML file');
  b.action<ReportFlags>(cmd, async (ctx, o) => {
    const { deploymentOptions } = await import('../deployment-options.js');
    const { runReport } = await import('../../report/run-report.js');
    const { writeUserText } = await import('../../io/write-user-file.js');
    const r = await runReport({ ...(await deploymentOptions(ctx, o)), ...(o.run ? { runId: o.run } : {}), pantherctlVersion: PANTHERCTL_VERSION }, ctx.io);
    writeUserText(o.html, r.html, { what: 'report', code: 'cannot-write-file', option: '--html' });
    const t = r.timeline;
    if (ctx.json) ctx.outJson({ file: o.html, bytes: Buffer.byteLength(r.html), run: t.run, totals: t.totals, ...(t.rootCause ? { rootCause: t.rootCause } : {}) });
    else ctx.out(`wrote ${o.html}: run ${t.run.id} (${t.run.command ?? '?'} ${t.run.from ?? '?'} → ${t.run.to ?? '?'}, ${t.run.outcome}), ${t.totals.hops} hop${t.totals.hops === 1 ? '' : 's'}, ${t.totals.resources} resources`);
    return ExitCode.ok;
  });
}
