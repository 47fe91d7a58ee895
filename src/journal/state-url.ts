import { PantherctlError } from '../errors/pantherctl-error.js';

/** Where shared state lives: `s3://BUCKET/PREFIX` as `--state` and `state:` in pantherctl.yml take it. */
export interface StateLocation {
  bucket: string;
  /** '' or ending in '/'. */
  prefix: string;
}

// S3 bucket naming rules (S3 User Guide, bucketnamingrules.html): 3-63 characters, lower-case
// letters, digits, dots and hyphens, starting and ending with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://BUCKET[/PREFIX]`; anything else is `invalid-state-url` (exit 2), offline. */
export function parseStateUrl(url: string): StateLocation {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url.trim());
  const bucket = m?.[1] ?? '';
  if (!m || !BUCKET.test(bucket) || bucket.includes('..')) {
    throw new PantherctlError('invalid-state-url', `Expected \`--state\` to be s3://BUCKET/PREFIX, got "${url}"`, {
      hint: 'For example --state s3://acme-pantherctl-state/panther (a bucket of yours; the prefix is optional).',
    });
  }
  const rest = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket, prefix: rest ? `${rest}/` : '' };
}
