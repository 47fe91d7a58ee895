import { describe, expect, it } from 'vitest';
import { parseEntry, type JournalEntry } from '../../journal/entry.js';
import { checkPromotion } from './promotion.js';
import { journalRuns, requiredRunFromJournal } from './journal-runs.js';
import { parameterChanges, planDigest } from './plan-digest.js';

const R = '1'.repeat(64);
const L = '2'.repeat(64);
const digests = { 'v1.26.9': { root: R, role: L }, 'v1.27.8': { root: L, role: R } };
const PLAN = planDigest({
  target: 'v1.27.8',
  hops: [
    { version: 'v1.26.9', rootTemplateSha256: R, roleTemplateSha256: L },
    { version: 'v1.27.8', rootTemplateSha256: L, roleTemplateSha256: R },
  ],
  parameterChanges: [],
});

/** A journal from entries (seq and time filled in; each `run` id given), read as the journal reads its lines. */
function journal(...items: { run: string; type: JournalEntry['type']; [key: string]: unknown }[]): JournalEntry[] {
  return items.map((e, i) => {
    const parsed = parseEntry({ v: 2, seq: i + 1, time: `2026-12-01T10:${String(i).padStart(2, '0')}:00.000Z`, ...e });
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.entry;
  });
}

const start = (run: string, extra: Record<string, unknown> = {}) => ({
  run,
  type: 'run.start' as const,
  command: 'upgrade',
  from: 'v1.25.18',
  to: 'v1.27.8',
  hops: ['v1.26.9', 'v1.27.8'],
  rootStack: 'panther-root',
  roleStack: 'panther-deployment-role',
  overrideKeys: [],
  digests,
  ...extra,
});

describe('journal runs', () => {
  it('computes the digest of a run that changed no parameter from what run.start records', () => {
    const runs = journalRuns(journal(start('r1'), { run: 'r1', type: 'hop.done', hop: 'v1.26.9' }, { run: 'r1', type: 'run.done', to: 'v1.27.8' }));
    expect(runs).toEqual([
      { run: 'r1', command: 'upgrade', startedAt: '2026-12-01T10:00:00.000Z', endedAt: '2026-12-01T10:02:00.000Z', outcome: 'done', from: 'v1.25.18', to: 'v1.27.8', hops: ['v1.26.9', 'v1.27.8'], digest: PLAN },
    ]);
  });

  it('a resume carries the digest of the run it continues, and its end finishes that plan', () => {
    const entries = journal(start('r1'), { run: 'r1', type: 'run.interrupted', code: 'interrupted' }, start('r2', { command: 'resume', digests: {} }), { run: 'r2', type: 'run.done' });
    expect(journalRuns(entries).map((r) => [r.run, r.outcome, r.digest])).toEqual([
      ['r1', 'interrupted', PLAN],
      ['r2', 'done', PLAN],
    ]);
    expect(checkPromotion([requiredRunFromJournal('staging', entries, PLAN)], PLAN)).toEqual({ ok: true });
  });

  it('does not guess a digest when parameters changed and their hashes were not recorded', () => {
    const unknown = journalRuns(journal(start('r1', { overrideKeys: ['DatadogAPIKey'] })));
    expect(unknown[0]!.digest).toBeUndefined();
    const changes = parameterChanges({ DatadogAPIKey: 'secret' });
    const recorded = journalRuns(journal(start('r1', { overrideKeys: ['DatadogAPIKey'], parameterChanges: changes })));
    expect(recorded[0]!.digest).toBe(planDigest({ target: 'v1.27.8', hops: [{ version: 'v1.26.9', rootTemplateSha256: R, roleTemplateSha256: L }, { version: 'v1.27.8', rootTemplateSha256: L, roleTemplateSha256: R }], parameterChanges: changes }));
    const stated = journalRuns(journal(start('r1', { planDigest: 'f'.repeat(64) })));
    expect(stated[0]!.digest).toBe('f'.repeat(64));
  });

  it('explains a refusal with the latest run when the plan never finished', () => {
    const other = start('r2', { to: 'v1.26.9', hops: ['v1.26.9'] });
    const entries = journal(start('r1'), { run: 'r1', type: 'run.failed', code: 'stack-rolled-back' }, other, { run: 'r2', type: 'run.done' });
    const required = requiredRunFromJournal('staging', entries, PLAN);
    expect(required).toMatchObject({ deployment: 'staging', finished: true });
    expect(required.digest).not.toBe(PLAN);
    expect(checkPromotion([required], PLAN)).toMatchObject({ ok: false, reasons: [{ code: 'requirement-other-plan' }] });
    expect(requiredRunFromJournal('new', [], PLAN)).toEqual({ deployment: 'new', digest: undefined, finished: false });
    const killed = journal(start('r1'));
    expect(requiredRunFromJournal('staging', killed, PLAN)).toEqual({ deployment: 'staging', digest: PLAN, finished: false });
  });
});
