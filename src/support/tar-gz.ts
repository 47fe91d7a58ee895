/**
 * A minimal tar.gz writer and reader for files held in memory: ustar headers written by hand,
 * gzip by node:zlib. Enough for support bundles (regular files and directories, names up to
 * 255 bytes), so pantherctl needs no archive dependency.
 *
 * Format: POSIX.1-1988 ustar as described by POSIX `pax` ("ustar Interchange Format") and
 * GNU tar's manual ("Basic Tar Format"): 512-byte header blocks (name 100, mode 8, uid 8,
 * gid 8, size 12, mtime 12, chksum 8, typeflag 1, linkname 100, magic "ustar\0", version
 * "00", uname 32, gname 32, devmajor 8, devminor 8, prefix 155), numbers as zero-padded octal,
 * the checksum summed over the header with its own field read as spaces, data padded to 512
 * bytes, two zero blocks at the end.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

const BLOCK = 512;
/** 8 GiB - 1: the largest size 11 octal digits hold. */
const MAX_SIZE = 0o77777777777;

export interface TarEntry {
  /** Relative path with `/` separators; a trailing `/` or `type: 'directory'` makes a directory. */
  path: string;
  content?: string | Uint8Array;
  type?: 'file' | 'directory';
  /** Default 0o644 for files, 0o755 for directories. */
  mode?: number;
  /** Default the archive's mtime. */
  mtime?: Date;
}

export interface TarOptions {
  /**
   * Modification time of every entry without its own. Default: the Unix epoch, so the same
   * input gives the same bytes (bundles can be compared and tests stay deterministic).
   */
  mtime?: Date;
  /** Default 'pantherctl': the owner name shown by `tar -tv`. */
  owner?: string;
}

export class TarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarError';
  }
}

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new TarError(`tar header field too long: ${value}`);
  bytes.copy(header, offset);
}

/** Zero-padded octal with a trailing NUL, as ustar readers expect. */
function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  const digits = Math.floor(value).toString(8).padStart(length - 1, '0');
  if (digits.length > length - 1) throw new TarError(`tar number too large for its field: ${value}`);
  header.write(`${digits}\0`, offset, length, 'ascii');
}

/** Splits a path into ustar's prefix (155 bytes) and name (100 bytes) at a `/`. */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '') return { prefix, name };
  }
  throw new TarError(`path too long for a ustar archive (at most 100 bytes after the last fitting "/", 255 in all): ${path}`);
}

function normalisePath(path: string, directory: boolean): string {
  const clean = path.replace(/\\/g, '/').replace(/^\.?\/+/, '');
  if (clean === '' || clean.split('/').some((part) => part === '..')) throw new TarError(`unsafe path in archive: ${path}`);
  const trimmed = clean.replace(/\/+$/, '');
  return directory ? `${trimmed}/` : trimmed;
}

function header(path: string, size: number, type: 'file' | 'directory', mode: number, mtime: Date, owner: string): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  const { prefix, name } = splitPath(path);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, mode);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, Math.max(0, Math.floor(mtime.getTime() / 1000)));
  h.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  h.write(type === 'directory' ? '5' : '0', 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  writeString(h, 265, 32, owner);
  writeString(h, 297, 32, owner);
  writeOctal(h, 329, 8, 0);
  writeOctal(h, 337, 8, 0);
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const byte of h) sum += byte;
  // Six octal digits, NUL, space: the layout historical readers accept.
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

/** The uncompressed tar stream of `entries`, in the given order. */
export function createTar(entries: readonly TarEntry[], options: TarOptions = {}): Buffer {
  const defaultTime = options.mtime ?? new Date(0);
  const owner = options.owner ?? 'pantherctl';
  const parts: Buffer[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const directory = entry.type === 'directory' || entry.path.endsWith('/');
    const path = normalisePath(entry.path, directory);
    if (seen.has(path)) throw new TarError(`duplicate path in archive: ${path}`);
    seen.add(path);
    const data = directory ? Buffer.alloc(0) : typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : Buffer.from(entry.content ?? new Uint8Array());
    if (data.length > MAX_SIZE) throw new TarError(`file too large for a ustar archive: ${path}`);
    parts.push(header(path, data.length, directory ? 'directory' : 'file', entry.mode ?? (directory ? 0o755 : 0o644), entry.mtime ?? defaultTime, owner));
    if (data.length > 0) {
      parts.push(data);
      const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
      if (pad > 0) parts.push(Buffer.alloc(pad, 0));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

/** The gzip-compressed tar of `entries` (what `tar -xzf` reads). */
export function createTarGz(entries: readonly TarEntry[], options: TarOptions = {}): Buffer {
  return gzipSync(createTar(entries, options), { level: 9 });
}

export interface TarFile {
  path: string;
  type: 'file' | 'directory';
  mode: number;
  mtime: Date;
  content: Buffer;
}

function readString(block: Buffer, offset: number, length: number): string {
  const slice = block.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end === -1 ? length : end).toString('utf8');
}

function readOctal(block: Buffer, offset: number, length: number): number {
  const text = readString(block, offset, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** Reads a tar stream written by `createTar` (or any plain ustar archive); checks checksums. */
export function readTar(tar: Buffer): TarFile[] {
  const files: TarFile[] = [];
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const block = tar.subarray(offset, offset + BLOCK);
    if (block.every((b) => b === 0)) break;
    const stored = readOctal(block, 148, 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    if (sum !== stored) throw new TarError(`bad tar header checksum at offset ${offset}`);
    const name = readString(block, 0, 100);
    const prefix = readString(block, 345, 155);
    const size = readOctal(block, 124, 12);
    const typeflag = String.fromCharCode(block[156] ?? 0);
    const start = offset + BLOCK;
    files.push({
      path: prefix ? `${prefix}/${name}` : name,
      type: typeflag === '5' ? 'directory' : 'file',
      mode: readOctal(block, 100, 8),
      mtime: new Date(readOctal(block, 136, 12) * 1000),
      content: Buffer.from(tar.subarray(start, start + size)),
    });
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

export function readTarGz(archive: Buffer): TarFile[] {
  return readTar(gunzipSync(archive));
}
