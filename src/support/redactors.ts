/**
 * Redactors for everything that leaves the operator's machine: support bundles, build log
 * tails, notifications. Each redactor has a stable name (the key in `redactions.json`) and
 * replaces what it finds with `[REDACTED:<name>]`, a marker that none of the redactors
 * matches, so redacting twice finds nothing new.
 *
 * Two kinds of rule: shape rules (an access key id looks like `AKIA` + 16 characters) and
 * context rules (whatever follows `SecretAccessKey=` or `"ParameterKey": "DatadogAPIKey"`).
 * Shape rules alone would miss secrets without a shape (a Datadog key is 32 hex digits, as is
 * every S3 ETag), so the secrets pantherctl knows by value (the operator's parameter file) are
 * removed by value as well.
 */

export type RedactorName =
  | 'secret-value'
  | 'secret-parameter'
  | 'datadog-api-key'
  | 'segment-write-key'
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'aws-session-token'
  | 'bearer-token'
  | 'url-credentials'
  | 'email';

export interface Redactor {
  name: RedactorName;
  /** Returns the text with every hit replaced, and how many hits there were. */
  redact(text: string): { text: string; count: number };
}

/** A secret known by value, with the parameter it belongs to (decides which redactor counts it). */
export interface KnownSecret {
  /** The parameter key (`DatadogAPIKey`, `Segment`, any NoEcho key), or any label. */
  key: string;
  value: string;
}

export interface RedactionOptions {
  /**
   * Secret values to remove wherever they appear, verbatim. Default none. Values shorter than
   * `minSecretLength` are only removed where a key names them (see `secretParameterKeys`):
   * removing every `1` from a bundle would destroy it and hide nothing.
   */
  secrets?: readonly KnownSecret[];
  /**
   * Parameter keys whose values are secret (NoEcho in the template, or secret by pantherctl's
   * definitions). Values written next to these keys are removed in JSON, YAML, INI/env,
   * `K=V`, XML and CloudFormation's `ParameterKey`/`ParameterValue` shapes. Default: the keys of
   * `secrets`, plus `DatadogAPIKey` and `Segment` (always handled by their own redactors).
   */
  secretParameterKeys?: readonly string[];
  /** Keep e-mail addresses (`--keep-emails`). Default false: an address identifies a person. */
  keepEmails?: boolean;
  /** Default 4; see `secrets`. */
  minSecretLength?: number;
}

export const redactionMarker = (name: RedactorName): string => `[REDACTED:${name}]`;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A redactor from one global regular expression; `replace` builds the replacement of a hit. */
function regexRedactor(name: RedactorName, patterns: RegExp[], replace?: (marker: string, match: RegExpExecArray) => string): Redactor {
  const marker = redactionMarker(name);
  return {
    name,
    redact(text) {
      let count = 0;
      let out = text;
      for (const pattern of patterns) {
        out = out.replace(pattern, (...args: unknown[]) => {
          // A marker already in place (a second pass, or an earlier redactor) is not a new hit.
          const match = args[0] as string;
          if (match.includes('[REDACTED:')) return match;
          count++;
          if (!replace) return marker;
          const groups = args.slice(0, -2) as string[];
          const exec = Object.assign(groups, { index: args[args.length - 2] as number, input: out }) as unknown as RegExpExecArray;
          return replace(marker, exec);
        });
      }
      return { text: out, count };
    },
  };
}

// Context rules: `prefix` keeps the key and separator, only the value is replaced.
// Value shapes: a JSON string body (escapes allowed), or a bare token up to a delimiter.
const JSON_STRING_BODY = String.raw`(?:[^"\\\n]|\\.)+`;
/** The same, inside either quote (JavaScript-ish objects in logs use single quotes). */
const QUOTED_BODY = String.raw`(?:[^"'\\\n]|\\.)+`;
const BARE_VALUE = String.raw`[^\s"',;&}<\]]+`;

/**
 * Patterns that find the value written next to a key matching `keySource` (a regex source,
 * matched case-insensitively as a whole key). Each pattern has two groups: what to keep
 * before the value, and the value.
 */
