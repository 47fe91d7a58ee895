import type { Command } from 'commander';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { FleetStatusTable } from '../../fleet/status/fleet-status.js';
import { createStyle } from '../../io/style.js';
import type { CliContext } from '../context.js';
import type { ProgramBuilder } from '../main.js';
import { Option } from 'commander';
import { catalogOption, stateOptions } from './connection-options.js';
import { collect, intOption } from './option-parsers.js';

interface FleetFlags {
  fleet?: string;
  state?: string;
  stateKmsKey?: string;
  stateDir?: string;
  catalog?: string;
  allowUnsupportedRegion?: boolean;
}

interface FleetRunFlags extends FleetFlags {
  to?: string;
  plan?: string;
  out?: string;
  wave?: string;
  maxConcurrent?: number;
  failureTolerance?: number;
  describeRate?: number;
  param?: string[];
  yes?: boolean;
}

/** Test and benchmark hook: every waiter's poll interval (ms), as deployment-options.ts reads it. */
const POLL_ENV = 'PANTHERCTL_POLL_INTERVAL_MS';

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

  const planCmd = fleetCommon(fleet.command('plan').description('plan every deployment of the fleet once (hops, template digests, plan digest) and write the fleet plan'))
    .requiredOption('--to <version>', 'target: v1.28.7, 1.28, 1.28.x or latest (every deployment must resolve it alike)')
    .requiredOption('--out <file>', 'where to write the fleet plan (JSON), for `fleet upgrade --plan`')
    .option('--wave <wave>', 'plan only this wave')
    .option('--param <key=value>', 'a parameter change for every deployment (repeatable); only its hash is written', collect);
  b.action<FleetRunFlags>(planCmd, async (ctx, o) => {
    const { planFleet } = await import('../../fleet/run/fleet-upgrade-run.js');
    const { fleetPlanText } = await import('../../fleet/promotion/fleet-plan.js');
    const { writeUserText } = await import('../../io/write-user-file.js');
    const base = await fleetBase(ctx, o);
    const plan = await planFleet({ ...base, to: o.to ?? 'latest', ...(o.wave !== undefined ? { wave: o.wave } : {}), parameters: await params(o), now: () => new Date() }, ctx.io);
    writeUserText(o.out ?? '', fleetPlanText(plan), { what: 'fleet plan', code: 'cannot-write-file', option: '--out' });
    if (ctx.json) ctx.outJson({ plan: o.out, target: plan.target, deployments: plan.deployments.map((d) => ({ name: d.name, wave: d.wave, from: d.from, hops: d.hops.map((h) => h.version), digest: d.digest })) });
    else ctx.out(`fleet plan to ${plan.target} for ${plan.deployments.length} deployment${plan.deployments.length === 1 ? '' : 's'} written to ${o.out}`);
    return 0;
  });

  const upgradeCmd = runOptions(fleetCommon(fleet.command('upgrade').description('upgrade the fleet wave by wave; production only after what staging finished')))
    .option('--to <version>', "target: v1.28.7, 1.28, 1.28.x or latest (default: the --plan file's)")
    .option('--plan <file>', 'follow a fleet plan saved with `fleet plan --out`')
    .option('--yes', 'confirm up front (needed without a terminal)');
  b.action<FleetRunFlags>(upgradeCmd, async (ctx, o) => {
    const { fleetUpgrade } = await import('../../fleet/run/fleet-upgrade-run.js');
    if (!o.to && !o.plan) throw usage('fleet upgrade needs --to VERSION or --plan FILE');
    if (o.to) (await import('../../catalog/version.js')).parseVersionSpec(o.to);
    const plan = o.plan ? (await import('../../fleet/promotion/read-fleet-plan.js')).readFleetPlanFile(o.plan) : undefined;
    if (!o.yes && !ctx.interactive) throw confirmationRequired();
    const base = await fleetBase(ctx, o);
    const { withInterrupt } = await import('../deployment-options.js');
    return withInterrupt(async (signal) => {
      const r = await fleetUpgrade({ ...base, ...runValues(o), ...(o.to ? { to: o.to } : {}), ...(plan ? { plan } : {}), parameters: await params(o), signal, resumeCommand: resumeLine(o) }, o.yes ? ctx.io.approving() : ctx.io);
      return r.exitCode;
    });
  });

  const resumeCmd = runOptions(fleetCommon(fleet.command('resume').description('continue the last fleet upgrade from the journals: finished deployments stay, failed ones continue, the rest start')));
  b.action<FleetRunFlags>(resumeCmd, async (ctx, o) => {
    const { fleetResume } = await import('../../fleet/run/fleet-upgrade-run.js');
    const base = await fleetBase(ctx, o);
    const { withInterrupt } = await import('../deployment-options.js');
    return withInterrupt(async (signal) => (await fleetResume({ ...base, ...runValues(o), parameters: await params(o), signal, resumeCommand: resumeLine(o) }, ctx.io)).exitCode);
  });
}

