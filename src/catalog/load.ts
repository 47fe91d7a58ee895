import { readUserText } from '../io/read-user-file.js';
import { isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, YAMLMap } from 'yaml';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { catalogDigest } from './embedded.js';
import { pulumiBuildByDefault } from './pulumi-build.js';
import { catalogFileSchema } from './schema.js';
import type { CatalogFile } from './schema.js';
import type { Catalog, Release } from './types.js';
import { compareVersions, formatVersion, parseVersion } from './version.js';
import { YAML_PARSE_OPTIONS, checkYamlDepth, describeYamlError, textPosition, yamlToJs } from '../io/yaml-limits.js';

/**
 * Loads a catalog file (`--catalog FILE`). The CLI imports this module lazily, only when the
 * flag is given: it is the one path that pulls in zod and yaml.
 */

/** One problem in a catalog file, positioned at the node it is about (1-based). */
export interface CatalogIssue {
  line: number;
  column: number;
  /** Dotted path into the document, e.g. `releases[2].templates.root`; empty for the whole file. */
  path: string;
  message: string;
}

type Path = readonly (string | number)[];

/** Reads and parses a catalog file. Throws PantherctlError `catalog-unreadable` or `invalid-catalog`. */
export function loadCatalogFile(path: string): Catalog {
  return parseCatalog(readUserText(path, { what: 'catalog', code: 'catalog-unreadable', option: '--catalog' }), path);
}

/**
 * Parses catalog text (YAML, or JSON, which is YAML). `fileName` is used in error positions
 * and becomes the catalog's `source`. Versions come out `v`-prefixed and sorted ascending.
 */
export function parseCatalog(text: string, fileName: string): Catalog {
  const lineCounter = new LineCounter();
  const tooDeep = checkYamlDepth(text);
  if (tooDeep) throw invalidCatalog(fileName, [{ ...textPosition(text, tooDeep.offset), path: '', message: tooDeep.message }]);
  const doc = parseDocument(text, { lineCounter, ...YAML_PARSE_OPTIONS });
  const issues: CatalogIssue[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return { line: pos.line, column: pos.col, path: '', message: describeYamlError(e.message) };
  });
  if (issues.length === 0 && doc.contents === null) {
    issues.push({ line: 1, column: 1, path: '', message: 'the catalog is empty; expected a map with schemaVersion and releases' });
  }
  const js = issues.length === 0 ? yamlToJs(doc) : undefined;
  if (js && 'problem' in js) {
    const pos = lineCounter.linePos(js.problem.offset);
    issues.push({ line: pos.line, column: pos.col, path: '', message: js.problem.message });
  }
  if (js && 'value' in js) {
    const parsed = catalogFileSchema.safeParse(js.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) {
            issues.push(at(doc, lineCounter, path, `unknown key "${key}"`, key));
          }
        } else {
          issues.push(at(doc, lineCounter, path, describe(issue.message, path)));
        }
      }
    } else {
      issues.push(...semanticIssues(parsed.data, doc, lineCounter));
      if (issues.length === 0) return toCatalog(parsed.data, fileName);
    }
  }
  throw invalidCatalog(fileName, issues);
}

/** zod's "Invalid input: expected string, received undefined" reads better as "missing". */
function describe(message: string, path: Path): string {
  if (/received undefined$/.test(message)) return `missing required key "${String(path[path.length - 1])}"`;
  return message.replace(/^Invalid input: /, '');
}

function semanticIssues(file: CatalogFile, doc: Document, lc: LineCounter): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const seenVersions = new Map<string, number>();
  const seenSteps = new Map<string, string>();
  file.releases.forEach((r, i) => {
    const version = formatVersion(parseVersion(r.version));
    const first = seenVersions.get(version);
    if (first !== undefined) {
      issues.push(at(doc, lc, ['releases', i, 'version'], `duplicate version ${version} (also releases[${first}])`));
    } else {
      seenVersions.set(version, i);
    }
    (r.manualSteps ?? []).forEach((step, j) => {
      // Ids are unique across the whole catalog, not per release: `--ack ID` must be unambiguous.
      const owner = seenSteps.get(step.id);
      if (owner !== undefined) {
        issues.push(at(doc, lc, ['releases', i, 'manualSteps', j, 'id'], `duplicate manual step id "${step.id}" (also in ${owner})`));
      } else {
        seenSteps.set(step.id, version);
      }
    });
  });
  return issues;
}

function toCatalog(file: CatalogFile, source: string): Catalog {
  const releases: Release[] = file.releases
    .map((r) => {
      const v = parseVersion(r.version);
      const release: Release = {
        version: formatVersion(v),
        recommended: r.recommended,
        notes: r.notes ?? [],
        manualSteps: (r.manualSteps ?? []).map((s) => ({ id: s.id, text: s.text })),
        pulumiBuild: r.pulumiBuild ?? pulumiBuildByDefault(v),
        templates: {
          ...(r.templates?.root ? { root: r.templates.root.toLowerCase() } : {}),
          ...(r.templates?.role ? { role: r.templates.role.toLowerCase() } : {}),
        },
      };
      if (r.yanked) release.yanked = { reason: r.yanked.reason };
      return release;
    })
    .sort((a, b) => compareVersions(parseVersion(a.version), parseVersion(b.version)));
  return { source, sha256: catalogDigest(releases), releases };
}

/**
 * Positions an issue at the deepest node of `path` that exists in the document (a missing
 * key points at the map that lacks it). With `key`, points at that key inside the map.
 */
function at(doc: Document, lc: LineCounter, path: Path, message: string, key?: string): CatalogIssue {
  let offset = 0;
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as YamlNode | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) {
      offset = node.range[0];
      if (key !== undefined && depth === path.length && isMap(node)) {
        const keyNode = keysOf(node).get(key);
        if (keyNode?.range) offset = keyNode.range[0];
      }
      break;
    }
  }
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col, path: formatPath(path), message };
}

/**
 * The key nodes of a map by value, built once per map: a file with thousands of unknown keys
 * has an issue for each, and searching the map for every one of them was quadratic.
 */
const keyNodes = new WeakMap<YAMLMap, Map<unknown, YamlNode>>();
function keysOf(map: YAMLMap): Map<unknown, YamlNode> {
  let keys = keyNodes.get(map);
  if (!keys) {
    keys = new Map();
    for (const p of map.items) if (isPair(p) && isScalar(p.key) && !keys.has(p.key.value)) keys.set(p.key.value, p.key);
    keyNodes.set(map, keys);
  }
  return keys;
}

function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function invalidCatalog(fileName: string, issues: CatalogIssue[]): PantherctlError {
  const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
  const first = sorted[0] ?? { line: 1, column: 1, path: '', message: 'invalid catalog' };
  const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more)` : '';
  const where = first.path ? `${first.path}: ` : '';
  return new PantherctlError('invalid-catalog', `${fileName}:${first.line}:${first.column}: ${where}${first.message}${more}`, {
    hint: 'Fix the catalog file; its format is described by schema/catalog.schema.json.',
    meta: { file: fileName, issues: sorted },
  });
}
