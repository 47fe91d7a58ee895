import { existsSync, readFileSync, truncateSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { JOURNAL_VERSION, parseEntry, type JournalEntry, type JournalInput } from './entry.js';
import type { DeploymentKey, Lease, StateStore } from './state-store.js';

export interface JournalOptions {
  /** Id of this run. Default: a random UUID. */
  run?: string;
  /** Clock for entry times. Default: `new Date()`. */
  now?: () => Date;
}

/**
 * The journal of one run: the entries found when it was opened, then the run's own, each
 * appended through the store under the run's lease (so it carries the fence and the next
 * sequence number) and durable before `append` resolves: an entry that was appended survives
 * a SIGKILL or a power cut that follows. Only opened under the deployment's lock.
 */
export class Journal {
  readonly run: string;
  private readonly now: () => Date;
  private seq: number;
  private closed = false;
  private readonly entries: JournalEntry[];
  /** This run appended something. */
  wrote = false;
  /** This run started a run (`run.start`) or requested a change outside a preview: a stop leaves something to resume. */
  changed = false;

  private constructor(
    private readonly store: StateStore,
    private readonly lease: Lease,
    existing: JournalEntry[],
    options: JournalOptions,
  ) {
    this.run = options.run ?? randomUUID();
    this.now = options.now ?? (() => new Date());
    this.entries = existing;
    this.seq = existing.reduce((max, e) => Math.max(max, e.seq), 0);
  }

  static async open(store: StateStore, lease: Lease, options: JournalOptions = {}): Promise<Journal> {
    return new Journal(store, lease, await store.read(lease.key), options);
  }

  get key(): DeploymentKey {
    return this.lease.key;
  }

  /** Every entry, oldest first: those found when opened, then this run's. */
  all(): readonly JournalEntry[] {
    return this.entries;
  }

  async append(input: JournalInput): Promise<JournalEntry> {
    if (this.closed) throw new PantherctlError('journal-closed', 'the journal is closed');
    const parsed = parseEntry({ ...input, v: JOURNAL_VERSION, seq: this.seq + 1, time: this.now().toISOString(), run: this.run, fence: this.lease.fence });
    // The input is typed as an entry; a failure here is a bug, never the operator's input.
    if (!parsed.ok) throw new PantherctlError('internal', `journal entry ${input.type} does not fit the journal: ${parsed.reason}`);
    const entry = parsed.entry;
    // The entry must be durable before the mutating call it announces is made.
    await this.store.append(this.lease, entry);
    this.seq = entry.seq;
    this.entries.push(entry);
    this.wrote = true;
    if (entry.type === 'run.start' || (entry.type === 'step.requested' && !(entry.step === 'create-change-set' && entry.preview))) this.changed = true;
    return entry;
  }

  close(): void {
    this.closed = true;
  }
}

/**
 * Reads a journal file; a missing file is an empty journal. A line that does not parse is only
 * tolerated as the last one (a write torn by a crash); elsewhere it means the file was edited
 * or written by a newer pantherctl, and resuming from it would be a guess.
 */
export function readJournal(path: string): JournalEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new PantherctlError('journal-unreadable', `cannot read the journal ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const lines = text.split('\n');
  const entries: JournalEntry[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      if (isLast) return;
      throw corrupt(path, i + 1, 'not JSON');
    }
    const parsed = parseEntry(raw);
    if (!parsed.ok) throw corrupt(path, i + 1, parsed.reason);
    entries.push(parsed.entry);
  });
  return entries;
}

function corrupt(path: string, line: number, reason: string): PantherctlError {
  return new PantherctlError('journal-corrupt', `the journal ${path} is corrupt at line ${line} (${reason})`, {
    hint: 'Move the file aside to start a fresh journal; `pantherctl status` shows the live state.',
  });
}

/** Cuts a torn last line (no trailing newline) so that the next append starts a clean line. */
export function dropTornTail(path: string): void {
  if (!existsSync(path)) return;
  const buf = readFileSync(path);
  if (buf.length === 0 || buf[buf.length - 1] === 0x0a) return;
  truncateSync(path, buf.lastIndexOf(0x0a) + 1);
}
