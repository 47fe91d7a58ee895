import { resolve } from 'node:path';

/** Default state directory, relative to the working directory. */
export const DEFAULT_STATE_DIR = '.pantherctl';

import type { DeploymentKey } from './state-store.js';

export type { DeploymentKey };

/** `<stateDir>/journal/<account>-<region>-<rootstack>.ndjson`: one journal per deployment. */
export function journalPath(key: DeploymentKey, stateDir: string = DEFAULT_STATE_DIR): string {
  return resolve(stateDir, 'journal', `${fileStem(key)}.ndjson`);
}

/** The lock sits beside the journal, named after the same deployment. */
export function lockPath(key: DeploymentKey, stateDir: string = DEFAULT_STATE_DIR): string {
  return resolve(stateDir, 'journal', `${fileStem(key)}.lock`);
}

function fileStem(key: DeploymentKey): string {
  // Stack names, regions and account ids are already file-safe; this guards odd inputs.
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${safe(key.account)}-${safe(key.region)}-${safe(key.rootStack)}`;
}

