/**
 * The default state store of a command (a LocalStateStore in the state directory), loaded on
 * its first use. The journal's reader validates entries with zod, whose bundle alone costs
 * `status` about as much as starting Node (issue 10, item 6: `status` ≤ 3× `node -e 0`);
 * commands that never read or write a journal (`status`, `plan`-like reads) now never load
 * it. `locate` is synchronous in the interface, so it is answered here from the same paths.
 */
import type { LocalStateStore, LocalStateStoreOptions } from './local-state-store.js';
import { defaultStateDir, localStateLocations } from './paths.js';
import type { StateStore } from './state-store.js';

export function lazyLocalStateStore(options: LocalStateStoreOptions = {}): StateStore {
  const stateDir = options.stateDir ?? defaultStateDir();
  let loading: Promise<LocalStateStore> | undefined;
  const store = (): Promise<LocalStateStore> => (loading ??= import('./local-state-store.js').then((m) => new m.LocalStateStore({ ...options, stateDir })));
  return {
    locate: (key) => localStateLocations(key, stateDir),
    read: async (key) => (await store()).read(key),
    acquire: async (key, claim) => (await store()).acquire(key, claim),
    renew: async (lease) => (await store()).renew(lease),
    release: async (lease) => (await store()).release(lease),
    append: async (lease, entry) => (await store()).append(lease, entry),
    journals: async (key) => (await store()).journals(key),
    archive: async (key) => (await store()).archive(key),
    inspectLock: async (key) => (await store()).inspectLock(key),
  };
}
