import { randomUUID } from 'node:crypto';

/**
 * A ClientRequestToken / change set name, unique per call and readable in the console:
 * `pantherctl-<parts>-<8 hex>`. AWS allows `[a-zA-Z][-a-zA-Z0-9]*` up to 128 characters, so
 * dots (of versions) become dashes.
 */
export const requestToken = (...parts: string[]): string => `pantherctl-${parts.map((p) => p.replace(/\./g, '-')).join('-')}-${randomUUID().slice(0, 8)}`;
