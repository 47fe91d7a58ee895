import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeUserText } from './write-user-file.js';

const dir = mkdtempSync(join(tmpdir(), 'pantherctl-write-'));
const o = { what: 'plan', code: 'cannot-write-file' as const, option: '--out' };

describe('writeUserText', () => {
  it('creates a file, and replaces a longer one whole', () => {
    const file = join(dir, 'plan.json');
    writeUserText(file, 'a much longer first version\n', o);
    writeUserText(file, 'short\n', o);
    expect(readFileSync(file, 'utf8')).toBe('short\n');
  });

  it('refuses a FIFO nobody reads at once, instead of waiting for a reader', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => writeUserText(fifo, 'x', o)).toThrow(expect.objectContaining({ code: 'cannot-write-file', message: `cannot write the plan to ${fifo}: it is not a regular file (a FIFO or socket)` }));
  });

  it('refuses a device, a directory and a missing directory, in words', () => {
    expect(() => writeUserText('/dev/null', 'x', o)).toThrow(expect.objectContaining({ message: 'cannot write the plan to /dev/null: it is not a regular file (a device, FIFO or socket)' }));
    expect(() => writeUserText(dir, 'x', o)).toThrow(expect.objectContaining({ message: `cannot write the plan to ${dir}: it is a directory` }));
    expect(() => writeUserText(join(dir, 'no', 'plan.json'), 'x', o)).toThrow(expect.objectContaining({ message: expect.stringMatching(/its directory does not exist$/), hint: expect.stringContaining('--out') }));
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    expect(() => writeUserText(join(file, 'plan.json'), 'x', o)).toThrow(expect.objectContaining({ message: expect.stringMatching(/not a directory$/) }));
  });
});
