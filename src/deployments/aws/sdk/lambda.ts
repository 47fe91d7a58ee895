/** The SDK's Lambda client and the gateway over it, loaded on the first Lambda call (preflight's GetAccountSettings). */
export { LambdaClient } from '@aws-sdk/client-lambda';
export { SdkLambdaGateway } from '../lambda-gateway.js';
