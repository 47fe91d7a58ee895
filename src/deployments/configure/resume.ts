import { rootTemplateUrl } from '../../catalog/urls.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { MSG, type IoHost } from '../../io/messages.js';
import type { StateStore } from '../../journal/state-store.js';
import { liveDeploymentKey } from '../deployment.js';
import { readReconciled } from '../../journal/ownership.js';
import type { Stage, StagedParameter } from '../staging/types.js';
import type { ExecutorDeps } from '../deps/executor-deps.js';
import { executeConfigure, type ConfigureResult } from './configure.js';
import { executeDeploy, type DeployResult } from './deploy.js';
import { readParameterSource, valuesOf, type ParameterSource } from './inputs.js';
import { latestStagedRun } from './run-records.js';
import { findParameter } from '../../parameters/definitions.js';

export interface ResumeStagedOptions {
  rootStack: string;
  roleStack: string;
  region: string;
  store: StateStore;
  timeoutMs: number;
  useDeploymentRole?: boolean;
  signal?: AbortSignal;
  resumeCommand?: string;
}

/** The latest staged run of the deployment's journal (see `latestStagedRun`), as a run will find it once its journals are reconciled. */
export async function readLatestStagedRun(deps: Pick<ExecutorDeps, 'identity' | 'cloudFormation'>, o: { rootStack: string; region: string; store: StateStore }): Promise<ReturnType<typeof latestStagedRun>> {
  const { key, live } = await liveDeploymentKey(deps, o.region, o.rootStack);
  return latestStagedRun((await readReconciled(o.store, key, live)).entries);
}

/**
 * Whether the deployment's journal ends in a `deploy` or `configure` run, finished or not, so
 * `pantherctl resume` hands it to `resumeStagedRun` (which continues it, or says it finished)
 * instead of the upgrade executor.
 */
export async function latestStagedCommand(deps: Pick<ExecutorDeps, 'identity' | 'cloudFormation'>, o: { rootStack: string; region: string; store: StateStore }): Promise<'deploy' | 'configure' | undefined> {
  return (await readLatestStagedRun(deps, o))?.start.command;
}

/**
 * Continues the latest unfinished `deploy` or `configure` exactly where it stopped: the stages
 * recorded when it started, finished ones skipped, an operation it had started waited for
 * (never repeated). Values are read again from the parameter file, which must be unchanged:
 * the journal records only keys and the file's digest, never values.
 */
export async function resumeStagedRun(deps: ExecutorDeps, io: IoHost, o: ResumeStagedOptions): Promise<DeployResult | ConfigureResult | { alreadyDone: true }> {
  const run = await readLatestStagedRun(deps, o);
  if (!run) throw new PantherctlError('nothing-to-resume', `the journal of ${o.rootStack} holds no deploy or configure run`, { hint: 'Nothing to resume.' });
  if (run.finished) {
    io.notify(MSG['resume.already-done'].msg(`the last ${run.start.command} of ${o.rootStack} already finished; nothing to resume`, { command: run.start.command }));
    return { alreadyDone: true };
  }
  const start = run.start;
  if (start.overrideKeys.length) {
    throw new PantherctlError('cannot-resume', `the ${start.command} run used --param ${start.overrideKeys.join(', ')}, whose values are not stored`, {
      hint: `Run \`pantherctl ${start.command}\` again with the same file and flags: applied stages are found unchanged and skipped.`,
    });
  }
  const source = readParameterSource(start.paramsFile);
  if (source.sha256 !== start.paramsSha256) {
    throw new PantherctlError('params-file-changed', `${start.paramsFile} changed since the ${start.command} run started; resuming would apply other values than those confirmed`, {
      hint: `Run \`pantherctl configure --params ${start.paramsFile}\` to apply the file as it is now.`,
    });
  }
  io.notify(MSG['resume.start'].msg(`resuming the ${start.command} of ${o.rootStack} from ${start.paramsFile}`, { command: start.command }));
  const stages = rebuildStages(start.stages, source);
  const common = { roleStack: o.roleStack, region: o.region, store: o.store, timeoutMs: o.timeoutMs, paramsFile: start.paramsFile, ...(o.signal ? { signal: o.signal } : {}), ...(o.resumeCommand ? { resumeCommand: o.resumeCommand } : {}), ...(o.useDeploymentRole !== undefined ? { useDeploymentRole: o.useDeploymentRole } : {}) };
  if (start.command === 'configure') {
    return executeConfigure(deps, io, { ...common, rootStack: o.rootStack }, source, stages, start.build, { records: run.records });
  }
  const values = new Map(valuesOf(source.inputs).map((v) => [v.key, v.value]));
  const create: StagedParameter[] = (start.create ?? []).map((key) => ({ key, value: values.get(key) ?? '' }));
  const version = start.version ?? '';
  return executeDeploy(deps, io, { ...common, rootStack: o.rootStack, version }, version, source, { plan: { create, stages, atDefault: [] }, templateUrl: rootTemplateUrl(version, o.region), build: start.build }, { records: run.records });
}

/** The stages recorded at the start, with their values read from the file again. */
function rebuildStages(keys: readonly string[][], source: ParameterSource): Stage[] {
  const values = new Map(valuesOf(source.inputs).map((v) => [v.key, v.value]));
  return keys.map((stageKeys, i) => {
    const defs = stageKeys.map((k) => findParameter(k));
    return {
      index: i + 1,
      groups: [...new Set(defs.map((d) => d?.group ?? 'other'))],
      risky: defs.some((d) => d?.risky === true),
      parameters: stageKeys.map((key) => {
        const value = values.get(key);
        if (value === undefined) throw new PantherctlError('params-file-changed', `${source.file} no longer gives ${key}`, { hint: 'Run configure again with the file as it is now.' });
        return { key, value };
      }),
    };
  });
}
