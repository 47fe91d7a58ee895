import { describe, expect, it } from 'vitest';
import { PARAMETERS } from './definitions.js';
import fc from 'fast-check';
import { boundedEditDistance, didYouMean, editDistance } from './suggest.js';
import type { ParameterDef, ParameterInput } from './types.js';
import { fullMatch, isCloudFormationNumber, validateParameters } from './validate.js';

const REQUIRED: ParameterInput[] = [
  { key: 'FirstUserEmail', value: 'admin@example.com' },
  { key: 'PulumiSecretArn', value: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pulumi' },
  { key: 'PulumiSecretKeyArn', value: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pulumi-key' },
];

const codes = (inputs: ParameterInput[], firstDeploy = false): string[] =>
  validateParameters(inputs, { firstDeploy }).map((i) => `${i.severity}:${i.code}:${i.parameter}`);

describe('validateParameters: CloudFormation rules', () => {
  it('accepts the minimal first deploy with no errors', () => {
    const issues = validateParameters(REQUIRED, { firstDeploy: true });
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('reports every missing required parameter on a first deploy only', () => {
    expect(codes([], true)).toEqual(
      expect.arrayContaining([
        'error:missing-required:FirstUserEmail',
        'error:missing-required:PulumiSecretArn',
        'error:missing-required:PulumiSecretKeyArn',
      ]),
    );
    expect(codes([])).toEqual([]);
  });

  it('rejects unknown keys with a did-you-mean, positioned', () => {
    const issues = validateParameters([
      { key: 'VpcID', value: 'vpc-12345678', source: { file: 'p.yml', line: 3, column: 8 } },
      { key: 'DataLakeForwarderMemroy', value: '512' },
      { key: 'TotallyForeign', value: 'x' },
    ]);
    expect(issues.map((i) => i.message)).toEqual([
      'VpcID is not a parameter of the Panther template; did you mean VpcId?',
      'DataLakeForwarderMemroy is not a parameter of the Panther template; did you mean DataLakeForwarderMemory?',
      'TotallyForeign is not a parameter of the Panther template.',
    ]);
    expect(issues[0]).toMatchObject({ severity: 'error', code: 'unknown-parameter', file: 'p.yml', line: 3, column: 8 });
  });

  it('rejects duplicates at the second occurrence', () => {
    const issues = validateParameters([
      { key: 'EnableFips', value: 'true', source: { file: 'p.yml', line: 1, column: 13 } },
      { key: 'EnableFips', value: 'false', source: { file: 'p.yml', line: 2, column: 13 } },
    ]);
    expect(issues).toEqual([expect.objectContaining({ code: 'duplicate-parameter', parameter: 'EnableFips', line: 2 })]);
  });

  it('refuses UsePreviousValue on a first deploy, allows it on an update', () => {
    const input: ParameterInput = { key: 'EnableFips', usePreviousValue: true };
    expect(codes([...REQUIRED, input], true)).toContain('error:use-previous-on-first-deploy:EnableFips');
    expect(codes([input])).toEqual([]);
    expect(codes([{ ...input, value: 'true' }])).toEqual(['error:use-previous-with-value:EnableFips']);
    expect(codes([{ key: 'EnableFips' }])).toEqual(['error:missing-value:EnableFips']);
  });

  it('compares allowed values exactly and hints at a case slip', () => {
    const [issue] = validateParameters([{ key: 'EnableFips', value: 'True' }]);
    expect(issue?.message).toBe('EnableFips must be one of true, false, got "True" (did you mean true?).');
  });

  it('applies patterns as a full match, anchored or not', () => {
    expect(fullMatch('[a-z]+', 'abc')).toBe(true);
    expect(fullMatch('[a-z]+', 'abc1')).toBe(false);
    expect(fullMatch('a|b', 'ab')).toBe(false);
    expect(fullMatch('^(x)?$', '')).toBe(true);
  });

  it('parses numbers as CloudFormation does', () => {
    for (const ok of ['0', '-1', '+2', '1.5', '.5', '5.', '1e3', '2E-2']) expect(isCloudFormationNumber(ok), ok).toBe(true);
    for (const bad of ['', ' 1', '1 ', '0x10', 'Infinity', 'NaN', '1,000', '1e', '--1']) expect(isCloudFormationNumber(bad), bad).toBe(false);
  });

  it('validates against custom definitions', () => {
    const defs: ParameterDef[] = [
      { name: 'Only', type: 'Number', description: '', required: true, minValue: 1, secret: false, ignoredAfterFirstDeploy: false, firstDeploy: 'required', group: 'x' },
    ];
    expect(validateParameters([{ key: 'Only', value: '0' }], { definitions: defs }).map((i) => i.code)).toEqual(['below-min-value']);
    expect(validateParameters([], { definitions: defs, firstDeploy: true }).map((i) => i.code)).toEqual(['missing-required']);
  });
});

describe('did you mean', () => {
  it('prefers a case-insensitive match, then the nearest name within a third of its length', () => {
    const names = PARAMETERS.map((d) => d.name);
    expect(didYouMean('vpcid', names)).toBe('VpcId');
    expect(didYouMean('DatadogApiKy', names)).toBe('DatadogAPIKey');
    expect(didYouMean('SnowflakeRBACSecretArn', names)).toBe('SnowflakeRBACSecretARN');
    expect(didYouMean('Zzz', names)).toBeUndefined();
  });

  it('computes edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(boundedEditDistance('kitten', 'sitting', 3)).toBe(3);
    expect(boundedEditDistance('kitten', 'sitting', 2)).toBe(3);
    expect(boundedEditDistance('abc', '', 1)).toBe(2);
  });

  it('the bounded distance is the full one up to the bound (property)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A'), maxLength: 12 });
    fc.assert(
      fc.property(word, word, fc.nat(8), (a, b, max) => {
        const full = editDistance(a, b);
        expect(boundedEditDistance(a, b, max)).toBe(full <= max ? full : max + 1);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('suggests what comparing every candidate in full suggests (property)', () => {
    // The implementation before the bounded search, kept as the reference.
    const reference = (name: string, candidates: readonly string[]): string | undefined => {
      let best: string | undefined;
      let bestDistance = Infinity;
      for (const candidate of candidates) {
        const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
        if (distance === 0) return candidate;
        if (distance < bestDistance) {
          best = candidate;
          bestDistance = distance;
        }
      }
      return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
    };
    const names = PARAMETERS.map((d) => d.name);
    const typo = fc
      .tuple(fc.constantFrom(...names), fc.array(fc.tuple(fc.nat(40), fc.constantFrom('', 'x', 'E', 'q')), { maxLength: 4 }))
      .map(([name, edits]) => edits.reduce((s, [at, c]) => s.slice(0, at % (s.length + 1)) + c + s.slice((at % (s.length + 1)) + 1), name));
    fc.assert(
      fc.property(fc.oneof(typo, fc.string({ maxLength: 30 })), (name) => {
        expect(didYouMean(name, names)).toBe(reference(name, names));
      }),
      { seed: 11, numRuns: 1500 },
    );
  });
});

describe('secrets never reach messages', () => {
  const CANARY = 'canary-9f8e7d6c5b4a';

  it('hides secret values in every issue, whatever fails', () => {
    const secretDefs: ParameterDef[] = [
      {
        name: 'DatadogAPIKey',
        type: 'String',
        description: '',
        default: '',
        required: false,
        allowedValues: ['x'],
        allowedPattern: '^z$',
        secret: true,
        ignoredAfterFirstDeploy: false,
        firstDeploy: 'later',
        group: 'datadog',
      },
      { name: 'Segment', type: 'Number', description: '', required: false, secret: true, ignoredAfterFirstDeploy: false, firstDeploy: 'later', group: 'segment' },
    ];
    const inputs: ParameterInput[] = [
      { key: 'DatadogAPIKey', value: CANARY },
      { key: 'Segment', value: CANARY },
      { key: 'Segment', value: CANARY },
      { key: 'DatadogApiKey', value: CANARY },
    ];
    const issues = [
      ...validateParameters(inputs, { definitions: secretDefs }),
      ...validateParameters(inputs, { firstDeploy: true }),
      ...validateParameters(inputs),
    ];
    expect(issues.length).toBeGreaterThan(3);
    expect(JSON.stringify(issues)).not.toContain(CANARY);
    expect(JSON.stringify(issues)).not.toContain(CANARY.slice(0, 10));
    expect(issues.some((i) => i.message.includes('(value hidden)'))).toBe(true);
  });
});
