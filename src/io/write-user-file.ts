import { closeSync, constants, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { PantherctlError, type ErrorCode } from '../errors/pantherctl-error.js';

export interface WriteUserFileOptions {
  /** What the file is, for the message: `plan`. */
  what: string;
  /** The error code callers and `--json` consumers match on. */
  code: ErrorCode;
  /** Which option named the file, for the hint: `--out`. */
  option?: string;
}

/**
 * Writes a file the operator named (`plan --out FILE`): a new or existing regular file only.
 * Opened with O_NONBLOCK, so a FIFO nobody reads fails at once (ENXIO) instead of waiting for
 * a reader forever, and checked with fstat before anything is written or truncated, so a
 * device or a FIFO with a reader is refused too. One line with the reason, never a trace.
 */
export function writeUserText(path: string, text: string | Uint8Array, o: WriteUserFileOptions): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | (constants.O_NONBLOCK ?? 0), 0o644);
  } catch (err) {
    throw unwritable(path, o, (err as NodeJS.ErrnoException).code, err);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw unwritable(path, o, 'not-regular');
    ftruncateSync(fd, 0);
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written, written);
  } catch (err) {
    if (err instanceof PantherctlError) throw err;
    throw unwritable(path, o, (err as NodeJS.ErrnoException).code, err);
  } finally {
    closeSync(fd);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'its directory does not exist',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'the path is too long',
  ENXIO: 'it is not a regular file (a FIFO or socket)',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  'not-regular': 'it is not a regular file (a device, FIFO or socket)',
};

function unwritable(path: string, o: WriteUserFileOptions, code: string | undefined, cause?: unknown): PantherctlError {
  const reason = (code && REASONS[code]) ?? String(code ?? (cause instanceof Error ? cause.message : 'unknown error'));
  return new PantherctlError(o.code, `cannot write the ${o.what} to ${path}: ${reason}`, {
    hint: o.option ? `Give ${o.option} a path to a regular file in an existing, writable directory.` : 'Check that the directory exists and is writable.',
    meta: { file: path, reason: code ?? 'unknown' },
    ...(cause === undefined ? {} : { cause }),
  });
}
