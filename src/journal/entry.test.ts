import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestStagedRun } from '../deployments/configure/run-records.js';
import { parseEntry } from './entry.js';
import { readJournal } from './journal.js';
import { summarizeJournal } from './progress.js';
import { TEST_KEY, tempJournal } from './test-support/temp-journal.js';
import { journalPath } from './paths.js';

/**
 * Journals written by pantherctl before the journaled-run engine (version 1: entries without
 * `v`), recorded from the CLI against the sandbox: an upgrade whose hop 2 failed, then whose
 * build failed, resumed, then two configures; a first deploy; a rollback that failed,
 * recovered, resumed; an upgrade stopped by SIGINT, resumed.
 */
const FIXTURES = ['v1-upgrade-configure', 'v1-deploy', 'v1-recover', 'v1-interrupted'].map((name) => join(import.meta.dirname, 'fixtures', `${name}.ndjson`));

describe('journal entries of version 1 (pantherctl before v2 entries)', () => {
  it.each(FIXTURES)('%s reads without losing a field', (file) => {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const entries = readJournal(file);
    expect(entries).toHaveLength(lines.length);
    lines.forEach((line, i) => {
      const raw = JSON.parse(line) as Record<string, unknown>;
      expect(raw.v).toBeUndefined();
      // Read as version 2: every field kept as written, nothing invented but the version.
      expect(entries[i]).toEqual({ ...raw, v: 2, ...defaultsFor(raw) });
    });
  });

  it('fold into what a resume needs: the plan, step records, how the run ended', () => {
    const entries = readJournal(FIXTURES[0]!);
    const starts = entries.filter((e) => e.type === 'run.start');
    expect(starts.map((e) => e.command)).toEqual(['upgrade', 'upgrade', 'resume', 'configure', 'configure']);
    const firstFailure = entries.findIndex((e) => e.type === 'run.failed');
    const failed = summarizeJournal(entries.slice(0, firstFailure + 1));
    expect(failed.plan?.hops).toEqual(['v1.26.9', 'v1.27.8', 'v1.28.7']);
    expect(failed.stoppedBy).toBe('run.failed');
    expect(failed.hops.get('v1.27.8')?.steps['execute-change-set']?.status).toBe('failed');
    expect(failed.hops.get('v1.26.9')?.done).toBe(true);

    const deploy = latestStagedRun(readJournal(FIXTURES[1]!));
    expect(deploy?.start).toMatchObject({ command: 'deploy', version: 'v1.28.7', options: { replaceFailed: false } });
    expect(deploy?.finished).toBe(true);
    expect(deploy?.records.get('first-deploy')?.steps['create-stack']?.accepted?.stackId).toMatch(/^arn:aws:cloudformation:/);

    const recover = readJournal(FIXTURES[2]!).find((e) => e.type === 'step.requested' && e.step === 'continue-rollback');
    expect(recover).toMatchObject({ stack: 'panther-root', skip: [] });

    const interrupted = readJournal(FIXTURES[3]!);
    expect(interrupted.find((e) => e.type === 'run.interrupted')).toMatchObject({ code: 'interrupted' });
    expect(summarizeJournal(interrupted).finished).toBe(true);
  });

  it('a run continues an old journal: new entries are version 2, numbered after the old ones', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'pantherctl-v1-'));
    mkdirSync(join(stateDir, 'journal'));
    copyFileSync(FIXTURES[3]!, journalPath(TEST_KEY, stateDir));
    const { journal, store, lease, path } = await tempJournal({ stateDir });
    expect(journal.all()).toHaveLength(18);
    await journal.append({ type: 'run.done', to: 'v1.26.9' });
    await store.release(lease);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ v: 2, seq: 19, type: 'run.done' });
    expect(readJournal(path)).toHaveLength(19);
  });

  it('refuses what no version has (an unknown type, a missing field) and a newer version', () => {
    expect(parseEntry({ seq: 1, time: 't', run: 'r', type: 'run.exploded' }).ok).toBe(false);
    expect(parseEntry({ seq: 1, time: 't', run: 'r', type: 'step.accepted', step: 'start-build', hop: 'h' }).ok).toBe(false);
    expect(parseEntry({ v: 3, seq: 1, time: 't', run: 'r', type: 'run.done' })).toEqual({ ok: false, reason: 'journal entry version 3 (this pantherctl reads versions 1 and 2)' });
    expect(parseEntry({ v: 2, seq: 1, time: 't', run: 'r', type: 'run.done' })).toEqual({ ok: true, entry: { v: 2, seq: 1, time: 't', run: 'r', type: 'run.done' } });
  });
});

/** The defaults version 2 applies to fields a version-1 entry may lack. */
function defaultsFor(raw: Record<string, unknown>): Record<string, unknown> {
  if (raw.type === 'run.start' && (raw.command === 'upgrade' || raw.command === 'resume')) return { acks: raw.acks ?? [], overrideKeys: raw.overrideKeys ?? [], digests: raw.digests ?? {} };
  if (raw.type === 'run.start') return { overrideKeys: raw.overrideKeys ?? [], options: raw.options ?? {} };
  if (raw.type === 'step.requested' && raw.step === 'continue-rollback') return { skip: raw.skip ?? [] };
  return {};
}
