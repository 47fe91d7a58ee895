import { describe, expect, it } from 'vitest';
import { PARAMETERS, findParameter } from './definitions.js';
import { REDACTED, isSecret, redactValue } from './redact.js';

describe('redaction', () => {
  it('hides the secret parameters', () => {
    expect(isSecret('DatadogAPIKey')).toBe(true);
    expect(isSecret('Segment')).toBe(true);
    expect(redactValue('Segment', 'canary')).toBe(REDACTED);
    const def = findParameter('DatadogAPIKey');
    if (!def) throw new Error('missing');
    expect(redactValue(def, 'canary')).toBe(REDACTED);
  });

  it('shows ARNs that point at secrets, and ordinary values', () => {
    expect(isSecret('DatadogAPIKeySecretArn')).toBe(false);
    expect(isSecret('PulumiSecretKeyArn')).toBe(false);
    expect(redactValue('EnableFips', 'true')).toBe('true');
  });

  it('hides unknown secret-looking names', () => {
    for (const name of ['DatadogApiKey', 'SegmentWriteKey', 'AdminPassword', 'GithubToken', 'MySecret']) expect(isSecret(name), name).toBe(true);
    for (const name of ['MySecretArn', 'SomethingElse', 'VpcID']) expect(isSecret(name), name).toBe(false);
  });

  it('agrees with the name heuristic for every known parameter except the documented ones', () => {
    const heuristic = (name: string): boolean => /key|secret|password|token/i.test(name) && !/arn$/i.test(name);
    const disagree = PARAMETERS.filter((d) => d.secret !== heuristic(d.name)).map((d) => d.name);
    // `Segment` is the write key under a name that does not say so.
    expect(disagree).toEqual(['Segment']);
  });
});
