/**
 * SNS Publish as `pantherctl --notify sns:TOPIC_ARN` uses it, through the AWS SDK v3 and the
 * AWS CLI. Sources: botocore sns/2010-03-31/service-2.json (Query protocol; PublishInput's
 * Message and Subject constraints; NotFoundException code NotFound, HTTP 404;
 * InvalidParameterException code InvalidParameter) and the answers quoted in the issues cited
 * in src/sandbox/sns/sns-engine.ts.
 */
import { CreateTopicCommand, ListTopicsCommand, PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it, vi } from 'vitest';
import { admin, clientsFor } from '../test-support/clients.js';
import { awsCli, awsCliJson } from '../test-support/aws-cli.js';
import { sdkError } from '../test-support/fidelity.js';
import { useSandbox } from '../test-support/use-sandbox.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const sandbox = useSandbox({ speed: 2000, seed: 43 });
const ARN = 'arn:aws:sns:us-east-2:123456789012:panther-upgrades';

interface Recorded {
  topics: string[];
  messages: { messageId: string; topicArn: string; subject?: string; message: string; attributes: Record<string, { dataType: string; stringValue?: string }>; time: string }[];
}

describe('SNS topics and Publish', () => {
  // BC CreateTopic: "This action is idempotent, so if the requester already owns a topic with
  // the specified name, that topic's ARN is returned without creating a new topic."
  it('creates a topic once, publishes to it, and records what was sent (SDK and CLI)', async () => {
    const { sns } = clientsFor(sandbox.endpoint);
    const a = await sns.send(new CreateTopicCommand({ Name: 'panther-upgrades' }));
    const b = await sns.send(new CreateTopicCommand({ Name: 'panther-upgrades' }));
    expect(a.TopicArn).toBe(ARN);
    expect(b.TopicArn).toBe(ARN);
    expect((await sns.send(new ListTopicsCommand({}))).Topics).toEqual([{ TopicArn: ARN }]);
    const sent = await sns.send(
      new PublishCommand({ TopicArn: ARN, Subject: 'pantherctl: panther-root hop 1/2 v1.26.9 done', Message: '{"event":"hop.done"}', MessageAttributes: { event: { DataType: 'String', StringValue: 'hop.done' } } }),
    );
    expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const viaCli = await awsCliJson<{ MessageId: string }>(sandbox.endpoint, ['sns', 'publish', '--topic-arn', ARN, '--message', 'from the CLI']);
    expect(viaCli.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const recorded = await admin<Recorded>(sandbox.endpoint, 'GET', 'sns');
    expect(recorded.topics).toEqual([ARN]);
    expect(recorded.messages.map((m) => [m.messageId, m.topicArn, m.subject, m.message, m.attributes])).toEqual([
      [sent.MessageId, ARN, 'pantherctl: panther-root hop 1/2 v1.26.9 done', '{"event":"hop.done"}', { event: { dataType: 'String', stringValue: 'hop.done' } }],
      [viaCli.MessageId, ARN, undefined, 'from the CLI', {}],
    ]);
    sns.destroy();
  });

  it('answers an unknown topic with NotFound (404) "Topic does not exist" (SDK and CLI)', async () => {
    const { sns } = clientsFor(sandbox.endpoint);
    const err = await sdkError(sns.send(new PublishCommand({ TopicArn: `${ARN}-gone`, Message: 'x' })));
    expect(err).toMatchObject({ message: 'Topic does not exist', status: 404 });
    expect(['NotFound', 'NotFoundException']).toContain(err.name);
    const cli = await awsCli(sandbox.endpoint, ['sns', 'publish', '--topic-arn', `${ARN}-gone`, '--message', 'x']);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain('An error occurred (NotFound) when calling the Publish operation: Topic does not exist');
    sns.destroy();
  });

  it('refuses a message over 256 KB, a bad subject and a topic of another region with InvalidParameter', async () => {
    const { sns } = clientsFor(sandbox.endpoint);
    await sns.send(new CreateTopicCommand({ Name: 'panther-upgrades' }));
    // "at most 256 KB in size (262,144 bytes, not 262,144 characters)" (BC): two-byte characters count twice.
    const tooLong = await sdkError(sns.send(new PublishCommand({ TopicArn: ARN, Message: 'é'.repeat(131_073) })));
    expect(tooLong).toMatchObject({ message: 'Invalid parameter: Message too long', status: 400 });
    expect(['InvalidParameter', 'InvalidParameterException']).toContain(tooLong.name);
    await sns.send(new PublishCommand({ TopicArn: ARN, Message: 'é'.repeat(131_072) }));
    // Subjects are "less than 100 characters long" with "no line breaks or control characters" (BC).
    expect(await sdkError(sns.send(new PublishCommand({ TopicArn: ARN, Subject: 's'.repeat(100), Message: 'x' })))).toMatchObject({ message: 'Invalid parameter: Subject' });
    expect(await sdkError(sns.send(new PublishCommand({ TopicArn: ARN, Subject: 'two\nlines', Message: 'x' })))).toMatchObject({ message: 'Invalid parameter: Subject' });
    await sns.send(new PublishCommand({ TopicArn: ARN, Subject: 's'.repeat(99), Message: 'x' }));
    // "You can publish messages only to topics and endpoints in the same Amazon Web Services Region" (BC).
    expect(await sdkError(sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:123456789012:panther-upgrades', Message: 'x' })))).toMatchObject({
      message: 'Invalid parameter: TopicArn',
    });
    const cli = await awsCli(sandbox.endpoint, ['sns', 'publish', '--topic-arn', ARN, '--subject', 's'.repeat(100), '--message', 'x']);
    expect(cli.stderr).toContain('An error occurred (InvalidParameter) when calling the Publish operation: Invalid parameter: Subject');
    const recorded = await admin<Recorded>(sandbox.endpoint, 'GET', 'sns');
    expect(recorded.messages).toHaveLength(2);
    sns.destroy();
  });
});
