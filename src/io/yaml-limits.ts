import { isAlias, isCollection, isPair, isScalar, visit, type Alias, type Document, type Node } from 'yaml';

/**
 * Options for `parseDocument` of a file pantherctl reads. `uniqueKeys: false` because the
 * package checks each key against every earlier one of its map (a map of 20,000 keys took
 * about 10 s, one of the half million a 5 MB file can hold would take hours);
 * `checkUniqueKeys` does the same check with a set.
 */
export const YAML_PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: false } as const;

/**
 * How far anchors and aliases may expand in a file pantherctl reads: 1,000, counted as the
 * `yaml` package counts its `maxAliasCount`: an anchored node and its aliases count together
 * (so one value may be aliased 999 times), each weighted by the aliases inside what it names.
 * The package's default of 100 refuses a harmless file that repeats one value 120 times;
 * 1,000 still stops a "billion laughs" file of ten aliases a level at its third level, long
 * before it costs memory or time.
 */
export const MAX_YAML_ALIAS_COUNT = 1000;

/**
 * How deeply a file pantherctl reads may nest lists and maps: 64 levels. Its files nest five
 * deep at most; the `yaml` parser recurses per level and, on a file of a million `[`, takes
 * seconds and gigabytes before it gives up, so depth is checked on the text first.
 */
export const MAX_YAML_DEPTH = 64;

/** A problem with anchors, aliases, keys or nesting, at a source offset of the document. */
export interface YamlProblem {
  offset: number;
  message: string;
}

export interface YamlAliasCheck {
  /** The first problem in document order, if any. */
  problem?: YamlProblem;
  /** What each alias names: the node its anchor was set on. */
  resolved: Map<Alias, Node>;
}

interface AnchorUse {
  /** The anchored node itself plus each alias of it, as the package counts. */
  count: number;
  /** The package's weight of an anchored node: the largest alias count inside it, 1 for a scalar. */
  weight: number;
}

/**
 * Checks a parsed document before `toJS` turns it into values, so a refusal can say where:
 * every alias must name an anchor set before it and outside itself (`&a [*a]` never ends),
 * the expansion stays within MAX_YAML_ALIAS_COUNT (the same count `toJS({ maxAliasCount })`
 * keeps, which callers still pass as the backstop), and map keys are plain values (a list or
 * map as a key is stringified by `toJS`, with a process warning on stderr). Walks each node
 * once.
 */
export function checkYamlAliases(doc: Document, maxAliasCount = MAX_YAML_ALIAS_COUNT): YamlAliasCheck {
  const resolved = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  const uses = new Map<Node, AnchorUse>();
  let problem: YamlProblem | undefined;
  const offsetOf = (node: unknown): number => (node && typeof node === 'object' && 'range' in node ? ((node as Node).range?.[0] ?? 0) : 0);

  /** The yaml package's getAliasCount, over what this walk has resolved so far. */
  const weightOf = (node: unknown): number => {
    if (isAlias(node)) {
      const target = resolved.get(node);
      const use = target ? uses.get(target) : undefined;
      return use ? use.count * use.weight : 0;
    }
    if (isCollection(node)) {
      let max = 0;
      for (const item of node.items) max = Math.max(max, weightOf(item));
      return max;
    }
    if (isPair(node)) return Math.max(weightOf(node.key), weightOf(node.value));
    return 1;
  };

  visit(doc, {
    Pair(_key, pair) {
      // Runs before the key node is visited, so an alias key is looked up by its anchor here.
      const key = pair.key;
      const target = isAlias(key) ? anchors.get(key.source) : key;
      if (isCollection(target)) {
        problem = { offset: offsetOf(key), message: 'a map key must be a plain value, not a list or map' };
        return visit.BREAK;
      }
      return undefined;
    },
    Node(_key, node, path) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (!target) {
          problem = { offset: offsetOf(node), message: `alias *${node.source} has no anchor &${node.source} before it` };
          return visit.BREAK;
        }
        if (path.includes(target)) {
          problem = { offset: offsetOf(node), message: `alias *${node.source} is inside the node it names, so it never ends` };
          return visit.BREAK;
        }
        resolved.set(node, target);
        let use = uses.get(target);
        if (!use) {
          use = { count: 1, weight: weightOf(target) };
          uses.set(target, use);
        }
        use.count += 1;
        if (use.count * use.weight > maxAliasCount) {
          problem = { offset: offsetOf(node), message: `too many aliases: the file expands anchors more than ${maxAliasCount} times (the limit for files pantherctl reads)` };
          return visit.BREAK;
        }
        return undefined;
      }
      // An anchor is registered on entering its node, so later aliases name the latest one.
      if ((isScalar(node) || isCollection(node)) && node.anchor) anchors.set(node.anchor, node);
      return undefined;
    },
  });
  return problem ? { problem, resolved } : { resolved };
}

