import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../parameters/definitions.js';
import { planFirstDeploy } from './first-deploy.js';
import { planStages, UNKNOWN_GROUP } from './plan-stages.js';
import type { Stage, StagedParameter } from './types.js';

const p = (key: string, value = 'x'): StagedParameter => ({ key, value });
const keys = (stages: Stage[]): string[][] => stages.map((s) => s.parameters.map((q) => q.key));

describe('planStages', () => {
  it('returns no stage for no change', () => {
    expect(planStages([])).toEqual([]);
  });

  it('keeps each group together, one stage per group, risky groups last and alone', () => {
    const stages = planStages([
      p('SnowflakeRBACSecretARN'),
      p('DatadogEnabled', 'true'),
      p('DataLakeForwarderMemory', '512'),
      p('DatadogAPIKey', 'k'),
      p('CustomDomain', 'panther.example.com'),
      p('SnapshotScanWindowMinutes', '5'),
    ]);
    expect(stages.map((s) => s.groups)).toEqual([['tuning'], ['datadog'], ['snowflake'], ['custom-domain']]);
    expect(keys(stages)).toEqual([
      ['DataLakeForwarderMemory', 'SnapshotScanWindowMinutes'],
      ['DatadogEnabled', 'DatadogAPIKey'],
      ['SnowflakeRBACSecretARN'],
      ['CustomDomain'],
    ]);
    expect(stages.map((s) => s.risky)).toEqual([false, false, true, true]);
    expect(stages.map((s) => s.index)).toEqual([1, 2, 3, 4]);
  });

  it('puts parameters the table does not know in their own group, after the known ones', () => {
    const stages = planStages([p('ZetaNew'), p('AlphaNew'), p('EnableReports', 'true'), p('SnowflakeAPISecretARN')]);
    expect(stages.map((s) => s.groups)).toEqual([['features'], [UNKNOWN_GROUP], ['snowflake']]);
    expect(stages[1]!.parameters.map((q) => q.key)).toEqual(['AlphaNew', 'ZetaNew']);
  });

  it('packs small ordinary groups up to --stage-size and splits larger ones', () => {
    const stages = planStages(
      [
        p('SentryEnvironment', ''),
        p('DataLakeForwarderMemory', '512'),
        p('SnapshotScanWindowMinutes', '5'),
        p('SlowRuleMaxUtilization', '60'),
        p('EnableReports', 'true'),
        p('SnowflakeRBACSecretARN'),
        p('SnowflakeAPISecretARN'),
      ],
      { stageSize: 2 },
    );
    expect(keys(stages)).toEqual([
      ['SentryEnvironment'],
      ['DataLakeForwarderMemory', 'SnapshotScanWindowMinutes'],
      ['SlowRuleMaxUtilization'],
      ['EnableReports'],
      ['SnowflakeRBACSecretARN', 'SnowflakeAPISecretARN'],
    ]);
    const packed = planStages([p('SentryEnvironment', ''), p('EnableReports', 'true'), p('CustomDomain', 'a.example.com')], { stageSize: 5 });
    expect(packed.map((s) => s.groups)).toEqual([['support', 'features'], ['custom-domain']]);
  });

  it('never lets a risky group share a stage, even when it would fit', () => {
    const stages = planStages([p('EnableReports', 'true'), p('CustomDomain', 'a.example.com'), p('SnowflakeDDLUpdateConcurrency', '2')], { stageSize: 10 });
    expect(stages.map((s) => s.groups)).toEqual([['features'], ['snowflake'], ['custom-domain']]);
  });

  it('applies everything in one update with --single-update', () => {
    const stages = planStages([p('CustomDomain', 'a.example.com'), p('EnableReports', 'true')], { singleUpdate: true });
    expect(stages).toHaveLength(1);
    expect(stages[0]).toMatchObject({ index: 1, risky: true, groups: ['features', 'custom-domain'] });
  });

  it('takes the last value of a repeated key', () => {
    const stages = planStages([p('EnableReports', 'true'), p('EnableReports', 'false')]);
    expect(stages[0]!.parameters).toEqual([{ key: 'EnableReports', value: 'false' }]);
  });

  it('refuses a stage size below 1 and --stage-size with --single-update', () => {
    expect(() => planStages([p('EnableReports')], { stageSize: 0 })).toThrow(/`--stage-size`.*at least 1/);
    expect(() => planStages([p('EnableReports')], { stageSize: 1.5 })).toThrow(/whole number/);
    expect(() => planStages([p('EnableReports')], { stageSize: 2, singleUpdate: true })).toThrow(/cannot be combined/);
  });

  const names = [...PARAMETERS.map((d) => d.name), 'UnknownOne', 'UnknownTwo'];
  const changeSets = fc.uniqueArray(fc.constantFrom(...names), { maxLength: names.length }).map((ks) => ks.map((k) => p(k)));

  it('property: every change lands in exactly one stage, within the cap, groups contiguous', () => {
    fc.assert(
      fc.property(changeSets, fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }), (changes, stageSize) => {
        const stages = planStages(changes, stageSize === undefined ? {} : { stageSize });
        const all = stages.flatMap((s) => s.parameters.map((q) => q.key));
        expect([...all].sort()).toEqual(changes.map((c) => c.key).sort());
        const groupOf = new Map(PARAMETERS.map((d) => [d.name, d.group]));
        const seenGroups: string[] = [];
        for (const s of stages) {
          if (stageSize !== undefined) expect(s.parameters.length).toBeLessThanOrEqual(stageSize);
          if (s.risky) expect(s.groups).toHaveLength(1);
          for (const g of s.groups) {
            // A group may continue into the next stage only when it was split.
            if (seenGroups.includes(g)) expect(seenGroups[seenGroups.length - 1]).toBe(g);
            else seenGroups.push(g);
          }
          for (const q of s.parameters) expect(s.groups).toContain(groupOf.get(q.key) ?? UNKNOWN_GROUP);
        }
        // Risky stages come after every ordinary one.
        const firstRisky = stages.findIndex((s) => s.risky);
        if (firstRisky !== -1) expect(stages.slice(firstRisky).every((s) => s.risky)).toBe(true);
      }),
    );
  });
});

