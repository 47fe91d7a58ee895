/**
 * Builds docs/codes.md, the registry of the stable codes pantherctl emits: message codes
 * (`io.notify({ level, code, ... })`), error codes (`new PantherctlError(code, ...)`),
 * parameter issue codes and saved-plan difference codes. Scripts and tests match on these
 * codes, so the doc is generated from the sources rather than written by hand, and a test
 * fails while it is stale.
 *
 * The TypeScript compiler is a devDependency, so this module never imports it at run time:
 * the caller (scripts/write-codes.ts, the test) passes the `typescript` module in. Nothing in
 * the CLI imports this file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type TS from 'typescript';
import { PantherctlError, type ErrorSource } from '../errors/pantherctl-error.js';

/** Where `npm run codes` writes the registry, relative to the repository root. */
export const CODES_DOC_PATH = 'docs/codes.md';

export type CodeKind = 'message' | 'error' | 'parameter-issue' | 'plan-difference';

/** One source file, with a repository-relative POSIX path (`src/io/messages.ts`). */
export interface SourceText {
  path: string;
  text: string;
}

export interface CodeEntry {
  kind: CodeKind;
  code: string;
  /**
   * Literal levels (messages), error sources (errors) or severities (parameter issues),
   * sorted. Empty where the value is computed at run time.
   */
  attributes: string[];
  /** Files where the code is written, sorted. */
  files: string[];
}

const KIND_ORDER: readonly CodeKind[] = ['message', 'error', 'parameter-issue', 'plan-difference'];

/**
 * The files the registry covers: pantherctl's own sources. Tests and test support are left
 * out (their codes are fixtures), and so is src/sandbox, which mimics AWS with codes of its own.
 */
export function isRegistrySource(path: string): boolean {
  return (
    path.startsWith('src/') &&
    path.endsWith('.ts') &&
    !path.endsWith('.d.ts') &&
    !path.endsWith('.test.ts') &&
    !path.includes('/test-support/') &&
    !path.startsWith('src/sandbox/') &&
    path !== 'src/io/code-registry.ts'
  );
}

/** Reads the registry's sources under `root` (the repository root), sorted by path. */
export function readRegistrySources(root: string): SourceText[] {
  const paths = (readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }) as string[])
    .map((p) => `src/${p.split('\\').join('/')}`)
    .filter(isRegistrySource)
    .sort();
  return paths.map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}

/** Where a code flows into a function parameter: calls of `fn` carry the code at `index`. */
interface Sink {
  fn: TS.SignatureDeclaration;
  index: number;
  /** The code is the property `prop` of the argument (`readUserText(path, { code })`). */
  prop: string | undefined;
  kind: CodeKind;
  attributes: string[];
}

interface Site {
  expr: TS.Expression;
  prop: string | undefined;
  kind: CodeKind;
  attributes: string[];
  file: string;
}

/**
 * A stand-in for TypeScript's lib: the real one (and node_modules) would cost seconds and
 * literal types need neither, but contextual typing through `diffs.push({ ... })` needs Array.
 */
const MINIMAL_LIB_PATH = '/__registry-lib.d.ts';
const MINIMAL_LIB = `
interface Array<T> { length: number; [n: number]: T; push(...items: T[]): number; }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T; }
interface Boolean {} interface Function {} interface CallableFunction {} interface NewableFunction {}
interface IArguments {} interface Number {} interface Object {} interface RegExp {} interface String {}
`;

/** Cartesian products of template spans beyond this are not worth listing. */
const MAX_TEMPLATE_EXPANSION = 64;

/**
 * Finds the codes written as literals in `sources`. Besides plain literals it follows what the
 * type checker can prove: literal union types (`code: 'timeout' | 'interrupted'`), template
 * literals over such unions (`step.${phase}`), conditionals of literals, and literals passed
 * to helpers that put a parameter in the code position (`refuse('no-path', ...)`). A code held
 * in a variable of type `string` cannot be found.
 *
 * @param ts the `typescript` module, passed in because it is a devDependency.
 * @returns entries sorted by kind, then code.
 */
