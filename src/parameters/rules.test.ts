import { describe, expect, it } from 'vitest';
import { isValidEmail, parseCidr } from './rules.js';
import type { ParameterInput } from './types.js';
import { validateParameters } from './validate.js';

const REQUIRED: ParameterInput[] = [
  { key: 'FirstUserEmail', value: 'admin@example.com' },
  { key: 'PulumiSecretArn', value: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pulumi' },
  { key: 'PulumiSecretKeyArn', value: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pulumi-key' },
];

function find(params: Record<string, string>, firstDeploy = false): string[] {
  const inputs = Object.entries(params).map(([key, value]) => ({ key, value }));
  return validateParameters(firstDeploy ? [...REQUIRED, ...inputs] : inputs, { firstDeploy }).map(
    (i) => `${i.severity}:${i.code}:${i.parameter}`,
  );
}

const VPC = { VpcId: 'vpc-0123456789abcdef0' };

describe('airgap ranges', () => {
  it('checks real CIDRs beyond the loose pattern', () => {
    expect(find({ ...VPC, AirgapSubnetOneIPRange: '10x0x0x0/24' })).toEqual(['error:invalid-cidr:AirgapSubnetOneIPRange']);
    expect(find({ ...VPC, AirgapSubnetOneIPRange: '10.0.0.1/24' })).toEqual(['error:invalid-cidr:AirgapSubnetOneIPRange']);
    expect(find({ ...VPC, AirgapSubnetOneIPRange: '10.0.0.0/8' })).toEqual(['error:invalid-subnet-size:AirgapSubnetOneIPRange']);
    expect(find({ ...VPC, AirgapSubnetOneIPRange: '10.0.0.0/29' })).toEqual(['error:invalid-subnet-size:AirgapSubnetOneIPRange']);
    expect(find({ ...VPC, AirgapSubnetOneIPRange: '10.0.0.0/28' })).toEqual([]);
    expect(find({ ...VPC, AirgapSubnetOneIPRange: '10.0.0.0/16' })).toEqual([]);
  });

  it('names the network address when host bits are set', () => {
    const [issue] = validateParameters([
      { key: 'VpcId', value: 'vpc-12345678' },
      { key: 'AirgapSubnetTwoIPRange', value: '172.31.254.130/25' },
    ]);
    expect(issue?.message).toContain('172.31.254.128/25');
  });

  it('does not double-report a value the pattern already rejected', () => {
    expect(find({ ...VPC, AirgapSubnetOneIPRange: '10.0.0.0' })).toEqual(['error:pattern-mismatch:AirgapSubnetOneIPRange']);
  });

  it('finds overlapping ranges, including against the other range default on a first deploy', () => {
    expect(find({ ...VPC, AirgapSubnetOneIPRange: '10.0.0.0/24', AirgapSubnetTwoIPRange: '10.0.0.128/25' })).toEqual([
      'error:airgap-overlap:AirgapSubnetTwoIPRange',
    ]);
    expect(find({ ...VPC, AirgapSubnetOneIPRange: '10.0.0.0/25', AirgapSubnetTwoIPRange: '10.0.0.128/25' })).toEqual([]);
    const first = find({ ...VPC, AirgapSubnetOneIPRange: '172.31.254.0/24' }, true);
    expect(first).toContain('error:airgap-overlap:AirgapSubnetOneIPRange');
    // On an update the other range is unknown: nothing to say.
    expect(find({ ...VPC, AirgapSubnetOneIPRange: '172.31.254.0/24' })).toEqual([]);
  });

  it('warns when ranges are set without a VPC', () => {
    expect(find({ AirgapSubnetOneIPRange: '10.0.0.0/25' }, true)).toContain('warning:no-effect-without-vpc:AirgapSubnetOneIPRange');
    expect(find({ VpcId: '', AirgapSubnetTwoIPRange: '10.0.0.128/25' })).toEqual(['warning:no-effect-without-vpc:AirgapSubnetTwoIPRange']);
    // Update without VpcId: it may be set already.
    expect(find({ AirgapSubnetOneIPRange: '10.0.0.0/25' })).toEqual([]);
  });

  it('warns about a VpcId that is not a VPC id', () => {
    expect(find({ VpcId: 'my-vpc' })).toEqual(['warning:invalid-vpc-id:VpcId']);
    expect(find({ VpcId: 'vpc-1234abcd' })).toEqual([]);
  });

  it('parses CIDRs strictly', () => {
    expect(parseCidr('172.31.254.128/25')).toEqual({ address: 0xac1ffe80, prefix: 25 });
    for (const bad of ['1.2.3/4', '1.2.3.4', '01.2.3.4/8', '1.2.3.256/8', '1.2.3.4/33', '1x2.3.4/8']) expect(parseCidr(bad), bad).toBeUndefined();
  });
});

describe('Datadog', () => {
  it('refuses DatadogEnabled=true with no key', () => {
    expect(find({ DatadogEnabled: 'true' }, true)).toContain('error:datadog-no-key:DatadogEnabled');
    expect(find({ DatadogEnabled: 'true', DatadogAPIKey: '', DatadogAPIKeySecretArn: '' })).toEqual(['error:datadog-no-key:DatadogEnabled']);
  });

  it('accepts either key, and says nothing when a key may be kept from before', () => {
    expect(find({ DatadogEnabled: 'true', DatadogAPIKey: 'k' }, true)).not.toContain('error:datadog-no-key:DatadogEnabled');
    expect(
      find({ DatadogEnabled: 'true', DatadogAPIKeySecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dd' }, true),
    ).not.toContain('error:datadog-no-key:DatadogEnabled');
    expect(find({ DatadogEnabled: 'true' })).toEqual([]);
  });
});

describe('reserved concurrency', () => {
  it('warns that MessageForwarderReservedConcurrency has no effect when disabled', () => {
    expect(find({ EnableLambdaReservedConcurrency: 'false', MessageForwarderReservedConcurrency: '10' })).toEqual([
      'warning:no-effect:MessageForwarderReservedConcurrency',
    ]);
    expect(find({ EnableLambdaReservedConcurrency: 'true', MessageForwarderReservedConcurrency: '10' })).toEqual([]);
    expect(find({ MessageForwarderReservedConcurrency: '10' })).toEqual([]);
  });
});

describe('python runtime', () => {
  it('warns on an explicit python3.7', () => {
    expect(find({ PythonRuntime: 'python3.7' })).toEqual(['warning:deprecated-runtime:PythonRuntime']);
    expect(find({ PythonRuntime: 'python3.9' })).toEqual([]);
  });

  it('warns about the python3.7 default on a first deploy only', () => {
    expect(find({}, true)).toContain('warning:deprecated-runtime-default:PythonRuntime');
    expect(find({})).toEqual([]);
  });
});

describe('FirstUserEmail', () => {
  it('refuses an invalid email', () => {
    expect(find({ FirstUserEmail: 'admin@example' }, true)).toContain('error:invalid-email:FirstUserEmail');
    expect(find({ FirstUserEmail: '' }, true)).toContain('error:invalid-email:FirstUserEmail');
  });

  it('warns that it is ignored on an update', () => {
    expect(find({ FirstUserEmail: 'admin@example.com' })).toEqual(['warning:ignored-after-first-deploy:FirstUserEmail']);
  });

  it.each([
    ['a@example.com', true],
    ['first.last+tag@sub.example.co.uk', true],
    ['a@b', false],
    ['a b@example.com', false],
    ['a@@example.com', false],
    ['.a@example.com', false],
    ['a..b@example.com', false],
    ['a@-example.com', false],
    ['a@example.c0m', false],
    ['@example.com', false],
  ])('%s valid=%s', (email, ok) => {
    expect(isValidEmail(email)).toBe(ok);
  });
});

describe('other rules', () => {
  it('refuses an empty required value', () => {
    expect(find({ PulumiSecretArn: '' })).toEqual(['error:empty-required:PulumiSecretArn']);
  });

  it('warns about SegmentEnvironment without a write key', () => {
    expect(find({ SegmentEnvironment: 'dev' }, true)).toContain('warning:segment-no-write-key:SegmentEnvironment');
    expect(find({ SegmentEnvironment: 'dev', Segment: '' })).toEqual(['warning:segment-no-write-key:SegmentEnvironment']);
    expect(find({ SegmentEnvironment: 'dev', Segment: 'k' })).toEqual([]);
    expect(find({ SegmentEnvironment: '' }, true)).not.toContain('warning:segment-no-write-key:SegmentEnvironment');
  });

  it('warns about role account ids that are not 12 digits', () => {
    expect(find({ OpsRoleIdentityAccountId: '12345' })).toEqual(['warning:invalid-account-id:OpsRoleIdentityAccountId']);
    expect(find({ SupportRoleIdentityAccountId: '123456789012', OpsRoleIdentityAccountId: '' })).toEqual([]);
  });

  it('advises setting `later` parameters after the first deploy, unless given their default', () => {
    const first = find({ EnableReports: 'true', SnowflakeDDLUpdateConcurrency: '4', EnableFips: 'false', OnboardSelf: 'false' }, true);
    expect(first).toContain('warning:set-after-first-deploy:EnableReports');
    expect(first).toContain('warning:set-after-first-deploy:SnowflakeDDLUpdateConcurrency');
    expect(first).not.toContain('warning:set-after-first-deploy:EnableFips');
    expect(first).not.toContain('warning:set-after-first-deploy:OnboardSelf');
    expect(find({ EnableReports: 'true' })).toEqual([]);
    const [risky] = validateParameters([...REQUIRED, { key: 'CustomDomain', value: 'panther.example.com' }], { firstDeploy: true }).filter(
      (i) => i.code === 'set-after-first-deploy',
    );
    expect(risky?.message).toContain('risky');
  });
});
