/**
 * Opens the S3 state store of `--state s3://BUCKET/PREFIX` on the deployment's connection (its
 * credentials; the state bucket may be in another region: S3's redirect is followed). The SDK's
 * S3 client loads on the store's first call.
 */
import type { IoHost } from '../../io/messages.js';
import { S3StateStore, type S3StateStoreOptions } from '../../journal/s3-state-store.js';
import { parseStateUrl } from '../../journal/state-url.js';
import { S3StateGateway } from '../aws/s3-state-gateway.js';
import type { ConnectionOptions } from '../aws/types.js';

export interface OpenS3StateOptions extends Pick<S3StateStoreOptions, 'leaseMs'> {
  kmsKeyId?: string;
  io?: IoHost;
}

export function openS3State(conn: ConnectionOptions, url: string, options: OpenS3StateOptions = {}): { store: S3StateStore; close(): void } {
  const { bucket, prefix } = parseStateUrl(url);
  const gateway = new S3StateGateway(conn, { bucket, prefix, ...(options.kmsKeyId ? { kmsKeyId: options.kmsKeyId } : {}), ...(options.io ? { io: options.io } : {}) });
  const store = new S3StateStore(gateway, prefix, { ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}) });
  return { store, close: () => gateway.destroy() };
}