export function extractCodes(ts: typeof TS, sources: readonly SourceText[]): CodeEntry[] {
  const texts = new Map(sources.map((s) => [`/${s.path}`, s.text]));
  texts.set(MINIMAL_LIB_PATH, MINIMAL_LIB);
  const options: TS.CompilerOptions = {
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
  };
  const host: TS.CompilerHost = {
    getSourceFile: (name, lang) => {
      const text = texts.get(name);
      return text === undefined ? undefined : ts.createSourceFile(name, text, lang, true);
    },
    getDefaultLibFileName: () => MINIMAL_LIB_PATH,
    writeFile: () => {},
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (f) => texts.has(f),
    readFile: (f) => texts.get(f),
    directoryExists: (d) => [...texts.keys()].some((f) => f.startsWith(d.endsWith('/') ? d : `${d}/`)),
  };
  const program = ts.createProgram({ rootNames: [...texts.keys()].sort(), options, host });
  const checker = program.getTypeChecker();
  const files = program.getSourceFiles().filter((f) => f.fileName !== MINIMAL_LIB_PATH && texts.has(f.fileName));
  const relative = (f: TS.SourceFile): string => f.fileName.slice(1);

  const found = new Map<string, { kind: CodeKind; code: string; attributes: Set<string>; files: Set<string> }>();
  const add = (kind: CodeKind, code: string, attributes: readonly string[], file: string): void => {
    const key = `${kind}\u0000${code}`;
    const entry = found.get(key) ?? { kind, code, attributes: new Set<string>(), files: new Set<string>() };
    for (const a of attributes) entry.attributes.add(a);
    entry.files.add(file);
    found.set(key, entry);
  };

  /** String values of a syntactic literal or a conditional of literals; undefined otherwise. */
  const syntaxLiterals = (expr: TS.Expression): string[] | undefined => {
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text];
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr)) return syntaxLiterals(expr.expression);
    if (ts.isConditionalExpression(expr)) {
      const a = syntaxLiterals(expr.whenTrue);
      const b = syntaxLiterals(expr.whenFalse);
      return a && b ? [...a, ...b] : undefined;
    }
    return undefined;
  };

  /** String values the checker proves `expr` can take: a literal or a union of literals. */
  const typeLiterals = (expr: TS.Node): string[] | undefined => {
    const type = checker.getTypeAtLocation(expr);
    const members = type.isUnion() ? type.types : [type];
    const values: string[] = [];
    for (const m of members) {
      if (!m.isStringLiteral()) return undefined;
      values.push(m.value);
    }
    return values.length > 0 ? values : undefined;
  };

  const codeLiterals = (expr: TS.Expression): string[] | undefined => {
    const syntax = syntaxLiterals(expr);
    if (syntax) return syntax;
    if (ts.isConditionalExpression(expr)) {
      const a = codeLiterals(expr.whenTrue);
      const b = codeLiterals(expr.whenFalse);
      return a && b ? [...a, ...b] : undefined;
    }
    if (ts.isTemplateExpression(expr)) {
      let acc = [expr.head.text];
      for (const span of expr.templateSpans) {
        const values = typeLiterals(span.expression);
        if (!values || acc.length * values.length > MAX_TEMPLATE_EXPANSION) return undefined;
        acc = acc.flatMap((prefix) => values.map((v) => `${prefix}${v}${span.literal.text}`));
      }
      return acc;
    }
    if (ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr) || ts.isCallExpression(expr) || ts.isElementAccessExpression(expr)) {
      return typeLiterals(expr);
    }
    return undefined;
  };

  /** The function parameter `expr` names (`code`, or `o.code` for the property), if any. */
  const parameterOf = (expr: TS.Node): { fn: TS.SignatureDeclaration; index: number; prop: string | undefined } | undefined => {
    let prop: string | undefined;
    let id: TS.Node = expr;
    if (ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.name)) {
      prop = expr.name.text;
      id = expr.expression;
    }
    if (!ts.isIdentifier(id)) return undefined;
    const symbol = ts.isShorthandPropertyAssignment(id.parent) && id.parent.name === id ? checker.getShorthandAssignmentValueSymbol(id.parent) : checker.getSymbolAtLocation(id);
    const decl = symbol?.valueDeclaration;
    if (!decl || !ts.isParameter(decl) || !ts.isIdentifier(decl.name)) return undefined;
    const fn = decl.parent;
    return { fn, index: fn.parameters.indexOf(decl), prop };
  };

  /** The name calls of `fn` use, to avoid resolving every call in the program. */
  const nameOf = (fn: TS.SignatureDeclaration): string | undefined => {
    if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
    if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
    return undefined;
  };

  const propertyValue = (obj: TS.ObjectLiteralExpression, name: string): TS.Expression | undefined => {
    for (const p of obj.properties) {
      if (!p.name || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) || p.name.text !== name) continue;
      if (ts.isPropertyAssignment(p)) return p.initializer;
      if (ts.isShorthandPropertyAssignment(p)) return p.name;
    }
    return undefined;
  };
  const propertyNames = (obj: TS.ObjectLiteralExpression): Set<string> =>
    new Set(obj.properties.flatMap((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? [p.name.text] : [])));

  const isPantherctlErrorClass = (expr: TS.Expression, depth = 0): boolean => {
    if (depth > 5) return false;
    let symbol = checker.getSymbolAtLocation(expr);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const decl = symbol?.declarations?.find(ts.isClassDeclaration);
    if (!decl) return false;
    if (decl.name?.text === 'PantherctlError' && decl.getSourceFile().fileName.endsWith('/errors/pantherctl-error.ts')) return true;
    const base = decl.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    return base !== undefined && isPantherctlErrorClass(base.expression, depth + 1);
  };

  /** A spread such as `...(hint ? { hint } : {})` cannot set `source`; anything else might. */
  const maySetSource = (expr: TS.Expression): boolean => {
    if (ts.isParenthesizedExpression(expr)) return maySetSource(expr.expression);
    if (ts.isConditionalExpression(expr)) return maySetSource(expr.whenTrue) || maySetSource(expr.whenFalse);
    if (ts.isObjectLiteralExpression(expr)) return propertyNames(expr).has('source') || expr.properties.some((p) => ts.isSpreadAssignment(p) && maySetSource(p.expression));
    return true;
  };

  /** Literal `source` of a PantherctlError's options: `user` when none is given. */
  const errorSources = (options: TS.Expression | undefined): string[] => {
    if (options === undefined) return ['user'];
    if (!ts.isObjectLiteralExpression(options)) return [];
    const source = propertyValue(options, 'source');
    if (source) return syntaxLiterals(source) ?? [];
    return options.properties.some((p) => ts.isSpreadAssignment(p) && maySetSource(p.expression)) ? [] : ['user'];
  };

  // Every call by callee name, so a new sink only resolves the calls that can reach it.
  const callsByName = new Map<string, TS.CallExpression[]>();
  const sites: Site[] = [];
  const visit = (file: TS.SourceFile, node: TS.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = ts.isPropertyAccessExpression(node.expression) ? node.expression.name : node.expression;
      if (ts.isIdentifier(callee)) callsByName.set(callee.text, [...(callsByName.get(callee.text) ?? []), node]);
    } else if (ts.isNewExpression(node) && node.arguments?.[0] && isPantherctlErrorClass(node.expression)) {
      sites.push({ expr: node.arguments[0], prop: undefined, kind: 'error', attributes: errorSources(node.arguments[2]), file: relative(file) });
    } else if (ts.isObjectLiteralExpression(node)) {
      const names = propertyNames(node);
      const code = propertyValue(node, 'code');
      if (code) {
        const attr = (name: string): string[] => {
          const v = propertyValue(node, name);
          return v ? (syntaxLiterals(v) ?? []) : [];
        };
        if (names.has('level') && names.has('text')) {
          sites.push({ expr: code, prop: undefined, kind: 'message', attributes: attr('level'), file: relative(file) });
        } else if (names.has('severity') && names.has('parameter') && names.has('message')) {
          sites.push({ expr: code, prop: undefined, kind: 'parameter-issue', attributes: attr('severity'), file: relative(file) });
        } else if (checker.getContextualType(node)?.getSymbol()?.getName() === 'PlanDifference') {
          sites.push({ expr: code, prop: undefined, kind: 'plan-difference', attributes: [], file: relative(file) });
        }
      }
    }
    ts.forEachChild(node, (child) => visit(file, child));
  };
  for (const file of files) visit(file, file);

  const sinks: Sink[] = [];
  const addSink = (sink: Sink): void => {
    if (sinks.some((s) => s.fn === sink.fn && s.index === sink.index && s.prop === sink.prop && s.kind === sink.kind)) return;
    sinks.push(sink);
    const name = nameOf(sink.fn);
    if (name === undefined || sink.index < 0) return;
    for (const call of callsByName.get(name) ?? []) {
      const arg = call.arguments[sink.index];
      if (!arg || checker.getResolvedSignature(call)?.declaration !== sink.fn) continue;
      sites.push({ expr: arg, prop: sink.prop, kind: sink.kind, attributes: sink.attributes, file: relative(call.getSourceFile()) });
    }
  };

  // `sites` grows while sinks are found: a helper's callers become sites themselves.
  for (let i = 0; i < sites.length; i++) {
    const site = sites[i]!;
    let expr: TS.Expression | undefined = site.expr;
    if (site.prop !== undefined) {
      if (ts.isObjectLiteralExpression(expr)) {
        expr = propertyValue(expr, site.prop);
      } else {
        const param = parameterOf(expr);
        if (param && param.prop === undefined) addSink({ ...param, prop: site.prop, kind: site.kind, attributes: site.attributes });
        continue;
      }
      if (!expr) continue;
    }
    const values = codeLiterals(expr);
    if (values) {
      for (const v of values) add(site.kind, v, site.attributes, site.file);
      continue;
    }
    const param = parameterOf(expr);
    if (param) addSink({ ...param, kind: site.kind, attributes: site.attributes });
  }

  return [...found.values()]
    .map((e) => ({ kind: e.kind, code: e.code, attributes: [...e.attributes].sort(), files: [...e.files].sort() }))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