/**
 * A linear pre-check of the text, before parsing: refuses more than `maxDepth` open flow
 * brackets (`[`, `{`) or compact block indicators on one line (`- - - x`). Quoted scalars and
 * comments are skipped. It errs towards letting text through: a quote is only an opening
 * quote where a scalar can start, and a closing bracket never counts below zero.
 */
export function checkYamlDepth(text: string, maxDepth = MAX_YAML_DEPTH): YamlProblem | undefined {
  const tooDeep = (offset: number): YamlProblem => ({ offset, message: `the document nests lists and maps more than ${maxDepth} levels deep` });
  let flow = 0;
  let lineStart = true;
  let compact = 0;
  // The last character that was not a space: a quote opens a scalar only after one of these.
  let previous = '\n';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      lineStart = true;
      compact = 0;
      previous = '\n';
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      if (end === -1) break;
      i = end - 1;
      continue;
    }
    if ((c === '"' || c === "'") && '\n:-[{,?'.includes(previous)) {
      i = closingQuote(text, i, c);
      previous = c;
      lineStart = false;
      continue;
    }
    if ((c === '-' || c === '?') && lineStart && /[ \t]/.test(text[i + 1] ?? '')) {
      if (++compact > maxDepth) return tooDeep(i);
      previous = c;
      continue;
    }
    lineStart = false;
    if (c === '[' || c === '{') {
      if (++flow > maxDepth) return tooDeep(i);
    } else if (c === ']' || c === '}') {
      flow = Math.max(0, flow - 1);
    }
    previous = c;
  }
  return undefined;
}

/** The offset of the quote closing the one at `start` (the end of the text when there is none). */
function closingQuote(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (quote === '"' && c === '\\') {
      i++;
    } else if (c === quote) {
      // '' inside a single-quoted scalar is an escaped quote.
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return text.length;
}

/** The yaml package reports a parse that ran out of stack in its own words; say what it means. */
export function describeYamlError(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return /Maximum call stack size exceeded/.test(first) ? 'the document nests lists and maps too deeply' : first;
}

/** The first key repeated in one map, as the package's `uniqueKeys` finds it (scalars by value), in linear time. */
export function checkUniqueKeys(doc: Document): YamlProblem | undefined {
  let problem: YamlProblem | undefined;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        const value = key === null ? null : isScalar(key) ? key.value : key;
        if (seen.has(value)) {
          const offset = isScalar(key) || isAlias(key) ? (key.range?.[0] ?? 0) : (map.range?.[0] ?? 0);
          problem = { offset, message: `Map keys must be unique: ${JSON.stringify(String(value))} is repeated` };
          return visit.BREAK;
        }
        seen.add(value);
      }
      return undefined;
    },
  });
  return problem;
}

/**
 * `doc.toJS()` for a file pantherctl reads (parsed with YAML_PARSE_OPTIONS): the alias and key
 * checks first, so a refusal has a position, then `toJS` with the same bound as its
 * `maxAliasCount`, whose own refusal is the backstop, positioned at the document's start.
 */
export function yamlToJs(doc: Document): { value: unknown } | { problem: YamlProblem } {
  let check: YamlAliasCheck;
  try {
    check = checkYamlAliases(doc);
  } catch (err) {
    if (err instanceof RangeError) return { problem: { offset: 0, message: 'the document nests lists and maps too deeply' } };
    throw err;
  }
  if (check.problem) return { problem: check.problem };
  const repeated = checkUniqueKeys(doc);
  if (repeated) return { problem: repeated };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }) };
  } catch (err) {
    if (err instanceof ReferenceError) return { problem: { offset: 0, message: `too many aliases: ${err.message}` } };
    if (err instanceof RangeError) return { problem: { offset: 0, message: 'the document nests lists and maps too deeply' } };
    throw err;
  }
}

/** The 1-based line and column of an offset, for problems found before a LineCounter exists. */
export function textPosition(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
