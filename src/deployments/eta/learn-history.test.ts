import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../journal/entry.js';
import { learnFromHistory } from './learn-history.js';

describe('learnFromHistory', () => {
  it('without a finished hop in the journal learns nothing and reads no stack event', async () => {
    const calls: string[] = [];
    const deps = new Proxy({}, { get: (_t, name) => (calls.push(String(name)), undefined) });
    const journal = [{ type: 'run.start', run: 'r1', seq: 1, time: '2026-01-01T00:00:00.000Z' }] as unknown as JournalEntry[];
    const model = await learnFromHistory({ deps, settings: {}, store: {} } as never, { journal });
    expect(model).toEqual({ runs: 0, steps: {}, resources: {} });
    expect(calls).toEqual([]);
  });

  it('a history that cannot be read gives no model rather than an error', async () => {
    const journal = [{ type: 'hop.done', hop: 'v1.26.9', run: 'r1', seq: 2, time: '2026-01-01T00:00:00.000Z' }] as unknown as JournalEntry[];
    await expect(learnFromHistory({ deps: {}, settings: { roleStack: 'x', connection: { region: 'us-east-2' } }, store: {} } as never, { journal })).resolves.toBeUndefined();
  });
});
