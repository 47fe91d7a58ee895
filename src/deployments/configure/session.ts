import { openJournalSession, type JournalSession } from '../../journal/session.js';
import type { IoHost } from '../../io/messages.js';
import type { OperationContext } from '../operations/context.js';
import type { ExecutorDeps } from '../deps/executor-deps.js';
import { failRun, finishRun } from './run-records.js';
import type { StagedRunOptions, StagedRunRecord } from './types.js';

export interface RunSession extends JournalSession {
  account: string;
}

/**
 * Takes the deployment's lock and opens its journal, the same files `upgrade` uses, so a
 * `configure` and an `upgrade` of one deployment can never overlap.
 */
export async function openRunSession(deps: Pick<ExecutorDeps, 'identity'>, o: { region: string; rootStack: string; stateDir: string; command: string }): Promise<RunSession> {
  const { account } = await deps.identity.getCallerIdentity();
  return { account, ...openJournalSession({ account, region: o.region, rootStack: o.rootStack }, { command: o.command, stateDir: o.stateDir }) };
}

/**
 * Runs one `deploy` or `configure` (fresh or resumed) under the deployment's lock, with the
 * operation context its steps share. The journal records how it ended: `run.done`, or a
 * failure or interruption that `resume` reads; the lock is always released.
 */
export async function runInSession<T>(
  deps: ExecutorDeps,
  io: IoHost,
  o: StagedRunOptions & { rootStack: string },
  command: StagedRunRecord['command'],
  body: (c: OperationContext) => Promise<T>,
): Promise<T> {
  const session = await openRunSession(deps, { region: o.region, rootStack: o.rootStack, stateDir: o.stateDir, command });
  const c: OperationContext = {
    deps,
    io,
    journal: session.journal,
    signal: o.signal ?? new AbortController().signal,
    timeoutMs: o.timeoutMs,
    rootStack: o.rootStack,
    resumeCommand: o.resumeCommand ?? `pantherctl resume --root-stack ${o.rootStack} --region ${o.region}`,
  };
  try {
    const result = await body(c);
    finishRun(c.journal);
    return result;
  } catch (err) {
    failRun(c.journal, err);
    throw err;
  } finally {
    session.close();
  }
}
