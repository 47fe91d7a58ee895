/**
 * Lambda's rest-json protocol (botocore `lambda/2015-03-31/service-2.json`, metadata
 * `protocol: rest-json`): the operation is the method and path, errors carry their code in
 * `x-amzn-ErrorType` and a JSON body `{"Type": "User", "message": ...}`.
 */
import { AwsError } from '../aws-error.js';
import type { LambdaAccount } from './lambda-account.js';

/** The action a request names: `GET /2016-08-19/account-settings` is GetAccountSettings (botocore `http.requestUri`). */
export function lambdaAction(method: string, path: string): string {
  if (method === 'GET' && /^\/2016-08-19\/account-settings\/?$/.test(path)) return 'GetAccountSettings';
  return 'Unknown';
}

export function handleLambda(account: LambdaAccount, action: string): Record<string, unknown> {
  switch (action) {
    case 'GetAccountSettings':
      return account.settings();
    default:
      // Lambda answers an unknown route with UnknownOperationException (botocore does not model it; as API Gateway-style services do).
      throw new AwsError('UnknownOperationException', 'Unknown operation', 404);
  }
}
