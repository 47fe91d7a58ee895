import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES_DOC_PATH, renderCodesDoc } from '../../scripts/codes-doc.js';
import { ERRORS } from '../errors/error-codes.js';
import { MSG, REQ } from './message-codes.js';

const root = join(import.meta.dirname, '..', '..');

describe('docs/codes.md', () => {
  it(`is what scripts/write-codes.ts generates from the declarations (run \`npm run codes\`)`, () => {
    expect(readFileSync(join(root, CODES_DOC_PATH), 'utf8')).toBe(renderCodesDoc());
  });

  it('lists every declared code once, with its level or its source and exit code', () => {
    const doc = renderCodesDoc();
    for (const d of Object.values(MSG)) expect(doc).toContain(`| \`${d.code}\` | ${d.levels.join(', ')} |`);
    for (const d of Object.values(REQ)) expect(doc).toContain(`| \`${d.code}\` |`);
    expect(doc).toContain('| `locked` | locked → 6 |');
    expect(doc).toContain('| `stack-rolled-back` | deployment → 4 |');
    expect(doc).toContain('| `expired-credentials` | interrupted → 5 |');
    const section = (title: string): string[] => (doc.split(`## ${title}`)[1]?.split('\n## ')[0] ?? '').match(/^\| `[^`]+`/gm) ?? [];
    expect(section('Messages')).toHaveLength(Object.keys(MSG).length);
    expect(section('Requests')).toHaveLength(Object.keys(REQ).length);
    expect(section('Errors')).toHaveLength(Object.keys(ERRORS).length);
    for (const title of ['Messages', 'Errors', 'Parameter issues']) expect(new Set(section(title)).size).toBe(section(title).length);
  });
});

describe('message declarations', () => {
  it('key each declaration by its own code, kebab-case and namespaced', () => {
    for (const [key, d] of Object.entries(MSG)) {
      expect(d.code).toBe(key);
      expect(key).toMatch(/^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$/);
    }
  });

  it('make messages of the declared level and recognise them', () => {
    const m = MSG['hop.start'].msg('hop 1 of 2: v1.26.9', { index: 1, total: 2, version: 'v1.26.9' });
    expect(m).toEqual({ level: 'info', code: 'hop.start', text: 'hop 1 of 2: v1.26.9', data: { index: 1, total: 2, version: 'v1.26.9' } });
    expect(MSG['hop.start'].is(m)).toBe(true);
    expect(MSG['hop.done'].is(m)).toBe(false);
    expect(MSG['preflight.passed'].msg('ok')).toEqual({ level: 'info', code: 'preflight.passed', text: 'ok' });
    expect(MSG['params.issue'].msg('warn', 'x', { severity: 'warning', parameter: 'A', code: 'no-effect' }).level).toBe('warn');
    expect(REQ['upgrade.confirm'].req('go?', { rootStack: 'panther-root', from: 'v1', to: 'v2', hops: [] }, false)).toMatchObject({ code: 'upgrade.confirm', defaultResponse: false });
  });
});
