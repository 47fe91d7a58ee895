import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG_SCHEMA_PATH, catalogJsonSchemaText } from './json-schema.js';

describe('catalog JSON Schema', () => {
  it('the committed schema file is what scripts/write-schemas.ts generates (run `npm run schema`)', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', CATALOG_SCHEMA_PATH), 'utf8');
    expect(committed).toBe(catalogJsonSchemaText());
  });

  it('rejects unknown keys, as the loader does', () => {
    const schema = JSON.parse(catalogJsonSchemaText()) as { additionalProperties: unknown };
    expect(schema.additionalProperties).toBe(false);
  });
});
