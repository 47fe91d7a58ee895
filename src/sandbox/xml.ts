/**
 * XML is built by string concatenation: DescribeStacks and DescribeStackEvents are the hot
 * paths of every waiting client, and a DOM or builder library would cost more than the rest
 * of the request.
 */
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPE_ALL = /[&<>"']/g;
// Characters XML 1.0 cannot carry at all; they are dropped rather than producing a document
// the SDK's parser rejects.
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(value: string): string {
  const clean = value.replace(INVALID_XML_CHARS, '');
  return NEEDS_ESCAPE.test(clean) ? clean.replace(ESCAPE_ALL, (c) => XML_ESCAPES[c] ?? c) : clean;
}

/** `<Name>value</Name>`, or nothing when the value is absent (AWS omits unset members). */
export function el(name: string, value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${typeof value === 'string' ? escapeXml(value) : String(value)}</${name}>`;
}

/** `<Name><member>..</member>...</Name>` with already rendered members. */
export function members(name: string, items: readonly string[]): string {
  let out = `<${name}>`;
  for (const item of items) out += `<member>${item}</member>`;
  return `${out}</${name}>`;
}

export function stringMembers(name: string, items: readonly string[]): string {
  return members(name, items.map(escapeXml));
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
