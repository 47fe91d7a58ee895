/**
 * Builds the SDK clients for one connection. This module statically imports the AWS SDK, so
 * only commands that talk to AWS may load it, and only through a dynamic `import()`.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsClients, ConnectionOptions } from './types.js';

// Local shapes (structurally the SDK's) so we need no direct dependency on @aws-sdk/types.
interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/**
 * Credentials used against a custom endpoint (the sandbox) when no real ones are configured:
 * the sandbox does not check signatures, and a test machine should not need an AWS profile.
 * Never used without `endpointUrl`.
 */
const SANDBOX_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'AKIASANDBOXPANTHERCTL', secretAccessKey: 'sandbox' };

function baseCredentials(conn: ConnectionOptions): AwsCredentialIdentityProvider {
  if (conn.profile) return fromIni({ profile: conn.profile });
  const chain = fromNodeProviderChain();
  if (!conn.endpointUrl) return chain;
  return async () => {
    try {
      return await chain();
    } catch {
      return SANDBOX_CREDENTIALS;
    }
  };
}

/** The credential provider of a connection: profile or default chain, then the assumed role. */
export function credentialsFor(conn: ConnectionOptions): AwsCredentialIdentityProvider {
  const base = baseCredentials(conn);
  if (!conn.assumeRoleArn) return base;
  const assume = fromTemporaryCredentials({
    masterCredentials: base,
    params: { RoleArn: conn.assumeRoleArn, RoleSessionName: 'pantherctl', DurationSeconds: 3600 },
    clientConfig: { region: conn.region, ...(conn.endpointUrl ? { endpoint: conn.endpointUrl } : {}) },
  });
  // One role session for every client of the connection (each SDK client would otherwise call
  // AssumeRole for itself), renewed five minutes before it expires.
  let session: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    session ??= assume().catch((err: unknown) => {
      session = undefined;
      throw err;
    });
    const c = await session;
    if (c.expiration && c.expiration.getTime() - Date.now() < 5 * 60_000) {
      session = undefined;
      return assume();
    }
    return c;
  };
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
  return {
    cloudFormation: new CloudFormationClient(common),
    codeBuild: new CodeBuildClient(common),
    s3: new S3Client({ ...common, ...(conn.endpointUrl ? { forcePathStyle: true } : {}) }),
    sts: new STSClient(common),
  };
}

/**
 * An S3 client like the connection's, signing for `region`: templates are read through a
 * client of their bucket's region (templates.ts). It shares `base`'s credentials, so an
 * assumed role is assumed once.
 */
export function s3ClientFor(base: S3Client, conn: ConnectionOptions, region: string): S3Client {
  return new S3Client({
    region,
    credentials: base.config.credentials,
    maxAttempts: conn.maxAttempts ?? 1,
    ...(conn.endpointUrl ? { endpoint: conn.endpointUrl, forcePathStyle: true } : {}),
  });
}

/** Releases sockets of every client (keep-alive agents), so a finished command can exit. */
export function destroyAwsClients(clients: AwsClients): void {
  clients.cloudFormation.destroy();
  clients.codeBuild.destroy();
  clients.s3.destroy();
  clients.sts.destroy();
}