function keyedValuePatterns(keySource: string): RegExp[] {
  const key = `(?:${keySource})`;
  return [
    // "Key": "value"  /  'Key': 'value'
    new RegExp(String.raw`(["']${key}["']\s*:\s*")(${JSON_STRING_BODY})(?=")`, 'gi'),
    // {"ParameterKey": "Key", ..., "ParameterValue": "value"} (CloudFormation, SDK and our own {key, value})
    new RegExp(
      String.raw`(["']?(?:ParameterKey|key|name)["']?\s*[:=]\s*["']${key}["'][^{}]*?["']?(?:ParameterValue|value|ResolvedValue)["']?\s*[:=]\s*["'])(${QUOTED_BODY})(?=["'])`,
      'gi',
    ),
    // {"ParameterValue": "value", ..., "ParameterKey": "Key"}: the value is written first
    new RegExp(
      String.raw`(["']?(?:ParameterValue|value)["']?\s*[:=]\s*["'])(${QUOTED_BODY})(["'][^{}]*?["']?(?:ParameterKey|key|name)["']?\s*[:=]\s*["']${key}["'])`,
      'gi',
    ),
    // ParameterKey=Key,ParameterValue=value (AWS CLI shorthand)
    new RegExp(String.raw`(ParameterKey=${key},\s*ParameterValue=)(${BARE_VALUE})`, 'gi'),
    // <Key>value</Key> (Query protocol replies)
    new RegExp(String.raw`(<${key}>)([^<]+)(?=</)`, 'gi'),
    // Key: value / Key=value / --param Key=value / export KEY="value" (YAML, INI, env, command lines)
    new RegExp(String.raw`((?:^|[\s,;{(])(?:export\s+)?${key}\s*[:=]\s*["']?)(${BARE_VALUE})`, 'gim'),
  ];
}

/** NoEcho values come back from AWS as `****`: already masked, not a hit. */
const MASKED = /^\*+$/;

function keyedRedactor(name: RedactorName, keySource: string): Redactor {
  const marker = redactionMarker(name);
  const patterns = keyedValuePatterns(keySource);
  return {
    name,
    redact(text) {
      let count = 0;
      let out = text;
      for (const pattern of patterns) {
        out = out.replace(pattern, (match: string, before: string, value: string, after: unknown) => {
          if (MASKED.test(value) || value.startsWith('[REDACTED:') || value.trim() === '') return match;
          count++;
          return `${before}${marker}${typeof after === 'string' ? after : ''}`;
        });
      }
      return { text: out, count };
    },
  };
}

function valueRedactor(name: RedactorName, values: readonly string[]): Redactor | undefined {
  const unique = [...new Set(values)].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return undefined;
  // Also the JSON-escaped spelling, so a value with a quote or backslash is found inside JSON.
  const spellings = new Set<string>();
  for (const v of unique) {
    spellings.add(v);
    spellings.add(JSON.stringify(v).slice(1, -1));
  }
  const source = [...spellings].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
  return regexRedactor(name, [new RegExp(source, 'g')]);
}

// Datadog API keys travel as the `DD_API_KEY` variable, the `DD-API-KEY` header and the
// `DatadogAPIKey` template parameter.
const DATADOG_KEYS = String.raw`DatadogAPIKey|DatadogApiKey|DD[_-]API[_-]KEY|datadog[_-]?api[_-]?key`;
// The Segment write key is the template parameter `Segment` (see src/parameters/definitions.ts).
const SEGMENT_KEYS = String.raw`Segment|SegmentWriteKey|SEGMENT_WRITE_KEY|segment[_-]?write[_-]?key|writeKey`;

const SECRET_KEY_NAMES = String.raw`aws_secret_access_key|AWS_SECRET_ACCESS_KEY|SecretAccessKey|secretAccessKey|secret_access_key|aws_secret_key`;
const SESSION_TOKEN_NAMES = String.raw`aws_session_token|AWS_SESSION_TOKEN|SessionToken|sessionToken|session_token|aws_security_token|AWS_SECURITY_TOKEN|X-Amz-Security-Token`;

/**
 * Access key ids: AKIA (long-term) and ASIA (STS temporary) keys, ABIA (STS service bearer
 * tokens) and ACCA (context-specific credentials), from the IAM User Guide's table of unique
 * id prefixes ("IAM identifiers", reference_identifiers.html#identifiers-prefixes). Role and
 * user ids (AROA, AIDA) are identifiers, not credentials, and stay.
 */
const ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16,}(?![A-Z0-9])/g;

/**
 * A secret access key is 40 characters of base64's alphabet. Alone, that shape would also
 * match SHA-1 hex digests (git commits), so a bare 40-character run counts only when it mixes
 * upper case, lower case and digits, as generated keys do and hex never does.
 */
