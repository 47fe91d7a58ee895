/**
 * The S3 calls of the shared state store (`--state s3://BUCKET/PREFIX`): GetObject, PutObject
 * with `If-None-Match: *` or `If-Match`, ListObjectsV2 pages. The SDK's S3 client is imported
 * and built on the first call, so a command with local state never loads it. Failures are
 * classified once, here: the refusals of a conditional write (412 PreconditionFailed, 404
 * NoSuchKey for If-Match on a missing key, 409 ConditionalRequestConflict) are answers the
 * store decides on; throttling (503 SlowDown) and dropped connections are retried (withRetry);
 * anything else is a PantherctlError with a stable code.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { PutRefusal, StateObject, StateObjects } from '../../journal/s3-state-store.js';
import { credentialsFor } from './connection.js';
import { classifyAwsError } from './errors.js';
import { gatewayCall } from './gateway-call.js';
import type { ConnectionOptions, GatewayOptions } from './types.js';

export interface S3StateGatewayOptions extends GatewayOptions {
  bucket: string;
  /** Key prefix ('' or ending in '/'), for messages only: the store builds the keys. */
  prefix: string;
  /** SSE-KMS key for every object written (`--state-kms-key`). Default: the bucket's default encryption. */
  kmsKeyId?: string;
}

interface SdkError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

const statusOf = (err: unknown): number | undefined => (err as SdkError).$metadata?.httpStatusCode;
const nameOf = (err: unknown): string => (err as SdkError).name ?? '';

export class S3StateGateway implements StateObjects {
  readonly url: string;
  private client: Promise<S3Client> | undefined;
  private destroyed = false;

  constructor(
    private readonly conn: ConnectionOptions,
    private readonly options: S3StateGatewayOptions,
  ) {
    this.url = `s3://${options.bucket}/${options.prefix}`;
  }

  async get(key: string): Promise<StateObject | undefined> {
    return this.call('GetObject', key, async (s3, m) => {
      try {
        const out = await s3.send(new m.GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
        return { body: (await out.Body?.transformToString('utf8')) ?? '', etag: out.ETag ?? '' };
      } catch (err) {
        if (nameOf(err) === 'NoSuchKey' || (statusOf(err) === 404 && nameOf(err) !== 'NoSuchBucket')) return undefined;
        throw err;
      }
    });
  }

  async put(key: string, body: string, condition: { ifNoneMatch: '*' } | { ifMatch: string }): Promise<{ etag: string } | { refused: PutRefusal }> {
    return this.call('PutObject', key, async (s3, m) => {
      try {
        const out = await s3.send(
          new m.PutObjectCommand({
            Bucket: this.options.bucket,
            Key: key,
            Body: body,
            ContentType: 'application/json',
            ...('ifNoneMatch' in condition ? { IfNoneMatch: '*' } : { IfMatch: condition.ifMatch }),
            ...(this.options.kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.options.kmsKeyId } : {}),
          }),
        );
        return { etag: out.ETag ?? '' };
      } catch (err) {
        const status = statusOf(err);
        if (nameOf(err) === 'PreconditionFailed' || status === 412) return { refused: 'precondition-failed' as const };
        // If-Match on a key that is gone: the ETag this run knew no longer holds.
        if (nameOf(err) === 'NoSuchKey') return { refused: 'precondition-failed' as const };
        if (nameOf(err) === 'ConditionalRequestConflict' || status === 409) return { refused: 'conflict' as const };
        throw err;
      }
    });
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('ListObjectsV2', prefix, (s3, m) =>
        s3.send(new m.ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) })),
      );
      for (const c of page.Contents ?? []) if (c.Key) keys.push(c.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  destroy(): void {
    this.destroyed = true;
    void this.client?.then((c) => c.destroy(), () => undefined);
  }

  private async call<T>(operation: string, key: string, fn: (s3: S3Client, m: typeof import('./sdk/s3.js')) => Promise<T>): Promise<T> {
    const [s3, m] = await Promise.all([this.s3(), import('./sdk/s3.js')]);
    const ctx = { operation: `S3.${operation}`, resource: `${this.options.bucket}/${key}` };
    try {
      return await gatewayCall(this.options, () => fn(s3, m), ctx);
    } catch (err) {
      throw this.explain(classifyAwsError(err, ctx));
    }
  }

  /** The state bucket's own hints: a missing bucket is the operator's setting, not a template. */
  private explain(err: PantherctlError): PantherctlError {
    const awsCode = err.meta.awsCode;
    if (awsCode === 'NoSuchBucket') {
      return new PantherctlError('state-unreachable', `the state bucket ${this.options.bucket} does not exist (${this.url})`, {
        hint: 'Create it (versioning and default encryption recommended), or fix `--state` / `state:` in pantherctl.yml.',
        meta: { url: this.url },
        cause: err,
      });
    }
    if (err.code === 'access-denied') {
      return new PantherctlError('access-denied', `${err.message} (state ${this.url})`, { hint: 'Run `pantherctl iam-policy --state URL` for the state bucket permissions.', meta: err.meta, cause: err });
    }
    return err;
  }

  private s3(): Promise<S3Client> {
    // As connection.ts: the SDK's Node-version warning would break clean stderr and --json output.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client ??= import('./sdk/s3.js').then(({ S3Client: Client }) => {
      const c = new Client({
        region: this.conn.region,
        credentials: credentialsFor(this.conn),
        maxAttempts: this.conn.maxAttempts ?? 1,
        // The state bucket may live in another region than the deployment: follow S3's 301.
        followRegionRedirects: true,
        ...(this.conn.endpointUrl ? { endpoint: this.conn.endpointUrl, forcePathStyle: true } : {}),
      });
      if (this.destroyed) c.destroy();
      return c;
    });
    return this.client;
  }
}
