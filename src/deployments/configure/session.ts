import { acquireLock, type DeploymentLock } from '../../journal/lock.js';
import { Journal } from '../../journal/journal.js';
import { journalPath, lockPath } from '../../journal/paths.js';
import { summarizeJournal, type JournalSummary } from '../../journal/progress.js';
import type { ExecutorDeps } from '../upgrade/deps.js';

export interface RunSession {
  account: string;
  journal: Journal;
  lock: DeploymentLock;
  /** What the journal said before this run started. */
  before: JournalSummary;
  close(): void;
}

/**
 * Takes the deployment's lock and opens its journal, the same files `upgrade` uses, so a
 * `configure` and an `upgrade` of one deployment can never overlap.
 */
export async function openRunSession(deps: Pick<ExecutorDeps, 'identity'>, o: { region: string; rootStack: string; stateDir: string; command: string }): Promise<RunSession> {
  const { account } = await deps.identity.getCallerIdentity();
  const key = { account, region: o.region, rootStack: o.rootStack };
  const journal = Journal.open(journalPath(key, o.stateDir));
  let lock: DeploymentLock;
  try {
    lock = acquireLock(lockPath(key, o.stateDir), { command: o.command, run: journal.run });
  } catch (err) {
    journal.close();
    throw err;
  }
  return {
    account,
    journal,
    lock,
    before: summarizeJournal(journal.all()),
    close() {
      journal.close();
      lock.release();
    },
  };
}
