import { PARAMETERS } from './definitions.js';
import { RULES, issueAt, shown, type RuleContext } from './rules.js';
import { suggester } from './suggest.js';
import type { IssueCode } from './issue-codes.js';
import type { ParameterDef, ParameterInput, ParameterIssue } from './types.js';

export interface ValidateOptions {
  /**
   * Validate for a stack create: required parameters must be given, UsePreviousValue is
   * refused, and defaults count as the values the stack will run with. Default `false`
   * (an update, where keys not given keep their previous values).
   */
  firstDeploy?: boolean;
  /** The parameter table to validate against. Default: PARAMETERS (tests pass their own). */
  definitions?: readonly ParameterDef[];
}

/**
 * Validates parameter inputs in two passes: first exactly as CloudFormation would (errors
 * only), then the rules in rules.ts that catch what CloudFormation accepts but a deploy
 * trips over. Pure: no I/O, issues in a stable order. Messages never contain secret values.
 */
export function validateParameters(inputs: readonly ParameterInput[], options: ValidateOptions = {}): ParameterIssue[] {
  const firstDeploy = options.firstDeploy ?? false;
  const definitions = new Map((options.definitions ?? PARAMETERS).map((def) => [def.name, def]));
  const issues: ParameterIssue[] = [];
  const push = (issue: ParameterIssue): void => {
    issues.push(issue);
  };

  const given = new Map<string, ParameterInput>();
  const invalid = new Set<string>();
  // Built on the first unknown key: it lower-cases the candidates once for all of them.
  let suggest: ((name: string) => string | undefined) | undefined;

  for (const input of inputs) {
    const def = definitions.get(input.key);
    if (given.has(input.key)) {
      push(
        issueAt(input, {
          severity: 'error',
          parameter: input.key,
          code: 'duplicate-parameter',
          message: `${input.key} is given more than once; CloudFormation takes each parameter once.`,
        }),
      );
    }
    given.set(input.key, input);
    if (!def) {
      invalid.add(input.key);
      suggest ??= suggester(definitions.keys());
      const suggestion = suggest(input.key);
      push(
        issueAt(input, {
          severity: 'error',
          parameter: input.key,
          code: 'unknown-parameter',
          message: `${input.key} is not a parameter of the Panther template${suggestion ? `; did you mean ${suggestion}?` : '.'}`,
        }),
      );
      continue;
    }
    for (const issue of checkInput(def, input, firstDeploy)) {
      invalid.add(input.key);
      push(issue);
    }
  }

  if (firstDeploy) {
    for (const def of definitions.values()) {
      if (def.required && def.default === undefined && !given.has(def.name)) {
        push({
          severity: 'error',
          parameter: def.name,
          code: 'missing-required',
          message: `${def.name} is required on a first deploy: the template has no default for it.`,
        });
      }
    }
  }

  const ctx: RuleContext = {
    firstDeploy,
    definitions,
    given,
    invalid,
    effective(name) {
      const input = given.get(name);
      if (input) return input.usePreviousValue ? undefined : input.value;
      return firstDeploy ? definitions.get(name)?.default : undefined;
    },
  };
  for (const rule of RULES) rule(ctx, push);
  return issues;
}

/** CloudFormation's own checks of one value against its definition. */
function checkInput(def: ParameterDef, input: ParameterInput, firstDeploy: boolean): ParameterIssue[] {
  const name = def.name;
  const error = (code: IssueCode, message: string): ParameterIssue =>
    issueAt(input, { severity: 'error', parameter: name, code, message });

  if (input.usePreviousValue) {
    if (firstDeploy) {
      return [error('use-previous-on-first-deploy', `${name} cannot use the previous value on a first deploy: there is none.`)];
    }
    if (input.value !== undefined) {
      return [error('use-previous-with-value', `${name} gives both a value and UsePreviousValue; give one or the other.`)];
    }
    return [];
  }
  const value = input.value;
  if (value === undefined) {
    return [error('missing-value', `${name} has no value; give one, or UsePreviousValue on an update.`)];
  }

  if (def.type === 'Number') {
    if (!isCloudFormationNumber(value)) {
      return [error('not-a-number', `${name} must be a number, got ${shown(name, value, def)}.`)];
    }
    const n = Number(value);
    if (def.minValue !== undefined && n < def.minValue) {
      return [error('below-min-value', `${name} must be at least ${def.minValue}, got ${shown(name, value, def)}.`)];
    }
    if (def.maxValue !== undefined && n > def.maxValue) {
      return [error('above-max-value', `${name} must be at most ${def.maxValue}, got ${shown(name, value, def)}.`)];
    }
  }

  if (def.allowedValues && !def.allowedValues.includes(value)) {
    // AllowedValues are compared exactly: `True` is not `true`.
    const options = def.allowedValues.map((v) => (v === '' ? "''" : v)).join(', ');
    const near = def.allowedValues.find((v) => v.toLowerCase() === value.toLowerCase());
    return [
      error(
        'not-allowed-value',
        `${name} must be one of ${options}, got ${shown(name, value, def)}${near !== undefined && !def.secret ? ` (did you mean ${near}?)` : ''}.`,
      ),
    ];
  }

  if (def.allowedPattern !== undefined && !fullMatch(def.allowedPattern, value)) {
    return [error('pattern-mismatch', `${name} does not match the template's pattern ${def.allowedPattern}: ${shown(name, value, def)}.`)];
  }
  return [];
}

/**
 * A CloudFormation Number: "an integer or float". CloudFormation parses it on the Java side;
 * we accept the decimal and exponent forms Java's number parsing accepts, without
 * surrounding whitespace, and nothing else (empty, `0x10`, `Infinity`, `NaN`).
 */
export function isCloudFormationNumber(value: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value);
}

const compiled = new Map<string, RegExp>();

/**
 * AllowedPattern as CloudFormation applies it: the whole value must match (Java's
 * `String.matches`), whether or not the pattern is anchored. CloudFormation uses Java
 * regular expressions; the template's patterns use only syntax that means the same in
 * JavaScript (classes, `\S`, `{n,m}`, groups, alternation), so no translation is needed.
 */
export function fullMatch(pattern: string, value: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`);
    compiled.set(pattern, re);
  }
  return re.test(value);
}
