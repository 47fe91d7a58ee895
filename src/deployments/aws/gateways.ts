/**
 * Entry point for commands that talk to AWS. Building the gateways loads nothing: each SDK
 * client (and the code that speaks to it) is imported on the first call that needs it, so
 * importing this module is cheap and a command loads only the clients it calls.
 */
import { PagedCloudFormationGateway } from './cloudformation-gateway.js';
import { createAwsClients } from './connection.js';
import type {
  AwsGateways,
  BuildInfo,
  CallerIdentity,
  CodeBuildGateway,
  ConnectionOptions,
  FetchedTemplate,
  GatewayOptions,
  IdentityGateway,
  LambdaAccountSettings,
  LambdaGateway,
  TemplateFetcher,
} from './types.js';

/** Runs `load` once, on first use, and shares its result. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

/** A CodeBuild gateway whose SDK side is loaded on its first call. */
class LazyCodeBuildGateway implements CodeBuildGateway {
  constructor(private readonly load: () => Promise<CodeBuildGateway>) {}

  async projectExists(project: string): Promise<boolean> {
    return (await this.load()).projectExists(project);
  }

  async startBuild(project: string, options?: { idempotencyToken?: string }): Promise<string> {
    return (await this.load()).startBuild(project, options);
  }

  async getBuild(id: string): Promise<BuildInfo> {
    return (await this.load()).getBuild(id);
  }

  async lastBuild(project: string): Promise<BuildInfo | undefined> {
    return (await this.load()).lastBuild(project);
  }
}

/** A template fetcher whose S3 side is loaded on its first fetch; `close` releases what it built. */
class LazyTemplateFetcher implements TemplateFetcher {
  private loaded: Promise<TemplateFetcher & { close(): void }> | undefined;
  private closed = false;

  constructor(private readonly load: () => Promise<TemplateFetcher & { close(): void }>) {}

  async fetchTemplate(url: string): Promise<FetchedTemplate> {
    this.loaded ??= this.load().then((fetcher) => {
      // Closed while S3 was loading: its regional clients must not keep the process alive.
      if (this.closed) fetcher.close();
      return fetcher;
    });
    return (await this.loaded).fetchTemplate(url);
  }

  close(): void {
    this.closed = true;
    void this.loaded?.then((fetcher) => fetcher.close(), () => undefined);
  }
}

class LazyLambdaGateway implements LambdaGateway {
  constructor(private readonly load: () => Promise<LambdaGateway>) {}

  async getAccountSettings(): Promise<LambdaAccountSettings> {
    return (await this.load()).getAccountSettings();
  }
}

class LazyIdentityGateway implements IdentityGateway {
  constructor(private readonly load: () => Promise<IdentityGateway>) {}

  async getCallerIdentity(): Promise<CallerIdentity> {
    return (await this.load()).getCallerIdentity();
  }
}

export function createAwsGateways(conn: ConnectionOptions, options: GatewayOptions = {}): AwsGateways & { close(): void } {
  const clients = createAwsClients(conn);
  const templates = new LazyTemplateFetcher(async () => {
    const [client, sdk] = await Promise.all([clients.s3(), import('./sdk/s3.js')]);
    return new sdk.S3TemplateFetcher(client, options, (region) => sdk.s3ClientFor(client, conn, region));
  });
  return {
    cloudFormation: new PagedCloudFormationGateway(async () => {
      const [client, sdk] = await Promise.all([clients.cloudFormation(), import('./sdk/cloudformation.js')]);
      return new sdk.SdkCloudFormationCalls(client);
    }, options),
    codeBuild: new LazyCodeBuildGateway(
      once(async () => {
        const [client, sdk] = await Promise.all([clients.codeBuild(), import('./sdk/codebuild.js')]);
        return new sdk.SdkCodeBuildGateway(client, options);
      }),
    ),
    // Each template is read through a client of its bucket's region (templates.ts).
    templates,
    identity: new LazyIdentityGateway(
      once(async () => {
        const [client, sdk] = await Promise.all([clients.sts(), import('./sdk/sts.js')]);
        return new sdk.SdkIdentityGateway(client, options);
      }),
    ),
    lambda: new LazyLambdaGateway(
      once(async () => {
        const [client, sdk] = await Promise.all([clients.lambda(), import('./sdk/lambda.js')]);
        return new sdk.SdkLambdaGateway(client, options);
      }),
    ),
    connection: conn,
    close: () => {
      templates.close();
      clients.destroy();
    },
  };
}

export { createAwsClients, destroyAwsClients } from './connection.js';
export { PagedCloudFormationGateway } from './cloudformation-gateway.js';
