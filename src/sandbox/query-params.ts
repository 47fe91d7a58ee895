import { validationError } from './aws-error.js';

/**
 * The AWS Query protocol's flattened form fields (`Parameters.member.1.ParameterKey=...`)
 * read back into lists and structures.
 */
export class QueryParams {
  constructor(private readonly p: URLSearchParams) {}

  get(name: string): string | undefined {
    return this.p.get(name) ?? undefined;
  }

  bool(name: string): boolean | undefined {
    const v = this.p.get(name);
    if (v === null) return undefined;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw validationError(`1 validation error detected: Value '${v}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must be a boolean`);
  }

  int(name: string): number | undefined {
    const v = this.p.get(name);
    if (v === null) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) {
      throw validationError(`1 validation error detected: Value '${v}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must be an integer`);
    }
    return n;
  }

  /** `Name.member.N` values in index order; undefined when the list is absent, [] when sent empty. */
  list(name: string): string[] | undefined {
    const prefix = `${name}.member.`;
    const found: [number, string][] = [];
    let present = this.p.has(name);
    for (const [k, v] of this.p) {
      if (!k.startsWith(prefix)) continue;
      const idx = Number(k.slice(prefix.length));
      if (Number.isInteger(idx)) {
        found.push([idx, v]);
        present = true;
      }
    }
    if (!present) return undefined;
    return found.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  /** `Name.member.N.Field` structures in index order. */
  structList(name: string): Record<string, string>[] | undefined {
    const prefix = `${name}.member.`;
    const byIndex = new Map<number, Record<string, string>>();
    let present = this.p.has(name);
    for (const [k, v] of this.p) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      const dot = rest.indexOf('.');
      if (dot < 0) continue;
      const idx = Number(rest.slice(0, dot));
      if (!Number.isInteger(idx)) continue;
      present = true;
      const entry = byIndex.get(idx) ?? {};
      entry[rest.slice(dot + 1)] = v;
      byIndex.set(idx, entry);
    }
    if (!present) return undefined;
    return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Opaque pagination tokens: a position, base64-encoded, refused when tampered with. */
export function encodeToken(position: number): string {
  return Buffer.from(`sandbox:${position}`).toString('base64');
}

export function decodeToken(token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  const m = /^sandbox:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  if (!m) throw validationError('Invalid NextToken');
  return Number(m[1]);
}
