import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Alias, type Node, type Scalar, type YAMLMap } from 'yaml';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { checkYamlAliases, checkYamlDepth, describeYamlError, textPosition } from '../io/yaml-limits.js';
import type { ParameterInput } from './types.js';

export { parseParamOverrides } from './overrides.js';

/**
 * Reads a parameter file in any of the forms operators already have:
 * - a YAML or JSON map, `{FirstUserEmail: admin@example.com, DataLakeForwarderMemory: 512}`;
 * - the AWS CLI's list, `[{"ParameterKey": "...", "ParameterValue": "...", "UsePreviousValue": true}]`;
 * - CodePipeline's template configuration, `{"Parameters": {...}, "Tags": {...}}`.
 * JSON is read as YAML (it is a subset), so every value keeps its `line:column`. Scalars
 * become the text the operator wrote (`true` stays "true", `0256` stays "0256"), because
 * CloudFormation receives strings and checks them as written. Duplicate keys are kept, so
 * validation can point at the second one. Anchors and aliases (`&memory 512`, `*memory`) are
 * read as the value they name, within the bound of MAX_YAML_ALIAS_COUNT.
 *
 * @throws PantherctlError `invalid-parameter-file` with `file:line:col` for anything else.
 */
export function parseParameterFile(text: string, file: string): ParameterInput[] {
  const tooDeep = checkYamlDepth(text);
  if (tooDeep) {
    const { line, column } = textPosition(text, tooDeep.offset);
    throw invalidFile(file, line, column, tooDeep.message);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const fail = (offset: number, message: string): never => {
    const { line, col } = lineCounter.linePos(offset);
    throw invalidFile(file, line, col, message);
  };
  const firstError = doc.errors[0];
  if (firstError) fail(firstError.pos[0], describeYamlError(firstError.message));
  // An alias is written with `*`: a file without one has none to check or resolve.
  const aliases = text.includes('*') ? checkYamlAliases(doc) : { resolved: new Map<Alias, Node>() };
  if (aliases.problem) fail(aliases.problem.offset, aliases.problem.message);
  /** The node an alias names; any other node itself. */
  const deref = (node: unknown): unknown => (isAlias(node) ? aliases.resolved.get(node) : node);

  const at = (node: Node): { file: string; line: number; column: number } => {
    const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0);
    return { file, line, column: col };
  };
  const start = (node: Node | null | undefined): number => node?.range?.[0] ?? 0;

  /** The text CloudFormation will receive for a scalar value. */
  const scalarText = (written: unknown, what: string, fallbackOffset: number): string => {
    const node = deref(written);
    if (!isScalar(node)) return fail(isMapOrSeq(written) || isAlias(written) ? start(written as Node) : fallbackOffset, `${what} must be a single value, not a list or map`);
    if (node.value === null) {
      return fail(start(written as Node) || fallbackOffset, `${what} has no value; write "" for an empty string`);
    }
    if (typeof node.value === 'string') return node.value;
    // Numbers and booleans: the characters as written, not JavaScript's rendering of them.
    if (node.range && node.type === 'PLAIN') return text.slice(node.range[0], node.range[1]);
    return String(node.value);
  };

  const keyText = (written: unknown, fallbackOffset: number): string => {
    const node = deref(written);
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') {
      return fail(isScalar(written) || isAlias(written) ? start(written as Node) : fallbackOffset, 'parameter names must be non-empty strings');
    }
    return node.value;
  };

  const fromMap = (map: YAMLMap): ParameterInput[] =>
    map.items.map((pair) => {
      const keyNode = pair.key as Node | null;
      const key = keyText(keyNode, start(map));
      const valueNode = pair.value as Node | null;
      // `Key:` with nothing after it: point just after the key.
      const fallback = keyNode?.range?.[1] ?? start(map);
      const value = scalarText(valueNode, key, fallback);
      return { key, value, source: at(valueNode && (isScalar(valueNode) || isAlias(valueNode)) && valueNode.range ? valueNode : (keyNode as Node)) };
    });

  const fromList = (items: unknown[]): ParameterInput[] =>
    items.map((written) => {
      const item = deref(written);
      if (!isMap(item)) return fail(start(written as Node), 'each list item must be a map with ParameterKey and ParameterValue');
      let key: string | undefined;
      let value: string | undefined;
      let usePreviousValue: boolean | undefined;
      let valueNode: Node | undefined;
      for (const pair of item.items) {
        const field = keyText(pair.key, start(item));
        const node = pair.value as Node | null;
        switch (field) {
          case 'ParameterKey':
            key = scalarText(node, 'ParameterKey', start(item));
            break;
          case 'ParameterValue':
            valueNode = node ?? undefined;
            value = scalarText(node, key ?? 'ParameterValue', start(item));
            break;
          case 'UsePreviousValue': {
            const flag = deref(node);
            if (!isScalar(flag) || typeof flag.value !== 'boolean') {
              return fail(start(node) || start(item), 'UsePreviousValue must be true or false');
            }
            usePreviousValue = flag.value;
            break;
          }
          // Fields of DescribeStacks output, harmless when a file was saved from it.
          case 'ResolvedValue':
            break;
          default:
            return fail(start(pair.key as Node), `unknown field ${field} (expected ParameterKey, ParameterValue, UsePreviousValue)`);
        }
      }
      if (key === undefined) return fail(start(item), 'list item has no ParameterKey');
      if (value === undefined && !usePreviousValue) {
        return fail(start(item), `${key} has neither ParameterValue nor UsePreviousValue: true`);
      }
      const input: ParameterInput = { key, source: at(valueNode && (isScalar(valueNode) || isAlias(valueNode)) ? valueNode : item) };
      if (value !== undefined) input.value = value;
      if (usePreviousValue) input.usePreviousValue = true;
      return input;
    });

  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return [];
  if (isSeq(root)) return fromList(root.items);
  if (!isMap(root)) return fail(start(root), 'expected a map of parameters or a list of {ParameterKey, ParameterValue}');

  const parametersPair = root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'Parameters');
  if (parametersPair) {
    // CodePipeline's template configuration file: only these top-level keys exist.
    for (const pair of root.items) {
      const name = keyText(pair.key, start(root));
      if (!['Parameters', 'Tags', 'StackPolicy'].includes(name)) {
        fail(start(pair.key as Node), `unexpected key ${name} beside Parameters (expected Tags or StackPolicy)`);
      }
    }
    const params = deref(parametersPair.value) as Node | null;
    if (params === null || (isScalar(params) && (params as Scalar).value === null)) return [];
    if (!isMap(params)) return fail(start(parametersPair.value as Node), 'Parameters must be a map of KEY: value');
    return fromMap(params);
  }
  return fromMap(root);
}

