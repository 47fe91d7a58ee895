import { isSecret } from './redact.js';
import type { ParameterDef, ParameterInput, ParameterIssue } from './types.js';

/**
 * Rules beyond CloudFormation: things CloudFormation accepts that fail later, in the middle
 * of a deploy (or never take effect). Each rule reads a RuleContext and pushes issues; the
 * CloudFormation checks in validate.ts have already run, so rules may skip values that
 * failed them instead of reporting the same value twice.
 */
export interface RuleContext {
  firstDeploy: boolean;
  definitions: ReadonlyMap<string, ParameterDef>;
  /** The last input of each key (duplicates were already reported). */
  given: ReadonlyMap<string, ParameterInput>;
  /** Keys whose value failed a CloudFormation check; rules leave them alone. */
  invalid: ReadonlySet<string>;
  /**
   * The value the stack will run with, when it can be known offline: the given value, or
   * the template default on a first deploy. `undefined` when unknown: UsePreviousValue, or
   * a key not given on an update (pantherctl keeps previous values for keys not given).
   */
  effective(name: string): string | undefined;
}

export type Rule = (ctx: RuleContext, push: (issue: ParameterIssue) => void) => void;

/** An issue about one input, positioned where the input was written. */
export function issueAt(
  input: ParameterInput | undefined,
  issue: Omit<ParameterIssue, 'file' | 'line' | 'column'>,
): ParameterIssue {
  const source = input?.source;
  if (source && 'file' in source) {
    // Spelled out rather than spread: one object of one shape per issue, for files of
    // thousands of keys.
    return { severity: issue.severity, parameter: issue.parameter, code: issue.code, message: issue.message, file: source.file, line: source.line, column: source.column };
  }
  return issue;
}

/** A value as it may appear in a message: quoted, shortened, or hidden for secrets. */
export function shown(name: string, value: string, def?: ParameterDef): string {
  if (def?.secret || isSecret(name)) return '(value hidden)';
  const short = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(short);
}

function givenValue(ctx: RuleContext, name: string): string | undefined {
  const input = ctx.given.get(name);
  return input && !input.usePreviousValue ? input.value : undefined;
}

// ---- CIDR -----------------------------------------------------------------------------

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  address: number;
  prefix: number;
}

/** A strict IPv4 CIDR: four decimal octets without leading zeros, a prefix of 0..32. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const parts = match.slice(1).map((part) => (/^(0|[1-9]\d*)$/.test(part ?? '') ? Number(part) : NaN));
  const octets = parts.slice(0, 4);
  const prefix = parts[4] ?? NaN;
  if (octets.some((o) => !(o >= 0 && o <= 255)) || !(prefix >= 0 && prefix <= 32)) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

function hostBits(cidr: Cidr): number {
  return cidr.address % 2 ** (32 - cidr.prefix);
}

function cidrRange(cidr: Cidr): [number, number] {
  const size = 2 ** (32 - cidr.prefix);
  const start = cidr.address - (cidr.address % size);
  return [start, start + size - 1];
}

function formatAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

const AIRGAP_RANGES = ['AirgapSubnetOneIPRange', 'AirgapSubnetTwoIPRange'] as const;

/** AWS subnets must be between /16 and /28 (EC2 CreateSubnet rejects anything else). */
const SUBNET_MIN_PREFIX = 16;
const SUBNET_MAX_PREFIX = 28;

/**
 * The airgap ranges pass CloudFormation's pattern even when they are not CIDRs (its `.`
 * matches any character), and the EC2 subnet call then fails mid-deploy. Check them for real.
 */
