import { isSecret, REDACTED } from '../../parameters/redact.js';
import type { ParameterValue, StackParameter } from '../aws/types.js';
import { constraintProblem, type ParameterFinding, type TemplateParameterDecl } from '../templates/template-parameters.js';

export type { ParameterFinding };

/** One row of the parameter diff shown at confirmation; values of secrets are `****`. */
export interface ParameterDiffRow {
  key: string;
  change: 'unchanged' | 'changed' | 'added' | 'removed';
  from?: string;
  to?: string;
}

export interface HopParameters {
  /** What the change set gets: UsePreviousValue for every kept parameter not overridden. */
  parameters: ParameterValue[];
  findings: ParameterFinding[];
  diff: ParameterDiffRow[];
  /** Values the stack will run with after this hop (secrets as given or `****`), input to the next hop. */
  next: StackParameter[];
}

const masked = (key: string, noEcho: boolean, value: string): string => (noEcho || isSecret(key) ? REDACTED : value);

/**
 * The parameters of a hop's root change set, pure: live values carried forward with
 * UsePreviousValue, parameters the new template dropped left out (CloudFormation rejects
 * unknown keys), new ones taking their default or an operator's value (`--param`), and
 * every value the stack will run with checked against the new template's constraints.
 * NoEcho values come back from AWS as `****`; they cannot be checked and are never shown.
 */
export function planHopParameters(input: {
  version: string;
  live: readonly StackParameter[];
  template: readonly TemplateParameterDecl[];
  /**
   * `--param KEY=VALUE` values; they win over live values. A key this template does not
   * declare is not sent (it may belong to a later hop); the caller reports keys no hop knows.
   */
  overrides: ReadonlyMap<string, string>;
}): HopParameters {
  const { version, live, template, overrides } = input;
  const liveByKey = new Map(live.map((p) => [p.key, p]));
  const declared = new Map(template.map((d) => [d.key, d]));
  const findings: ParameterFinding[] = [];
  const parameters: ParameterValue[] = [];
  const diff: ParameterDiffRow[] = [];
  const next: StackParameter[] = [];

  for (const p of live) {
    if (!declared.has(p.key)) {
      findings.push({
        severity: 'warning',
        code: 'parameter-removed',
        parameter: p.key,
        message: `${p.key} is not a parameter of the ${version} template; its value is dropped by this hop`,
      });
      diff.push({ key: p.key, change: 'removed', from: masked(p.key, false, p.value) });
    }
  }
  for (const decl of template) {
    const override = overrides.get(decl.key);
    const current = liveByKey.get(decl.key);
    let value: string | undefined;
    if (override !== undefined) {
      value = override;
      parameters.push({ key: decl.key, value: override });
      const row: ParameterDiffRow = current
        ? { key: decl.key, change: current.value === override && !decl.noEcho ? 'unchanged' : 'changed', from: masked(decl.key, decl.noEcho, current.value), to: masked(decl.key, decl.noEcho, override) }
        : { key: decl.key, change: 'added', to: masked(decl.key, decl.noEcho, override) };
      diff.push(row);
    } else if (current) {
      value = current.value;
      parameters.push({ key: decl.key, usePreviousValue: true });
      diff.push({ key: decl.key, change: 'unchanged', from: masked(decl.key, decl.noEcho, current.value), to: masked(decl.key, decl.noEcho, current.value) });
    } else if (decl.default !== undefined) {
      // Not sent: CloudFormation applies the new parameter's default.
      value = decl.default;
      diff.push({ key: decl.key, change: 'added', to: masked(decl.key, decl.noEcho, decl.default) });
    } else {
      findings.push({
        severity: 'error',
        code: 'parameter-needs-value',
        parameter: decl.key,
        message: `${decl.key} is new in ${version} and has no default; give it with --param ${decl.key}=VALUE`,
      });
      // Carried on as if given, so later hops do not report the same missing value again.
      next.push({ key: decl.key, value: REDACTED });
      continue;
    }
    next.push({ key: decl.key, value });
    // A NoEcho value read back from AWS is `****`, not the real one: nothing to check.
    if (value === REDACTED && (decl.noEcho || override === undefined)) continue;
    const problem = constraintProblem(decl, value);
    if (problem) {
      const shown = decl.noEcho || isSecret(decl.key) ? 'its value' : `"${value}"`;
      findings.push({ severity: 'error', code: 'parameter-constraint', parameter: decl.key, message: `${decl.key}: ${shown} ${problem} in the ${version} template` });
    }
  }
  return { parameters, findings, diff, next };
}