describe('planFirstDeploy', () => {
  it('creates with required and safe values only; the rest are staged; defaults need no stage', () => {
    const plan = planFirstDeploy([
      p('FirstUserEmail', 'admin@example.com'),
      p('PulumiSecretArn', 'arn:a'),
      p('PulumiSecretKeyArn', 'arn:b'),
      p('OnboardSelf', 'false'),
      p('SentryEnvironment', ''),
      p('EnableReports', 'false'),
      p('DatadogEnabled', 'true'),
      p('CustomDomain', 'panther.example.com'),
      p('BrandNewParameter', 'v'),
    ]);
    expect(plan.create.map((q) => q.key)).toEqual(['FirstUserEmail', 'PulumiSecretArn', 'PulumiSecretKeyArn', 'OnboardSelf', 'SentryEnvironment']);
    expect(plan.atDefault).toEqual(['EnableReports']);
    expect(keys(plan.stages)).toEqual([['DatadogEnabled'], ['BrandNewParameter'], ['CustomDomain']]);
  });

  it('compares with the real template defaults when given', () => {
    const plan = planFirstDeploy([p('EnableReports', 'false'), p('SupportRoleIdentityAccountId', '123456789012')], {
      templateDefaults: new Map([['EnableReports', 'true']]),
    });
    expect(plan.atDefault).toEqual([]);
    expect(plan.create.map((q) => q.key)).toEqual(['SupportRoleIdentityAccountId']);
    expect(keys(plan.stages)).toEqual([['EnableReports']]);
  });

  it('passes staging options through', () => {
    const plan = planFirstDeploy([p('DatadogEnabled', 'true'), p('EnableReports', 'true')], { singleUpdate: true });
    expect(plan.stages).toHaveLength(1);
  });
});
