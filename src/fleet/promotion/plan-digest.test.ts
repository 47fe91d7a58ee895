import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { canonicalPlan, hashParameterValue, parameterChanges, planDigest, type DigestablePlan } from './plan-digest.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

const plan: DigestablePlan = {
  target: 'v1.28.7',
  hops: [
    { version: 'v1.26.9', rootTemplateSha256: A, roleTemplateSha256: B },
    { version: 'v1.27.8', rootTemplateSha256: B, roleTemplateSha256: C },
    { version: 'v1.28.7', rootTemplateSha256: C, roleTemplateSha256: A },
  ],
  parameterChanges: parameterChanges({ PythonRuntime: 'python3.9', DatadogAPIKey: 'dd-secret-value' }),
};

describe('planDigest', () => {
  it('is the SHA-256 of the canonical document, pinned so that a change of the format is noticed', () => {
    // A changed digest for the same plan would make every run recorded in the shared state useless.
    const one: DigestablePlan = { target: 'v1.26.9', hops: [{ version: 'v1.26.9', rootTemplateSha256: A, roleTemplateSha256: B }], parameterChanges: [] };
    expect(canonicalJson(canonicalPlan(one))).toBe(
      `{"digestVersion":1,"hops":[{"roleTemplateSha256":"${B}","rootTemplateSha256":"${A}","version":"v1.26.9"}],"parameterChanges":[],"target":"v1.26.9"}`,
    );
    // Checked with `printf '%s' '<document>' | sha256sum`.
    expect(planDigest(one)).toBe('7fa50129a11cc9c693f441e10ef39fe3a9e1fb7f9a9c9d38aa767cb082f120dd');
  });

  it('normalises spellings: v prefix, upper-case digests, parameter order', () => {
    const respelled: DigestablePlan = {
      target: '1.28.7',
      hops: plan.hops.map((h) => ({ ...h, version: h.version.slice(1), rootTemplateSha256: h.rootTemplateSha256.toUpperCase() })),
      parameterChanges: [...plan.parameterChanges].reverse(),
    };
    expect(planDigest(respelled)).toBe(planDigest(plan));
  });

  it('changes with the target, any hop template, hop order, or a parameter key or value', () => {
    const base = planDigest(plan);
    const variants: DigestablePlan[] = [
      { ...plan, target: 'v1.28.8' },
      { ...plan, hops: plan.hops.map((h, i) => (i === 1 ? { ...h, roleTemplateSha256: A } : h)) },
      { ...plan, hops: [...plan.hops].reverse() },
      { ...plan, hops: plan.hops.slice(1) },
      { ...plan, parameterChanges: parameterChanges({ PythonRuntime: 'python3.9', DatadogAPIKey: 'another-secret' }) },
      { ...plan, parameterChanges: parameterChanges({ PythonRuntime: 'python3.9' }) },
    ];
    const digests = variants.map(planDigest);
    expect(new Set([base, ...digests]).size).toBe(variants.length + 1);
  });

  it('never holds a parameter value: only its key and a keyed hash', () => {
    const doc = canonicalJson(canonicalPlan(plan));
    expect(doc).not.toContain('dd-secret-value');
    expect(doc).not.toContain('python3.9');
    expect(doc).toContain('"key":"DatadogAPIKey"');
    // The same value under two keys hashes differently: equal secrets do not show as equal.
    expect(hashParameterValue('A', 'v')).not.toBe(hashParameterValue('B', 'v'));
    expect(hashParameterValue('A', 'v')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses malformed input instead of digesting it', () => {
    expect(() => planDigest({ ...plan, hops: [{ version: 'v1.26.9', rootTemplateSha256: 'abc', roleTemplateSha256: B }] })).toThrow(/root template of v1.26.9/);
    expect(() => planDigest({ ...plan, parameterChanges: [...plan.parameterChanges, plan.parameterChanges[0]!] })).toThrow(/changed twice/);
    expect(() => parameterChanges({ 'not-a-key': 'x' })).toThrow(/not a CloudFormation parameter key/);
  });

  it('is independent of the order parameter changes come in (property)', () => {
    const arbChanges = fc.uniqueArray(fc.record({ key: fc.stringMatching(/^[A-Za-z0-9]{1,12}$/), value: fc.string() }), { selector: (c) => c.key, maxLength: 8 });
    fc.assert(
      fc.property(arbChanges, fc.nat(), (changes, k) => {
        const values = new Map(changes.map((c) => [c.key, c.value]));
        const rotated = new Map([...values].map((_, i, all) => all[(i + k) % all.length]!));
        expect(planDigest({ ...plan, parameterChanges: parameterChanges(rotated) })).toBe(planDigest({ ...plan, parameterChanges: parameterChanges(values) }));
      }),
    );
  });
});
