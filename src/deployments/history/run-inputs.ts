/**
 * What `history` and `report` read about a deployment's runs: its journal (through the
 * StateStore, so local and shared state alike), the events of its role stack, root stack and
 * every nested stack (deleted ones included: a rollback deletes the nested stacks an update
 * created), and the builds the journal names. Reads only; the timeline (report/run-timeline.ts)
 * makes sense of them.
 */
import type { StackEvent, StackSummary, BuildInfo } from '../aws/types.js';
import type { OpenedDeployment } from '../deployment.js';
import { deploymentKey } from '../deployment.js';
import { chooseRootStack } from '../status/discover-root.js';
import type { JournalEntry } from '../../journal/entry.js';

export interface RunInputs {
  rootStack: string;
  root?: StackSummary;
  journal: JournalEntry[];
  stackEvents: StackEvent[];
  builds: BuildInfo[];
}

export interface RunInputsOptions {
  /** Events per stack, newest first. Default 2 000: enough for several runs of a big root stack. */
  eventLimit?: number;
  /** Builds read, newest first. Default 20. */
  buildLimit?: number;
}

export async function readRunInputs(d: OpenedDeployment, options: RunInputsOptions = {}): Promise<RunInputs> {
  const { deps, settings, store } = d;
  const cfn = deps.cloudFormation;
  const limit = options.eventLimit ?? 2_000;
  const choice = await chooseRootStack(cfn, { ...(settings.rootStack ? { named: settings.rootStack } : {}), roleStack: settings.roleStack });
  const key = await deploymentKey(deps, settings.connection.region, choice.name);
  const journal = await store.read(key);
  const root = await cfn.describeStack(choice.name);
  const role = await cfn.describeStack(settings.roleStack);
  const ids = [root?.stackId, role?.stackId].filter((x): x is string => x !== undefined);
  if (root) {
    const listed = await cfn.listStacks({ includeDeleted: true });
    for (const s of listed) if (s.rootId === root.stackId && s.stackId !== root.stackId) ids.push(s.stackId);
  }
  const stackEvents = (await Promise.all(ids.map((id) => cfn.describeEvents(id, { limit })))).flat();
  const buildIds = [...new Set(journal.flatMap((e) => ('buildId' in e && typeof e.buildId === 'string' ? [e.buildId] : [])).reverse())].slice(0, options.buildLimit ?? 20);
  const builds: BuildInfo[] = [];
  for (const id of buildIds) {
    try {
      builds.push(await deps.codeBuild.getBuild(id));
    } catch {
      // A build CodeBuild no longer keeps (they expire) leaves its hop without phases.
    }
  }
  return { rootStack: choice.name, ...(root ? { root } : {}), journal, stackEvents, builds };
}
