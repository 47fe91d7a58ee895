/**
 * The CloudWatch Logs gateway over the AWS SDK (the logs port: deployments/logs/logs-gateway.ts). This module imports the SDK statically: load
 * it through `loadSdkLogsGateway` (logs-gateway.ts), never from a module every command loads.
 */
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { credentialsFor } from '../connection.js';
import { gatewayCall } from '../gateway-call.js';
import type { ConnectionOptions, GatewayOptions } from '../types.js';
import { notYetFrom, type GetLogEventsInput, type LogEventsResult, type LogsGateway } from '../../logs/logs-gateway.js';

export class SdkLogsGateway implements LogsGateway {
  constructor(
    private readonly client: CloudWatchLogsClient,
    private readonly options: GatewayOptions = {},
  ) {}

  getLogEvents(input: GetLogEventsInput, callOptions: { signal?: AbortSignal } = {}): Promise<LogEventsResult> {
    return gatewayCall(
      this.options,
      async () => {
        try {
          const out = await this.client.send(
            new GetLogEventsCommand({
              logGroupName: input.group,
              logStreamName: input.stream,
              startFromHead: input.startFromHead ?? true,
              ...(input.nextToken ? { nextToken: input.nextToken } : {}),
              ...(input.limit !== undefined ? { limit: input.limit } : {}),
            }),
            callOptions.signal ? { abortSignal: callOptions.signal } : {},
          );
          return {
            status: 'page' as const,
            events: (out.events ?? []).map((e) => ({
              timestamp: e.timestamp ?? 0,
              message: e.message ?? '',
              ...(e.ingestionTime !== undefined ? { ingestionTime: e.ingestionTime } : {}),
            })),
            ...(out.nextForwardToken ? { nextForwardToken: out.nextForwardToken } : {}),
            ...(out.nextBackwardToken ? { nextBackwardToken: out.nextBackwardToken } : {}),
          };
        } catch (err) {
          // Classified here, before the shared classifier: there, ResourceNotFoundException
          // means a missing CodeBuild project. For a log stream it means "not yet".
          const notYet = notYetFrom(err);
          if (notYet) return notYet;
          throw err;
        }
      },
      { operation: 'CloudWatchLogs.GetLogEvents', resource: `${input.group}/${input.stream}` },
    );
  }
}

export function createSdkLogsGateway(conn: ConnectionOptions, options: GatewayOptions = {}): LogsGateway & { close(): void } {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new CloudWatchLogsClient({
    region: conn.region,
    credentials: credentialsFor(conn),
    // pantherctl retries itself (gatewayCall), so every throttle is visible and counted.
    maxAttempts: conn.maxAttempts ?? 1,
    ...(conn.endpointUrl ? { endpoint: conn.endpointUrl } : {}),
  });
  const gateway = new SdkLogsGateway(client, options);
  return { getLogEvents: (input, o) => gateway.getLogEvents(input, o), close: () => client.destroy() };
}
