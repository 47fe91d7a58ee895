import { createHash } from 'node:crypto';
import { AwsError, validationError } from '../aws-error.js';

/**
 * How an object is encrypted at rest, as S3 reports it in `x-amz-server-side-encryption`
 * (and `x-amz-server-side-encryption-aws-kms-key-id` for SSE-KMS) on PutObject, GetObject and
 * HeadObject (botocore s3 PutObjectOutput/GetObjectOutput ServerSideEncryption, SSEKMSKeyId).
 */
export interface S3Encryption {
  algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  kmsKeyId?: string;
}

export interface S3Object {
  body: Buffer;
  sse?: S3Encryption;
  contentType: string;
  etag: string;
  lastModified: number;
  /** Published by the sandbox at start (Panther's templates): rebuilt, never saved in the state file. */
  published?: boolean;
}

export interface S3Bucket {
  name: string;
  creationDate: number;
  /** The region the bucket lives in; requests signed for another region are redirected. */
  region: string;
  /**
   * A bucket of another account (Panther's public template buckets): callers may read its
   * objects but neither list nor write them, so a missing key is 403 AccessDenied, not 404.
   */
  foreign: boolean;
  objects: Map<string, S3Object>;
}

export interface S3Location {
  bucket: string;
  key: string;
}

const PATH_STYLE_HOST = /^s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/;
const VIRTUAL_HOST = /^(.+)\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/;

/**
 * Where a TemplateURL points, for the URL forms CloudFormation accepts (virtual-host and
 * path-style, with or without a region). Anything else is refused as CloudFormation does.
 */
export function parseS3Url(url: string): S3Location {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw validationError('TemplateURL must be a supported URL.');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw validationError('TemplateURL must be a supported URL.');
  const host = u.hostname.toLowerCase();
  const path = decodeURIComponent(u.pathname);
  if (PATH_STYLE_HOST.test(host)) {
    const slash = path.indexOf('/', 1);
    if (slash < 0) throw validationError('TemplateURL must be a supported URL.');
    return { bucket: path.slice(1, slash), key: path.slice(slash + 1) };
  }
  const vh = VIRTUAL_HOST.exec(host);
  if (vh) return { bucket: vh[1] as string, key: path.slice(1) };
  throw validationError('TemplateURL must be a supported URL.');
}

/** The sandbox account's buckets: published templates, and whatever clients put there. */
export class S3Store {
  readonly buckets = new Map<string, S3Bucket>();
  /** Counts writes, to make the ETags of SSE-KMS objects unique. */
  private writes = 0;

  constructor(private readonly now: () => number) {}

  createBucket(name: string, region: string, options: { foreign?: boolean } = {}): S3Bucket {
    let b = this.buckets.get(name);
    if (!b) {
      b = { name, creationDate: this.now(), region, foreign: options.foreign ?? false, objects: new Map() };
      this.buckets.set(name, b);
    }
    return b;
  }

  put(bucket: string, key: string, body: Buffer, contentType = 'application/octet-stream', options: { published?: boolean; sse?: S3Encryption } = {}): S3Object {
    const b = this.buckets.get(bucket);
    if (!b) throw noSuchBucket(bucket);
    const obj: S3Object = {
      body,
      contentType,
      // "Objects created by the PUT Object ... encrypted by SSE-C or SSE-KMS, have ETags that are
      // not an MD5 digest of their object data" (botocore s3 Object.ETag documentation): the
      // sandbox makes such an ETag unique per write.
      etag: `"${createHash('md5')
        .update(body)
        .update(options.sse && options.sse.algorithm !== 'AES256' ? `${key}\0${++this.writes}` : '')
        .digest('hex')}"`,
      lastModified: this.now(),
      ...(options.published ? { published: true } : {}),
      ...(options.sse ? { sse: options.sse } : {}),
    };
    b.objects.set(key, obj);
    return obj;
  }

  /**
   * GetObject/HeadObject. A missing key is 404 NoSuchKey for a caller allowed to list the
   * bucket, and 403 AccessDenied for one that is not: "If you don't have the s3:ListBucket
   * permission, Amazon S3 returns an HTTP status code 403 Access Denied error" (botocore
   * s3/2006-03-01 service-2.json, GetObject documentation).
   */
  get(bucket: string, key: string): S3Object {
    const b = this.buckets.get(bucket);
    if (!b) throw noSuchBucket(bucket);
    const obj = b.objects.get(key);
    if (!obj) {
      if (b.foreign) throw accessDenied();
      throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404, 'Sender', { Key: key });
    }
    return obj;
  }

  /** The body of a template named by a TemplateURL, failing with CloudFormation's S3 message. */
  readTemplate(url: string): string {
    const loc = parseS3Url(url);
    const obj = this.buckets.get(loc.bucket)?.objects.get(loc.key);
    if (!obj) {
      throw validationError(
        'S3 error: Access Denied For more information check http://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html',
      );
    }
    return obj.body.toString('utf8');
  }

  clear(): void {
    this.buckets.clear();
  }
}

/** S3's AccessDenied, as S3 words it ("Access Denied"). */
export function accessDenied(): AwsError {
  return new AwsError('AccessDenied', 'Access Denied', 403);
}

export function noSuchBucket(bucket: string): AwsError {
  return new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, 'Sender', { BucketName: bucket });
}
