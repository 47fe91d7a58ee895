import type { DeploymentStatus } from '../../deployments/status/status.js';
import { isFailedStatus, isInProgress, outcomeOf } from '../../deployments/wait/stack-status.js';
import { ExitCode } from '../../errors/pantherctl-error.js';
import type { FleetDeployment } from '../file/types.js';
import type { JournalRun } from '../promotion/journal-runs.js';

/**
 * `pantherctl fleet status`: one row per deployment, assembled purely from what the command
 * read for each one (its status, the runs in its journal, its lock), then a table model that
 * any renderer draws (TTY table, CI lines, or nothing: `--json` prints the rows). Rows are
 * the JSON contract; the table is presentation.
 */

/** Who holds a deployment's lock, as the state store reports it. */
export interface LockHolderInput {
  /** `user@host`, or what the store knows. */
  holder: string;
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  /** The holder's lease ran out: the next run may take the lock over. */
  expired?: boolean;
}

export interface FleetStatusInput {
  deployment: Pick<FleetDeployment, 'name' | 'wave' | 'account' | 'region' | 'rootStack' | 'roleStack'>;
  /** `readStatus` of the deployment; absent when reading it failed (`error`). */
  status?: DeploymentStatus;
  /** Why the status could not be read: the PantherctlError's code and message. */
  error?: { code: string; message: string };
  /** The deployment's journal runs, oldest first (`journalRuns`); the latest is shown. */
  runs?: readonly JournalRun[];
  lock?: LockHolderInput;
}

export type FleetDeploymentState = 'up-to-date' | 'behind' | 'unknown';

/** `fleet status --json`: one per deployment. */
export interface FleetStatusRow {
  name: string;
  wave: string;
  account: string;
  region: string;
  state: FleetDeploymentState;
  /** Deployed version, when known. */
  version?: string;
  /** The latest recommended release of the deployment's major. */
  latest?: string;
  /** Minor releases behind `latest` (0 when up to date); absent when unknown. */
  minorsBehind?: number;
  stacks: {
    root: { name: string; status?: string };
    role: { name: string; status?: string; version?: string; found?: boolean };
  };
  lastBuild?: { status: string; endTime?: string };
  lastRun?: { command: string; outcome: JournalRun['outcome']; to?: string; startedAt: string; endedAt?: string; digest?: string };
  lock?: LockHolderInput;
  error?: { code: string; message: string };
}

export function fleetStatusRow(input: FleetStatusInput): FleetStatusRow {
  const { deployment: d, status } = input;
  const last = input.runs?.[input.runs.length - 1];
  const state: FleetDeploymentState = !status ? 'unknown' : status.upToDate ? 'up-to-date' : 'behind';
  return {
    name: d.name,
    wave: d.wave,
    account: d.account,
    region: d.region,
    state,
    ...(status ? { version: status.rootStack.version, minorsBehind: status.minorsBehind } : {}),
    ...(status?.latestRecommended ? { latest: status.latestRecommended } : {}),
    stacks: {
      root: { name: status?.rootStack.name ?? d.rootStack, ...(status ? { status: status.rootStack.status } : {}) },
      role: {
        name: status?.roleStack.name ?? d.roleStack,
        ...(status ? { found: status.roleStack.found } : {}),
        ...(status?.roleStack.status ? { status: status.roleStack.status } : {}),
        ...(status?.roleStack.version ? { version: status.roleStack.version } : {}),
      },
    },
    ...(status?.lastBuild ? { lastBuild: { status: status.lastBuild.status, ...(status.lastBuild.endTime ? { endTime: status.lastBuild.endTime } : {}) } } : {}),
    ...(last
      ? {
          lastRun: {
            command: last.command,
            outcome: last.outcome,
            ...(last.to ? { to: last.to } : {}),
            startedAt: last.startedAt,
            ...(last.endedAt ? { endedAt: last.endedAt } : {}),
            ...(last.digest ? { digest: last.digest } : {}),
          },
        }
      : {}),
    ...(input.lock ? { lock: { ...input.lock } } : {}),
    ...(input.error ? { error: { code: input.error.code, message: input.error.message } } : {}),
  };
}

/** How a renderer may colour a cell; `plain` when nothing stands out. */
export type CellTone = 'plain' | 'ok' | 'warn' | 'error' | 'muted';

export interface TableCell {
  text: string;
  tone: CellTone;
}

export type FleetColumnId = 'name' | 'wave' | 'account' | 'region' | 'version' | 'behind' | 'stacks' | 'lastRun' | 'lock';

export interface TableColumn {
  id: FleetColumnId;
  title: string;
  align: 'left' | 'right';
}