function fleetCommon(cmd: Command): Command {
  return catalogOption(stateOptions(cmd))
    .option('--fleet <file>', 'the fleet file (default ./pantherctl-fleet.yml)')
    .option('--state-dir <dir>', 'where local journals and locks are kept (default .pantherctl)')
    .option('--allow-unsupported-region', 'allow regions Panther does not publish templates for');
}

function runOptions(cmd: Command): Command {
  return cmd
    .option('--wave <wave>', 'run only this wave (requirements in other waves are read from their journals)')
    .addOption(new Option('--max-concurrent <n>', 'deployments running at once inside a wave (default 1)').argParser(intOption('--max-concurrent', 1, 1000)))
    .addOption(new Option('--failure-tolerance <k>', 'failures allowed before no new deployment starts (default 0)').argParser(intOption('--failure-tolerance', 0, 1000)))
    .option('--param <key=value>', 'a parameter value for every deployment (repeatable); must be the planned one', collect)
    .addOption(new Option('--describe-rate <n>', 'CloudFormation read calls per second per account and region, over the whole fleet (default 5)').argParser(intOption('--describe-rate', 1, 100)));
}

function runValues(o: FleetRunFlags): { wave?: string; maxConcurrent?: number; failureTolerance?: number; describeRate?: number } {
  return { ...(o.describeRate !== undefined ? { describeRate: o.describeRate } : {}), ...(o.wave !== undefined ? { wave: o.wave } : {}), ...(o.maxConcurrent !== undefined ? { maxConcurrent: o.maxConcurrent } : {}), ...(o.failureTolerance !== undefined ? { failureTolerance: o.failureTolerance } : {}) };
}

/** The command line that continues this fleet run (for each deployment's hints). */
function resumeLine(o: FleetRunFlags): string {
  const parts = ['pantherctl fleet resume'];
  if (o.fleet) parts.push(`--fleet ${o.fleet}`);
  if (o.state) parts.push(`--state ${o.state}`);
  if (o.stateDir) parts.push(`--state-dir ${o.stateDir}`);
  for (const p of o.param ?? []) parts.push(`--param ${p.split('=')[0] ?? ''}=<value>`);
  return parts.join(' ');
}

async function params(o: FleetRunFlags): Promise<Record<string, string>> {
  const { paramValues } = await import('./upgrade.js');
  return paramValues(o.param);
}

async function fleetBase(ctx: CliContext, o: FleetFlags): Promise<import('../../fleet/run/fleet-upgrade-run.js').FleetConnectionOptions> {
  const { loadFleetFile } = await import('../../fleet/file/load.js');
  const { parseStateUrl } = await import('../../journal/state-url.js');
  if (o.state) parseStateUrl(o.state);
  const fleetFile = loadFleetFile(o.fleet, { allowUnsupportedRegion: Boolean(o.allowUnsupportedRegion) });
  const catalog = o.catalog ? (await import('../../catalog/load.js')).loadCatalogFile(o.catalog) : undefined;
  const poll = Number(ctx.streams.env[POLL_ENV]);
  return {
    fleet: fleetFile,
    ...(o.state ? { state: o.state } : {}),
    ...(o.stateKmsKey ? { stateKmsKey: o.stateKmsKey } : {}),
    ...(o.stateDir ? { stateDir: o.stateDir } : {}),
    ...(catalog ? { catalog } : {}),
    ...(poll > 0 ? { pollIntervalMs: poll } : {}),
  };
}

function usage(message: string): PantherctlError {
  return new PantherctlError('usage', message, { hint: 'See `pantherctl fleet upgrade --help`.' });
}

function confirmationRequired(): PantherctlError {
  return new PantherctlError('confirmation-required', 'a fleet upgrade needs a confirmation, and there is no terminal to ask on', { hint: 'Pass --yes to confirm up front (CI).' });
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
