import { usageError } from '../errors/pantherctl-error.js';
import type { ParameterInput } from './types.js';

/*
 * `--param KEY=VALUE` parsing, on its own so that the CLI can check the flags of every command
 * before it runs without loading the YAML reader of parameter files.
 */

/** CloudFormation parameter names are alphanumeric. */
const PARAM_NAME = /^[A-Za-z0-9]+$/;

/**
 * `--param KEY=VALUE` flags, in order. The value may be empty (`KEY=`) and may contain `=`.
 * A malformed flag is a usage error naming the flag, never echoing what may be a secret.
 */
export function parseParamOverrides(flags: readonly string[]): ParameterInput[] {
  return flags.map((flag) => {
    const eq = flag.indexOf('=');
    const key = eq === -1 ? '' : flag.slice(0, eq);
    if (!PARAM_NAME.test(key)) {
      throw usageError(
        'Expected `--param` as KEY=VALUE with an alphanumeric KEY' + (PARAM_NAME.test(flag) ? ` (got ${flag} without =VALUE)` : ''),
        'Example: --param DataLakeForwarderMemory=512',
      );
    }
    return { key, value: flag.slice(eq + 1), source: { flag: `--param ${key}` } };
  });
}

