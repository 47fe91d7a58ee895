/**
 * The SDK's S3 client and the template fetcher over it, loaded on the first template fetch
 * (`createAwsGateways`): `status` and `diagnose` never fetch one, so they never load S3.
 */
import { S3Client } from '@aws-sdk/client-s3';

// The shared state store's calls (s3-state-gateway.ts).
export { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ConnectionOptions } from '../types.js';

export { S3Client };
export { S3TemplateFetcher } from '../templates.js';

/**
 * An S3 client like the connection's, signing for `region`: templates are read through a
 * client of their bucket's region (templates.ts). It shares `base`'s credentials (the
 * connection's one provider), so an assumed role is assumed once.
 */
export function s3ClientFor(base: S3Client, conn: ConnectionOptions, region: string): S3Client {
  return new S3Client({
    region,
    credentials: base.config.credentials,
    maxAttempts: conn.maxAttempts ?? 1,
    ...(conn.endpointUrl ? { endpoint: conn.endpointUrl, forcePathStyle: true } : {}),
  });
}
