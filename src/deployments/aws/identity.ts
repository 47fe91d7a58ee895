import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { withRetry } from './retry.js';
import type { CallerIdentity, GatewayOptions, IdentityGateway } from './types.js';

/** Who pantherctl acts as: preflight compares the account with the configured one. */
export class SdkIdentityGateway implements IdentityGateway {
  constructor(
    private readonly client: STSClient,
    private readonly options: GatewayOptions = {},
  ) {}

  async getCallerIdentity(): Promise<CallerIdentity> {
    const out = await withRetry(() => this.client.send(new GetCallerIdentityCommand({})), this.options.retry, {
      operation: 'STS.GetCallerIdentity',
    });
    return { account: out.Account ?? '', arn: out.Arn ?? '', ...(out.UserId ? { userId: out.UserId } : {}) };
  }
}
