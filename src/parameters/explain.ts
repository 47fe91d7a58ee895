import { PantherctlError } from '../errors/pantherctl-error.js';
import { PARAMETERS, findParameter } from './definitions.js';
import { redactValue } from './redact.js';
import { didYouMean } from './suggest.js';
import type { ParameterDef } from './types.js';

/** One row of `params explain`: plain data, rendered as a table or as JSON by the CLI. */
export interface ExplainRow {
  name: string;
  type: ParameterDef['type'];
  /** The template default; `null` when the template has none. Secrets show as `****`. */
  default: string | null;
  /** Human text: `256..2048`, `>= 5`, `<= 400`, `one of: true, false`, `pattern ^...$`; `''` when free. */
  constraint: string;
  required: boolean;
  secret: boolean;
  firstDeploy: ParameterDef['firstDeploy'];
  ignoredAfterFirstDeploy: boolean;
  group: string;
  risky: boolean;
  description: string;
}

/**
 * Rows for every parameter, in the table's order, or for one parameter by exact name.
 * @throws PantherctlError `unknown-parameter` (with a "did you mean") for an unknown name.
 */
export function explainRows(name?: string, definitions: readonly ParameterDef[] = PARAMETERS): ExplainRow[] {
  if (name === undefined) return definitions.map(toRow);
  const def = definitions === PARAMETERS ? findParameter(name) : definitions.find((d) => d.name === name);
  if (!def) {
    const suggestion = didYouMean(
      name,
      definitions.map((d) => d.name),
    );
    throw new PantherctlError(
      'unknown-parameter',
      `${name} is not a parameter of the Panther template${suggestion ? `; did you mean ${suggestion}?` : '.'}`,
      { hint: 'Run `pantherctl params explain` to list every parameter.', meta: suggestion ? { suggestion } : {} },
    );
  }
  return [toRow(def)];
}

/** The constraint CloudFormation enforces, as one line of text. */
export function describeConstraint(def: ParameterDef): string {
  const parts: string[] = [];
  if (def.minValue !== undefined && def.maxValue !== undefined) parts.push(`${def.minValue}..${def.maxValue}`);
  else if (def.minValue !== undefined) parts.push(`>= ${def.minValue}`);
  else if (def.maxValue !== undefined) parts.push(`<= ${def.maxValue}`);
  if (def.allowedValues) parts.push(`one of: ${def.allowedValues.map((v) => (v === '' ? "''" : v)).join(', ')}`);
  if (def.allowedPattern !== undefined) parts.push(`pattern ${def.allowedPattern}`);
  return parts.join('; ');
}

function toRow(def: ParameterDef): ExplainRow {
  return {
    name: def.name,
    type: def.type,
    default: def.default === undefined ? null : def.default === '' ? '' : redactValue(def, def.default),
    constraint: describeConstraint(def),
    required: def.required,
    secret: def.secret,
    firstDeploy: def.firstDeploy,
    ignoredAfterFirstDeploy: def.ignoredAfterFirstDeploy,
    group: def.group,
    risky: def.risky ?? false,
    description: def.description,
  };
}
