/**
 * SNS over the Query protocol (botocore sns/2010-03-31: `"protocol":"query"`, XML namespace
 * `http://sns.amazonaws.com/doc/2010-03-31/`; each reply wraps its result in
 * `<ActionResult>`, the model's `resultWrapper`). Message attributes arrive flattened as
 * `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` (the model's
 * MessageAttributeMap: key `Name`, value `Value`).
 */
import { AwsError } from '../aws-error.js';
import type { QueryParams } from '../query-params.js';
import { el, members } from '../xml.js';
import type { PublishedMessage, SnsEngine } from './sns-engine.js';

export const SNS_NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** The SNS actions this sandbox answers; any other Query action is not SNS's to take. */
export const SNS_ACTIONS = new Set(['Publish', 'CreateTopic', 'DeleteTopic', 'ListTopics', 'GetTopicAttributes']);

function respond(action: string, requestId: string, result: string): string {
  return `<${action}Response xmlns="${SNS_NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

function attributesOf(p: QueryParams): PublishedMessage['attributes'] {
  const out: PublishedMessage['attributes'] = {};
  for (let i = 1; ; i++) {
    const name = p.get(`MessageAttributes.entry.${i}.Name`);
    if (name === undefined) break;
    const dataType = p.get(`MessageAttributes.entry.${i}.Value.DataType`);
    // "DataType": the one required member of MessageAttributeValue (BC); the text of the
    // refusal is the sandbox's (UNVERIFIED.md).
    if (dataType === undefined) throw new AwsError('InvalidParameterValue', `The message attribute '${name}' must contain non-empty message attribute type.`);
    const stringValue = p.get(`MessageAttributes.entry.${i}.Value.StringValue`);
    out[name] = { dataType, ...(stringValue !== undefined ? { stringValue } : {}) };
  }
  return out;
}

/** One SNS Query action; throws an AwsError for SNS's errors. */
export function handleSns(sns: SnsEngine, action: string, p: QueryParams, requestId: string): string {
  switch (action) {
    case 'CreateTopic':
      return respond(action, requestId, el('TopicArn', sns.createTopic(p.get('Name'))));
    case 'DeleteTopic': {
      const arn = p.get('TopicArn');
      if (arn) sns.deleteTopic(arn);
      return `<DeleteTopicResponse xmlns="${SNS_NS}"><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></DeleteTopicResponse>`;
    }
    case 'ListTopics':
      return respond(action, requestId, members('Topics', [...sns.topics].sort().map((arn) => el('TopicArn', arn))));
    case 'GetTopicAttributes': {
      const arn = p.get('TopicArn') ?? '';
      if (!sns.topics.has(arn)) throw new AwsError('NotFound', 'Topic does not exist', 404);
      const name = arn.split(':').pop() ?? '';
      const entries = [
        ['TopicArn', arn],
        ['DisplayName', ''],
        ['Owner', arn.split(':')[4] ?? ''],
        ['SubscriptionsConfirmed', '0'],
        ['SubscriptionsPending', '0'],
        ['SubscriptionsDeleted', '0'],
        ['FifoTopic', String(name.endsWith('.fifo'))],
      ];
      return respond(action, requestId, `<Attributes>${entries.map(([k, v]) => `<entry>${el('key', k)}${el('value', v)}</entry>`).join('')}</Attributes>`);
    }
    case 'Publish': {
      const subject = p.get('Subject');
      const message = p.get('Message');
      const topicArn = p.get('TopicArn') ?? p.get('TargetArn');
      const published = sns.publish({
        ...(topicArn !== undefined ? { topicArn } : {}),
        ...(subject !== undefined ? { subject } : {}),
        ...(message !== undefined ? { message } : {}),
        attributes: attributesOf(p),
      });
      return respond(action, requestId, el('MessageId', published.messageId));
    }
    default:
      throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2010-03-31`);
  }
}
