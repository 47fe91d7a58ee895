import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { readUserFile } from '../../io/read-user-file.js';
import { mergeInputs, parseParameterFile, parseParamOverrides } from '../../parameters/inputs.js';
import type { ParameterInput } from '../../parameters/types.js';
import type { StagedParameter } from '../staging/types.js';

export interface ParameterSource {
  /** Absolute path of the file. */
  file: string;
  /** SHA-256 of the file's bytes: recorded so a resume notices an edited file, never the values. */
  sha256: string;
  inputs: ParameterInput[];
  overrideKeys: string[];
}

/** Reads `--params FILE` and `--param KEY=VALUE` overrides, as `params validate` does. */
export function readParameterSource(file: string, overrides: readonly string[] = []): ParameterSource {
  const bytes = readUserFile(file, { what: 'parameter file', code: 'cannot-read-file', option: '--params' });
  const flags = parseParamOverrides(overrides);
  return {
    file: resolve(file),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    inputs: mergeInputs(parseParameterFile(bytes.toString('utf8'), file), flags),
    overrideKeys: flags.map((f) => f.key),
  };
}

/** Values to apply: entries with UsePreviousValue keep the live value, so they are left out. */
export function valuesOf(inputs: readonly ParameterInput[]): StagedParameter[] {
  return inputs.filter((i) => !i.usePreviousValue && i.value !== undefined).map((i) => ({ key: i.key, value: i.value as string }));
}
