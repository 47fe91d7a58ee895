import type { FleetStatusTable } from '../../fleet/status/fleet-status.js';
import { createStyle } from '../../io/style.js';
import type { CliContext } from '../context.js';
import type { ProgramBuilder } from '../main.js';
import { catalogOption, stateOptions } from './connection-options.js';

interface FleetFlags {
  fleet?: string;
  state?: string;
  stateKmsKey?: string;
  stateDir?: string;
  catalog?: string;
  allowUnsupportedRegion?: boolean;
}

/**
 * `pantherctl fleet status [--fleet FILE]`: one row per deployment of the fleet file (version,
 * how far behind, stack states, last run and its outcome, lock holder). Exit 0 when all are up
 * to date, 10 when any is behind, 3 when any could not be read.
 */
export function registerFleetCommand(b: ProgramBuilder): void {
  const fleet = b.command('fleet', 'many deployments at once, from a fleet file (docs/fleet.md)');
  const statusCmd = catalogOption(stateOptions(fleet.command('status').description('one row per deployment of the fleet; exit 10 when any is behind, 3 when any cannot be read')))
    .option('--fleet <file>', 'the fleet file (default ./pantherctl-fleet.yml)')
    .option('--state-dir <dir>', 'where local journals and locks are kept (default .pantherctl)')
    .option('--allow-unsupported-region', 'allow regions Panther does not publish templates for');
  b.action<FleetFlags>(statusCmd, async (ctx, o) => {
    const { loadFleetFile } = await import('../../fleet/file/load.js');
    const { fleetStatus } = await import('../../fleet/run/fleet-status-run.js');
    const { parseStateUrl } = await import('../../journal/state-url.js');
    if (o.state) parseStateUrl(o.state);
    const fleetFile = loadFleetFile(o.fleet, { allowUnsupportedRegion: Boolean(o.allowUnsupportedRegion) });
    let catalog;
    if (o.catalog) catalog = (await import('../../catalog/load.js')).loadCatalogFile(o.catalog);
    const r = await fleetStatus({ fleet: fleetFile, ...(o.state ? { state: o.state } : {}), ...(o.stateKmsKey ? { stateKmsKey: o.stateKmsKey } : {}), ...(o.stateDir ? { stateDir: o.stateDir } : {}), ...(catalog ? { catalog } : {}) }, ctx.io);
    if (ctx.json) ctx.outJson({ deployments: r.rows, summary: r.table.summary });
    else render(ctx, r.table);
    return r.table.exitCode;
  });
}

function render(ctx: CliContext, t: FleetStatusTable): void {
  const st = createStyle(ctx.color);
  const tone = { plain: (s: string) => s, ok: st.green, warn: st.yellow, error: st.red, muted: st.dim } as const;
  const widths = t.columns.map((c) => Math.max(c.title.length, ...t.rows.map((r) => r.cells[c.id].text.length)));
  const pad = (text: string, i: number): string => (t.columns[i]?.align === 'right' ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0));
  ctx.out(st.bold(t.columns.map((c, i) => pad(c.title, i)).join('  ').trimEnd()));
  for (const row of t.rows) ctx.out(t.columns.map((c, i) => tone[row.cells[c.id].tone](pad(row.cells[c.id].text, i))).join('  ').trimEnd());
  const s = t.summary;
  ctx.out(`${s.deployments} deployment${s.deployments === 1 ? '' : 's'}: ${s.behind} behind, ${s.unknown} unreadable, ${s.locked} locked`);
}
