import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { DeploymentKey } from './state-store.js';

export type { DeploymentKey };

/**
 * The default state directory: the user's state home, so that every run on this machine, from
 * any working directory, meets the same lock and journal of a deployment. The XDG Base
 * Directory Specification: "$XDG_STATE_HOME defines the base directory relative to which
 * user-specific state files should be stored. If $XDG_STATE_HOME is either not set or empty, a
 * default equal to $HOME/.local/state should be used", and "All paths set in these environment
 * variables must be absolute. If an implementation encounters a relative path in any of these
 * variables it should consider the path invalid and ignore it."
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'pantherctl');
  return join(env.HOME || homedir(), '.local', 'state', 'pantherctl');
}

/** Stack names, regions and account ids are already file-safe; this guards odd inputs. */
const safe = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_');

/** `<account>-<region>-<rootstack>`: what the lock of a deployment, and its journals, are named after. */
export function deploymentStem(key: Pick<DeploymentKey, 'account' | 'region' | 'rootStack'>): string {
  return `${safe(key.account)}-${safe(key.region)}-${safe(key.rootStack)}`;
}

/**
 * The part of a stack id that tells two stacks of one name apart: the UUID that ends its ARN
 * (`arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/<uuid>`); a stack id of
 * another shape (tests) is used whole.
 */
export function stackIdPart(stackId: string): string {
  const uuid = /^arn:[^:]+:cloudformation:[^:]*:[^:]*:stack\/[^/]+\/([^/]+)$/.exec(stackId)?.[1];
  return safe(uuid ?? stackId);
}

/** Whether two stack ids name the same stack (one may be an id as `stackIdPart` keeps it). */
export function sameStackId(a: string, b: string): boolean {
  return stackIdPart(a) === stackIdPart(b);
}

/**
 * The journal of a deployment's root stack: `<stateDir>/journal/<stem>.<stack uuid>.ndjson`
 * when the key names the stack by id (a journal belongs to one stack: a stack created again
 * under the same name gets a journal of its own); `<stem>.ndjson` before the stack exists (a
 * first deploy) and for journals pantherctl wrote before it keyed them by stack id. A stem
 * never holds a dot, so the two never meet.
 */
export function journalPath(key: DeploymentKey, stateDir: string = defaultStateDir()): string {
  const stem = deploymentStem(key);
  return resolve(stateDir, 'journal', key.stackId ? `${stem}.${stackIdPart(key.stackId)}.ndjson` : `${stem}.ndjson`);
}

/** The lock sits beside the journals and is per deployment (account, region, root stack name), whichever stack holds the name. */
export function lockPath(key: DeploymentKey, stateDir: string = defaultStateDir()): string {
  return resolve(stateDir, 'journal', `${deploymentStem(key)}.lock`);
}

/** Where the local store keeps the journal of `key` and the lock of its name (LocalStateStore.locate). */
export function localStateLocations(key: DeploymentKey, stateDir: string): { journal: string; lock: string } {
  return { journal: journalPath(key, stateDir), lock: lockPath(key, stateDir) };
}

/** Where journals that belong to no live stack are moved to: kept for the record, never read for a run again. */
export function archiveDir(stateDir: string = defaultStateDir()): string {
  return resolve(stateDir, 'journal', 'archive');
}
