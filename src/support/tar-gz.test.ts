import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createTar, createTarGz, readTarGz, TarError } from './tar-gz.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pantherctl-tar-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const longDir = `stacks/${'panther-root-PantherCoreInfrastructure-1ABCDEF2GHIJK'.repeat(2)}`;
const entries = [
  { path: 'bundle/', type: 'directory' as const },
  { path: 'bundle/a.txt', content: 'hello\n' },
  { path: 'bundle/empty.json', content: '' },
  { path: 'bundle/block.bin', content: new Uint8Array(512).fill(7) },
  { path: `bundle/${longDir}/events.json`, content: '[{"status":"UPDATE_FAILED","reason":"ünïcode ✓"}]' },
];

describe('tar.gz writer', () => {
  it('round-trips through its own reader', () => {
    const files = readTarGz(createTarGz(entries, { mtime: new Date('2027-01-14T10:00:00Z') }));
    expect(files.map((f) => f.path)).toEqual(['bundle/', 'bundle/a.txt', 'bundle/empty.json', 'bundle/block.bin', `bundle/${longDir}/events.json`]);
    expect(files[0]?.type).toBe('directory');
    expect(files[1]?.content.toString()).toBe('hello\n');
    expect(files[2]?.content.length).toBe(0);
    expect([...(files[3]?.content ?? [])].every((b) => b === 7)).toBe(true);
    expect(files[4]?.content.toString()).toContain('ünïcode ✓');
    expect(files[1]?.mtime.toISOString()).toBe('2027-01-14T10:00:00.000Z');
    expect(files[1]?.mode).toBe(0o644);
  });

  it('writes archives that GNU tar lists and unpacks byte for byte', () => {
    const dir = tempDir();
    const archive = join(dir, 'b.tar.gz');
    writeFileSync(archive, createTarGz(entries));
    const listing = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toContain(`bundle/${longDir}/events.json`);
    const out = join(dir, 'out');
    execFileSync('mkdir', [out]);
    execFileSync('tar', ['-xzf', archive, '-C', out]);
    expect(readFileSync(join(out, 'bundle/a.txt'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(out, 'bundle', longDir, 'events.json'), 'utf8')).toContain('ünïcode ✓');
    expect(statSync(join(out, 'bundle/block.bin')).size).toBe(512);
  });

  it('gives the same bytes for the same input', () => {
    expect(createTar(entries).equals(createTar(entries))).toBe(true);
    expect(createTar(entries).length % 512).toBe(0);
  });

  it('refuses paths that escape the archive, duplicates and names that do not fit ustar', () => {
    expect(() => createTar([{ path: '../etc/passwd', content: 'x' }])).toThrow(TarError);
    expect(() => createTar([{ path: 'a', content: 'x' }, { path: 'a', content: 'y' }])).toThrow(/duplicate/);
    expect(() => createTar([{ path: 'x'.repeat(120), content: '' }])).toThrow(/too long/);
  });

  it('detects a corrupted header', () => {
    const tar = createTar([{ path: 'a.txt', content: 'x' }]);
    tar[0] = 'b'.charCodeAt(0);
    expect(() => readTarGz(gzipSync(tar))).toThrow(/checksum/);
  });
});
