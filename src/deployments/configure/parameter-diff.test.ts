import { describe, expect, it } from 'vitest';
import type { StackEvent } from '../aws/types.js';
import type { TemplateParameterDecl } from '../templates/template-parameters.js';
import { everReachedCreateComplete } from './ever-created.js';
import { diffAgainstLive } from './parameter-diff.js';

const template: TemplateParameterDecl[] = [
  { key: 'FirstUserEmail', type: 'String', noEcho: false },
  { key: 'DataLakeForwarderMemory', type: 'Number', noEcho: false, default: '256', minValue: 256, maxValue: 2048 },
  { key: 'EnableReports', type: 'String', noEcho: false, default: 'false', allowedValues: ['true', 'false'] },
  { key: 'DatadogAPIKey', type: 'String', noEcho: true, default: '' },
  { key: 'NewInTemplate', type: 'String', noEcho: false, default: 'a' },
];
const live = [
  { key: 'FirstUserEmail', value: 'a@example.com' },
  { key: 'DataLakeForwarderMemory', value: '256' },
  { key: 'EnableReports', value: 'false' },
  { key: 'DatadogAPIKey', value: '****' },
];

describe('diffAgainstLive', () => {
  it('classifies every key and masks secrets', () => {
    const diff = diffAgainstLive(live, [
      { key: 'DataLakeForwarderMemory', value: '512' },
      { key: 'EnableReports', value: 'false' },
      { key: 'DatadogAPIKey', value: 'canary-secret-value' },
      { key: 'NewInTemplate', value: 'b' },
    ], template);
    expect(diff.rows).toEqual([
      { key: 'DataLakeForwarderMemory', change: 'changed', from: '256', to: '512', secret: false },
      { key: 'EnableReports', change: 'unchanged', from: 'false', to: 'false', secret: false },
      { key: 'DatadogAPIKey', change: 'cannot-compare', from: '****', to: '****', secret: true },
      { key: 'NewInTemplate', change: 'added', to: 'b', secret: false },
    ]);
    expect(diff.changes.map((c) => c.key)).toEqual(['DataLakeForwarderMemory', 'DatadogAPIKey', 'NewInTemplate']);
    expect(diff.different).toBe(true);
    expect(JSON.stringify(diff.rows)).not.toContain('canary');
  });

  it('an equal file is not different; secrets count only when asked', () => {
    const file = [{ key: 'EnableReports', value: 'false' }, { key: 'DatadogAPIKey', value: 'k' }];
    expect(diffAgainstLive(live, file, template).different).toBe(false);
    expect(diffAgainstLive(live, file, template, { secretsDiffer: true }).different).toBe(true);
    expect(diffAgainstLive(live, [{ key: 'EnableReports', value: 'false' }], template).changes).toEqual([]);
  });

  it('refuses keys the live template lacks and values breaking its constraints, without echoing secrets', () => {
    const diff = diffAgainstLive(live, [
      { key: 'Typo', value: 'x' },
      { key: 'DataLakeForwarderMemory', value: '100' },
      { key: 'EnableReports', value: 'yes' },
    ], template);
    expect(diff.findings.map((f) => [f.code, f.parameter])).toEqual([
      ['unknown-parameter', 'Typo'],
      ['parameter-constraint', 'DataLakeForwarderMemory'],
      ['parameter-constraint', 'EnableReports'],
    ]);
    expect(diff.findings.every((f) => f.severity === 'error')).toBe(true);
  });

  it('warns that a changed FirstUserEmail has no effect, and only when it changes', () => {
    const changed = diffAgainstLive(live, [{ key: 'FirstUserEmail', value: 'b@example.com' }], template);
    expect(changed.findings).toMatchObject([{ severity: 'warning', code: 'ignored-after-first-deploy' }]);
    expect(diffAgainstLive(live, [{ key: 'FirstUserEmail', value: 'a@example.com' }], template).findings).toEqual([]);
  });

  it('the last value of a repeated key wins', () => {
    const diff = diffAgainstLive(live, [{ key: 'EnableReports', value: 'true' }, { key: 'EnableReports', value: 'false' }], template);
    expect(diff.rows).toHaveLength(1);
    expect(diff.different).toBe(false);
  });
});

describe('everReachedCreateComplete', () => {
  const ev = (over: Partial<StackEvent>): StackEvent => ({
    eventId: Math.random().toString(36),
    stackId: 'arn:stack/panther-root/1',
    stackName: 'panther-root',
    logicalId: 'panther-root',
    physicalId: 'arn:stack/panther-root/1',
    resourceType: 'AWS::CloudFormation::Stack',
    status: 'CREATE_IN_PROGRESS',
    time: new Date(0),
    ...over,
  });
  const stack = { stackId: 'arn:stack/panther-root/1', name: 'panther-root' };

  it('sees the stack reach CREATE_COMPLETE once, whatever came after', () => {
    expect(everReachedCreateComplete([ev({ status: 'ROLLBACK_COMPLETE' }), ev({ status: 'CREATE_COMPLETE' })], stack)).toBe(true);
  });

  it('ignores CREATE_COMPLETE of resources and nested stacks', () => {
    expect(
      everReachedCreateComplete(
        [
          ev({ status: 'CREATE_COMPLETE', logicalId: 'Bucket', resourceType: 'AWS::S3::Bucket', physicalId: 'b' }),
          ev({ status: 'CREATE_COMPLETE', logicalId: 'Core', physicalId: 'arn:stack/panther-root-Core/2' }),
          ev({ status: 'ROLLBACK_COMPLETE' }),
        ],
        stack,
      ),
    ).toBe(false);
  });
});