const BARE_SECRET_KEY = /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/**
 * STS session tokens are long base64 strings; the ones STS issues today start with the
 * base64 of their version header (`IQoJb3JpZ2luX2Vj`), older ones with `FwoGZXIvYXdz` or
 * `FQoGZXIvYXdz`. Context rules catch the rest.
 */
const BARE_SESSION_TOKEN = /(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=]{20,}/g;

/** RFC 6750 `b64token` after `Bearer`, and any `Authorization:` header value. */
const BEARER = /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/g;
const AUTHORIZATION_HEADER = /(\bAuthorization["']?\s*[:=]\s*["']?)((?:Basic|Digest|AWS4-HMAC-SHA256|Token)\s+[^"'\n]+)/gi;

/** `scheme://user:pass@host` and `scheme://token@host`: the whole userinfo goes. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]+)@/gi;

/** Pragmatic address shape (not RFC 5322): local part, `@`, a dotted domain with a TLD. */
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])/g;

/**
 * The redactors, in the order they must run: known values first (so they are counted under
 * their own name), context rules before shape rules, e-mail last (a URL's userinfo may look
 * like an address).
 */
export function createRedactors(options: RedactionOptions = {}): Redactor[] {
  const minLength = options.minSecretLength ?? 4;
  const secrets = (options.secrets ?? []).filter((s) => s.value.length >= minLength && !MASKED.test(s.value));
  const isDatadog = (key: string): boolean => new RegExp(`^(?:${DATADOG_KEYS})$`, 'i').test(key);
  const isSegment = (key: string): boolean => new RegExp(`^(?:${SEGMENT_KEYS})$`, 'i').test(key);
  const otherKeys = [...new Set([...(options.secretParameterKeys ?? []), ...(options.secrets ?? []).map((s) => s.key)])].filter(
    (k) => k !== '' && !isDatadog(k) && !isSegment(k),
  );

  const list: (Redactor | undefined)[] = [
    valueRedactor('datadog-api-key', secrets.filter((s) => isDatadog(s.key)).map((s) => s.value)),
    valueRedactor('segment-write-key', secrets.filter((s) => isSegment(s.key)).map((s) => s.value)),
    valueRedactor('secret-value', secrets.filter((s) => !isDatadog(s.key) && !isSegment(s.key)).map((s) => s.value)),
    keyedRedactor('datadog-api-key', DATADOG_KEYS),
    keyedRedactor('segment-write-key', SEGMENT_KEYS),
    otherKeys.length > 0 ? keyedRedactor('secret-parameter', otherKeys.map(escapeRegExp).join('|')) : undefined,
    keyedRedactor('aws-secret-access-key', SECRET_KEY_NAMES),
    keyedRedactor('aws-session-token', SESSION_TOKEN_NAMES),
    regexRedactor('aws-session-token', [BARE_SESSION_TOKEN]),
    regexRedactor('aws-access-key-id', [ACCESS_KEY_ID]),
    regexRedactor('aws-secret-access-key', [BARE_SECRET_KEY]),
    regexRedactor('bearer-token', [BEARER]),
    regexRedactor('bearer-token', [AUTHORIZATION_HEADER], (marker, m) => `${m[1] ?? ''}${marker}`),
    regexRedactor('url-credentials', [URL_USERINFO], (marker, m) => `${m[1] ?? ''}${marker}@`),
    options.keepEmails ? undefined : regexRedactor('email', [EMAIL]),
  ];
  return list.filter((r): r is Redactor => r !== undefined);
}

export interface RedactedText {
  text: string;
  /** Hits per redactor; redactors without hits are absent. */
  counts: Partial<Record<RedactorName, number>>;
}

/** Runs every redactor over `text`, in order. */
export function redactText(text: string, redactors: readonly Redactor[]): RedactedText {
  const counts: Partial<Record<RedactorName, number>> = {};
  let out = text;
  for (const r of redactors) {
    const result = r.redact(out);
    out = result.text;
    if (result.count > 0) counts[r.name] = (counts[r.name] ?? 0) + result.count;
  }
  return { text: out, counts };
}

/** A `(text) => text` function for places that only need the clean text (log tails, notifications). */
export function textRedactor(options: RedactionOptions = {}): (text: string) => string {
  const redactors = createRedactors(options);
  return (text) => redactText(text, redactors).text;
}

/** Applies `redact` to every string in a JSON-like value (keys stay: they are ours, not data). */
export function redactStrings<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactStrings(v, redact)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactStrings(v, redact)])) as T;
  }
  return value;
}
