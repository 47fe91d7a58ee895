import { describe, expect, it } from 'vitest';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { checkRootStackName, checkStackName } from './stack-name.js';

function codeOf(f: () => void): string | undefined {
  try {
    f();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(PantherctlError);
    return (err as PantherctlError).code;
  }
}

describe('checkRootStackName', () => {
  it('accepts panther- names CloudFormation accepts', () => {
    expect(codeOf(() => checkRootStackName('panther-root'))).toBeUndefined();
    expect(codeOf(() => checkRootStackName(`panther-${'a'.repeat(120)}`))).toBeUndefined();
  });

  it('refuses a name without panther- first, then one CloudFormation would reject', () => {
    expect(codeOf(() => checkRootStackName('prod-root'))).toBe('root-stack-name');
    expect(codeOf(() => checkRootStackName('panther-bad_name!'))).toBe('invalid-stack-name');
    expect(codeOf(() => checkRootStackName('panther-root.prod'))).toBe('invalid-stack-name');
    expect(codeOf(() => checkRootStackName(`panther-${'a'.repeat(121)}`))).toBe('invalid-stack-name');
  });

  it('says why, on one line, naming the option', () => {
    try {
      checkStackName('9lives', '--role-stack');
    } catch (err) {
      expect((err as PantherctlError).message).toBe('--role-stack "9lives" is not a valid CloudFormation stack name: it must start with a letter');
      expect((err as PantherctlError).exitCode).toBe(1);
    }
    expect.assertions(2);
  });
});
