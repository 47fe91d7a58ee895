import { PantherctlError } from '../../errors/pantherctl-error.js';
import { MSG, type IoHost } from '../../io/messages.js';
import type { IssueCode } from '../../parameters/issue-codes.js';
import type { ParameterIssue } from '../../parameters/types.js';

export interface TemplateFinding {
  severity?: 'error' | 'warning';
  parameter: string;
  code: IssueCode;
  message: string;
}

/** One reported finding, as `params.issue` data and the `--json` documents carry it. Never holds a secret value. */
export interface ReportedIssue {
  severity: 'error' | 'warning';
  parameter: string;
  code: IssueCode;
  message: string;
  /** `file:line:col`, or the file when the value has no position. */
  where: string;
}

/**
 * Reports every finding (catalog rules and the live/target template's own constraints) as
 * `params.issue` messages, then refuses when any is an error: nothing changes with a file
 * CloudFormation would reject. The refusal carries the findings in its meta (`issues`), so
 * `--json` callers get them in the error document. Returns the warnings otherwise. Messages
 * never hold secret values (the validators mask them).
 */
export function reportIssues(io: IoHost, file: string, issues: readonly ParameterIssue[], findings: readonly TemplateFinding[]): ReportedIssue[] {
  // A set, not a search per finding: a file of 20,000 unknown keys has that many of each.
  const refused = new Set(issues.filter((i) => i.severity === 'error').map((i) => i.parameter));
  const all: ReportedIssue[] = [
    ...issues.map((i) => ({ severity: i.severity, parameter: i.parameter, code: i.code, message: i.message, where: i.line !== undefined ? `${i.file ?? file}:${i.line}:${i.column}` : file })),
    ...findings
      // The template's constraint and the catalog's rule usually refuse one bad value together: one error per value is enough.
      .filter((f) => (f.severity ?? 'error') !== 'error' || !refused.has(f.parameter))
      .map((f) => ({ severity: f.severity ?? 'error', parameter: f.parameter, code: f.code, message: f.message, where: file })),
  ];
  // A template finding and a catalog issue may say the same thing about one key; say it once.
  const seen = new Set<string>();
  const reported: ReportedIssue[] = [];
  for (const i of all) {
    const id = `${i.severity}:${i.parameter}:${i.code}`;
    if (seen.has(id)) continue;
    seen.add(id);
    reported.push(i);
    io.notify(MSG['params.issue'].msg(i.severity === 'error' ? 'error' : 'warn', `${i.where}: ${i.message} [${i.code}]`, { severity: i.severity, parameter: i.parameter, code: i.code }));
  }
  const errors = reported.filter((i) => i.severity === 'error').length;
  if (errors) {
    throw new PantherctlError('invalid-parameters', `${file}: ${errors} parameter error${errors === 1 ? '' : 's'}; nothing was changed`, {
      hint: 'Fix the values listed above (`pantherctl params validate FILE` checks a file offline).',
      meta: { errors, issues: reported },
    });
  }
  return reported;
}
