/**
 * Escaping for the HTML report. Every string that comes from AWS or the journal (stack and
 * resource names, reasons, phase messages, principals) goes through one of these: a reason
 * can quote anything, `<script>` included.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text content and attribute values (always written in double quotes). */
export function escapeHtml(value: string | number | boolean | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML[c] as string);
}

/**
 * JSON inside `<script type="application/json">`: `<`, `>` and `&` as \u escapes so no
 * `</script>` or `<!--` can end the block, and U+2028/U+2029 escaped for old parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** `12m 05s`, `42s`, `1h 02m`: whole seconds, as CloudFormation's event times are. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** `2027-01-14 10:02:03 UTC`: one zone for everyone who reads the same file. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
