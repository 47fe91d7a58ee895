import { readFileSync } from 'node:fs';
import { PantherctlError } from '../../errors/pantherctl-error.js';

/** Reads a user-named file, turning I/O failures into one clear line. */
export function readInputFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? err);
    throw new PantherctlError('cannot-read-file', `cannot read the ${what} ${file}: ${reason}`, { meta: { file } });
  }
}
