import { afterEach, describe, expect, it } from 'vitest';
import { createSdkSnsPublisher, snsSubject, SnsPublishError } from './sns-publisher.js';
import { parseNotifyTarget, parseNotifyTargets } from './targets.js';
import { startReceiver, type Receiver } from './test-support/receiver.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

// SNS speaks the Query protocol: a form-encoded POST, an XML reply (botocore sns
// 2010-03-31 service-2.json metadata "protocol": "query"). Error replies are
// <ErrorResponse><Error><Type/><Code/><Message/></Error>; Publish's documented NotFound is
// 404 "Topic does not exist" (AWS-FACTS.md, SNS).
const ok = (id: string) => ({
  status: 200,
  headers: { 'Content-Type': 'text/xml' },
  body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${id}</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>`,
});
const notFound = {
  status: 404,
  headers: { 'Content-Type': 'text/xml' },
  body: '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r-2</RequestId></ErrorResponse>',
};

describe('SDK SNS publisher (real SDK client over HTTP to a local Query stub)', () => {
  it('publishes Subject and Message to the topic, and classifies NotFound as permanent', async () => {
    const { createServer } = await import('node:http');
    const bodies: URLSearchParams[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        bodies.push(form);
        const reply = form.get('TopicArn')?.endsWith(':missing') ? notFound : ok('msg-1');
        res.writeHead(reply.status, reply.headers).end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    receivers.push({ url: '', requests: [], accepted: () => [], close: () => new Promise((r) => server.close(() => r())) });

    const regions: string[] = [];
    const publisher = createSdkSnsPublisher({
      clientConfig: (region) => {
        regions.push(region);
        return { endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
      },
    });
    try {
      const topic = 'arn:aws:sns:eu-west-1:123456789012:panther-upgrades';
      await expect(publisher.publish(topic, 'pantherctl: run FAILED\nat v1.27.8', '{"event":"run.failed"}')).resolves.toEqual({ messageId: 'msg-1' });
      expect(bodies[0]?.get('Action')).toBe('Publish');
      expect(bodies[0]?.get('TopicArn')).toBe(topic);
      expect(bodies[0]?.get('Message')).toBe('{"event":"run.failed"}');
      expect(bodies[0]?.get('Subject')).toBe('pantherctl: run FAILED?at v1.27.8');
      expect(regions).toEqual(['eu-west-1']);

      const err = await publisher.publish('arn:aws:sns:eu-west-1:123456789012:missing', 's', 'm').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SnsPublishError);
      expect(err).toMatchObject({ retriable: false });
      expect((err as Error).message).toContain('Topic does not exist');
    } finally {
      publisher.close?.();
    }
  });

  it('classifies an unreachable endpoint as retriable', async () => {
    const r = await startReceiver();
    const url = new URL(r.url);
    await r.close();
    const publisher = createSdkSnsPublisher({
      clientConfig: () => ({ endpoint: `http://127.0.0.1:${url.port}`, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    });
    try {
      const err = await publisher.publish('arn:aws:sns:us-east-2:123456789012:t', 's', 'm').catch((e: unknown) => e);
      expect(err).toMatchObject({ retriable: true });
    } finally {
      publisher.close?.();
    }
  });
});

describe('SNS subject', () => {
  it('is ASCII without control characters, starts with a letter, digit or punctuation, under 100 characters', () => {
    expect(snsSubject('  ✓ done\tnow')).toBe('? done?now');
    expect(snsSubject('x'.repeat(150))).toHaveLength(99);
    expect(snsSubject('')).toBe('pantherctl');
  });
});

describe('notify targets', () => {
  it('accepts http(s) URLs and SNS topic ARNs, labels without credentials', () => {
    expect(parseNotifyTarget('https://user:tok@hooks.example.com/a/b?sig=1')).toEqual({
      ok: true,
      target: { kind: 'webhook', url: 'https://user:tok@hooks.example.com/a/b?sig=1', label: 'https://hooks.example.com/a/b' },
    });
    expect(parseNotifyTarget('sns:arn:aws:sns:us-east-2:123456789012:alerts.fifo')).toEqual({
      ok: true,
      target: { kind: 'sns', topicArn: 'arn:aws:sns:us-east-2:123456789012:alerts.fifo', region: 'us-east-2', label: 'sns:arn:aws:sns:us-east-2:123456789012:alerts.fifo' },
    });
  });

  it('refuses other schemes and malformed ARNs with one line naming the option', () => {
    for (const bad of ['ftp://x.example.com', 'not a url', 'sns:arn:aws:sqs:us-east-2:123456789012:q', 'sns:arn:aws:sns:us-east-2:1234:t']) {
      const parsed = parseNotifyTarget(bad);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.problem).toMatch(/^Expected `--notify/);
        expect(parsed.problem).not.toContain('\n');
      }
    }
  });

  it('collects every problem at once and sends duplicates once', () => {
    const { targets, problems } = parseNotifyTargets(['https://a.example.com/h', 'https://a.example.com/h', 'gopher://x', 'sns:bad']);
    expect(targets).toHaveLength(1);
    expect(problems).toHaveLength(2);
  });
});
