import { readFileSync } from 'node:fs';
import { PantherctlError, type ErrorCode } from '../errors/pantherctl-error.js';

export interface ReadUserFileOptions {
  /** What the file is, for the message: `catalog`, `parameter file`, `plan`. */
  what: string;
  /** The error code callers and `--json` consumers match on. */
  code: ErrorCode;
  /** Which option named the file, for the hint: `--catalog`. */
  option?: string;
}

/**
 * Reads a file the operator named, turning every I/O failure into one clear line with the
 * reason in words (`no such file`, `it is a directory`), never an errno trace.
 */
export function readUserFile(path: string, o: ReadUserFileOptions): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? (err as Error).message);
    throw new PantherctlError(o.code, `cannot read the ${o.what} ${path}: ${reason}`, {
      ...(o.option ? { hint: `Check the path given to ${o.option}.` } : {}),
      meta: { file: path, reason: code ?? 'unknown' },
      cause: err,
    });
  }
}

/** `readUserFile` decoded as UTF-8 text. */
export function readUserText(path: string, o: ReadUserFileOptions): string {
  return readUserFile(path, o).toString('utf8');
}
