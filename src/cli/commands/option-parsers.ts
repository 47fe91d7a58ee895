import { InvalidArgumentError, type Command } from 'commander';
import { parseVersion, parseVersionSpec } from '../../catalog/version.js';
import { checkStackName } from '../../deployments/configure/stack-name.js';
import { PantherctlError, usageError } from '../../errors/pantherctl-error.js';
import { parseParamOverrides } from '../../parameters/overrides.js';

/**
 * Option errors name the option and its bound ("Expected `--port` to be at most 65535").
 * Whole numbers are written plainly: no sign on zero (`--port -0` once meant "any port"), no
 * leading zeros, no exponent.
 */
export function intOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^(0|-?[1-9]\d*)$/.test(value)) throw new InvalidArgumentError(`Expected \`${name}\` to be a whole number, got "${value}".`);
    const n = Number(value);
    if (n < min) throw new InvalidArgumentError(`Expected \`${name}\` to be at least ${min}.`);
    if (n > max) throw new InvalidArgumentError(`Expected \`${name}\` to be at most ${max}.`);
    return n;
  };
}

/** A decimal number, written plainly (`2`, `0.5`): no spaces, hexadecimal, exponent or `-0`. */
export function numberOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^-?(0|[1-9]\d*)(\.\d+)?$/.test(value) || /^-0(\.0+)?$/.test(value)) {
      throw new InvalidArgumentError(`Expected \`${name}\` to be a number, got "${value}".`);
    }
    const n = Number(value);
    if (n < min) throw new InvalidArgumentError(`Expected \`${name}\` to be at least ${min}.`);
    if (n > max) throw new InvalidArgumentError(`Expected \`${name}\` to be at most ${max}.`);
    return n;
  };
}

/** For repeatable options: `--param A=1 --param B=2`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Options whose value is an exact release (`--current v1.25.1`). */
const EXACT_VERSION_OPTIONS = ['from', 'current', 'version'] as const;
/** Options whose value is a target: a release, a minor line or `latest`. */
const TARGET_VERSION_OPTIONS = ['to'] as const;
/** Options naming a stack by name. `--stack` may also be a stack ID (an ARN). */
const STACK_NAME_OPTIONS = ['rootStack', 'roleStack', 'stack'] as const;

/**
 * Checks the option values and arguments a command received, before its body runs and so
 * before any AWS call, by one rule for every command (main() calls it for each): no option or
 * argument may be an empty string (`--root-stack ""` used to mean "discover it",
 * `iam-policy --region ""` "any region"); versions follow the rule of src/catalog/version.ts
 * (exit 1, `invalid-version`); stack names are names CloudFormation accepts (CreateStack's
 * StackName rule, src/deployments/configure/stack-name.ts); `--endpoint-url` is an http(s)
 * URL; `--assume-role` a role ARN; `--param` is KEY=VALUE. Regions, accounts and files keep
 * their own checks, which also run before any call. `params diff` exits 2 for every refusal
 * of its input (README), since its exit 1 means "different".
 */
export function checkOptionValues(cmd: Command, args: readonly string[]): void {
  try {
    checkAll(cmd, args);
  } catch (err) {
    if (err instanceof PantherctlError && err.source === 'user' && commandPath(cmd) === 'params diff') {
      throw new PantherctlError(err.code, err.message, { source: 'usage', ...(err.hint ? { hint: err.hint } : {}), meta: err.meta, cause: err });
    }
    throw err;
  }
}

function checkAll(cmd: Command, args: readonly string[]): void {
  const values = cmd.optsWithGlobals() as Record<string, unknown>;
  const flagOf = new Map<string, string>();
  for (let c: Command | null = cmd; c; c = c.parent) for (const o of c.options) flagOf.set(o.attributeName(), o.long ?? o.flags);
  const flag = (key: string): string => flagOf.get(key) ?? `--${key}`;

  for (const [key, value] of Object.entries(values)) {
    const texts = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    if (texts.some((t) => t === '')) throw usageError(`Expected \`${flag(key)}\` to have a value, got an empty string`);
  }
  cmd.registeredArguments.forEach((argument, i) => {
    if (args[i] === '') throw usageError(`Expected the ${argument.name().toUpperCase()} argument to have a value, got an empty string`);
  });

  for (const key of [...EXACT_VERSION_OPTIONS, ...TARGET_VERSION_OPTIONS]) {
    const value = values[key];
    if (typeof value !== 'string') continue;
    try {
      if ((TARGET_VERSION_OPTIONS as readonly string[]).includes(key)) parseVersionSpec(value);
      else parseVersion(value);
    } catch (err) {
      if (!(err instanceof PantherctlError)) throw err;
      throw new PantherctlError(err.code, `${flag(key)} ${err.message}`, { ...(err.hint ? { hint: err.hint } : {}), meta: { ...err.meta, option: flag(key) } });
    }
  }

  for (const key of STACK_NAME_OPTIONS) {
    const value = values[key];
    if (typeof value !== 'string' || (key === 'stack' && value.startsWith('arn:'))) continue;
    checkStackName(value, flag(key));
  }

  const endpoint = values.endpointUrl;
  if (typeof endpoint === 'string' && !isHttpUrl(endpoint)) {
    throw usageError(`Expected \`--endpoint-url\` to be an http or https URL, got "${endpoint}"`, 'Example: --endpoint-url http://127.0.0.1:4599');
  }
  const params = values.param;
  if (Array.isArray(params)) parseParamOverrides(params.filter((p): p is string => typeof p === 'string'));
  const role = values.assumeRole;
  if (typeof role === 'string' && !ROLE_ARN.test(role)) {
    throw usageError(`Expected \`--assume-role\` to be an IAM role ARN, got "${role}"`, 'Example: --assume-role arn:aws:iam::123456789012:role/PantherUpgrade');
  }
}

/** The shape pantherctl.yml's `assumeRole` has too. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** `params diff`, `sandbox start`: the command's names below the program's. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
