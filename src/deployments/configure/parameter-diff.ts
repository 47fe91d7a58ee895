import { isSecret, REDACTED } from '../../parameters/redact.js';
import type { StackParameter } from '../aws/types.js';
import { constraintProblem, type ParameterFinding, type TemplateParameterDecl } from '../templates/template-parameters.js';
import type { StagedParameter } from '../staging/types.js';

/**
 * `cannot-compare`: a secret (NoEcho) parameter. AWS returns its live value as `****`, so
 * whether the file changes it is unknowable; `configure` applies the file's value.
 */
export type ParameterChange = 'unchanged' | 'changed' | 'added' | 'cannot-compare';

/** One row of the file-versus-live diff. `from`/`to` are `****` for secrets, always. */
export interface ParameterDiffEntry {
  key: string;
  change: ParameterChange;
  from?: string;
  to?: string;
  secret: boolean;
}

/** A finding of the file against the live template: `unknown-parameter`, `parameter-constraint`, `ignored-after-first-deploy`. */
export type DiffFinding = ParameterFinding;

export interface LiveDiff {
  /** Every key of the file, in file order (last value of a repeated key). */
  rows: ParameterDiffEntry[];
  /** What an update must send: changed, added and secret values, in file order. */
  changes: StagedParameter[];
  findings: DiffFinding[];
  /**
   * Whether the file differs from the live stack. Secrets that cannot be compared count only
   * with `secretsDiffer`, so a drift check on a file holding a secret is not always red.
   */
  different: boolean;
}

export interface DiffOptions {
  /** Count secrets that cannot be compared as differences. Default false. */
  secretsDiffer?: boolean;
}

/**
 * The parameter file against a live stack, pure. Keys the live template does not declare are
 * errors (CloudFormation rejects them), values are checked against the template's own
 * constraints, and a changed `FirstUserEmail` is a warning: the spec says it is ignored after
 * the first successful deploy. Values of secrets never appear in rows or messages.
 */
export function diffAgainstLive(
  live: readonly StackParameter[],
  file: readonly StagedParameter[],
  template: readonly TemplateParameterDecl[],
  options: DiffOptions = {},
): LiveDiff {
  const liveByKey = new Map(live.map((p) => [p.key, p]));
  const declared = new Map(template.map((d) => [d.key, d]));
  const latest = new Map<string, StagedParameter>();
  for (const p of file) {
    latest.delete(p.key);
    latest.set(p.key, p);
  }

  const rows: ParameterDiffEntry[] = [];
  const changes: StagedParameter[] = [];
  const findings: DiffFinding[] = [];
  for (const p of latest.values()) {
    const decl = declared.get(p.key);
    const current = liveByKey.get(p.key);
    const secret = Boolean(decl?.noEcho) || isSecret(p.key) || current?.value === REDACTED;
    const show = (value: string): string => (secret ? REDACTED : value);
    if (!decl) {
      findings.push({
        severity: 'error',
        code: 'unknown-parameter',
        parameter: p.key,
        message: `${p.key} is not a parameter of the live template; CloudFormation would reject the update.`,
      });
      continue;
    }
    const problem = constraintProblem(decl, p.value);
    if (problem) {
      findings.push({
        severity: 'error',
        code: 'parameter-constraint',
        parameter: p.key,
        message: `${p.key}: ${secret ? 'its value' : `"${p.value}"`} ${problem} of the live template.`,
      });
    }
    let row: ParameterDiffEntry;
    if (!current) {
      row = { key: p.key, change: 'added', to: show(p.value), secret };
    } else if (secret) {
      row = { key: p.key, change: 'cannot-compare', from: REDACTED, to: REDACTED, secret };
    } else {
      row = { key: p.key, change: current.value === p.value ? 'unchanged' : 'changed', from: current.value, to: p.value, secret };
    }
    rows.push(row);
    if (row.change !== 'unchanged') changes.push({ key: p.key, value: p.value });
    if (p.key === 'FirstUserEmail' && row.change === 'changed') {
      findings.push({
        severity: 'warning',
        code: 'ignored-after-first-deploy',
        parameter: p.key,
        message: 'FirstUserEmail is ignored after the first successful deploy: changing it sends no new invite and changes no user.',
      });
    }
  }
  const different = rows.some((r) => r.change === 'changed' || r.change === 'added' || (options.secretsDiffer === true && r.change === 'cannot-compare'));
  return { rows, changes, findings, different };
}
