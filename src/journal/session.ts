import { randomUUID } from 'node:crypto';
import { acquireLock, type DeploymentLock } from './lock.js';
import { Journal } from './journal.js';
import { journalPath, lockPath, type DeploymentKey } from './paths.js';
import { summarizeJournal, type JournalSummary } from './progress.js';

export interface JournalSession {
  journal: Journal;
  lock: DeploymentLock;
  /** Where the journal is, for messages. */
  path: string;
  /** What the journal said before this run started. */
  before: JournalSummary;
  /** Closes the journal and releases the lock. */
  close(): void;
}

export interface JournalSessionOptions {
  /** The command holding the lock (`upgrade`, `resume`, `deploy`, `configure`), shown to a run it refuses. */
  command: string;
  stateDir: string;
  /** Clock of the journal's entries. Default: the system clock. */
  now?: () => Date;
}

/**
 * Takes the deployment's lock, then opens its journal: one pair of files per deployment, shared
 * by `upgrade`, `deploy` and `configure`, so no two runs on one deployment overlap, and the
 * journal (whose opening may repair a torn last line) is only touched under the lock.
 */
export function openJournalSession(key: DeploymentKey, o: JournalSessionOptions): JournalSession {
  const run = randomUUID();
  const lock = acquireLock(lockPath(key, o.stateDir), { command: o.command, run });
  const path = journalPath(key, o.stateDir);
  let journal: Journal;
  try {
    journal = Journal.open(path, { run, ...(o.now ? { now: o.now } : {}) });
  } catch (err) {
    lock.release();
    throw err;
  }
  return {
    journal,
    lock,
    path,
    before: summarizeJournal(journal.all()),
    close() {
      journal.close();
      lock.release();
    },
  };
}
