/**
 * Writes the JSON Schemas generated from the zod schemas in src/. Run with `npm run schema`
 * after changing a schema; src/catalog/json-schema.test.ts fails while the files drift.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG_SCHEMA_PATH, catalogJsonSchemaText } from '../src/catalog/json-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, CATALOG_SCHEMA_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, catalogJsonSchemaText());
console.log(`wrote ${CATALOG_SCHEMA_PATH}`);

// pantherctl.yml (connection settings of deployment commands).
const { CONFIG_SCHEMA_PATH, pantherctlConfigJsonSchemaText } = await import('../src/settings/schema.js');
writeFileSync(join(root, CONFIG_SCHEMA_PATH), pantherctlConfigJsonSchemaText());
console.log(`wrote ${CONFIG_SCHEMA_PATH}`);

// pantherctl-fleet.yml (the deployments of `pantherctl fleet ...`).
const { FLEET_SCHEMA_PATH, fleetJsonSchemaText } = await import('../src/fleet/file/schema.js');
writeFileSync(join(root, FLEET_SCHEMA_PATH), fleetJsonSchemaText());
console.log(`wrote ${FLEET_SCHEMA_PATH}`);
