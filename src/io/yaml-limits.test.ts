import { LineCounter, parseDocument } from 'yaml';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_YAML_ALIAS_COUNT, MAX_YAML_DEPTH, checkYamlAliases, checkYamlDepth, describeYamlError, textPosition, yamlToJs } from './yaml-limits.js';

function problemAt(text: string): { line: number; col: number; message: string } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  expect(doc.errors).toEqual([]);
  const js = yamlToJs(doc);
  if (!('problem' in js)) return undefined;
  return { ...lineCounter.linePos(js.problem.offset), message: js.problem.message };
}

/** A "billion laughs" file: each level lists `width` aliases of the level above. */
function laughs(levels: number, width: number): string {
  const lines = ['l0: &l0 lol'];
  for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: width }, () => `*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

describe('checkYamlAliases and yamlToJs', () => {
  it('reads a harmless file with 120 aliases of one value (the yaml default of 100 refused it)', () => {
    const text = ['base: &v 512', ...Array.from({ length: 120 }, (_, i) => `k${i}: *v`)].join('\n');
    const js = yamlToJs(parseDocument(text));
    expect(js).toHaveProperty('value');
    expect(Object.values((js as { value: Record<string, number> }).value).every((v) => v === 512)).toBe(true);
    expect(() => parseDocument(text).toJS()).toThrow(/Excessive alias count/);
  });

  it('allows exactly the bound and refuses one more, at the alias that passes it', () => {
    const at = (n: number): string => ['base: &v x', ...Array.from({ length: n }, (_, i) => `k${i}: *v`)].join('\n');
    // The anchored value counts once itself, as in the yaml package: 999 aliases is the most.
    expect(problemAt(at(MAX_YAML_ALIAS_COUNT - 1))).toBeUndefined();
    const col = `k${MAX_YAML_ALIAS_COUNT - 1}: `.length + 1;
    expect(problemAt(at(MAX_YAML_ALIAS_COUNT))).toEqual({ line: MAX_YAML_ALIAS_COUNT + 1, col, message: expect.stringMatching(/^too many aliases: the file expands/) });
    expect(() => parseDocument(at(MAX_YAML_ALIAS_COUNT - 1)).toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT })).not.toThrow();
    expect(() => parseDocument(at(MAX_YAML_ALIAS_COUNT)).toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT })).toThrow(/Excessive alias count/);
  });

  it('refuses a billion-laughs file at the level that expands too far, as the yaml package counts', () => {
    // Nine aliases a level, each level counting its anchor too: 10 * 10 * 10 = 1,000 passes.
    expect(problemAt(laughs(3, 9))).toBeUndefined();
    expect(problemAt(laughs(4, 9))).toEqual({ line: 5, col: 10, message: expect.stringMatching(/^too many aliases: the file expands/) });
    expect(problemAt(laughs(3, 10))).toMatchObject({ line: 4 });
    // The package's own count, at the same bound, agrees on every one of them.
    expect(() => parseDocument(laughs(3, 9)).toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT })).not.toThrow();
    for (const [levels, width] of [[4, 9], [3, 10]] as const) {
      expect(() => parseDocument(laughs(levels, width)).toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT })).toThrow(/Excessive alias count/);
    }
  });

  it('points at an alias without an anchor, and at one inside what it names', () => {
    expect(problemAt('a: 1\nb: *nope\n')).toEqual({ line: 2, col: 4, message: 'alias *nope has no anchor &nope before it' });
    expect(problemAt('a: [*later, &later 1]\n')).toMatchObject({ line: 1, col: 5, message: 'alias *later has no anchor &later before it' });
    expect(problemAt('a: &self [1, *self]\n')).toEqual({ line: 1, col: 14, message: 'alias *self is inside the node it names, so it never ends' });
  });

  it('refuses a list or map as a key, which toJS would stringify with a warning on stderr', () => {
    expect(problemAt('? [1, 2]\n: x\n')).toEqual({ line: 1, col: 3, message: 'a map key must be a plain value, not a list or map' });
    expect(problemAt('a: &k {x: 1}\n*k : y\n')).toMatchObject({ line: 2, col: 1 });
  });

  it('counts as the yaml package does, on random documents of anchors and aliases (property)', () => {
    // Entry i is an anchored scalar or an anchored list of earlier anchors and scalars.
    const entry = fc.record({ list: fc.boolean(), items: fc.array(fc.nat(), { maxLength: 6 }) });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 60 }), (entries, bound) => {
        const lines = entries.map((e, i) => {
          if (!e.list || i === 0) return `e${i}: &a${i} v${i}`;
          return `e${i}: &a${i} [${e.items.map((n) => (n % 3 === 0 ? 'x' : `*a${n % i}`)).join(', ')}]`;
        });
        const text = lines.join('\n');
        const ours = checkYamlAliases(parseDocument(text), bound).problem;
        let theirs = false;
        try {
          parseDocument(text).toJS({ maxAliasCount: bound });
        } catch {
          theirs = true;
        }
        expect(Boolean(ours), text).toBe(theirs);
      }),
      { seed: 9, numRuns: 300 },
    );
  });

  it('resolves each alias to the latest anchor of its name before it', () => {
    const doc = parseDocument('a: &x 1\nb: *x\nc: &x 2\nd: *x\n');
    const check = checkYamlAliases(doc);
    expect([...check.resolved.values()].map((n) => (n as unknown as { value: number }).value)).toEqual([1, 2]);
  });
});

describe('checkYamlDepth', () => {
  it('passes ordinary files, brackets in quotes and comments, and balanced text', () => {
    expect(checkYamlDepth('releases:\n  - version: v1.25.18\n    notes: ["see [docs]", {a: [1]}]\n')).toBeUndefined();
    expect(checkYamlDepth(`a: "${'['.repeat(500)}"\nb: '${'{'.repeat(500)}'\n# ${'['.repeat(500)}\n`)).toBeUndefined();
    expect(checkYamlDepth(`a: ${'[]'.repeat(10_000)}`)).toBeUndefined();
    expect(checkYamlDepth(`a: don't ${']'.repeat(100)}`)).toBeUndefined();
  });

  it('refuses deep flow nesting and deep compact block nesting, with the offset', () => {
    const flow = '['.repeat(MAX_YAML_DEPTH + 1);
    expect(checkYamlDepth(flow)).toEqual({ offset: MAX_YAML_DEPTH, message: `the document nests lists and maps more than ${MAX_YAML_DEPTH} levels deep` });
    expect(checkYamlDepth('['.repeat(MAX_YAML_DEPTH))).toBeUndefined();
    expect(checkYamlDepth(`a: 1\n${'- '.repeat(MAX_YAML_DEPTH + 1)}x`)?.offset).toBe(5 + 2 * MAX_YAML_DEPTH);
    // A quote inside a plain scalar does not hide what follows.
    expect(checkYamlDepth(`k: a'\nv: ${'['.repeat(1_000_000)}`)).toBeDefined();
  });

  it('is linear: a 5 MB flood of brackets is refused without parsing', () => {
    expect(checkYamlDepth('{'.repeat(5 * 1024 * 1024))?.offset).toBe(MAX_YAML_DEPTH);
  });
});

