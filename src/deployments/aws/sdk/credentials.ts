/**
 * The credential providers of a connection. They load the SDK's provider chain, so
 * connection.ts imports this module on the first request that needs credentials.
 */
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { ConnectionOptions } from '../types.js';

// Local shapes (structurally the SDK's) so we need no direct dependency on @aws-sdk/types.
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/**
 * Credentials used against a custom endpoint (the sandbox) when no real ones are configured:
 * the sandbox does not check signatures, and a test machine should not need an AWS profile.
 * Never used without `endpointUrl`.
 */
export const SANDBOX_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'AKIASANDBOXPANTHERCTL', secretAccessKey: 'sandbox' };

/**
 * Against a custom endpoint, the default chain and then the throwaway credentials. Once the
 * chain has found nothing (it may have probed the instance metadata service to learn that),
 * it is not asked again: every client of the connection shares this provider, so the probe
 * happens once per command instead of once per client.
 */
function withSandboxFallback(chain: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let fellBack = false;
  return async () => {
    if (fellBack) return SANDBOX_CREDENTIALS;
    try {
      return await chain();
    } catch {
      fellBack = true;
      return SANDBOX_CREDENTIALS;
    }
  };
}

function baseCredentials(conn: ConnectionOptions): AwsCredentialIdentityProvider {
  if (conn.profile) return fromIni({ profile: conn.profile });
  const chain = fromNodeProviderChain();
  return conn.endpointUrl ? withSandboxFallback(chain) : chain;
}

/**
 * The credential provider of a connection: profile or default chain, then the assumed role.
 * connection.ts makes one per connection and every client of the connection (the regional S3
 * clients of templates.ts included) shares it.
 */
export function credentialProvider(conn: ConnectionOptions): AwsCredentialIdentityProvider {
  const base = baseCredentials(conn);
  if (!conn.assumeRoleArn) return base;
  const assume = fromTemporaryCredentials({
    masterCredentials: base,
    params: { RoleArn: conn.assumeRoleArn, RoleSessionName: 'pantherctl', DurationSeconds: 3600 },
    clientConfig: { region: conn.region, ...(conn.endpointUrl ? { endpoint: conn.endpointUrl } : {}) },
  });
  // One role session for every client of the connection (fromTemporaryCredentials calls
  // AssumeRole on each call, and each SDK client would call it for itself), renewed five
  // minutes before it expires.
  let session: Promise<AwsCredentialIdentity> | undefined;
  const current = (): Promise<AwsCredentialIdentity> =>
    (session ??= assume().catch((err: unknown) => {
      session = undefined;
      throw err;
    }));
  return async () => {
    const held = current();
    const c = await held;
    if (c.expiration && c.expiration.getTime() - Date.now() < 5 * 60_000) {
      // Renewed once, however many clients notice together.
      if (session === held) session = undefined;
      return current();
    }
    return c;
  };
}
