import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_USER_FILE_BYTES, readUserFile, readUserText } from './read-user-file.js';

const dir = mkdtempSync(join(tmpdir(), 'pantherctl-read-'));

describe('readUserText', () => {
  it('says why a named file cannot be read, in words, with the caller code and option', () => {
    const missing = join(dir, 'nope.yml');
    expect(() => readUserText(missing, { what: 'catalog', code: 'catalog-unreadable', option: '--catalog' })).toThrow(
      expect.objectContaining({ code: 'catalog-unreadable', message: `cannot read the catalog ${missing}: no such file`, hint: 'Check the path given to --catalog.' }),
    );
    expect(() => readUserText(dir, { what: 'plan', code: 'plan-unreadable' })).toThrow(
      expect.objectContaining({ code: 'plan-unreadable', message: `cannot read the plan ${dir}: it is a directory` }),
    );
  });

  it('reads a regular file whole', () => {
    const file = join(dir, 'ok.yml');
    writeFileSync(file, 'a: 1\n'.repeat(20_000));
    expect(readUserText(file, { what: 'catalog', code: 'cannot-read-file' })).toBe('a: 1\n'.repeat(20_000));
  });

  // Issue 9, failure 8: /dev/zero was read forever and a FIFO blocked forever.
  it('refuses a device without reading it', () => {
    expect(() => readUserFile('/dev/zero', { what: 'parameter file', code: 'cannot-read-file' })).toThrow(
      expect.objectContaining({ code: 'cannot-read-file', message: 'cannot read the parameter file /dev/zero: it is not a regular file (a device, FIFO or socket)' }),
    );
  });

  it('refuses a FIFO without waiting for a writer', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readUserFile(fifo, { what: 'catalog', code: 'catalog-unreadable' })).toThrow(
      expect.objectContaining({ code: 'catalog-unreadable', meta: expect.objectContaining({ reason: 'not-regular' }) }),
    );
  });

  it('refuses a file over the limit, at the limit it reads', () => {
    const file = join(dir, 'big.yml');
    writeFileSync(file, Buffer.alloc(MAX_USER_FILE_BYTES + 1, 0x20));
    expect(() => readUserFile(file, { what: 'plan', code: 'plan-unreadable', option: '--plan' })).toThrow(
      expect.objectContaining({ code: 'plan-unreadable', message: `cannot read the plan ${file}: it is larger than 5 MB, the limit for files pantherctl reads`, meta: expect.objectContaining({ reason: 'too-large' }) }),
    );
    writeFileSync(file, Buffer.alloc(MAX_USER_FILE_BYTES, 0x20));
    expect(readUserFile(file, { what: 'plan', code: 'plan-unreadable' })).toHaveLength(MAX_USER_FILE_BYTES);
    expect(() => readUserFile(file, { what: 'plan', code: 'plan-unreadable', maxBytes: 10 })).toThrow(expect.objectContaining({ message: expect.stringContaining('larger than 10 bytes') }));
  });

  it('names a path through a file as such', () => {
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    expect(() => readUserFile(join(file, 'child'), { what: 'catalog', code: 'cannot-read-file' })).toThrow(expect.objectContaining({ message: expect.stringContaining('a part of the path is not a directory') }));
  });
});
