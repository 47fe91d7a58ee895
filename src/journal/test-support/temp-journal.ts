import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, type JournalOptions } from '../journal.js';
import { LocalStateStore } from '../local-state-store.js';
import type { DeploymentKey, Lease } from '../state-store.js';

export const TEST_KEY: DeploymentKey = { account: '123456789012', region: 'us-east-2', rootStack: 'panther-root' };

/** A journal under its lock in a fresh temporary state directory. */
export async function tempJournal(options: JournalOptions & { stateDir?: string; key?: DeploymentKey } = {}): Promise<{ journal: Journal; store: LocalStateStore; lease: Lease; path: string; stateDir: string }> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'pantherctl-journal-'));
  const store = new LocalStateStore({ stateDir });
  const key = options.key ?? TEST_KEY;
  const lease = await store.acquire(key, { command: 'test', run: options.run ?? 'test-run' });
  const journal = await Journal.open(store, lease, options);
  return { journal, store, lease, path: store.locate(key).journal, stateDir };
}
