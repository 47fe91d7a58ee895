import type { IssueCode } from './issue-codes.js';

/**
 * One deployment parameter of the root Panther template, as the product documentation
 * describes it. The same definitions drive validation, `params explain`, the sandbox's
 * fixture templates, first-deploy staging and secret masking.
 */
export interface ParameterDef {
  name: string;
  /** CloudFormation parameter type. */
  type: 'String' | 'Number';
  description: string;
  /** The template default; `undefined` means the template has none (a value is required on create). */
  default?: string;
  /** A value must be given on a first deploy (no default in the template). */
  required: boolean;
  minValue?: number;
  maxValue?: number;
  allowedValues?: readonly string[];
  /** Applied by CloudFormation as a full match of the whole value. */
  allowedPattern?: string;
  /** NoEcho: the value is a secret; never print, log or store it. */
  secret: boolean;
  /** Changes are ignored after the first successful deploy (FirstUserEmail). */
  ignoredAfterFirstDeploy: boolean;
  /**
   * How a first deploy treats the parameter: `required` ones go in the create call, `safe`
   * ones may go in it, `later` ones are better applied as updates after the first deploy
   * succeeds, because a failed first deploy deletes everything (spec, "Configuring
   * deployment parameters").
   */
  firstDeploy: 'required' | 'safe' | 'later';
  /**
   * Related parameters change together in one staged update (`datadog`, `snowflake`,
   * `airgap`, `custom-domain`, ...). `risky` groups are applied on their own.
   */
  group: string;
  /** Risky settings (Snowflake, custom domain) that the spec says to change on their own. */
  risky?: boolean;
}

/** A parameter value as given by the operator, with where it came from for `file:line:col`. */
export interface ParameterInput {
  key: string;
  /** `undefined` with `usePreviousValue` set. */
  value?: string;
  usePreviousValue?: boolean;
  /** Where the value was written; absent for `--param` overrides. */
  source?: { file: string; line: number; column: number } | { flag: string };
}

export type IssueSeverity = 'error' | 'warning';

/** One finding of validation, in the shape of the `params validate --json` contract. */
export interface ParameterIssue {
  severity: IssueSeverity;
  parameter: string;
  /** Stable code, declared in issue-codes.ts: `pattern-mismatch`, `below-min-value`, `unknown-parameter`, ... */
  code: IssueCode;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}
