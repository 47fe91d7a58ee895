/**
 * Looking at and breaking a deployment's lock from outside the run that holds it
 * (`pantherctl lock status|release --force`), for either store: the S3 store reads its lock
 * object; the local store its lock file. Kept beside the StateStore interface, not in it, so
 * that stores stay small and the interface unchanged.
 */
import { rmSync } from 'node:fs';
import { lockHolder, type LockOwner } from './lock.js';
import { S3StateStore } from './s3-state-store.js';
import type { DeploymentKey, StateStore } from './state-store.js';

export interface LockView {
  lock: string;
  journal: string;
  /** `held`: a run holds it (its lease is running); `expired`: its lease lapsed, the next run takes it over; `free`: never taken or released. */
  state: 'held' | 'expired' | 'free';
  holder?: LockOwner & { user?: string };
  /** When the lease lapses (S3 state). */
  expiresAt?: string;
  /** How the last holding ended (S3 state keeps it). */
  released?: { at: string; by: string; reason: string; forced: boolean };
}

export interface LockAdministration {
  inspect(key: DeploymentKey): Promise<LockView>;
  /** Breaks whatever holds the lock; the holder it broke, or undefined when it was free. */
  forceRelease(key: DeploymentKey, reason: string): Promise<(LockOwner & { user?: string }) | undefined>;
}

export function lockAdministration(store: StateStore): LockAdministration {
  if (store instanceof S3StateStore) {
    return {
      async inspect(key) {
        const where = store.locate(key);
        const s = await store.lockStatus(key);
        if (!s) return { ...where, state: 'free' };
        const { doc } = s;
        return {
          ...where,
          state: doc.state === 'released' ? 'free' : s.expired ? 'expired' : 'held',
          ...(doc.state === 'held' ? { holder: doc.holder, expiresAt: doc.expiresAt } : {}),
          ...(doc.released ? { released: doc.released } : {}),
        };
      },
      forceRelease: (key, reason) => store.forceRelease(key, reason),
    };
  }
  // The local store: a lock file beside the journal (lock.ts); the holder's liveness is checked when a run takes it.
  return {
    async inspect(key) {
      const where = store.locate(key);
      const holder = lockHolder(where.lock);
      return { ...where, state: holder ? 'held' : 'free', ...(holder ? { holder } : {}) };
    },
    async forceRelease(key) {
      const path = store.locate(key).lock;
      const holder = lockHolder(path);
      rmSync(path, { force: true });
      return holder;
    },
  };
}
