import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { PantherctlError, type ErrorCode } from '../errors/pantherctl-error.js';

/**
 * The largest file pantherctl reads for the operator: 5 MB. A catalog, plan, config or
 * parameter file is a few kilobytes; anything near this size is a wrong path (a log, an
 * image, `/dev/zero`), and reading it whole would only delay the refusal.
 */
export const MAX_USER_FILE_BYTES = 5 * 1024 * 1024;

export interface ReadUserFileOptions {
  /** What the file is, for the message: `catalog`, `parameter file`, `plan`. */
  what: string;
  /** The error code callers and `--json` consumers match on. */
  code: ErrorCode;
  /** Which option named the file, for the hint: `--catalog`. */
  option?: string;
  /** Refuse files larger than this many bytes. Default MAX_USER_FILE_BYTES (tests lower it). */
  maxBytes?: number;
}

/** Why an open or read failed, in words, by errno code. */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links',
  ENXIO: 'it is a socket or a device without a reader',
  EAGAIN: 'it is not a regular file',
};

/**
 * Reads a file the operator named: only a regular file, only up to `maxBytes`, and never
 * blocking. It is opened with O_NONBLOCK (opening a FIFO for reading otherwise waits for a
 * writer forever) and checked with fstat on the open descriptor (so a path swapped after a
 * stat cannot slip a device in). Every failure is one line with the reason in words (`no such
 * file`, `it is a directory`, `it is not a regular file`), never an errno trace.
 */
export function readUserFile(path: string, o: ReadUserFileOptions): Buffer {
  const maxBytes = o.maxBytes ?? MAX_USER_FILE_BYTES;
  let fd: number;
  try {
    // O_NONBLOCK is 0 on Windows, where FIFOs cannot be opened by path anyway.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw unreadable(path, o, (err as NodeJS.ErrnoException).code, err);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw unreadable(path, o, 'EISDIR');
    if (!stat.isFile()) throw unreadable(path, o, 'not-regular', undefined, 'it is not a regular file (a device, FIFO or socket)');
    if (stat.size > maxBytes) throw tooLarge(path, o, maxBytes);
    // Read until EOF, but never past the limit: a file may grow between fstat and read.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw tooLarge(path, o, maxBytes);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof PantherctlError) throw err;
    throw unreadable(path, o, (err as NodeJS.ErrnoException).code, err);
  } finally {
    closeSync(fd);
  }
}

/** `readUserFile` decoded as UTF-8 text. */
export function readUserText(path: string, o: ReadUserFileOptions): string {
  return readUserFile(path, o).toString('utf8');
}

function unreadable(path: string, o: ReadUserFileOptions, code: string | undefined, cause?: unknown, reason?: string): PantherctlError {
  const words = reason ?? (code && REASONS[code]) ?? String(code ?? (cause instanceof Error ? cause.message : 'unknown error'));
  return new PantherctlError(o.code, `cannot read the ${o.what} ${path}: ${words}`, {
    ...(o.option ? { hint: `Check the path given to ${o.option}.` } : {}),
    meta: { file: path, reason: code ?? 'unknown' },
    ...(cause === undefined ? {} : { cause }),
  });
}

function tooLarge(path: string, o: ReadUserFileOptions, maxBytes: number): PantherctlError {
  return new PantherctlError(o.code, `cannot read the ${o.what} ${path}: it is larger than ${formatBytes(maxBytes)}, the limit for files pantherctl reads`, {
    ...(o.option ? { hint: `Check the path given to ${o.option}.` } : {}),
    meta: { file: path, reason: 'too-large', maxBytes },
  });
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MB` : `${n} bytes`;
}
