import { describe, expect, it } from 'vitest';
import { PARAMETERS, findParameter } from './definitions.js';
import type { ParameterDef } from './types.js';
import { validateParameters } from './validate.js';

/**
 * The spec's parameter list, restated independently of definitions.ts, so a typo in either
 * fails here. Every parameter in PARAMETERS must have a row (a new parameter without cases
 * fails the coverage test), and every constrained one must carry accepted and rejected
 * examples; bounds are tested on both sides automatically.
 */
interface SpecRow {
  type: ParameterDef['type'];
  default: string | undefined;
  min?: number;
  max?: number;
  allowed?: readonly string[];
  pattern?: string;
  /** Values CloudFormation accepts (besides the bounds and allowed values, which are derived). */
  accept: readonly string[];
  /** Values CloudFormation rejects, with the expected code. */
  reject: ReadonlyArray<readonly [value: string, code: string]>;
  secret?: boolean;
  required?: boolean;
}

const ARN_OPTIONAL = String.raw`^(arn:(aws|aws-cn|aws-us-gov):secretsmanager:[a-z]{2}-[a-z]{4,9}-[1-9]:[0-9]{12}:secret:\S+)?$`;
const CIDR = String.raw`^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]).){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])(/([0-9]|[1-2][0-9]|3[0-2]))$`;
const B = ['true', 'false'] as const;
const GOOD_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:panther/rbac-AbCdEf';
const ARN_CASES = {
  accept: ['', GOOD_ARN, 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:y'],
  reject: [
    // As printed, the pattern's region part ([a-z]{2}-[a-z]{4,9}-[1-9]) cannot match a
    // GovCloud region, although its partition list names aws-us-gov: CloudFormation decides.
    ['arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x', 'pattern-mismatch'],
    ['arn:aws:secretsmanager:us-east-1:12345678901:secret:x', 'pattern-mismatch'],
    ['arn:aws:ssm:us-east-1:123456789012:parameter/x', 'pattern-mismatch'],
    [` ${GOOD_ARN}`, 'pattern-mismatch'],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:has space', 'pattern-mismatch'],
  ],
} as const;
const free = { accept: ['anything at all', ''], reject: [] } as const;
const flag = (d: 'true' | 'false'): SpecRow => ({ type: 'String', default: d, allowed: B, accept: [], reject: [['True', 'not-allowed-value'], ['1', 'not-allowed-value'], ['', 'not-allowed-value']] });
const nonNumber = [['abc', 'not-a-number'], ['', 'not-a-number'], ['0x10', 'not-a-number']] as const;

const SPEC: Record<string, SpecRow> = {
  FirstUserEmail: { type: 'String', default: undefined, required: true, ...free },
  PulumiSecretArn: { type: 'String', default: undefined, required: true, ...free },
  PulumiSecretKeyArn: { type: 'String', default: undefined, required: true, ...free },
  OnboardSelf: flag('true'),
  SentryEnvironment: { type: 'String', default: 'prod', ...free },
  SupportRoleIdentityAccountId: { type: 'String', default: '', ...free },
  OpsRoleIdentityAccountId: { type: 'String', default: '', ...free },
  DataLakeForwarderMemory: { type: 'Number', default: '256', min: 256, max: 2048, accept: ['512', '1024.5'], reject: nonNumber },
  MaxLookupTableCompressedSizeMB: { type: 'Number', default: '200', max: 400, accept: ['0', '-1'], reject: nonNumber },
  CloudSecurityScanSegments: { type: 'Number', default: '5', min: 5, accept: ['1000000'], reject: nonNumber },
  ReplayAPIReservedConcurrency: { type: 'Number', default: '40', min: 0, accept: ['1e2'], reject: nonNumber },
  EnablePantherAuditLogIngestion: flag('false'),
  PantherAuditLogsExpirationDays: { type: 'Number', default: '1825', min: 30, accept: ['36500'], reject: nonNumber },
  SnapshotScanWindowMinutes: { type: 'Number', default: '0', min: 0, accept: ['15'], reject: nonNumber },
  SnowflakeRBACSecretARN: { type: 'String', default: '', pattern: ARN_OPTIONAL, ...ARN_CASES },
  MessageForwarderReservedConcurrency: { type: 'Number', default: '50', min: 0, accept: ['+5'], reject: nonNumber },
  EnableReplays: flag('true'),
  PythonRuntime: { type: 'String', default: 'python3.7', allowed: ['python3.7', 'python3.9'], accept: [], reject: [['python3.8', 'not-allowed-value'], ['Python3.9', 'not-allowed-value']] },
  ReplayProcessorReservedConcurrency: { type: 'Number', default: '40', min: 0, accept: ['100'], reject: nonNumber },
  SnapshotPollerLambdaMemorySize: { type: 'Number', default: '1024', min: 1024, max: 10240, accept: ['3008'], reject: nonNumber },
  DatadogAPIKey: { type: 'String', default: '', secret: true, ...free },
  DatadogAPIKeySecretArn: { type: 'String', default: '', pattern: ARN_OPTIONAL, ...ARN_CASES },
  // Spec prints it without the trailing `?`; resolved to the optional form (see definitions.ts).
  DatadogAppKeySecretArn: { type: 'String', default: '', pattern: ARN_OPTIONAL, ...ARN_CASES },
  DatadogExtensionVersion: { type: 'String', default: '22', allowed: ['21', '22'], accept: [], reject: [['23', 'not-allowed-value'], ['22.0', 'not-allowed-value']] },
  DatadogEnabled: flag('false'),
  EnableReports: flag('false'),
  AirgapSubnetOneIPRange: {
    type: 'String',
    default: '172.31.254.0/25',
    pattern: CIDR,
    // CloudFormation's pattern has an unescaped `.`: it accepts `10x0x0x0/24` (rules.ts catches it).
    accept: ['10.0.0.0/24', '255.255.255.255/32', '10x0x0x0/24'],
    reject: [['10.0.0.0', 'pattern-mismatch'], ['256.0.0.0/24', 'pattern-mismatch'], ['10.0.0.0/33', 'pattern-mismatch'], ['010.0.0.0/24', 'pattern-mismatch']],
  },
  AirgapSubnetTwoIPRange: {
    type: 'String',
    default: '172.31.254.128/25',
    pattern: CIDR,
    accept: ['172.31.254.128/25', '0.0.0.0/0'],
    reject: [['', 'pattern-mismatch'], ['172.31.254.128/25 ', 'pattern-mismatch']],
  },
  FeatureSandboxedExecFlows: { type: 'String', default: 'test-rule', ...free },
  EnableIntelligentTiering: flag('false'),
  SnowflakeDDLUpdateConcurrency: { type: 'Number', default: '1', min: 1, max: 100, accept: ['50'], reject: nonNumber },
  EnableAlertsGSIThree: flag('false'),
  EnableFips: flag('false'),
  EnableNewNavigation: flag('false'),
  DynamoDBCloudtrailEnabled: flag('false'),
  SegmentEnvironment: { type: 'String', default: 'prod', allowed: ['', 'dev', 'staging', 'prod'], accept: [], reject: [['production', 'not-allowed-value'], ['Prod', 'not-allowed-value']] },
  SlowRuleMaxUtilization: { type: 'Number', default: '50', min: 1, accept: ['99'], reject: nonNumber },
  EnableAlertAssignees: flag('false'),
  EnableMicrosoftGraphPuller: flag('false'),
  Segment: { type: 'String', default: '', secret: true, ...free },
  // Not in the spec's list; named by its prose or DOMAIN.md.
  VpcId: { type: 'String', default: '', ...free },
  EnableLambdaReservedConcurrency: flag('true'),
  CustomDomain: { type: 'String', default: '', ...free },
  ApiCertificateArn: { type: 'String', default: '', ...free },
  SnowflakeAPISecretARN: { type: 'String', default: '', pattern: ARN_OPTIONAL, ...ARN_CASES },
};

const CFN_CODES = new Set(['not-a-number', 'below-min-value', 'above-max-value', 'not-allowed-value', 'pattern-mismatch']);

function cfnErrors(key: string, value: string): string[] {
  return validateParameters([{ key, value }])
    .filter((i) => i.severity === 'error' && CFN_CODES.has(i.code))
    .map((i) => i.code);
}

interface Case {
  name: string;
  value: string;
  expected: string | null;
}

function casesFor(name: string, row: SpecRow): Case[] {
  const cases: Case[] = [];
  const add = (value: string, expected: string | null): void => {
    cases.push({ name, value, expected });
  };
  if (row.min !== undefined) {
    add(String(row.min - 1), 'below-min-value');
    add(String(row.min), null);
  }
  if (row.max !== undefined) {
    add(String(row.max), null);
    add(String(row.max + 1), 'above-max-value');
  }
  for (const v of row.allowed ?? []) add(v, null);
  if (row.default !== undefined) add(row.default, null);
  for (const v of row.accept) add(v, null);
  for (const [v, code] of row.reject) add(v, code);
  return cases;
}

const ALL_CASES = Object.entries(SPEC).flatMap(([name, row]) => casesFor(name, row));

describe('parameter table', () => {
  it('has a spec row for every parameter and no row for an unknown one', () => {
    expect(PARAMETERS.map((d) => d.name).sort()).toEqual(Object.keys(SPEC).sort());
  });

  it('has no duplicate names (SnowflakeRBACSecretARN is listed twice in the spec)', () => {
    const names = PARAMETERS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(PARAMETERS.map((d) => [d.name, d] as const))('%s matches the spec', (name, def) => {
    const row = SPEC[name];
    expect(row, `add ${name} to SPEC in definitions.test.ts`).toBeDefined();
    if (!row) return;
    expect(def.type).toBe(row.type);
    expect(def.default).toBe(row.default);
    expect(def.minValue).toBe(row.min);
    expect(def.maxValue).toBe(row.max);
    expect(def.allowedValues).toEqual(row.allowed);
    expect(def.allowedPattern).toBe(row.pattern);
    expect(def.secret).toBe(row.secret ?? false);
    expect(def.required).toBe(row.required ?? false);
    expect(def.firstDeploy === 'required').toBe(def.required);
  });

  it('every constrained parameter has rejected examples, every pattern an accepted one', () => {
    for (const def of PARAMETERS) {
      const row = SPEC[def.name];
      const constrained = def.minValue !== undefined || def.maxValue !== undefined || def.allowedValues || def.allowedPattern;
      if (constrained) expect(row?.reject.length ?? 0, def.name).toBeGreaterThan(0);
      if (def.allowedPattern) expect(row?.accept.length ?? 0, def.name).toBeGreaterThan(0);
      if (def.type === 'Number') expect(def.minValue !== undefined || def.maxValue !== undefined, def.name).toBe(true);
    }
  });

  it('every default passes its own constraints (CloudFormation would reject the template otherwise)', () => {
    for (const def of PARAMETERS) {
      if (def.default !== undefined) expect(cfnErrors(def.name, def.default), def.name).toEqual([]);
    }
  });

  it('has no non-empty default for a secret (the spec prints a dev Segment write key: not in code)', () => {
    for (const def of PARAMETERS.filter((d) => d.secret)) expect(def.default ?? '', def.name).toBe('');
  });

  it('marks the snowflake and custom-domain groups risky and later', () => {
    for (const def of PARAMETERS.filter((d) => d.group === 'snowflake' || d.group === 'custom-domain')) {
      expect(def.risky, def.name).toBe(true);
      expect(def.firstDeploy, def.name).toBe('later');
    }
  });

  it('finds parameters by exact, case-sensitive name', () => {
    expect(findParameter('VpcId')?.name).toBe('VpcId');
    expect(findParameter('VpcID')).toBeUndefined();
  });
});

describe.each(ALL_CASES.map((c) => [`${c.name}=${JSON.stringify(c.value)}`, c] as const))('%s', (_label, c) => {
  it(c.expected ? `is rejected with ${c.expected}` : 'is accepted', () => {
    expect(cfnErrors(c.name, c.value)).toEqual(c.expected ? [c.expected] : []);
  });
});
