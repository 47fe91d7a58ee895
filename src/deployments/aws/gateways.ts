/**
 * Entry point for commands that talk to AWS: `const { createAwsGateways } = await
 * import('../deployments/aws/gateways.js')`. Loading this module loads the SDK.
 */
import { SdkCloudFormationGateway } from './cloudformation-gateway.js';
import { SdkCodeBuildGateway } from './codebuild-gateway.js';
import { createAwsClients, destroyAwsClients, s3ClientFor } from './connection.js';
import { SdkIdentityGateway } from './identity.js';
import { S3TemplateFetcher } from './templates.js';
import type { AwsGateways, ConnectionOptions, GatewayOptions } from './types.js';

export function createAwsGateways(conn: ConnectionOptions, options: GatewayOptions = {}): AwsGateways & { close(): void } {
  const clients = createAwsClients(conn);
  // Each template is read through a client of its bucket's region (templates.ts).
  const templates = new S3TemplateFetcher(clients.s3, options, (region) => s3ClientFor(clients.s3, conn, region));
  return {
    cloudFormation: new SdkCloudFormationGateway(clients.cloudFormation, options),
    codeBuild: new SdkCodeBuildGateway(clients.codeBuild, options),
    templates,
    identity: new SdkIdentityGateway(clients.sts, options),
    clients,
    connection: conn,
    close: () => {
      templates.close();
      destroyAwsClients(clients);
    },
  };
}

export { createAwsClients, destroyAwsClients } from './connection.js';
export { SdkCloudFormationGateway } from './cloudformation-gateway.js';
export { SdkCodeBuildGateway } from './codebuild-gateway.js';
export { SdkIdentityGateway } from './identity.js';
export { S3TemplateFetcher, fetchTemplate, parseS3Url } from './templates.js';
