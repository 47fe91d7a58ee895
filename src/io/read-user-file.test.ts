import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUserText } from './read-user-file.js';

describe('readUserText', () => {
  it('says why a named file cannot be read, in words, with the caller code and option', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pantherctl-read-'));
    const missing = join(dir, 'nope.yml');
    expect(() => readUserText(missing, { what: 'catalog', code: 'catalog-unreadable', option: '--catalog' })).toThrow(
      expect.objectContaining({ code: 'catalog-unreadable', message: `cannot read the catalog ${missing}: no such file`, hint: 'Check the path given to --catalog.' }),
    );
    expect(() => readUserText(dir, { what: 'plan', code: 'plan-unreadable' })).toThrow(
      expect.objectContaining({ code: 'plan-unreadable', message: `cannot read the plan ${dir}: it is a directory` }),
    );
  });
});