function exitCodeOf(source: string): string {
  const code = new PantherctlError('registry', '', { source: source as ErrorSource }).exitCode;
  return typeof code === 'number' ? String(code) : '?';
}

const SECTIONS: Record<CodeKind, { title: string; intro: string; column: string; cell: (e: CodeEntry) => string }> = {
  message: {
    title: 'Messages',
    intro: 'Sent through `io.notify({ level, code, text, data })`. `--json` prints them as NDJSON lines; match on `code`, never on `text`.',
    column: 'Level',
    cell: (e) => e.attributes.join(', ') || 'computed',
  },
  error: {
    title: 'Errors',
    intro:
      'Thrown as `PantherctlError(code, message, { source, hint })`. The source decides the exit code; `--json` prints `{ "error": { "code", "message", "hint" } }`. Plan refusals are errors with source `user`. A failure that is not a PantherctlError is a bug: it prints code `internal` and exits 70.',
    column: 'Source → exit code',
    cell: (e) => e.attributes.map((s) => `${s} → ${exitCodeOf(s)}`).join(', ') || 'computed',
  },
  'parameter-issue': {
    title: 'Parameter issues',
    intro: 'Findings of parameter validation (`params validate --json`) and of the per-hop parameter preflight. Any `error` makes the command exit 1.',
    column: 'Severity',
    cell: (e) => e.attributes.join(', ') || 'computed',
  },
  'plan-difference': {
    title: 'Plan differences',
    intro: 'Ways a saved plan no longer matches the catalog; `upgrade --plan` refuses while any remain.',
    column: '',
    cell: () => '',
  },
};

