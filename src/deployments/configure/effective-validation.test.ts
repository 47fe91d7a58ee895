import { describe, expect, it } from 'vitest';
import type { ParameterInput } from '../../parameters/types.js';
import { validateParameters } from '../../parameters/validate.js';
import { crossParameterIssues, effectiveInputs } from './effective-validation.js';

const at = (key: string, value: string, line = 1): ParameterInput => ({ key, value, source: { file: 'p.yml', line, column: 1 } });
const noKey = [
  { key: 'DatadogEnabled', value: 'false' },
  { key: 'DatadogAPIKey', value: '' },
  { key: 'DatadogAPIKeySecretArn', value: '' },
  { key: 'EnableReports', value: 'false' },
];

describe('crossParameterIssues', () => {
  it('refuses DatadogEnabled=true alone on a stack with no key, where the file alone passes', () => {
    const file = [at('DatadogEnabled', 'true')];
    expect(validateParameters(file).filter((i) => i.severity === 'error')).toEqual([]);
    const issues = crossParameterIssues(file, noKey);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', code: 'datadog-no-key', parameter: 'DatadogEnabled', line: 1 });
    expect(issues[0]!.message).toMatch(/counting the live values of DatadogAPIKey, DatadogAPIKeySecretArn/);
  });

  it('counts a masked live secret (****) as set', () => {
    const live = noKey.map((p) => (p.key === 'DatadogAPIKey' ? { ...p, value: '****' } : p));
    expect(crossParameterIssues([at('DatadogEnabled', 'true')], live)).toEqual([]);
  });

  it('refuses clearing the key while the live stack has Datadog enabled', () => {
    const live = [{ key: 'DatadogEnabled', value: 'true' }, { key: 'DatadogAPIKey', value: '****' }, { key: 'DatadogAPIKeySecretArn', value: '' }];
    expect(crossParameterIssues([at('DatadogAPIKey', '')], live).map((i) => i.code)).toEqual(['datadog-no-key']);
  });

  it('leaves a live stack’s own state alone when the file does not touch it', () => {
    const live = noKey.map((p) => (p.key === 'DatadogEnabled' ? { ...p, value: 'true' } : p));
    expect(crossParameterIssues([at('EnableReports', 'true')], live)).toEqual([]);
  });

  it('resolves UsePreviousValue to the live value', () => {
    const file: ParameterInput[] = [at('DatadogEnabled', 'true'), { key: 'DatadogAPIKey', usePreviousValue: true }];
    expect(effectiveInputs(file, noKey).find((i) => i.key === 'DatadogAPIKey')?.value).toBe('');
    expect(crossParameterIssues(file, noKey).map((i) => i.code)).toEqual(['datadog-no-key']);
  });

  it('finds overlapping airgap ranges against the live one', () => {
    const live = [{ key: 'VpcId', value: 'vpc-0123456789abcdef0' }, { key: 'AirgapSubnetOneIPRange', value: '10.0.0.0/24' }, { key: 'AirgapSubnetTwoIPRange', value: '10.0.1.0/24' }];
    expect(crossParameterIssues([at('AirgapSubnetTwoIPRange', '10.0.0.128/25')], live).map((i) => i.code)).toEqual(['airgap-overlap']);
  });
});
