/**
 * SNS topics of the sandbox account and every message published to them, kept so tests and
 * operators can read what a client sent (`GET /_sandbox/sns`). Nothing is delivered anywhere:
 * a topic here has no subscriptions. Sources: botocore sns/2010-03-31/service-2.json ("BC"),
 * and real answers quoted in public issues, cited where used.
 */
import { AwsError } from '../aws-error.js';
import type { Random } from '../random.js';

export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  attributes: Record<string, { dataType: string; stringValue?: string }>;
  /** ISO time of the Publish call. */
  time: string;
}

export interface SnsState {
  topics: string[];
  messages: PublishedMessage[];
}

/**
 * "messages must be UTF-8 encoded strings and at most 256 KB in size (262,144 bytes, not
 * 262,144 characters)" (BC PublishInput.Message). Whether message attributes count towards
 * the limit is not said there: the sandbox counts them (UNVERIFIED.md).
 */
export const MAX_MESSAGE_BYTES = 262_144;
/** "Topic names must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long" (BC CreateTopicInput.Name); FIFO names end in `.fifo`. */
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$|^[A-Za-z0-9_-]{1,251}\.fifo$/;
/** Kept per sandbox, oldest dropped first, so a long benchmark cannot grow the process. */
const MAX_KEPT = 10_000;

/** `Invalid parameter: <Name>`: SNS's InvalidParameter text (ex-aws/ex_aws#402 shows the whole XML answer). */
export const invalidParameter = (what: string): AwsError => new AwsError('InvalidParameter', `Invalid parameter: ${what}`);

export class SnsEngine {
  readonly topics = new Set<string>();
  messages: PublishedMessage[] = [];

  constructor(private readonly deps: { region: string; accountId: string; random: Random; now: () => number }) {}

  arnOf(name: string): string {
    return `arn:aws:sns:${this.deps.region}:${this.deps.accountId}:${name}`;
  }

  /**
   * CreateTopic: "This action is idempotent, so if the requester already owns a topic with the
   * specified name, that topic's ARN is returned without creating a new topic" (BC).
   */
  createTopic(name: string | undefined): string {
    if (name === undefined || !TOPIC_NAME.test(name)) {
      // "Invalid parameter: Topic Name", code InvalidParameter: the answer quoted in
      // aws-amplify/amplify-hosting#3930 and awsdocs/aws-cloudformation-user-guide#860.
      throw invalidParameter('Topic Name');
    }
    const arn = this.arnOf(name);
    this.topics.add(arn);
    return arn;
  }

  deleteTopic(arn: string): void {
    this.topics.delete(arn);
  }

  /**
   * Publish to a topic. Errors, in the order AWS would find them:
   * - no TopicArn (nor TargetArn / PhoneNumber, which the sandbox does not model):
   *   InvalidParameter;
   * - a topic ARN of another region or account: InvalidParameter "Invalid parameter: TopicArn"
   *   ("You can publish messages only to topics and endpoints in the same Amazon Web Services
   *   Region", BC Publish; the answer quoted in boto/boto3#646 and mozilla/security#8);
   * - a Subject that is empty, too long, or holds a line break or control character:
   *   "Invalid parameter: Subject" (BC PublishInput.Subject: "no line breaks or control
   *   characters, and less than 100 characters long"; the answer quoted in
   *   wellcomecollection/platform#1107 for an empty one, panther-labs/panther#1947 for a long one);
   * - a message over 256 KB: "Invalid parameter: Message too long" (wellcomecollection/platform#1460);
   * - an unknown topic: NotFound (HTTP 404, BC NotFoundException) "Topic does not exist"
   *   (the text public logs quote as "An error occurred (NotFound) when calling the Publish
   *   operation: Topic does not exist").
   */
  publish(input: { topicArn?: string; subject?: string; message?: string; attributes?: PublishedMessage['attributes'] }): PublishedMessage {
    const { topicArn } = input;
    // The text for a Publish with no target at all is not quoted anywhere found (UNVERIFIED.md).
    if (topicArn === undefined || topicArn === '') throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
    const m = /^arn:aws[a-z-]*:sns:([^:]+):(\d{12}):(.+)$/.exec(topicArn);
    if (!m || m[1] !== this.deps.region || m[2] !== this.deps.accountId) throw invalidParameter('TopicArn');
    if (input.message === undefined) {
      // BC: Message is the one required member of PublishInput.
      throw new AwsError('ValidationError', "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null");
    }
    if (input.subject !== undefined) {
      // eslint-disable-next-line no-control-regex -- control characters are what SNS refuses
      if (input.subject === '' || input.subject.length >= 100 || /[\u0000-\u001f\u007f]/.test(input.subject)) throw invalidParameter('Subject');
    }
    const attributes = input.attributes ?? {};
    const size =
      Buffer.byteLength(input.message, 'utf8') +
      Object.entries(attributes).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v.dataType) + Buffer.byteLength(v.stringValue ?? ''), 0);
    if (size > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');
    if (!this.topics.has(topicArn)) throw new AwsError('NotFound', 'Topic does not exist', 404);
    const published: PublishedMessage = {
      messageId: this.deps.random.uuid(),
      topicArn,
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      message: input.message,
      attributes,
      time: new Date(this.deps.now()).toISOString(),
    };
    this.messages.push(published);
    if (this.messages.length > MAX_KEPT) this.messages = this.messages.slice(-MAX_KEPT);
    return published;
  }

  clear(): void {
    this.topics.clear();
    this.messages = [];
  }

  snapshot(): SnsState {
    return { topics: [...this.topics], messages: this.messages };
  }

  restore(state: SnsState | undefined): void {
    for (const t of state?.topics ?? []) this.topics.add(t);
    this.messages = [...(state?.messages ?? [])];
  }
}
