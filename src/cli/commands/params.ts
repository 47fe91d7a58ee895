import { createStyle } from '../../io/style.js';
import type { ParameterIssue } from '../../parameters/types.js';
import type { CliContext } from '../context.js';
import type { ProgramBuilder } from '../main.js';
import { collect } from './option-parsers.js';
import { readUserText } from '../../io/read-user-file.js';
import { registerParamsDiff } from './params-diff.js';

interface ValidateOptions {
  firstDeploy?: boolean;
  param?: string[];
}

export function registerParamsCommand(b: ProgramBuilder): void {
  const params = b.command('params', 'check and explain deployment parameters');

  const validate = params
    .command('validate')
    .description('validate a parameter file the way CloudFormation will, and beyond')
    .argument('<file>', 'YAML/JSON map, AWS CLI parameter list, or CodePipeline {"Parameters":{...}}')
    .option('--first-deploy', 'validate for the first deploy: required values, no UsePreviousValue, what to leave for later')
    .option('--param <key=value>', 'override or add one value (repeatable)', collect);
  b.action<ValidateOptions>(validate, async (ctx, o, [file]) => {
    const { parseParameterFile, parseParamOverrides, mergeInputs } = await import('../../parameters/inputs.js');
    const { validateParameters } = await import('../../parameters/validate.js');
    const text = readUserText(file!, { what: 'parameter file', code: 'cannot-read-file' });
    const inputs = mergeInputs(parseParameterFile(text, file!), parseParamOverrides(o.param ?? []));
    // In file order, so the report reads top to bottom like the file; flag values last.
    const issues = validateParameters(inputs, { firstDeploy: Boolean(o.firstDeploy) }).sort(
      (a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0),
    );
    const errors = issues.filter((i) => i.severity === 'error');
    const warnings = issues.filter((i) => i.severity === 'warning');
    if (ctx.json) {
      ctx.outJson({ valid: errors.length === 0, errors: errors.map(toJson), warnings: warnings.map(toJson) });
    } else {
      renderIssues(ctx, file!, issues, inputs.length);
    }
    return errors.length ? 1 : 0;
  });

  const explain = params
    .command('explain')
    .description('a table of every deployment parameter, or the details of one')
    .argument('[name]', 'one parameter name');
  b.action<Record<string, never>>(explain, async (ctx, _o, [name]) => {
    const { explainRows } = await import('../../parameters/explain.js');
    const rows = explainRows(name);
    if (ctx.json) {
      ctx.outJson(name ? rows[0] : { parameters: rows });
      return 0;
    }
    const s = createStyle(ctx.color);
    if (name) {
      const r = rows[0]!;
      const field = (label: string, value: string): void => ctx.out(`${s.bold(label.padEnd(12))} ${value}`);
      field('Parameter', r.name);
      field('Type', r.type);
      field('Default', r.default === null ? '(none: a value is required)' : r.default === '' ? '(empty)' : r.default);
      field('Constraint', r.constraint || '(none)');
      field('Required', r.required ? 'yes, on the first deploy' : 'no');
      field('Secret', r.secret ? 'yes: never printed or stored' : 'no');
      field('First deploy', FIRST_DEPLOY[r.firstDeploy]);
      if (r.ignoredAfterFirstDeploy) field('Note', 'changes are ignored after the first successful deploy');
      field('Group', r.risky ? `${r.group} (risky: applied on its own)` : r.group);
      ctx.out('');
      ctx.out(r.description);
      return 0;
    }
    const table = rows.map((r) => [
      r.name,
      r.type,
      r.default === null ? '—' : r.default === '' ? "''" : r.default,
      r.constraint,
      [r.required ? 'required' : '', r.secret ? 'secret' : '', r.firstDeploy === 'later' ? 'after first deploy' : ''].filter(Boolean).join(', '),
    ]);
    const head = ['PARAMETER', 'TYPE', 'DEFAULT', 'CONSTRAINT', 'NOTES'];
    const width = head.map((h, i) => Math.min(i === 3 ? 44 : 60, Math.max(h.length, ...table.map((row) => row[i]!.length))));
    const line = (cells: string[]): string =>
      cells.map((c, i) => (c.length > width[i]! ? `${c.slice(0, width[i]! - 1)}…` : c.padEnd(width[i]!))).join('  ').trimEnd();
    ctx.out(s.bold(line(head)));
    for (const row of table) ctx.out(line(row));
    ctx.out('');
    ctx.out(s.dim(`${rows.length} parameters. \`pantherctl params explain NAME\` shows one in full.`));
    return 0;
  });

  registerParamsDiff(params, b);
}

const FIRST_DEPLOY = {
  required: 'required on the first deploy',
  safe: 'safe to set on the first deploy',
  later: 'better set in an update after the first deploy succeeds (a failed first deploy deletes everything)',
} as const;

function toJson(i: ParameterIssue): Record<string, unknown> {
  return {
    parameter: i.parameter,
    code: i.code,
    message: i.message,
    ...(i.line !== undefined ? { line: i.line, column: i.column } : {}),
  };
}

function renderIssues(ctx: CliContext, file: string, issues: readonly ParameterIssue[], count: number): void {
  const s = createStyle(ctx.color);
  for (const i of issues) {
    const where = i.line !== undefined ? `${i.file ?? file}:${i.line}:${i.column}` : i.file ?? file;
    const tag = i.severity === 'error' ? s.red('error') : s.yellow('warning');
    ctx.out(`${where}: ${tag} ${i.message} ${s.dim(`[${i.code}]`)}`);
  }
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  ctx.out(
    errors
      ? `${file}: invalid: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`
      : `${file}: valid (${count} parameter${count === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''})`,
  );
}