export interface FleetStatusTable {
  columns: TableColumn[];
  rows: { name: string; cells: Record<FleetColumnId, TableCell> }[];
  summary: { deployments: number; behind: number; unknown: number; locked: number };
  /** 3 when any status could not be read (nothing can be said of it), else 10 when any is behind, else 0. */
  exitCode: number;
}

export const FLEET_STATUS_COLUMNS: readonly TableColumn[] = [
  { id: 'name', title: 'DEPLOYMENT', align: 'left' },
  { id: 'wave', title: 'WAVE', align: 'left' },
  { id: 'account', title: 'ACCOUNT', align: 'left' },
  { id: 'region', title: 'REGION', align: 'left' },
  { id: 'version', title: 'VERSION', align: 'left' },
  { id: 'behind', title: 'BEHIND', align: 'right' },
  { id: 'stacks', title: 'STACKS', align: 'left' },
  { id: 'lastRun', title: 'LAST RUN', align: 'left' },
  { id: 'lock', title: 'LOCK', align: 'left' },
];

const cell = (text: string, tone: CellTone = 'plain'): TableCell => ({ text, tone });
const NONE = cell('-', 'muted');

/** `2026-12-01 10:02` (UTC): a table cell, not a timestamp to parse; rows keep the ISO time. */
function shortTime(iso: string): string {
  return iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso;
}

function stackTone(status: string | undefined): CellTone {
  if (status === undefined) return 'muted';
  if (isFailedStatus(status) || outcomeOf(status) === 'rolled-back') return 'error';
  if (isInProgress(status)) return 'warn';
  return 'ok';
}

const TONE_RANK: Record<CellTone, number> = { plain: 0, muted: 0, ok: 1, warn: 2, error: 3 };

function stacksCell(row: FleetStatusRow): TableCell {
  if (row.state === 'unknown') return cell(row.error ? `unknown (${row.error.code})` : 'unknown', 'error');
  const root = row.stacks.root.status ?? '?';
  const role = row.stacks.role.found === false ? 'missing' : (row.stacks.role.status ?? '?');
  const tones = [stackTone(row.stacks.root.status), row.stacks.role.found === false ? 'error' : stackTone(row.stacks.role.status)] as const;
  const tone = tones.reduce((a, b) => (TONE_RANK[b] > TONE_RANK[a] ? b : a));
  return cell(`root ${root}, role ${role}`, tone);
}

function lastRunCell(row: FleetStatusRow): TableCell {
  const r = row.lastRun;
  if (!r) return NONE;
  const what = `${r.command}${r.to ? ` to ${r.to}` : ''}`;
  const when = shortTime(r.endedAt ?? r.startedAt);
  const tone: CellTone = r.outcome === 'done' ? 'ok' : r.outcome === 'unfinished' ? 'warn' : 'error';
  const outcome = r.outcome === 'unfinished' ? 'unfinished, since' : r.outcome;
  return cell(`${what}: ${outcome} ${when}`, tone);
}

function lockCell(row: FleetStatusRow): TableCell {
  const l = row.lock;
  if (!l) return NONE;
  return l.expired ? cell(`${l.holder} (${l.command}, lease expired)`, 'warn') : cell(`${l.holder} (${l.command}, since ${shortTime(l.since)})`, 'warn');
}

/** The table of `fleet status` for a TTY or CI renderer, in the order of `rows`. */
export function fleetStatusTable(rows: readonly FleetStatusRow[]): FleetStatusTable {
  const out = rows.map((row) => {
    const cells: Record<FleetColumnId, TableCell> = {
      name: cell(row.name),
      wave: cell(row.wave),
      account: cell(row.account),
      region: cell(row.region),
      version: row.version ? cell(row.version, row.state === 'behind' ? 'warn' : 'ok') : cell('?', 'error'),
      behind:
        row.minorsBehind === undefined
          ? cell('?', 'muted')
          : row.minorsBehind === 0
            ? cell(row.state === 'behind' ? 'patch' : '0', row.state === 'behind' ? 'warn' : 'ok')
            : cell(`${row.minorsBehind} minor${row.minorsBehind === 1 ? '' : 's'}`, 'warn'),
      stacks: stacksCell(row),
      lastRun: lastRunCell(row),
      lock: lockCell(row),
    };
    return { name: row.name, cells };
  });
  const behind = rows.filter((r) => r.state === 'behind').length;
  const unknown = rows.filter((r) => r.state === 'unknown').length;
  return {
    columns: [...FLEET_STATUS_COLUMNS],
    rows: out,
    summary: { deployments: rows.length, behind, unknown, locked: rows.filter((r) => r.lock !== undefined).length },
    exitCode: unknown > 0 ? ExitCode.aws : behind > 0 ? ExitCode.behind : ExitCode.ok,
  };
}