export const airgapCidrRule: Rule = (ctx, push) => {
  for (const name of AIRGAP_RANGES) {
    const value = givenValue(ctx, name);
    if (value === undefined || ctx.invalid.has(name)) continue;
    const input = ctx.given.get(name);
    const cidr = parseCidr(value);
    if (!cidr) {
      push(
        issueAt(input, {
          severity: 'error',
          parameter: name,
          code: 'invalid-cidr',
          message: `${name} must be an IPv4 CIDR such as 172.31.254.0/25; ${shown(name, value)} only passes CloudFormation's loose pattern and the subnet would fail to create.`,
        }),
      );
      continue;
    }
    if (hostBits(cidr) !== 0) {
      const network = `${formatAddress(cidrRange(cidr)[0])}/${cidr.prefix}`;
      push(
        issueAt(input, {
          severity: 'error',
          parameter: name,
          code: 'invalid-cidr',
          message: `${name} ${shown(name, value)} has host bits set; the subnet's network address is ${network}.`,
        }),
      );
      continue;
    }
    if (cidr.prefix < SUBNET_MIN_PREFIX || cidr.prefix > SUBNET_MAX_PREFIX) {
      push(
        issueAt(input, {
          severity: 'error',
          parameter: name,
          code: 'invalid-subnet-size',
          message: `${name} ${shown(name, value)} cannot be an AWS subnet: the prefix must be between /${SUBNET_MIN_PREFIX} and /${SUBNET_MAX_PREFIX}.`,
        }),
      );
    }
  }
};

/** The two airgap subnets live in one VPC; overlapping ranges make the second one fail. */
export const airgapOverlapRule: Rule = (ctx, push) => {
  const [oneName, twoName] = AIRGAP_RANGES;
  if (ctx.invalid.has(oneName) || ctx.invalid.has(twoName)) return;
  const oneValue = ctx.effective(oneName);
  const twoValue = ctx.effective(twoName);
  if (oneValue === undefined || twoValue === undefined) return;
  // Only worth saying when the operator touched at least one of them: the defaults do not overlap.
  if (givenValue(ctx, oneName) === undefined && givenValue(ctx, twoName) === undefined) return;
  const one = parseCidr(oneValue);
  const two = parseCidr(twoValue);
  if (!one || !two) return;
  const [aStart, aEnd] = cidrRange(one);
  const [bStart, bEnd] = cidrRange(two);
  if (aStart > bEnd || bStart > aEnd) return;
  // Point at the one the operator wrote (the second if both were written).
  const blamed = givenValue(ctx, twoName) !== undefined ? twoName : oneName;
  push(
    issueAt(ctx.given.get(blamed), {
      severity: 'error',
      parameter: blamed,
      code: 'airgap-overlap',
      message: `AirgapSubnetOneIPRange (${oneValue}) and AirgapSubnetTwoIPRange (${twoValue}) overlap; the two subnets need disjoint ranges.`,
    }),
  );
};

/** The spec: the airgap ranges "only take effect if VpcID is specified". */
export const airgapWithoutVpcRule: Rule = (ctx, push) => {
  if (ctx.effective('VpcId') !== '') return;
  for (const name of AIRGAP_RANGES) {
    if (givenValue(ctx, name) === undefined) continue;
    push(
      issueAt(ctx.given.get(name), {
        severity: 'warning',
        parameter: name,
        code: 'no-effect-without-vpc',
        message: `${name} has no effect without VpcId: set VpcId to the VPC the range belongs to, or drop ${name}.`,
      }),
    );
  }
};

/** VpcId is free text in the template; a value that is not a VPC id fails deep in a nested stack. */
export const vpcIdRule: Rule = (ctx, push) => {
  const value = givenValue(ctx, 'VpcId');
  if (!value || /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/.test(value)) return;
  push(
    issueAt(ctx.given.get('VpcId'), {
      severity: 'warning',
      parameter: 'VpcId',
      code: 'invalid-vpc-id',
      message: `VpcId ${shown('VpcId', value)} does not look like a VPC id (vpc- and 8 or 17 hex digits).`,
    }),
  );
};

