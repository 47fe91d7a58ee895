/**
 * Assembles a support bundle from files already collected in memory: every file goes through
 * the redactors, a `redactions.json` at the top counts what each redactor removed from each
 * file, and the result is one tar.gz. Pure apart from gzip: the command collects (AWS calls,
 * journals, preflight) and writes the archive; this decides what is in it.
 */
import { createRedactors, redactText, type RedactionOptions, type RedactorName } from './redactors.js';
import { createTarGz, type TarEntry } from './tar-gz.js';

export interface BundleFile {
  /** Path inside the bundle, relative to its top folder (`stacks/panther-root/events.json`). */
  path: string;
  /** Text only: everything pantherctl collects is JSON, NDJSON, YAML or log lines. */
  content: string;
}

/** `{ file -> { redactor -> count } }`; files without a hit are absent. */
export type RedactionReport = Record<string, Partial<Record<RedactorName, number>>>;

export const REDACTIONS_FILE = 'redactions.json';

/** Redacts each file; returns the clean files and the per-file counts. */
export function redactFiles(files: readonly BundleFile[], options: RedactionOptions = {}): { files: BundleFile[]; report: RedactionReport } {
  const redactors = createRedactors(options);
  const report: RedactionReport = {};
  const clean = files.map((f) => {
    const { text, counts } = redactText(f.content, redactors);
    if (Object.keys(counts).length > 0) report[f.path] = counts;
    return { path: f.path, content: text };
  });
  return { files: clean, report };
}

/** Sums a report per redactor, for the command's one-line summary. */
export function redactionTotals(report: RedactionReport): Partial<Record<RedactorName, number>> {
  const totals: Partial<Record<RedactorName, number>> = {};
  for (const counts of Object.values(report)) {
    for (const [name, n] of Object.entries(counts) as [RedactorName, number][]) totals[name] = (totals[name] ?? 0) + n;
  }
  return totals;
}

export interface SupportBundleInput {
  files: readonly BundleFile[];
  redaction?: RedactionOptions;
  /**
   * Top folder inside the archive, so unpacking makes one directory. Default
   * `pantherctl-support`; the command should add the time (`pantherctl-support-20270114T1012Z`).
   */
  root?: string;
  /** Modification time of every entry. Default the Unix epoch (reproducible archives). */
  mtime?: Date;
}

export interface SupportBundle {
  archive: Buffer;
  report: RedactionReport;
  /** Paths inside the archive, `redactions.json` included, root folder excluded. */
  paths: string[];
}

export function buildSupportBundle(input: SupportBundleInput): SupportBundle {
  const root = (input.root ?? 'pantherctl-support').replace(/\/+$/, '');
  const { files, report } = redactFiles(input.files, input.redaction);
  if (files.some((f) => f.path === REDACTIONS_FILE)) throw new Error(`${REDACTIONS_FILE} is written by the bundle itself`);
  const all: BundleFile[] = [...files, { path: REDACTIONS_FILE, content: `${JSON.stringify(report, null, 2)}\n` }];
  const directories = new Set<string>([`${root}/`]);
  for (const f of all) {
    const parts = f.path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) directories.add(`${root}/${parts.slice(0, i).join('/')}/`);
  }
  const entries: TarEntry[] = [
    ...[...directories].sort().map((path) => ({ path, type: 'directory' as const })),
    ...all.map((f) => ({ path: `${root}/${f.path}`, content: f.content })),
  ];
  return { archive: createTarGz(entries, input.mtime ? { mtime: input.mtime } : {}), report, paths: all.map((f) => f.path) };
}
