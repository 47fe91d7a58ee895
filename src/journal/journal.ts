import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PantherctlError } from '../errors/pantherctl-error.js';
import type { JournalEntry, JournalInput } from './entry.js';

export interface JournalOptions {
  /** Id of this run. Default: a random UUID. */
  run?: string;
  /** Clock for entry times. Default: `new Date()`. */
  now?: () => Date;
}

/**
 * An append-only NDJSON journal. Every `append` is written with one `write` and fsync'ed
 * before it returns, so an entry that was appended survives a SIGKILL or a power cut that
 * follows; at worst the last line is torn, and `readJournal` ignores a torn last line.
 */
export class Journal {
  readonly run: string;
  private readonly now: () => Date;
  private seq: number;
  private fd: number | undefined;
  private closed = false;
  private readonly entries: JournalEntry[];

  private constructor(
    readonly path: string,
    existing: JournalEntry[],
    options: JournalOptions,
  ) {
    this.run = options.run ?? randomUUID();
    this.now = options.now ?? (() => new Date());
    this.entries = existing;
    this.seq = existing.reduce((max, e) => Math.max(max, e.seq), 0);
  }

  /**
   * Opens the journal at `path`. The file (and its directory) is only created by the first
   * `append`, so a run refused before it changed anything leaves no empty journal behind.
   */
  static open(path: string, options: JournalOptions = {}): Journal {
    const existing = readJournal(path);
    dropTornTail(path);
    return new Journal(path, existing, options);
  }

  /** Every entry, oldest first: those found on disk when opened, then this run's. */
  all(): readonly JournalEntry[] {
    return this.entries;
  }

  append(input: JournalInput): JournalEntry {
    if (this.closed) throw new PantherctlError('journal-closed', 'the journal is closed', { source: 'internal' });
    const fd = this.fd ?? this.openFile();
    const entry = { seq: ++this.seq, time: this.now().toISOString(), run: this.run, ...input } as JournalEntry;
    writeSync(fd, `${JSON.stringify(entry)}\n`);
    // The entry must be on disk before the mutating call it announces is made.
    fsyncSync(fd);
    this.entries.push(entry);
    return entry;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.closed = true;
  }

  private openFile(): number {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a', 0o600);
      return this.fd;
    } catch (err) {
      throw new PantherctlError('journal-unwritable', `cannot open the journal ${this.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
        hint: 'Check that the state directory (--state-dir) is writable.',
      });
    }
  }
}

/**
 * Reads a journal; a missing file is an empty journal. A line that does not parse is only
 * tolerated as the last one (a write torn by a crash); elsewhere it means the file was
 * edited, and resuming from it would be a guess.
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
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
      if (!isLast) {
        throw new PantherctlError('journal-corrupt', `the journal ${path} is corrupt at line ${i + 1}`, {
          hint: 'Move the file aside to start a fresh journal; `pantherctl status` shows the live state.',
        });
      }
    }
  });
  return entries;
}

/** Cuts a torn last line (no trailing newline) so that the next append starts a clean line. */
function dropTornTail(path: string): void {
  if (!existsSync(path)) return;
  const buf = readFileSync(path);
  if (buf.length === 0 || buf[buf.length - 1] === 0x0a) return;
  truncateSync(path, buf.lastIndexOf(0x0a) + 1);
}
