/**
 * The Lambda gateway: the account's concurrency figures (GetAccountSettings), retried and
 * classified as every gateway call is (gateway-call.ts, errors.ts).
 */
import { GetAccountSettingsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { gatewayCall } from './gateway-call.js';
import type { GatewayOptions, LambdaAccountSettings, LambdaGateway } from './types.js';

export class SdkLambdaGateway implements LambdaGateway {
  constructor(
    private readonly client: LambdaClient,
    private readonly options: GatewayOptions = {},
  ) {}

  async getAccountSettings(): Promise<LambdaAccountSettings> {
    const out = await gatewayCall(this.options, () => this.client.send(new GetAccountSettingsCommand({})), { operation: 'Lambda.GetAccountSettings' });
    const limit = out.AccountLimit?.ConcurrentExecutions ?? 0;
    return { concurrentExecutions: limit, unreservedConcurrentExecutions: out.AccountLimit?.UnreservedConcurrentExecutions ?? limit };
  }
}
