import { LineCounter, parseDocument, isMap, isNode } from 'yaml';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { YAML_PARSE_OPTIONS, checkYamlDepth, describeYamlError, textPosition, yamlToJs } from '../io/yaml-limits.js';
import { pantherctlConfigSchema, type PantherctlConfig } from './schema.js';

/**
 * Parses and checks the text of a config file; errors point at `file:line:col`. Its own module
 * because it loads the YAML parser and the schema (zod): `loadConfig` imports it only when there
 * is a file to read.
 */
export function parseConfig(text: string, path: string): PantherctlConfig {
  const tooDeep = checkYamlDepth(text);
  if (tooDeep) {
    const { line, column } = textPosition(text, tooDeep.offset);
    throw new PantherctlError('config-invalid', `${path}:${line}:${column}: ${tooDeep.message}`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, ...YAML_PARSE_OPTIONS });
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return path;
    const { line, col } = lineCounter.linePos(offset);
    return `${path}:${line}:${col}`;
  };
  const yamlError = doc.errors[0];
  if (yamlError) {
    // yaml's message repeats the position and a source excerpt (" at line 2, column 1:\n\n…"):
    // keep the first sentence only, since `file:line:col:` already says where.
    const message = describeYamlError(yamlError.message).replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, '');
    throw new PantherctlError('config-invalid', `${at(yamlError.pos[0])}: ${message}`);
  }
  const js = yamlToJs(doc);
  if ('problem' in js) throw new PantherctlError('config-invalid', `${at(js.problem.offset)}: ${js.problem.message}`);
  const value: unknown = js.value ?? {};
  const result = pantherctlConfigSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // Point at the offending key's value when the document has it, else at the file.
  let offset: number | undefined;
  const key = issue.path[0];
  if (isMap(doc.contents) && typeof key === 'string') {
    const pair = doc.contents.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key);
    const node = pair?.value ?? pair?.key;
    if (isNode(node)) offset = node.range?.[0];
  }
  if (issue.code === 'unrecognized_keys' && isMap(doc.contents)) {
    const unknown = issue.keys[0];
    const pair = doc.contents.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === unknown);
    if (pair && isNode(pair.key)) offset = pair.key.range?.[0];
    throw new PantherctlError('config-invalid', `${at(offset)}: unknown key "${unknown}" in ${path}`, {
      hint: 'Known keys: profile, region, endpointUrl, assumeRole, rootStack, roleStack, useDeploymentRole, stateDir, catalog, timeoutMinutes, state, stateKmsKey, stateLeaseSeconds.',
    });
  }
  throw new PantherctlError('config-invalid', `${at(offset)}: ${String(key ?? '')} ${issue.message}`.replace(/:\s+ /, ': '));
}
