import { describe, expect, it } from 'vitest';
import { concealSecret, constraintViolation, resolveParameters } from './parameters.js';
import type { ParamDecl } from './template.js';

const decls: ParamDecl[] = [
  { name: 'Email', type: 'String', noEcho: false, allowedPattern: '[^@]+@[^@]+' },
  { name: 'Memory', type: 'Number', noEcho: false, default: '256', minValue: 256, maxValue: 2048 },
  { name: 'Runtime', type: 'String', noEcho: false, default: 'python3.7', allowedValues: ['python3.7', 'python3.9'] },
  { name: 'ApiKey', type: 'String', noEcho: true, default: '' },
];

describe('resolveParameters', () => {
  it('applies defaults and conceals NoEcho values', () => {
    const v = resolveParameters(decls, [{ key: 'Email', value: 'a@b.c' }, { key: 'ApiKey', value: 'secret' }], undefined);
    expect(v.Memory).toBe('256');
    expect(v.ApiKey).toBe(concealSecret('secret'));
    expect(v.ApiKey).not.toContain('secret'.slice(1));
  });

  it('refuses unknown keys, then missing values, with AWS messages', () => {
    expect(() => resolveParameters(decls, [{ key: 'Nope', value: 'x' }, { key: 'Other', value: 'y' }], undefined)).toThrow(
      'Parameters: [Nope, Other] do not exist in the template',
    );
    expect(() => resolveParameters(decls, [], undefined)).toThrow('Parameters: [Email] must have values');
  });

  it('takes defaults, not previous values, for parameters left out of an update', () => {
    const previous = { Email: 'a@b.c', Memory: '1024', Runtime: 'python3.9', ApiKey: concealSecret('k') };
    const v = resolveParameters(decls, [{ key: 'Email', usePreviousValue: true }], previous);
    expect(v).toMatchObject({ Email: 'a@b.c', Memory: '256', Runtime: 'python3.7' });
    const kept = resolveParameters(decls, [{ key: 'Email', usePreviousValue: true }, { key: 'ApiKey', usePreviousValue: true }], previous);
    expect(kept.ApiKey).toBe(previous.ApiKey);
  });

  it('refuses UsePreviousValue without a previous value or together with a value', () => {
    expect(() => resolveParameters(decls, [{ key: 'Email', usePreviousValue: true }], undefined)).toThrow(/Cannot specify usePreviousValue as true/);
    expect(() => resolveParameters(decls, [{ key: 'Email', usePreviousValue: true, value: 'x@y.z' }], { Email: 'a@b.c' })).toThrow(
      /Cannot specify usePreviousValue as true and non empty value/,
    );
  });
});

describe('constraintViolation', () => {
  const [email, memory, runtime] = decls as [ParamDecl, ParamDecl, ParamDecl];
  it('says what CloudFormation says', () => {
    expect(constraintViolation(memory, '128')).toBe("Parameter 'Memory' must be a number not less than 256");
    expect(constraintViolation(memory, '4096')).toBe("Parameter 'Memory' must be a number not greater than 2048");
    expect(constraintViolation(memory, 'lots')).toBe("Parameter 'Memory' must be a number");
    expect(constraintViolation(runtime, 'python2.7')).toBe("Parameter 'Runtime' must be one of AllowedValues");
    expect(constraintViolation(email, 'nobody')).toBe("Parameter 'Email' must match pattern [^@]+@[^@]+");
    expect(constraintViolation({ ...email, constraintDescription: 'an email address' }, 'nobody')).toBe(
      "Parameter 'Email' failed to satisfy constraint: an email address",
    );
  });

  it('matches the whole value, as CloudFormation applies AllowedPattern', () => {
    expect(constraintViolation({ name: 'X', type: 'String', noEcho: false, allowedPattern: '[a-z]+' }, 'abc1')).toBeDefined();
    expect(constraintViolation({ name: 'X', type: 'String', noEcho: false, allowedPattern: '[a-z]+' }, 'abc')).toBeUndefined();
  });
});
