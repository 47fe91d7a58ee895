/**
 * `pantherctl lock status` and `pantherctl lock release --force`: who holds a deployment's
 * lock, and breaking it when that run is gone for good (its laptop died; waiting for the S3
 * lease would do too). A forced release is journaled, with its reason, in the deployment's
 * journal, under a momentary holding of its own.
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { usageError } from '../../errors/pantherctl-error.js';
import type { IoHost } from '../../io/messages.js';
import { Journal } from '../../journal/journal.js';
import { lockAdministration, type LockView } from '../../journal/lock-admin.js';
import { deploymentKey, withDeployment, type DeploymentOptions } from '../deployment.js';
import { chooseRootStack } from '../status/discover-root.js';

export interface LockStatusResult extends LockView {
  rootStack: string;
  account: string;
  region: string;
}

export interface LockReleaseOptions extends DeploymentOptions {
  /** Required: it is journaled, for whoever finds the deployment next. */
  reason: string;
}

export interface LockReleaseResult extends LockStatusResult {
  /** Whether a holding was broken (false: the lock was free already). */
  releasedHolder: boolean;
  /** The journal entry's sequence number. */
  journaledAt?: number;
}

export async function lockStatus(o: DeploymentOptions, io: IoHost): Promise<LockStatusResult> {
  return withDeployment(o, io, async (d) => {
    const root = await chooseRootStack(d.deps.cloudFormation, { ...(d.settings.rootStack ? { named: d.settings.rootStack } : {}), roleStack: d.settings.roleStack });
    const key = await deploymentKey(d.deps, d.settings.connection.region, root.name);
    const view = await lockAdministration(d.store).inspect(key);
    return { ...view, rootStack: key.rootStack, account: key.account, region: key.region };
  });
}

export async function releaseLock(o: LockReleaseOptions, io: IoHost): Promise<LockReleaseResult> {
  const reason = o.reason.trim();
  if (!reason) throw usageError('`--reason` must say why the lock is broken (it is journaled)');
  return withDeployment(o, io, async (d) => {
    const root = await chooseRootStack(d.deps.cloudFormation, { ...(d.settings.rootStack ? { named: d.settings.rootStack } : {}), roleStack: d.settings.roleStack });
    const key = await deploymentKey(d.deps, d.settings.connection.region, root.name);
    const admin = lockAdministration(d.store);
    const holder = await admin.forceRelease(key, reason);
    // Journaled under a holding of its own: a run that starts meanwhile wins, and the entry waits for it (locked).
    const lease = await d.store.acquire(key, { command: 'lock release', run: randomUUID() });
    let seq: number | undefined;
    try {
      const journal = await Journal.open(d.store, lease);
      const entry = await journal.append({
        type: 'lock.released',
        forced: true,
        reason,
        by: currentUser(),
        ...(holder ? { holder: { command: holder.command, pid: holder.pid, hostname: holder.hostname, since: holder.since, ...(holder.run ? { run: holder.run } : {}), ...(holder.fence ? { fence: holder.fence } : {}), ...(holder.user ? { user: holder.user } : {}) } } : {}),
      });
      seq = entry.seq;
      journal.close();
    } finally {
      await d.store.release(lease);
    }
    const view = await admin.inspect(key);
    return { ...view, rootStack: key.rootStack, account: key.account, region: key.region, releasedHolder: holder !== undefined, ...(seq ? { journaledAt: seq } : {}), ...(holder ? { holder } : {}) };
  });
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
