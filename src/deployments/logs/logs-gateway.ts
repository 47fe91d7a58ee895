/**
 * The CloudWatch Logs port pantherctl tails build logs through: one GetLogEvents page per
 * call, nothing more, so an in-memory fake and the SDK behave alike. No runtime dependency on
 * the SDK: `loadSdkLogsGateway` imports it on first use.
 *
 * Facts this contract relies on (CloudWatch Logs API Reference, GetLogEvents,
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html;
 * the same text is in the SDK's model docs, e.g. aws-sdk-js-v3 `GetLogEventsResponse`, and
 * botocore logs/2014-03-28/service-2.json):
 * - `nextForwardToken`: "If you have reached the end of the stream, it returns the same token
 *   you passed in." Pages may be empty before the end, so an empty page is not the end.
 * - `nextToken` "works only when you specify true for startFromHead", so a tail always reads
 *   from the head, forwards.
 * - A page is at most 1 MB or 10,000 events (`limit` 1 to 10,000).
 * - Before CodeBuild creates the stream ("The log stream is created during the PROVISIONING
 *   phase", AWS-FACTS.md) the call fails with ResourceNotFoundException "The specified log
 *   stream does not exist." (the message moto's logs model and public client code quote).
 */
import type { ConnectionOptions, GatewayOptions } from '../aws/types.js';

export interface LogEvent {
  /** Milliseconds since the epoch, as the build wrote it. */
  timestamp: number;
  message: string;
  ingestionTime?: number;
}

export interface GetLogEventsInput {
  group: string;
  stream: string;
  /** A token from an earlier page's `nextForwardToken`. */
  nextToken?: string;
  /** Default true here (AWS's default is false: newest first, which a tail cannot page forwards). */
  startFromHead?: boolean;
  /** 1 to 10 000; default AWS's (as many as fit in 1 MB). */
  limit?: number;
}

export type LogEventsResult =
  | {
      status: 'page';
      events: LogEvent[];
      /** Equal to the token sent when the page is at the end of the stream (for now). */
      nextForwardToken?: string;
      nextBackwardToken?: string;
    }
  /** The stream (or its group) does not exist yet: the build has not provisioned. Try later. */
  | { status: 'not-yet'; missing: 'stream' | 'group'; message: string };

export interface LogsGateway {
  getLogEvents(input: GetLogEventsInput, options?: { signal?: AbortSignal }): Promise<LogEventsResult>;
}

/** ResourceNotFoundException of GetLogEvents: which thing is missing, from its message. */
export function notYetFrom(err: unknown): Extract<LogEventsResult, { status: 'not-yet' }> | undefined {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: string; message?: string };
  if (e.name !== 'ResourceNotFoundException') return undefined;
  const message = e.message ?? 'The specified log stream does not exist.';
  return { status: 'not-yet', missing: /log group/i.test(message) ? 'group' : 'stream', message };
}

/** The SDK gateway for a connection; loads @aws-sdk/client-cloudwatch-logs now, not before. */
export async function loadSdkLogsGateway(conn: ConnectionOptions, options: GatewayOptions = {}): Promise<LogsGateway & { close(): void }> {
  const { createSdkLogsGateway } = await import('../aws/sdk/logs.js');
  return createSdkLogsGateway(conn, options);
}

/**
 * A gateway that loads the SDK client on its first call, once, so a command that never tails a
 * build log never loads @aws-sdk/client-cloudwatch-logs. `close` releases it if it was loaded.
 */
export function lazySdkLogsGateway(conn: ConnectionOptions, options: GatewayOptions = {}): LogsGateway & { close(): void } {
  let loaded: Promise<LogsGateway & { close(): void }> | undefined;
  let closed = false;
  const load = (): Promise<LogsGateway & { close(): void }> =>
    (loaded ??= loadSdkLogsGateway(conn, options).then((g) => {
      // Closed while loading: nothing may keep the process alive.
      if (closed) g.close();
      return g;
    }));
  return {
    async getLogEvents(input, callOptions) {
      return (await load()).getLogEvents(input, callOptions);
    },
    close() {
      closed = true;
      void loaded?.then((g) => g.close(), () => undefined);
    },
  };
}
