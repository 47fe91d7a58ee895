/**
 * `--notify sns:TOPIC_ARN`: the notification as an SNS message. A port, so the notifier and
 * its tests need no SDK; the SDK implementation loads @aws-sdk/client-sns on first use only.
 */
import type { SNSClient, SNSClientConfig } from '@aws-sdk/client-sns';

export interface SnsPublisher {
  /** Throws `SnsPublishError` (retriable or not) when SNS refuses or cannot be reached. */
  publish(topicArn: string, subject: string, message: string): Promise<{ messageId?: string }>;
  close?(): void;
}

export class SnsPublishError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
    readonly code: string,
  ) {
    super(message);
    this.name = 'SnsPublishError';
  }
}

/**
 * Publish's `Subject`: "ASCII text that begins with a letter, number, or punctuation mark;
 * must not include line breaks or control characters; and must be less than 100 characters
 * long" (SNS API reference, Publish). Anything else makes SNS refuse the whole message.
 */
export function snsSubject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?').replace(/^[^A-Za-z0-9\p{P}]+/u, '');
  return (ascii.length > 99 ? `${ascii.slice(0, 96)}...` : ascii) || 'pantherctl';
}

/**
 * Publish's `Message`: at most 256 KB (262,144 bytes) of UTF-8 (SNS API reference, Publish;
 * InvalidParameter "Message too long" beyond). Notifications are small; a long root cause is
 * cut rather than losing the message.
 */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

// Errors SNS documents for Publish (SNS API reference, Publish, "Errors"), by the names the
// SDK gives them. These will not go away by retrying.
const PERMANENT = new Set([
  'NotFoundException',
  'NotFound',
  'AuthorizationErrorException',
  'AuthorizationError',
  'InvalidParameterException',
  'InvalidParameter',
  'InvalidParameterValueException',
  'ParameterValueInvalid',
  'EndpointDisabledException',
  'PlatformApplicationDisabledException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSNotFoundException',
  'KMSInvalidStateException',
  'InvalidSecurityException',
  'ValidationException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);

export function classifySnsError(err: unknown): SnsPublishError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? 'Error';
  const message = (e.message ?? String(err)).replace(/\s+/g, ' ').trim();
  const status = e.$metadata?.httpStatusCode;
  if (PERMANENT.has(name) || (status !== undefined && status >= 400 && status < 500 && status !== 429 && name !== 'ThrottledException' && name !== 'Throttling')) {
    return new SnsPublishError(`${name}: ${message}`, false, name);
  }
  // Throttled, InternalError, 5xx, network failures, timeouts.
  return new SnsPublishError(`${name}: ${message}`, true, name);
}

export interface SdkSnsPublisherOptions {
  /**
   * Client settings for a region (credentials, endpoint for the sandbox). The client is made
   * per topic region, since Publish must go to the topic's own region. Default: the SDK's
   * default credential chain and endpoint.
   */
  clientConfig?: (region: string) => SNSClientConfig;
}

export function createSdkSnsPublisher(options: SdkSnsPublisherOptions = {}): SnsPublisher {
  const clients = new Map<string, Promise<{ client: SNSClient; send: (topicArn: string, subject: string, message: string) => Promise<string | undefined> }>>();
  const clientFor = (region: string) => {
    let c = clients.get(region);
    if (!c) {
      c = (async () => {
        process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
        const sdk = await import('@aws-sdk/client-sns');
        // One attempt per call: the notifier owns retrying, with its own backoff and bound.
        const client = new sdk.SNSClient({ region, maxAttempts: 1, ...(options.clientConfig?.(region) ?? {}) });
        return {
          client,
          send: async (topicArn: string, subject: string, message: string) =>
            (await client.send(new sdk.PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }))).MessageId,
        };
      })();
      clients.set(region, c);
    }
    return c;
  };
  return {
    async publish(topicArn, subject, message) {
      const region = topicArn.split(':')[3] ?? '';
      try {
        const { send } = await clientFor(region);
        const messageId = await send(topicArn, snsSubject(subject), message);
        return messageId ? { messageId } : {};
      } catch (err) {
        throw classifySnsError(err);
      }
    },
    close() {
      for (const c of clients.values()) void c.then(({ client }) => client.destroy()).catch(() => undefined);
      clients.clear();
    },
  };
}
