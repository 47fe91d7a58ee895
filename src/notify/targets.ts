/**
 * Where `--notify` sends: an http(s) URL (a JSON POST), or `sns:<topic ARN>` (SNS Publish in
 * the topic's region). Parsed before the run starts, so a typo is one clear line, not a
 * notification silently lost mid-upgrade.
 */

export type NotifyTarget =
  | { kind: 'webhook'; url: string; /** The URL without credentials or query, safe to print. */ label: string }
  | { kind: 'sns'; topicArn: string; region: string; label: string };

export type ParsedTarget = { ok: true; target: NotifyTarget } | { ok: false; problem: string };

/**
 * SNS topic ARNs: `arn:<partition>:sns:<region>:<12-digit account>:<name>`; names are up to
 * 256 letters, digits, `-` and `_`, FIFO topics end in `.fifo` (SNS API reference, CreateTopic
 * `Name`).
 */
const TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/;

export function parseNotifyTarget(raw: string): ParsedTarget {
  const value = raw.trim();
  if (value.startsWith('sns:')) {
    const arn = value.slice('sns:'.length);
    const m = TOPIC_ARN.exec(arn);
    if (!m) return { ok: false, problem: `Expected \`--notify sns:TOPIC_ARN\` to name an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got "${arn}".` };
    return { ok: true, target: { kind: 'sns', topicArn: arn, region: m[2] ?? '', label: `sns:${arn}` } };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, problem: `Expected \`--notify\` to be an http(s) URL or sns:TOPIC_ARN, got "${redactUrlish(value)}".` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, problem: `Expected \`--notify\` to be an http(s) URL or sns:TOPIC_ARN, got a ${url.protocol.replace(/:$/, '')} URL.` };
  }
  return { ok: true, target: { kind: 'webhook', url: url.toString(), label: `${url.protocol}//${url.host}${url.pathname}` } };
}

/** An unparsable value may still carry a token: show only its start. */
function redactUrlish(value: string): string {
  return value.length > 24 ? `${value.slice(0, 24)}…` : value;
}

/** All targets, or every problem at once. Duplicates are sent once. */
export function parseNotifyTargets(raw: readonly string[]): { targets: NotifyTarget[]; problems: string[] } {
  const targets: NotifyTarget[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of raw) {
    const parsed = parseNotifyTarget(r);
    if (!parsed.ok) problems.push(parsed.problem);
    else {
      const key = parsed.target.kind === 'sns' ? parsed.target.topicArn : parsed.target.url;
      if (!seen.has(key)) targets.push(parsed.target);
      seen.add(key);
    }
  }
  return { targets, problems };
}
