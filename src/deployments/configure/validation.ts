import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { IoHost } from '../../io/messages.js';
import type { ParameterIssue } from '../../parameters/types.js';

export interface TemplateFinding {
  severity?: 'error' | 'warning';
  parameter: string;
  code: string;
  message: string;
}

/**
 * Reports every finding (catalog rules and the live/target template's own constraints) as
 * `params.issue` messages, then refuses when any is an error: nothing changes with a file
 * CloudFormation would reject. Messages never hold secret values (the validators mask them).
 */
export function reportIssues(io: IoHost, file: string, issues: readonly ParameterIssue[], findings: readonly TemplateFinding[]): void {
  const all = [
    ...issues.map((i) => ({ severity: i.severity, parameter: i.parameter, code: i.code, message: i.message, where: i.line !== undefined ? `${i.file ?? file}:${i.line}:${i.column}` : file })),
    ...findings.map((f) => ({ severity: f.severity ?? 'error', parameter: f.parameter, code: f.code, message: f.message, where: file })),
  ];
  // A template finding and a catalog issue may say the same thing about one key; say it once.
  const seen = new Set<string>();
  let errors = 0;
  for (const i of all) {
    const id = `${i.severity}:${i.parameter}:${i.code}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (i.severity === 'error') errors++;
    io.notify({ level: i.severity === 'error' ? 'error' : 'warn', code: 'params.issue', text: `${i.where}: ${i.message} [${i.code}]`, data: { severity: i.severity, parameter: i.parameter, code: i.code } });
  }
  if (errors) {
    throw new PantherctlError('invalid-parameters', `${file}: ${errors} parameter error${errors === 1 ? '' : 's'}; nothing was changed`, {
      hint: 'Fix the values listed above (`pantherctl params validate FILE` checks a file offline).',
      meta: { errors },
    });
  }
}
