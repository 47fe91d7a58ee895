import { describe, expect, it } from 'vitest';
import { summarizeJournal } from '../../journal/progress.js';
import { tempJournal } from '../../journal/test-support/temp-journal.js';
import { repeatableBuildToken } from './pulumi-build.js';

const ASKED = Date.parse('2026-12-01T10:00:00.000Z');
const TOKEN = 'pantherctl-build-v1-26-9-1a2b3c4d';

describe('repeatableBuildToken', () => {
  it('gives the journaled token only while the build id was never heard, and only inside its 4-minute window', async () => {
    const { journal } = await tempJournal({ now: () => new Date(ASKED) });
    await journal.append({ type: 'step.requested', step: 'start-build', hop: 'v1.26.9', clientRequestToken: TOKEN, project: 'panther-pulumi' });
    const asked = summarizeJournal(journal.all()).hops.get('v1.26.9')?.steps['start-build'];
    expect(repeatableBuildToken(asked, ASKED + 1_000)).toBe(TOKEN);
    expect(repeatableBuildToken(asked, ASKED + 4 * 60_000 - 1)).toBe(TOKEN);
    // CodeBuild holds the token for 5 minutes; past 4, the build is looked for instead.
    expect(repeatableBuildToken(asked, ASKED + 4 * 60_000)).toBeUndefined();

    await journal.append({ type: 'step.accepted', step: 'start-build', hop: 'v1.26.9', buildId: 'panther-pulumi:1' });
    const accepted = summarizeJournal(journal.all()).hops.get('v1.26.9')?.steps['start-build'];
    expect(repeatableBuildToken(accepted, ASKED + 1_000)).toBeUndefined();
    expect(repeatableBuildToken(undefined, ASKED)).toBeUndefined();
  });
});
