import { describe, expect, it } from 'vitest';
import { planHopParameters } from './hop-parameters.js';
import { parseTemplateParameters } from '../templates/template-parameters.js';

const template = parseTemplateParameters(`
Parameters:
  FirstUserEmail: { Type: String }
  DataLakeForwarderMemory: { Type: Number, Default: 256, MinValue: 256, MaxValue: 2048 }
  PythonRuntime: { Type: String, Default: python3.7, AllowedValues: [python3.7, python3.9] }
  DatadogAPIKey: { Type: String, Default: '', NoEcho: true }
  NewRequired: { Type: String, AllowedPattern: '^[a-z]+$' }
Resources:
  X: { Type: AWS::SNS::Topic, Properties: { TopicName: !Sub '\${AWS::StackName}-x' } }
`);

const live = [
  { key: 'FirstUserEmail', value: 'ops@example.com' },
  { key: 'DataLakeForwarderMemory', value: '4096' },
  { key: 'DatadogAPIKey', value: '****' },
  { key: 'Gone', value: 'x' },
];

describe('planHopParameters', () => {
  it('keeps live values with UsePreviousValue, drops removed ones, and lists every problem', () => {
    const r = planHopParameters({ version: 'v1.27.8', live, template, overrides: new Map() });
    expect(r.parameters).toEqual([
      { key: 'FirstUserEmail', usePreviousValue: true },
      { key: 'DataLakeForwarderMemory', usePreviousValue: true },
      { key: 'DatadogAPIKey', usePreviousValue: true },
    ]);
    expect(r.findings.map((f) => `${f.severity}:${f.code}:${f.parameter}`)).toEqual([
      'warning:parameter-removed:Gone',
      'error:parameter-constraint:DataLakeForwarderMemory',
      'error:parameter-needs-value:NewRequired',
    ]);
  });

  it('takes --param values, checks them, and never shows a secret', () => {
    const canary = 'CANARY-dd-secret-1234';
    const r = planHopParameters({
      version: 'v1.27.8',
      live,
      template,
      overrides: new Map([
        ['DataLakeForwarderMemory', '512'],
        ['NewRequired', 'abc'],
        ['DatadogAPIKey', canary],
      ]),
    });
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.parameters).toContainEqual({ key: 'DatadogAPIKey', value: canary });
    expect(JSON.stringify(r.diff)).not.toContain(canary);
    expect(JSON.stringify(r.findings)).not.toContain(canary);
    expect(r.diff.find((d) => d.key === 'DatadogAPIKey')).toMatchObject({ change: 'changed', to: '****' });
  });

  it('reports a bad secret override without echoing it', () => {
    const t = parseTemplateParameters(`Parameters:\n  SecretThing: { Type: String, NoEcho: true, AllowedPattern: '^[0-9]+$' }\n`);
    const r = planHopParameters({ version: 'v1', live: [], template: t, overrides: new Map([['SecretThing', 'CANARY-x']]) });
    expect(r.findings[0]?.message).toContain('its value');
    expect(JSON.stringify(r)).not.toMatch(/CANARY-x"[^}]*message/);
    expect(r.findings.map((f) => f.message).join()).not.toContain('CANARY');
  });
});
