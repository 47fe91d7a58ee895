/**
 * Canonical JSON: one text per value, whatever the order in which its keys were written, so
 * that a digest over it is stable across processes, machines and versions of this tool. The
 * rules are those of RFC 8785 (JCS) for the values a plan holds: object keys sorted by UTF-16
 * code units (JavaScript's default sort, as JCS prescribes), no whitespace, strings and
 * integers as JSON.stringify writes them. Anything a plan never holds (non-finite or
 * fractional numbers, Dates, Maps, undefined inside arrays) is refused rather than given a
 * spelling that might change later.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    // Integers only: JCS number formatting of fractions is subtle and no plan needs one.
    if (!Number.isSafeInteger(value)) throw new TypeError(`canonicalJson: ${path} is ${value}; only safe integers are allowed`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value
      .map((item, i) => {
        if (item === undefined) throw new TypeError(`canonicalJson: ${path}[${i}] is undefined`);
        return write(item, `${path}[${i}]`);
      })
      .join(',')}]`;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`canonicalJson: ${path} is not a plain object`);
    const entries = Object.entries(value as Record<string, unknown>)
      // As JSON.stringify does: an absent optional field and an undefined one are the same.
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, `${path}.${k}`)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: ${path} is a ${typeof value}`);
}
