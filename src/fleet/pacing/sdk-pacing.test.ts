import { Readable } from 'node:stream';
import { CloudFormationClient, DescribeStackEventsCommand, ListStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { ApiPacer, pacingKey } from './api-pacer.js';
import { attachPacing, isReadOperation } from './sdk-pacing.js';
import { driveUntil, VirtualClock } from './test-support/virtual-clock.js';

const KEY = pacingKey('111111111111', 'us-east-2');

/** Real time passes (the SDK's own asynchronous steps) until `n` requests wait in the pacer. */
async function queued(pacer: ApiPacer, n: number): Promise<void> {
  for (let i = 0; i < 2000 && pacer.stats(KEY).waiting < n; i++) await new Promise((r) => setTimeout(r, 1));
  expect(pacer.stats(KEY).waiting).toBe(n);
}

interface Sent {
  action: string;
  stack: string;
  at: number;
  amzDate: string;
}

/**
 * A real CloudFormation client whose HTTP handler answers in memory (Query protocol XML),
 * recording when each request leaves (virtual time). The first `throttleFirst` requests get
 * the Throttling error CloudFormation returns ("Rate exceeded"), which the SDK retries.
 */
function client(clock: VirtualClock, throttleFirst = 0): { cfn: CloudFormationClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const xml = (body: string, status = 200) => ({
    response: { statusCode: status, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(body)]) },
  });
  const cfn = new CloudFormationClient({
    region: 'us-east-2',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 3,
    requestHandler: {
      handle: async (request: { body?: string; headers: Record<string, string> }) => {
        const body = String(request.body);
        const action = /Action=([A-Za-z]+)/.exec(body)?.[1] ?? '?';
        sent.push({ action, stack: /StackName=([^&]+)/.exec(body)?.[1] ?? '', at: clock.now(), amzDate: request.headers['x-amz-date'] ?? '' });
        if (sent.length <= throttleFirst) {
          return xml('<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>', 400);
        }
        return xml(`<${action}Response><${action}Result></${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`);
      },
    },
  });
  return { cfn, sent };
}

describe('attachPacing', () => {
  it('paces each read request of a real SDK client; writes pass at once', async () => {
    const clock = new VirtualClock();
    const t0 = clock.now();
    const pacer = new ApiPacer({ clock, limit: 2 });
    const { cfn, sent } = client(clock);
    attachPacing(cfn, pacer, { key: KEY });
    attachPacing(cfn, pacer, { key: KEY }); // attaching twice replaces, never doubles
    const calls = Promise.all([
      ...Array.from({ length: 5 }, (_, i) => cfn.send(new DescribeStackEventsCommand({ StackName: `panther-${i}` }))),
      cfn.send(new UpdateStackCommand({ StackName: 'panther-root', UsePreviousTemplate: true })),
    ]);
    await driveUntil(clock, calls);
    const at = (action: string) => sent.filter((s) => s.action === action).map((s) => s.at - t0);
    expect(at('DescribeStackEvents')).toEqual([0, 500, 1000, 1500, 2000]);
    expect(at('UpdateStack')).toEqual([0]);
    expect(pacer.stats(KEY).granted).toBe(5);
    cfn.destroy();
  });

  it('counts every attempt: a throttled call\'s retry queues again', async () => {
    const clock = new VirtualClock();
    const t0 = clock.now();
    const pacer = new ApiPacer({ clock, limit: 1 });
    const { cfn, sent } = client(clock, 1);
    attachPacing(cfn, pacer, { key: KEY });
    await driveUntil(clock, cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-root' })));
    expect(sent.map((s) => [s.action, s.at - t0])).toEqual([
      ['DescribeStackEvents', 0],
      ['DescribeStackEvents', 1000],
    ]);
    expect(pacer.stats(KEY).granted).toBe(2);
    cfn.destroy();
  });

  it('puts ListStacks (the status sweep) ahead of queued event polls', async () => {
    const clock = new VirtualClock();
    const pacer = new ApiPacer({ clock, limit: 1 });
    const { cfn, sent } = client(clock);
    attachPacing(cfn, pacer, { key: KEY });
    const first = cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-a' }));
    await driveUntil(clock, first);
    // Queue two polls, let them reach the pacer, then the listing.
    const polls = [cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-b' })), cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-c' }))];
    await queued(pacer, 2);
    const list = cfn.send(new ListStacksCommand({}));
    await queued(pacer, 3);
    await driveUntil(clock, Promise.all([...polls, list]));
    expect(sent.map((s) => s.action + (s.stack ? ` ${s.stack}` : ''))).toEqual([
      'DescribeStackEvents panther-a',
      'ListStacks',
      'DescribeStackEvents panther-b',
      'DescribeStackEvents panther-c',
    ]);
    cfn.destroy();
  });

  it('a request waiting for its slot stops when the run is aborted', async () => {
    const clock = new VirtualClock();
    const pacer = new ApiPacer({ clock, limit: 1 });
    const controller = new AbortController();
    const { cfn, sent } = client(clock);
    attachPacing(cfn, pacer, { key: KEY, signal: controller.signal });
    await driveUntil(clock, cfn.send(new DescribeStackEventsCommand({ StackName: 'a' })));
    const second = cfn.send(new DescribeStackEventsCommand({ StackName: 'b' }));
    await queued(pacer, 1);
    controller.abort();
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    expect(sent).toHaveLength(1);
    cfn.destroy();
  });

  it('treats only reads as paced by default', () => {
    expect(['DescribeStackEvents', 'ListStacks', 'GetTemplate', 'BatchGetBuilds'].every(isReadOperation)).toBe(true);
    expect(['UpdateStack', 'ExecuteChangeSet', 'CreateChangeSet', 'StartBuild'].some(isReadOperation)).toBe(false);
  });
});
