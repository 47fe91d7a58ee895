/**
 * The SDK clients of one connection, each imported and built when first asked for. Importing
 * the AWS SDK is most of a command's start-up time (about 0.85 s for the four clients on the
 * machines we measured), so a command pays only for the clients it calls: `status` loads
 * CloudFormation and CodeBuild, never S3 or STS. This module imports no SDK code itself.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CodeBuildClient } from '@aws-sdk/client-codebuild';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from './sdk/credentials.js';
import type { AwsClients, ConnectionOptions } from './types.js';

/** Imports the credential providers once per process. */
let credentialsModule: Promise<typeof import('./sdk/credentials.js')> | undefined;
const loadCredentials = (): Promise<typeof import('./sdk/credentials.js')> => (credentialsModule ??= import('./sdk/credentials.js'));

/**
 * The credential provider of a connection (profile or default chain, then the assumed role),
 * loaded on the first request that signs. Every client of the connection shares it, so the
 * chain is resolved once per command, not once per client.
 */
export function credentialsFor(conn: ConnectionOptions): AwsCredentialIdentityProvider {
  // One provider per connection object: the clients made outside createAwsClients for the
  // same connection (the CloudWatch Logs one) share its role session too.
  const known = providers.get(conn);
  if (known) return known;
  let provider: Promise<AwsCredentialIdentityProvider> | undefined;
  const shared = async (): Promise<AwsCredentialIdentity> => {
    provider ??= loadCredentials().then((m) => m.credentialProvider(conn));
    return (await provider)();
  };
  providers.set(conn, shared);
  return shared;
}

const providers = new WeakMap<ConnectionOptions, AwsCredentialIdentityProvider>();

/** Builds a client at most once, on first use; `destroy` releases it if it was built. */
class LazyClient<T extends { destroy(): void }> {
  private built: Promise<T> | undefined;
  private destroyed = false;

  constructor(private readonly build: () => Promise<T>) {}

  get(): Promise<T> {
    this.built ??= this.build().then((client) => {
      // Closed while the SDK was loading: nothing may keep the process alive.
      if (this.destroyed) client.destroy();
      return client;
    });
    return this.built;
  }

  destroy(): void {
    this.destroyed = true;
    void this.built?.then((client) => client.destroy(), () => undefined);
  }
}

export function createAwsClients(conn: ConnectionOptions): AwsClients {
  // The SDK warns on Node 20 from its first client; the warning is about SDK releases we pin
  // and would break clean stderr/--json output. An explicit setting by the user wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const common = {
    region: conn.region,
    credentials: credentialsFor(conn),
    // pantherctl retries itself (withRetry) so every throttle is visible and counted.
    maxAttempts: conn.maxAttempts ?? 1,
    ...(conn.endpointUrl ? { endpoint: conn.endpointUrl } : {}),
  };
  // A client's first request signs: the credential providers load beside the client's code,
  // not after it.
  const withCredentials = <T>(load: Promise<T>): Promise<T> => Promise.all([load, loadCredentials()]).then(([m]) => m);
  const cloudFormation = new LazyClient<CloudFormationClient>(async () => {
    const client = new (await withCredentials(import('./sdk/cloudformation.js'))).CloudFormationClient(common);
    conn.onCloudFormationClient?.(client);
    return client;
  });
  const codeBuild = new LazyClient<CodeBuildClient>(async () => new (await withCredentials(import('./sdk/codebuild.js'))).CodeBuildClient(common));
  const s3 = new LazyClient<S3Client>(
    async () => new (await withCredentials(import('./sdk/s3.js'))).S3Client({ ...common, ...(conn.endpointUrl ? { forcePathStyle: true } : {}) }),
  );
  const sts = new LazyClient<STSClient>(async () => new (await withCredentials(import('./sdk/sts.js'))).STSClient(common));
  const lambda = new LazyClient<LambdaClient>(async () => new (await withCredentials(import('./sdk/lambda.js'))).LambdaClient(common));
  return {
    cloudFormation: () => cloudFormation.get(),
    codeBuild: () => codeBuild.get(),
    s3: () => s3.get(),
    sts: () => sts.get(),
    lambda: () => lambda.get(),
    destroy: () => {
      for (const client of [cloudFormation, codeBuild, s3, sts, lambda]) client.destroy();
    },
  };
}

/** Releases sockets of every client built so far (keep-alive agents), so a finished command can exit. */
export function destroyAwsClients(clients: AwsClients): void {
  clients.destroy();
}
