/**
 * Writes docs/codes.md, the registry of message, error and issue codes found in src/. Run
 * with `npm run codes` after adding or renaming a code; src/io/code-registry.test.ts fails
 * while the file drifts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { CODES_DOC_PATH, extractCodes, readRegistrySources, renderCodesMarkdown } from '../src/io/code-registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = extractCodes(ts, readRegistrySources(root));
const target = join(root, CODES_DOC_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderCodesMarkdown(entries));
const counts = new Map<string, number>();
for (const e of entries) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
console.log(`wrote ${CODES_DOC_PATH} (${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ')})`);
