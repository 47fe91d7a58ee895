/**
 * A fleet after loading (load.ts): every rule checked, defaults applied, waves in run order.
 * No zod here: the scheduler, the status table and the coordinator's commands type against
 * these shapes without loading the schema.
 */

/** How the deployment's credentials are obtained. `default`: the SDK's default chain. */
export type FleetCredentials = { kind: 'default' } | { kind: 'profile'; profile: string } | { kind: 'assume-role'; roleArn: string };

/** One entry of `requires`, as written. */
export type FleetRequirement = { kind: 'deployment'; name: string } | { kind: 'wave'; wave: string };

/** 1-based position of something in the fleet file. */
export interface FleetPosition {
  line: number;
  column: number;
}

export interface FleetDeployment {
  name: string;
  account: string;
  region: string;
  rootStack: string;
  /** Default `panther-deployment-role`. */
  roleStack: string;
  credentials: FleetCredentials;
  /** The deployment's own endpoint, else the fleet-wide one; absent for AWS itself. */
  endpointUrl?: string;
  /** Wave id: the name as written, or the number written as decimal digits (`2`). */
  wave: string;
  /** `requires` as written (a single string becomes a list of one). */
  requires: FleetRequirement[];
  /**
   * The deployments `requires` names, with `wave:<W>` expanded to every deployment of W, in
   * file order and without duplicates. These must have finished the same plan first.
   */
  requiredDeployments: string[];
  /** Where the entry starts in the file, for messages. */
  position: FleetPosition;
}

export interface FleetWave {
  id: string;
  /** Names of the wave's deployments, in file order. */
  deployments: string[];
}

/** Something the loader noticed but that does not stop the fleet from loading. */
export interface FleetIssue extends FleetPosition {
  /** Dotted path into the document, e.g. `deployments[2].requires[0]`; empty for the whole file. */
  path: string;
  message: string;
}

export interface Fleet {
  /** The file the fleet was read from (as given). */
  source: string;
  /** SHA-256 (hex) of the file's text, recorded in a fleet plan so a changed fleet is noticed. */
  sha256: string;
  /** Waves in the order they run. */
  waves: FleetWave[];
  /** Every deployment, in file order. */
  deployments: FleetDeployment[];
  warnings: FleetIssue[];
}

/** `./pantherctl-fleet.yml`: the fleet file read when `--fleet` is not given. */
export const DEFAULT_FLEET_FILE = 'pantherctl-fleet.yml';

/** Prefix of a `requires` entry that names a wave. */
export const WAVE_REQUIREMENT_PREFIX = 'wave:';
