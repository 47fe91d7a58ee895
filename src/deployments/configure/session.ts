import type { IoHost } from '../../io/messages.js';
import { runJournaled } from '../../journal/run-journaled.js';
import { deploymentKey } from '../deployment.js';
import type { ExecutorDeps } from '../deps/executor-deps.js';
import type { OperationContext } from '../operations/context.js';
import type { StagedRunOptions } from './types.js';
import { runRedactor } from '../../support/run-redaction.js';

/**
 * Runs one `deploy` or `configure` (fresh or resumed) through the journaled-run engine, with
 * the operation context its steps share: the deployment's lock (the same one `upgrade` takes,
 * so they never overlap), its journal, Ctrl-C, and how the run ended.
 */
export async function runInSession<T>(
  deps: ExecutorDeps,
  io: IoHost,
  o: StagedRunOptions & { rootStack: string },
  command: 'deploy' | 'configure',
  body: (c: OperationContext) => Promise<T>,
  /** The parameter values of the run (file and `--param`): secret ones are redacted from build logs and reasons. */
  values: readonly { key: string; value: string }[] = [],
): Promise<T> {
  const key = await deploymentKey(deps, o.region, o.rootStack);
  const resumeCommand = o.resumeCommand ?? `pantherctl resume --root-stack ${o.rootStack} --region ${o.region}`;
  const redact = runRedactor({ values });
  return runJournaled(command, { key, store: o.store, resumeCommand, ...(o.signal ? { signal: o.signal } : {}) }, (run) =>
    body({ deps, io, journal: run.journal, signal: run.signal, timeoutMs: o.timeoutMs, rootStack: o.rootStack, resumeCommand, redact }),
  );
}
