import { PARAMETERS } from '../../parameters/definitions.js';
import { planStages } from './plan-stages.js';
import type { FirstDeployPlan, StagedParameter, StagingOptions } from './types.js';

export interface FirstDeployOptions extends StagingOptions {
  /**
   * Defaults of the template being created (parameter key to default). A later value equal to
   * its default is already live after the create, so it gets no stage. Default: the defaults
   * of the parameter table.
   */
  templateDefaults?: ReadonlyMap<string, string>;
}

/**
 * Splits a full parameter set for a first deploy, pure: the create call gets only what the
 * parameter table marks `required` or `safe`; everything else (and any parameter the table
 * does not know) waits for staged updates, because a failed create rolls back and deletes
 * the whole deployment while a failed update only rolls back itself.
 */
export function planFirstDeploy(inputs: readonly StagedParameter[], options: FirstDeployOptions = {}): FirstDeployPlan {
  const definitions = new Map((options.definitions ?? PARAMETERS).map((d) => [d.name, d]));
  const latest = new Map<string, StagedParameter>();
  for (const input of inputs) latest.set(input.key, input);

  const create: StagedParameter[] = [];
  const later: StagedParameter[] = [];
  const atDefault: string[] = [];
  for (const p of latest.values()) {
    const def = definitions.get(p.key);
    if (def && def.firstDeploy !== 'later') {
      create.push({ key: p.key, value: p.value });
      continue;
    }
    const templateDefault = options.templateDefaults ? options.templateDefaults.get(p.key) : def?.default;
    if (templateDefault !== undefined && templateDefault === p.value) atDefault.push(p.key);
    else later.push({ key: p.key, value: p.value });
  }
  return { create, stages: planStages(later, options), atDefault };
}
