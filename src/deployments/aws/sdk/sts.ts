/** The SDK's STS client and the identity gateway over it, loaded on the first identity call. */
export { STSClient } from '@aws-sdk/client-sts';
export { SdkIdentityGateway } from '../identity.js';
