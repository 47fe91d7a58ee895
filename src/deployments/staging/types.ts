import type { ParameterDef } from '../../parameters/types.js';

/**
 * Shapes of first-deploy staging. A parameter set is split into what the create call gets
 * and an ordered list of stages, each applied as its own stack update, so that a bad value
 * costs one rolled-back update instead of a deleted deployment (spec, "Configuring
 * deployment parameters").
 */

/** One value to apply. Values may be secrets: a Stage is never printed or stored whole. */
export interface StagedParameter {
  key: string;
  value: string;
}

export interface Stage {
  /** 1-based position, as reports and the journal name it (`stage-2`). */
  index: number;
  /** Parameter groups in this stage, in order (`datadog`, `snowflake`, ...). */
  groups: string[];
  /** Holds a group the spec names as risky (Snowflake, custom domain). */
  risky: boolean;
  parameters: StagedParameter[];
}

export interface StagingOptions {
  /**
   * At most this many parameters per stage (`--stage-size`). With it, small non-risky groups
   * share a stage while they fit, and a group larger than N is split into consecutive stages.
   * Default: no cap, one stage per group (related parameters together, each group on its own).
   */
  stageSize?: number;
  /**
   * Everything in one update (`--single-update`), risky groups included. Default false. Cannot
   * be combined with `stageSize`.
   */
  singleUpdate?: boolean;
  /** The parameter table that gives groups and risk. Default: PARAMETERS (tests pass their own). */
  definitions?: readonly ParameterDef[];
}

/** The parameters of a first deploy, split for a safe create. */
export interface FirstDeployPlan {
  /** Sent with CreateStack: required parameters and those marked safe for a first deploy. */
  create: StagedParameter[];
  /** Applied after the create succeeded, one stack update per stage. */
  stages: Stage[];
  /**
   * Keys left out of both because the value equals the template default the create already
   * applies: no update would change anything.
   */
  atDefault: string[];
}