describe('helpers', () => {
  it('positions an offset', () => {
    expect(textPosition('ab\ncd\nef', 0)).toEqual({ line: 1, column: 1 });
    expect(textPosition('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(textPosition('ab\ncd\nef', 6)).toEqual({ line: 3, column: 1 });
  });

  it('says what a parser stack overflow means', () => {
    expect(describeYamlError('Maximum call stack size exceeded')).toBe('the document nests lists and maps too deeply');
    expect(describeYamlError('Map keys must be unique at line 2\nmore')).toBe('Map keys must be unique at line 2');
  });
});

describe('checkUniqueKeys', () => {
  it('finds a repeated key of one map, by value, in linear time', () => {
    const at = (text: string): number | undefined => {
      const doc = parseDocument(text, { uniqueKeys: false });
      const js = yamlToJs(doc);
      return 'problem' in js ? js.problem.offset : undefined;
    };
    expect(at('a: 1\nb: 2\na: 3\n')).toBe(10);
    expect(at('a: {x: 1}\nb: {x: 2}\n')).toBeUndefined();
    expect(at('1: a\n"1": b\n')).toBeUndefined();
    // A map of 200,000 keys (the yaml package's own check compares each key with all before it).
    const big = Array.from({ length: 200_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    expect(at(`${big}\nk7: again\n`)).toBe(big.length + 1);
  });
});
