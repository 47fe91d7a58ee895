import { createHash } from 'node:crypto';
import { validationError } from '../aws-error.js';
import type { ParamDecl } from './template.js';

/** A parameter as a CreateStack / UpdateStack / CreateChangeSet call gives it. */
export interface ParameterInput {
  key: string;
  value?: string;
  usePreviousValue?: boolean;
}

const SECRET_PREFIX = 'sandbox-noecho-sha256:';

/**
 * NoEcho values are never kept: the sandbox stores a digest, enough to tell "unchanged" from
 * "changed" and to pass UsePreviousValue on, while never holding the secret in memory, in the
 * state file or in any answer (CloudFormation itself answers `****`).
 */
export function concealSecret(value: string): string {
  return value.startsWith(SECRET_PREFIX) ? value : SECRET_PREFIX + createHash('sha256').update(value).digest('hex');
}

const patternCache = new Map<string, RegExp | null>();

/** AllowedPattern is a Java regex applied to the whole value; JS accepts nearly all of them. */
function fullMatch(pattern: string, value: string): boolean {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      // A pattern JS cannot compile is not ours to reject: be as permissive as a deploy would be.
      re = null;
    }
    patternCache.set(pattern, re);
  }
  return re === null ? true : re.test(value);
}

/** The first constraint `value` breaks, in CloudFormation's words, or nothing. */
export function constraintViolation(decl: ParamDecl, value: string): string | undefined {
  // A digest passed down to a nested stack was checked where the secret was given.
  if (value.startsWith(SECRET_PREFIX)) return undefined;
  const fail = (why: string) =>
    decl.constraintDescription ? `Parameter '${decl.name}' failed to satisfy constraint: ${decl.constraintDescription}` : why;
  if (decl.type === 'Number') {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) return fail(`Parameter '${decl.name}' must be a number`);
    if (decl.minValue !== undefined && n < decl.minValue) {
      return fail(`Parameter '${decl.name}' must be a number not less than ${decl.minValue}`);
    }
    if (decl.maxValue !== undefined && n > decl.maxValue) {
      return fail(`Parameter '${decl.name}' must be a number not greater than ${decl.maxValue}`);
    }
  }
  if (decl.allowedValues && !decl.allowedValues.includes(value)) {
    return fail(`Parameter '${decl.name}' must be one of AllowedValues`);
  }
  if (decl.allowedPattern !== undefined && !fullMatch(decl.allowedPattern, value)) {
    return fail(`Parameter '${decl.name}' must match pattern ${decl.allowedPattern}`);
  }
  if (decl.minLength !== undefined && value.length < decl.minLength) {
    return fail(`Parameter '${decl.name}' must contain at least ${decl.minLength} characters`);
  }
  if (decl.maxLength !== undefined && value.length > decl.maxLength) {
    return fail(`Parameter '${decl.name}' must contain at most ${decl.maxLength} characters`);
  }
  return undefined;
}

/**
 * The values a stack ends up with, checked as CloudFormation checks them at call time:
 * unknown keys, UsePreviousValue misuse, missing values, then each constraint. On update a
 * parameter left out takes the template default, not its previous value: that is AWS's
 * rule and the reason clients pass UsePreviousValue. Values taken from defaults or from the
 * previous deployment are not re-checked (they were accepted when they were set).
 */
export function resolveParameters(
  decls: readonly ParamDecl[],
  inputs: readonly ParameterInput[],
  previous: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const byName = new Map(decls.map((d) => [d.name, d]));
  const unknown = inputs.filter((i) => !byName.has(i.key)).map((i) => i.key);
  if (unknown.length > 0) throw validationError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);

  const given = new Map<string, ParameterInput>();
  for (const input of inputs) {
    if (input.usePreviousValue && input.value !== undefined && input.value !== '') {
      throw validationError(
        `Invalid input for parameter key ${input.key}. Cannot specify usePreviousValue as true and non empty value for a parameter.`,
      );
    }
    if (input.usePreviousValue && (previous === undefined || !(input.key in previous))) {
      throw validationError(
        `Invalid input for parameter key ${input.key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
      );
    }
    given.set(input.key, input);
  }

  const missing = decls.filter((d) => {
    const g = given.get(d.name);
    return !(g && (g.usePreviousValue || g.value !== undefined)) && d.default === undefined;
  });
  if (missing.length > 0) throw validationError(`Parameters: [${missing.map((d) => d.name).join(', ')}] must have values`);

  const values: Record<string, string> = {};
  for (const decl of decls) {
    const g = given.get(decl.name);
    let value: string;
    if (g?.usePreviousValue) {
      value = previous?.[decl.name] as string;
    } else if (g && g.value !== undefined) {
      const problem = constraintViolation(decl, g.value);
      if (problem) throw validationError(problem);
      value = g.value;
    } else {
      value = decl.default as string;
    }
    values[decl.name] = decl.noEcho ? concealSecret(value) : value;
  }
  return values;
}

export function sameValues(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] === a[k]);
}