/** Renders the registry as Markdown: one table per kind, in a stable order. */
export function renderCodesMarkdown(entries: readonly CodeEntry[]): string {
  const lines = [
    '# pantherctl codes',
    '',
    '<!-- Generated by `npm run codes` (scripts/write-codes.ts) from src/; do not edit. src/io/code-registry.test.ts fails while this file is stale. -->',
    '',
    'The stable codes pantherctl emits. Scripts and tests should match on these codes, not on rendered text.',
    '',
    'Only codes the sources spell out are listed: string literals, literal union types, and literals passed to a helper that builds',
    'the message or error. A code computed at run time or passed through a `string` variable cannot be found, and a level or',
    'source that is computed shows as "computed". The AWS sandbox (src/sandbox) has codes of its own and is not listed.',
  ];
  for (const kind of KIND_ORDER) {
    const section = SECTIONS[kind];
    const rows = entries.filter((e) => e.kind === kind);
    lines.push('', `## ${section.title} (${rows.length})`, '', section.intro, '');
    const escape = (s: string): string => s.replaceAll('|', '\\|');
    if (section.column) {
      lines.push(`| Code | ${section.column} | Where used |`, '| --- | --- | --- |');
      for (const e of rows) lines.push(`| \`${escape(e.code)}\` | ${escape(section.cell(e))} | ${e.files.join(', ')} |`);
    } else {
      lines.push('| Code | Where used |', '| --- | --- |');
      for (const e of rows) lines.push(`| \`${escape(e.code)}\` | ${e.files.join(', ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
