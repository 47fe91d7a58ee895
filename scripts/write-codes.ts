/**
 * Writes docs/codes.md from the code declarations. Run with `npm run codes` after adding a
 * code; src/io/codes-doc.test.ts fails while the file drifts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODES_DOC_PATH, renderCodesDoc } from './codes-doc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, CODES_DOC_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderCodesDoc());
console.log(`wrote ${CODES_DOC_PATH}`);
