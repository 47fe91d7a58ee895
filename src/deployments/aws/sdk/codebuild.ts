/**
 * The SDK's CodeBuild client and the gateway over it, in a module of their own: loaded on the
 * first CodeBuild call of a command (`createAwsGateways`), never at start.
 */
export { CodeBuildClient } from '@aws-sdk/client-codebuild';
export { SdkCodeBuildGateway } from '../codebuild-gateway.js';