/** Datadog enabled without any key deploys forwarders that cannot send anything. */
export const datadogKeyRule: Rule = (ctx, push) => {
  if (ctx.effective('DatadogEnabled') !== 'true') return;
  const key = ctx.effective('DatadogAPIKey');
  const keyArn = ctx.effective('DatadogAPIKeySecretArn');
  // Unknown (kept from the previous deploy) may well be set: only complain when both are known empty.
  if (key !== '' || keyArn !== '') return;
  push(
    issueAt(ctx.given.get('DatadogEnabled'), {
      severity: 'error',
      parameter: 'DatadogEnabled',
      code: 'datadog-no-key',
      message: 'DatadogEnabled=true needs DatadogAPIKey or DatadogAPIKeySecretArn; neither is set.',
    }),
  );
};

/**
 * Only MessageForwarderReservedConcurrency is documented as inert when
 * EnableLambdaReservedConcurrency=false; the replay functions' settings are not, so they
 * are left alone rather than warned about on a guess.
 */
const GATED_CONCURRENCY = ['MessageForwarderReservedConcurrency'] as const;

export const reservedConcurrencyRule: Rule = (ctx, push) => {
  if (ctx.effective('EnableLambdaReservedConcurrency') !== 'false') return;
  for (const name of GATED_CONCURRENCY) {
    if (givenValue(ctx, name) === undefined) continue;
    push(
      issueAt(ctx.given.get(name), {
        severity: 'warning',
        parameter: name,
        code: 'no-effect',
        message: `${name} has no effect while EnableLambdaReservedConcurrency=false.`,
      }),
    );
  }
};

/**
 * python3.7 is deprecated by AWS Lambda, yet it is the template's default. Written
 * explicitly it is a warning on that parameter. Left to the default on a first deploy it is
 * a warning too (code `deprecated-runtime-default`), worded as something to change in the
 * first update, since the spec advises setting almost nothing on a first deploy. On an
 * update without the key the running value is unknown, so nothing is said.
 */
export const pythonRuntimeRule: Rule = (ctx, push) => {
  const given = givenValue(ctx, 'PythonRuntime');
  if (given === 'python3.7') {
    push(
      issueAt(ctx.given.get('PythonRuntime'), {
        severity: 'warning',
        parameter: 'PythonRuntime',
        code: 'deprecated-runtime',
        message: 'PythonRuntime=python3.7 is deprecated by AWS Lambda; use python3.9.',
      }),
    );
  } else if (given === undefined && !ctx.given.has('PythonRuntime') && ctx.firstDeploy && ctx.effective('PythonRuntime') === 'python3.7') {
    push({
      severity: 'warning',
      parameter: 'PythonRuntime',
      code: 'deprecated-runtime-default',
      message:
        "The template's default PythonRuntime is python3.7, deprecated by AWS Lambda; set PythonRuntime=python3.9 in the first update after the deploy succeeds.",
    });
  }
};

/**
 * A practical address check, not RFC 5322: one `@`, no spaces, a dotted domain of valid
 * labels. The admin invite goes to this address, and a typo cannot be fixed later.
 */
export function isValidEmail(value: string): boolean {
  if (value.length > 254) return false;
  const match = /^([^\s@]+)@([^\s@]+)$/.exec(value);
  if (!match) return false;
  const [, local = '', domain = ''] = match;
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  return labels.every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label)) && /^[A-Za-z]{2,}$/.test(labels.at(-1) ?? '');
}

export const emailRule: Rule = (ctx, push) => {
  const value = givenValue(ctx, 'FirstUserEmail');
  if (value === undefined || ctx.invalid.has('FirstUserEmail') || isValidEmail(value)) return;
  push(
    issueAt(ctx.given.get('FirstUserEmail'), {
      severity: 'error',
      parameter: 'FirstUserEmail',
      code: 'invalid-email',
      message: `FirstUserEmail ${shown('FirstUserEmail', value)} is not a valid email address; the admin invite would go nowhere.`,
    }),
  );
};

