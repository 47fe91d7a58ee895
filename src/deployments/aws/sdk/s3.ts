/**
 * The SDK's S3 client and the template fetcher over it, loaded on the first template fetch
 * (`createAwsGateways`): `status` and `diagnose` never fetch one, so they never load S3.
 */
export { S3Client } from '@aws-sdk/client-s3';
export { S3TemplateFetcher } from '../templates.js';
