/**
 * Webhook signatures: `X-Pantherctl-Signature: sha256=<hex HMAC-SHA256 of the exact body>`
 * with the secret from PANTHERCTL_NOTIFY_SECRET, the scheme GitHub uses for its webhooks
 * (`X-Hub-Signature-256`), so receivers can reuse their verification code. The body carries
 * `time` and `id`, so a receiver can also refuse replays.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Pantherctl-Signature';
/** The variable holding the shared secret. Unset: messages go unsigned. */
export const NOTIFY_SECRET_ENV = 'PANTHERCTL_NOTIFY_SECRET';

export function signBody(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time check of a received header against the body, for receivers and tests. */
export function verifySignature(secret: string, body: string | Uint8Array, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const got = Buffer.from(header.trim());
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** The secret from the environment; an empty value counts as unset. */
export function notifySecretFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const v = env[NOTIFY_SECRET_ENV];
  return v === undefined || v === '' ? undefined : v;
}
