import { parseDocument } from 'yaml';
import type { IssueCode } from '../../parameters/issue-codes.js';
import { fullMatch, isCloudFormationNumber } from '../../parameters/validate.js';
import { CLOUDFORMATION_YAML_TAGS, type TemplateParameterConstraints } from '../aws/cloudformation-yaml.js';

/** A finding about a parameter value against a template (preflight of a hop, a parameter file against the live or target template). */
export interface ParameterFinding {
  severity: 'error' | 'warning';
  /** `parameter-removed`, `parameter-needs-value`, `parameter-constraint`, `unknown-parameter`, ... */
  code: IssueCode;
  parameter: string;
  message: string;
}

/** A parameter as a template declares it, with the constraints CloudFormation applies. */
export interface TemplateParameterDecl extends TemplateParameterConstraints {
  key: string;
  type: string;
  default?: string;
  noEcho: boolean;
}

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : String(v));
const num = (v: unknown): number | undefined => (v === undefined || v === null || Number.isNaN(Number(v)) ? undefined : Number(v));

/**
 * The `Parameters` section of a template body (YAML or JSON). GetTemplateSummary omits
 * AllowedPattern and the bounds, so preflight reads them from the template itself.
 * CloudFormation's short-form tags (!Ref, !Sub) resolve to their long forms, as the sandbox
 * reads them; unknown tags are tolerated: this read only needs the Parameters section.
 */
export function parseTemplateParameters(body: string): TemplateParameterDecl[] {
  const doc = parseDocument(body, { customTags: CLOUDFORMATION_YAML_TAGS, logLevel: 'silent' });
  const js = doc.toJS({ maxAliasCount: -1 }) as { Parameters?: Record<string, Record<string, unknown>> } | null;
  const params = js?.Parameters ?? {};
  return Object.entries(params).map(([key, p]): TemplateParameterDecl => {
    const def = str(p.Default);
    const allowed = Array.isArray(p.AllowedValues) ? p.AllowedValues.map((v) => String(v)) : undefined;
    const decl: TemplateParameterDecl = {
      key,
      type: str(p.Type) ?? 'String',
      noEcho: p.NoEcho === true || p.NoEcho === 'true',
    };
    if (def !== undefined) decl.default = def;
    if (allowed) decl.allowedValues = allowed;
    const pattern = str(p.AllowedPattern);
    if (pattern !== undefined) decl.allowedPattern = pattern;
    const bounds = { minValue: num(p.MinValue), maxValue: num(p.MaxValue), minLength: num(p.MinLength), maxLength: num(p.MaxLength) };
    for (const [k, v] of Object.entries(bounds)) if (v !== undefined) (decl as unknown as Record<string, number>)[k] = v;
    return decl;
  });
}

/** CloudFormation's checks of one value, worded as "violates ..."; undefined when it passes. */
export function constraintProblem(decl: TemplateParameterDecl, value: string): string | undefined {
  if (decl.type === 'Number') {
    if (!isCloudFormationNumber(value)) return 'is not a number';
    const n = Number(value);
    if (decl.minValue !== undefined && n < decl.minValue) return `is below MinValue ${decl.minValue}`;
    if (decl.maxValue !== undefined && n > decl.maxValue) return `is above MaxValue ${decl.maxValue}`;
  }
  if (decl.allowedValues && !decl.allowedValues.includes(value)) return `is not one of the AllowedValues (${decl.allowedValues.map((v) => (v === '' ? "''" : v)).join(', ')})`;
  if (decl.allowedPattern !== undefined && !fullMatch(decl.allowedPattern, value)) return `does not match AllowedPattern ${decl.allowedPattern}`;
  if (decl.minLength !== undefined && value.length < decl.minLength) return `is shorter than MinLength ${decl.minLength}`;
  if (decl.maxLength !== undefined && value.length > decl.maxLength) return `is longer than MaxLength ${decl.maxLength}`;
  return undefined;
}