function invalidFile(file: string, line: number, column: number, message: string): PantherctlError {
  return new PantherctlError('invalid-parameter-file', `${file}:${line}:${column}: ${message}`, {
    hint: 'Use a map of KEY: value, the AWS CLI list [{"ParameterKey","ParameterValue"}], or {"Parameters": {...}}.',
    meta: { file, line, column },
  });
}

function isMapOrSeq(node: unknown): node is Node {
  return isMap(node) || isSeq(node);
}

/**
 * File inputs with `--param` overrides applied: an override replaces every file entry of
 * its key in place (keeping file order), new keys are appended, and among overrides of
 * one key the last wins, as with any repeated command-line option.
 */
export function mergeInputs(fileInputs: readonly ParameterInput[], overrides: readonly ParameterInput[]): ParameterInput[] {
  const lastOverride = new Map<string, ParameterInput>();
  for (const input of overrides) lastOverride.set(input.key, input);
  const merged: ParameterInput[] = [];
  const placed = new Set<string>();
  for (const input of fileInputs) {
    const override = lastOverride.get(input.key);
    if (!override) {
      merged.push(input);
    } else if (!placed.has(input.key)) {
      merged.push(override);
      placed.add(input.key);
    }
  }
  for (const [key, input] of lastOverride) {
    if (!placed.has(key)) merged.push(input);
  }
  return merged;
}
