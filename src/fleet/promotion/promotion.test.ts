import { describe, expect, it } from 'vitest';
import { checkPromotion, requiredRunFrom } from './promotion.js';

const D = '1'.repeat(64);
const E = '2'.repeat(64);

describe('checkPromotion', () => {
  it('passes when every required deployment finished the same plan, and with no requirement', () => {
    expect(checkPromotion([{ deployment: 'staging', digest: D, finished: true }], D)).toEqual({ ok: true });
    expect(checkPromotion([], D)).toEqual({ ok: true });
  });

  it('gives every reason at once, in order, with codes', () => {
    const result = checkPromotion(
      [
        { deployment: 'staging', digest: E, finished: true },
        { deployment: 'qa', digest: D, finished: false },
        { deployment: 'dev', digest: undefined, finished: false },
        { deployment: 'ok', digest: D, finished: true },
        { deployment: 'eu', digest: E, finished: false },
      ],
      D,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reasons.map((r) => [r.deployment, r.code])).toEqual([
      ['staging', 'requirement-other-plan'],
      ['qa', 'requirement-not-finished'],
      ['dev', 'requirement-not-run'],
      ['eu', 'requirement-other-plan'],
    ]);
    expect(result.reasons[0]!.message).toBe('staging finished plan 222222222222, not plan 111111111111');
    expect(result.reasons[3]!.message).toBe('eu last ran plan 222222222222, not plan 111111111111');
  });

  it('does not accept a finished run without a digest (a run from before digests were recorded)', () => {
    const result = checkPromotion([{ deployment: 'staging', digest: undefined, finished: true }], D);
    expect(result).toMatchObject({ ok: false, reasons: [{ code: 'requirement-not-run' }] });
  });

  it('picks from a deployment\'s runs: a finished run of the plan counts even if another plan ran since', () => {
    expect(requiredRunFrom('staging', [{ digest: D, finished: true }, { digest: E, finished: false }], D)).toEqual({ deployment: 'staging', digest: D, finished: true });
    expect(requiredRunFrom('staging', [{ digest: D, finished: false }, { digest: E, finished: true }], D)).toEqual({ deployment: 'staging', digest: E, finished: true });
    expect(requiredRunFrom('staging', [], D)).toEqual({ deployment: 'staging', digest: undefined, finished: false });
  });
});
