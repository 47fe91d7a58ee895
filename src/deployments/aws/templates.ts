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

/** An S3 client signing for `region` (same credentials and endpoint as the connection's). */
export type S3ClientForRegion = (region: string) => S3Client;

/**
 * How a fetch reaches a bucket in another region. AWS SDK v3 does not follow S3's region
 * redirects unless told to (`followRegionRedirects` defaults to false:
 * aws/aws-sdk-js-v3 packages/middleware-sdk-s3/src/s3Configuration.ts), so GetObject through
 * the deployment region's client on a bucket elsewhere fails with 301 PermanentRedirect,
 * whose `x-amz-bucket-region` header names the bucket's region (yanganto/s3rs#18 quotes the
 * answer). Panther's role template bucket is in us-west-2, whatever the deployment's region.
 */
export interface BucketRouting {
  clientFor: S3ClientForRegion;
  /** Regions learned from redirects, by bucket: a second template of the bucket goes straight there. */
  regions: Map<string, string>;
}

/** The region a 301 PermanentRedirect names in `x-amz-bucket-region`, if the error is one. */
function redirectRegion(err: unknown): string | undefined {
  const cause = (err as { cause?: unknown }).cause ?? err;
  const e = cause as { name?: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string | undefined> } };
  if (e.name !== 'PermanentRedirect' && e.$metadata?.httpStatusCode !== 301) return undefined;
  const region = e.$response?.headers?.['x-amz-bucket-region'];
  return region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? region : undefined;
}

export async function fetchTemplate(url: string, s3: S3Client, options: GatewayOptions = {}, routing?: BucketRouting): Promise<FetchedTemplate> {
  const loc = parseS3Url(url);
  if (!loc) {
    throw new PantherctlError('template-url-invalid', `Not an S3 object URL: ${url}`, { source: 'user', meta: { url } });
  }
  const get = (client: S3Client): Promise<Uint8Array> =>
    withRetry(
      async () => {
        const out = await client.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key }));
        if (!out.Body) return new Uint8Array();
        return out.Body.transformToByteArray();
      },
      options.retry,
      { operation: 'S3.GetObject', resource: url },
    );
  // A region in the URL's host, or one a redirect taught us, picks the client up front.
  const known = loc.region ?? routing?.regions.get(loc.bucket);
  try {
    let bytes: Uint8Array;
    try {
      bytes = await get(known && routing ? routing.clientFor(known) : s3);
    } catch (err) {
      const region = routing ? redirectRegion(err) : undefined;
      if (!region || !routing || region === known) throw err;
      routing.regions.set(loc.bucket, region);
      bytes = await get(routing.clientFor(region));
    }
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
  private readonly routing: BucketRouting | undefined;
  private readonly regional: (S3ClientForRegion & { destroyAll(): void }) | undefined;

  /**
   * @param clientFor makes a client for a bucket's own region. Without it every template is
   *   read through `s3`, and a bucket of another region fails with 301 PermanentRedirect.
   */
  constructor(
    private readonly s3: S3Client,
    private readonly options: GatewayOptions = {},
    clientFor?: S3ClientForRegion,
  ) {
    this.regional = clientFor ? memoize(clientFor) : undefined;
    this.routing = this.regional ? { clientFor: this.regional, regions: new Map() } : undefined;
  }

  fetchTemplate(url: string): Promise<FetchedTemplate> {
    return fetchTemplate(url, this.s3, this.options, this.routing);
  }

  /** Releases the sockets of the clients made for other regions. */
  close(): void {
    this.regional?.destroyAll();
  }
}

/** One client per region, made on first use. */
function memoize(make: S3ClientForRegion): S3ClientForRegion & { destroyAll(): void } {
  const clients = new Map<string, S3Client>();
  const get = ((region: string) => {
    let c = clients.get(region);
    if (!c) {
      c = make(region);
      clients.set(region, c);
    }
    return c;
  }) as S3ClientForRegion & { destroyAll(): void };
  get.destroyAll = () => {
    for (const c of clients.values()) c.destroy();
    clients.clear();
  };
  return get;
}
