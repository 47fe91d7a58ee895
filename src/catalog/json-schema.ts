import { z } from 'zod';
import { catalogFileSchema } from './schema.js';

/**
 * The JSON Schema of a catalog file, generated from the zod schema the loader validates
 * with, so editors and the loader can never disagree. `io: 'input'` describes what a person
 * writes (defaulted keys are optional), not what the loader produces.
 */
export function catalogJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(catalogFileSchema, { io: 'input' }) as Record<string, unknown>;
}

/** The exact text of schema/catalog.schema.json (a test checks the committed file matches). */
export function catalogJsonSchemaText(): string {
  return `${JSON.stringify(catalogJsonSchema(), null, 2)}\n`;
}

/** Where the schema lives, relative to the package root. */
export const CATALOG_SCHEMA_PATH = 'schema/catalog.schema.json';
