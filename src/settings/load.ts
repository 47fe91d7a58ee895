import { existsSync } from 'node:fs';
import { readUserText } from '../io/read-user-file.js';
import type { PantherctlConfig } from './schema.js';

/** Default file name, looked up in the working directory when `--config` is not given. */
export const DEFAULT_CONFIG_FILE = 'pantherctl.yml';

/**
 * Reads `pantherctl.yml`. A missing file is fine unless it was named with `--config`.
 * Errors point at `file:line:col`. The YAML parser and the schema (zod) load only when there
 * is a file to read: without one, an AWS command starts without them.
 */
export async function loadConfig(file: string | undefined): Promise<PantherctlConfig> {
  const path = file ?? DEFAULT_CONFIG_FILE;
  // The default file is optional; a file named with --config must exist.
  if (!file && !existsSync(path)) return {};
  const text = readUserText(path, { what: 'config file', code: 'config-unreadable', option: '--config' });
  const { parseConfig } = await import('./parse.js');
  return parseConfig(text, path);
}
