/**
 * Template fetching through the S3 API (not plain HTTPS) so the same code reads the real
 * buckets and the sandbox behind `--endpoint-url`. The SHA-256 of the exact bytes goes into
 * plans and journals: published templates have been overwritten in place before.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { awsErrorCode } from './errors.js';
import { withRetry } from './retry.js';
import type { FetchedTemplate, GatewayOptions, TemplateFetcher } from './types.js';

export interface S3Location {
  bucket: string;
  key: string;
  region?: string;
}

/**
 * Parses the S3 URL forms CloudFormation accepts: virtual-hosted (`bucket.s3.amazonaws.com`,
 * `bucket.s3.REGION.amazonaws.com`, `bucket.s3-REGION.amazonaws.com`), path-style
 * (`s3.REGION.amazonaws.com/bucket/key`), `s3://bucket/key`, and any other host as path-style
 * (a local S3 endpoint). Returns undefined for something that is not an S3 object URL.
 */
export function parseS3Url(url: string): S3Location | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const path = decodeURIComponent(u.pathname.replace(/^\/+/, ''));
  if (u.protocol === 's3:') return u.hostname && path ? { bucket: u.hostname, key: path } : undefined;
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  const host = u.hostname.toLowerCase();
  const virtual = /^(.+)\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?$/.exec(host);
  if (virtual && virtual[1] && !/^s3([.-]|$)/.test(virtual[1])) {
    const region = virtual[2] && virtual[2] !== 'dualstack' ? virtual[2] : undefined;
    return path ? { bucket: virtual[1], key: path, ...(region ? { region } : {}) } : undefined;
  }
  const pathStyle = /^s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?$/.exec(host);
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) return undefined;
  const bucket = path.slice(0, slash);
  const key = path.slice(slash + 1);
  if (pathStyle) return { bucket, key, ...(pathStyle[1] ? { region: pathStyle[1] } : {}) };
  return { bucket, key };
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function fetchTemplate(url: string, s3: S3Client, options: GatewayOptions = {}): Promise<FetchedTemplate> {
  const loc = parseS3Url(url);
  if (!loc) {
    throw new PantherctlError('template-url-invalid', `Not an S3 object URL: ${url}`, { source: 'user', meta: { url } });
  }
  try {
    const bytes = await withRetry(
      async () => {
        const out = await s3.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key }));
        if (!out.Body) return new Uint8Array();
        return out.Body.transformToByteArray();
      },
      options.retry,
      { operation: 'S3.GetObject', resource: url },
    );
    return { url, body: Buffer.from(bytes).toString('utf8'), sha256: sha256Hex(bytes) };
  } catch (err) {
    const code = awsErrorCode(err);
    if (code === 'template-not-found' || (code === 'access-denied' && isPublicTemplateBucket(loc.bucket))) {
      // The public buckets answer AccessDenied for missing keys to anonymous-ish callers.
      throw new PantherctlError('template-not-found', `Template not found: ${url}`, {
        source: 'aws',
        cause: err,
        meta: { url, bucket: loc.bucket, key: loc.key },
        hint: 'Check the version and region; Panther publishes each version to its own path.',
      });
    }
    throw err;
  }
}

function isPublicTemplateBucket(bucket: string): boolean {
  return bucket.startsWith('panther-enterprise-') || bucket === 'panther-public-cloudformation-templates';
}

export class S3TemplateFetcher implements TemplateFetcher {
  constructor(
    private readonly s3: S3Client,
    private readonly options: GatewayOptions = {},
  ) {}

  fetchTemplate(url: string): Promise<FetchedTemplate> {
    return fetchTemplate(url, this.s3, this.options);
  }
}
