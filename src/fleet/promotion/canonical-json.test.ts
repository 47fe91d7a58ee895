import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

/** JSON values of the kinds canonicalJson accepts. */
const arbJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.string({ unit: 'binary' }),
    fc.maxSafeInteger(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** The same value with every object's keys in another order. */
function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => shuffleKeys(v, seed + i));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const rotated = entries.map((_, i) => entries[(i + seed) % entries.length]!);
    return Object.fromEntries(rotated.reverse().map(([k, v]) => [k, shuffleKeys(v, seed + 1)]));
  }
  return value;
}

describe('canonicalJson', () => {
  it('sorts keys, drops undefined fields and writes no whitespace', () => {
    expect(canonicalJson({ b: [1, 'x', { d: true, c: null }], a: undefined, '': 'e' })).toBe('{"":"e","b":[1,"x",{"c":null,"d":true}]}');
  });

  it('sorts keys by UTF-16 code units, as JCS does, not by code points', () => {
    // U+FF61 is below U+1F600 as a code point, but above its first UTF-16 unit (U+D83D).
    expect(canonicalJson({ '\uff61': 1, '\u{1f600}': 2, é: 3, a: 4, Z: 5 })).toBe('{"Z":5,"a":4,"é":3,"\u{1f600}":2,"\uff61":1}');
  });

  it('refuses values a plan never holds instead of guessing a spelling', () => {
    expect(() => canonicalJson({ a: 1.5 })).toThrow(/\$\.a is 1.5/);
    expect(() => canonicalJson([undefined])).toThrow(/\$\[0\] is undefined/);
    expect(() => canonicalJson({ when: new Date(0) })).toThrow(/not a plain object/);
    expect(() => canonicalJson(Number.NaN)).toThrow();
  });

  it('is independent of key order and parses back to the same value', () => {
    fc.assert(
      fc.property(arbJson, fc.nat({ max: 7 }), (value, seed) => {
        const text = canonicalJson(value);
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
});