/** FirstUserEmail (and any parameter marked so) is read only by the first deploy. */
export const ignoredAfterFirstDeployRule: Rule = (ctx, push) => {
  if (ctx.firstDeploy) return;
  for (const [name, input] of ctx.given) {
    if (!ctx.definitions.get(name)?.ignoredAfterFirstDeploy || input.usePreviousValue) continue;
    push(
      issueAt(input, {
        severity: 'warning',
        parameter: name,
        code: 'ignored-after-first-deploy',
        message: `${name} is ignored after the first successful deploy; changing it here does nothing.`,
      }),
    );
  }
};

/** The spec: "Ensure the write key is defined for the env you choose." */
export const segmentWriteKeyRule: Rule = (ctx, push) => {
  const env = givenValue(ctx, 'SegmentEnvironment');
  if (!env || ctx.invalid.has('SegmentEnvironment')) return;
  if (ctx.effective('Segment') !== '') return;
  push(
    issueAt(ctx.given.get('SegmentEnvironment'), {
      severity: 'warning',
      parameter: 'SegmentEnvironment',
      code: 'segment-no-write-key',
      message: `SegmentEnvironment=${env} has no Segment write key; set Segment, or leave SegmentEnvironment blank to disable Segment.`,
    }),
  );
};

/** The role identity parameters take an AWS account id: 12 digits, or blank to disable. */
export const accountIdRule: Rule = (ctx, push) => {
  for (const name of ['SupportRoleIdentityAccountId', 'OpsRoleIdentityAccountId']) {
    const value = givenValue(ctx, name);
    if (!value || /^\d{12}$/.test(value)) continue;
    push(
      issueAt(ctx.given.get(name), {
        severity: 'warning',
        parameter: name,
        code: 'invalid-account-id',
        message: `${name} ${shown(name, value)} is not an AWS account id (12 digits); leave it blank to disable the role.`,
      }),
    );
  }
};

/**
 * The spec: set almost nothing on a first deploy, because a failed first deploy deletes
 * everything, while a failed update merely rolls back. Parameters marked `later` are
 * accepted, with this advice.
 */
export const laterOnFirstDeployRule: Rule = (ctx, push) => {
  if (!ctx.firstDeploy) return;
  for (const [name, input] of ctx.given) {
    const def = ctx.definitions.get(name);
    // An invalid value already has an error; advice about timing would only add noise.
    if (def?.firstDeploy !== 'later' || input.usePreviousValue || ctx.invalid.has(name)) continue;
    if (def.default !== undefined && input.value === def.default) continue;
    push(
      issueAt(input, {
        severity: 'warning',
        parameter: name,
        code: 'set-after-first-deploy',
        message: `${name} is better set after the first deploy succeeds: a failed first deploy deletes everything, a failed update only rolls back${def.risky ? ` (and ${def.group} settings are risky: change them on their own)` : ''}.`,
      }),
    );
  }
};

/**
 * CloudFormation accepts an empty string for a parameter without a default; the required
 * values (the Pulumi secrets, the first user) then fail deep inside the deploy.
 */
export const emptyRequiredRule: Rule = (ctx, push) => {
  for (const [name, input] of ctx.given) {
    if (!ctx.definitions.get(name)?.required || input.usePreviousValue || input.value !== '') continue;
    if (name === 'FirstUserEmail') continue; // emailRule says it better
    push(
      issueAt(input, {
        severity: 'error',
        parameter: name,
        code: 'empty-required',
        message: `${name} is required and must not be empty.`,
      }),
    );
  }
};

/** Every rule beyond CloudFormation, in the order their findings are reported. */
export const RULES: readonly Rule[] = [
  airgapCidrRule,
  airgapOverlapRule,
  airgapWithoutVpcRule,
  vpcIdRule,
  datadogKeyRule,
  reservedConcurrencyRule,
  pythonRuntimeRule,
  emailRule,
  emptyRequiredRule,
  ignoredAfterFirstDeployRule,
  segmentWriteKeyRule,
  accountIdRule,
  laterOnFirstDeployRule,
];
