/**
 * CloudWatch Logs as pantherctl reads a build's log, through the AWS SDK v3 and the AWS CLI.
 * Sources: botocore logs/2014-03-28/service-2.json (GetLogEvents, FilterLogEvents,
 * DescribeLogStreams and their shapes; JSON 1.1 with target Logs_20140328), the AWS CLI's
 * codebuild examples for BatchGetBuilds `logs`, and the answers quoted in the issues cited in
 * src/sandbox/logs/logs-engine.ts.
 */
import { DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand, type CloudWatchLogsClient, type OutputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { BatchGetBuildsCommand, StartBuildCommand, type Build } from '@aws-sdk/client-codebuild';
import { describe, expect, it, vi } from 'vitest';
import { admin, clientsFor } from '../test-support/clients.js';
import { awsCli, awsCliJson } from '../test-support/aws-cli.js';
import { sdkError } from '../test-support/fidelity.js';
import { useSandbox } from '../test-support/use-sandbox.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

// Speed 1: a new build spends 3 s in SUBMITTED and QUEUED, long enough to look at it before
// its log stream exists; `settle` finishes it at once when a test wants the whole log.
const sandbox = useSandbox({ speed: 1, seed: 41 });
const GROUP = '/aws/codebuild/panther-pulumi';

async function startBuild(): Promise<Build> {
  const { codebuild } = clientsFor(sandbox.endpoint);
  const out = await codebuild.send(new StartBuildCommand({ projectName: 'panther-pulumi' }));
  codebuild.destroy();
  return out.build as Build;
}

async function getBuild(id: string): Promise<Build> {
  const { codebuild } = clientsFor(sandbox.endpoint);
  const out = await codebuild.send(new BatchGetBuildsCommand({ ids: [id] }));
  codebuild.destroy();
  return out.builds?.[0] as Build;
}

/** Every page forwards from the head, until the token sent comes back. */
async function readForward(logs: CloudWatchLogsClient, stream: string, limit: number): Promise<{ events: OutputLogEvent[]; pages: number; emptyPages: number }> {
  const events: OutputLogEvent[] = [];
  let token: string | undefined;
  let pages = 0;
  let emptyPages = 0;
  for (;;) {
    const page = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true, limit, ...(token ? { nextToken: token } : {}) }));
    pages++;
    if ((page.events ?? []).length === 0) emptyPages++;
    events.push(...(page.events ?? []));
    expect(page.nextBackwardToken).toBeDefined();
    if (page.nextForwardToken === token) return { events, pages, emptyPages };
    token = page.nextForwardToken;
    if (pages > 100) throw new Error('no end of stream');
  }
}

describe('a build and its log stream', () => {
  // "The log stream is created during the PROVISIONING phase" (AWS-FACTS.md); before it,
  // BatchGetBuilds links to `group=null;stream=null` (aws-cli examples/codebuild/start-build.rst)
  // and GetLogEvents says ResourceNotFoundException "The specified log stream does not exist."
  // (prefect-archive/prefect-aws#177).
  it('has no stream before PROVISIONING; then logs.groupName / streamName / deepLink name it', async () => {
    const started = await startBuild();
    expect(started.logs?.groupName).toBeUndefined();
    expect(started.logs?.streamName).toBeUndefined();
    expect(started.logs?.deepLink).toBe('https://console.aws.amazon.com/cloudwatch/home?region=us-east-2#logEvent:group=null;stream=null');
    expect(started.logs?.cloudWatchLogs?.status).toBe('ENABLED');
    const { logs } = clientsFor(sandbox.endpoint);
    const stream = started.id?.split(':')[1] as string;
    const missing = await sdkError(logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream })));
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', message: 'The specified log stream does not exist.', status: 400 });

    await admin(sandbox.endpoint, 'POST', 'settle');
    const done = await getBuild(started.id as string);
    expect(done.logs).toMatchObject({
      groupName: GROUP,
      streamName: stream,
      deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=us-east-2#logEvent:group=${GROUP};stream=${stream}`,
      cloudWatchLogs: { status: 'ENABLED' },
      s3Logs: { status: 'DISABLED' },
    });
    logs.destroy();
  });
});

describe('GetLogEvents', () => {
  // BC GetLogEvents: pages may be partial or empty; "As long as the nextBackwardToken or
  // nextForwardToken returned is NOT equal to the nextToken that you passed into the API call,
  // there might be more log events"; nextForwardToken: "If you have reached the end of the
  // stream, it returns the same token you passed in."
  it('pages forwards from the head by nextForwardToken until the same token comes back (SDK and CLI)', async () => {
    const started = await startBuild();
    await admin(sandbox.endpoint, 'POST', 'settle');
    const { logs } = clientsFor(sandbox.endpoint);
    const stream = (await getBuild(started.id as string)).logs?.streamName as string;
    const all = await readForward(logs, stream, 1000);
    const paged = await readForward(logs, stream, 5);
    expect(paged.events.map((e) => e.message)).toEqual(all.events.map((e) => e.message));
    expect(paged.pages).toBeGreaterThan(3);
    // The last call is the one that proves the end: an empty page with the same token.
    expect(paged.emptyPages).toBe(1);
    const text = all.events.map((e) => e.message ?? '');
    expect(text.every((m) => m.endsWith('\n'))).toBe(true);
    expect(text.some((m) => /^\[Container\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{6} Phase complete: BUILD State: SUCCEEDED\n$/.test(m))).toBe(true);
    expect(all.events.every((e) => typeof e.timestamp === 'number' && typeof e.ingestionTime === 'number')).toBe(true);

    // The AWS CLI reads the same pages, and gets the same token back at the end.
    const first = await awsCliJson<{ events: { message: string }[]; nextForwardToken: string; nextBackwardToken: string }>(sandbox.endpoint, [
      'logs', 'get-log-events', '--log-group-name', GROUP, '--log-stream-name', stream, '--start-from-head', '--limit', '3', '--no-paginate',
    ]);
    expect(first.events.map((e) => e.message)).toEqual(text.slice(0, 3));
    expect(first.nextForwardToken).toMatch(/^f\/\d{56}\/s$/);
    expect(first.nextBackwardToken).toMatch(/^b\/\d{56}\/s$/);
    const tail = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true, limit: 10_000, nextToken: first.nextForwardToken }));
    const end = await awsCliJson<{ events: unknown[]; nextForwardToken: string }>(sandbox.endpoint, [
      'logs', 'get-log-events', '--log-group-name', GROUP, '--log-stream-name', stream, '--start-from-head', '--next-token', tail.nextForwardToken as string, '--no-paginate',
    ]);
    expect(end).toMatchObject({ events: [], nextForwardToken: tail.nextForwardToken });
    logs.destroy();
  });

  // BC startFromHead: "If the value is false, the latest log events are returned first. The
  // default value is false"; nextBackwardToken: "If you have reached the end of the stream, it
  // returns the same token you passed in."
  it('without startFromHead returns the latest events, and pages backwards to the head', async () => {
    const started = await startBuild();
    await admin(sandbox.endpoint, 'POST', 'settle');
    const { logs } = clientsFor(sandbox.endpoint);
    const stream = (await getBuild(started.id as string)).logs?.streamName as string;
    const all = (await readForward(logs, stream, 1000)).events.map((e) => e.message);
    const latest = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, limit: 4 }));
    expect(latest.events?.map((e) => e.message)).toEqual(all.slice(-4));
    const seen = [...(latest.events ?? [])];
    let token = latest.nextBackwardToken as string;
    for (let i = 0; i < 100; i++) {
      const page = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, limit: 4, nextToken: token }));
      seen.unshift(...(page.events ?? []));
      if (page.nextBackwardToken === token) break;
      token = page.nextBackwardToken as string;
    }
    expect(seen.map((e) => e.message)).toEqual(all);
    logs.destroy();
  });

  it('a failed build writes its failing phase and the phase context message (the same text BatchGetBuilds gives)', async () => {
    const reason = 'Error while executing command: pulumi up --yes. Reason: exit status 255';
    await admin(sandbox.endpoint, 'PUT', 'faults', { faults: [{ kind: 'fail-build', reason }] });
    const started = await startBuild();
    await admin(sandbox.endpoint, 'POST', 'settle');
    const build = await getBuild(started.id as string);
    expect(build.buildStatus).toBe('FAILED');
    const failed = build.phases?.find((p) => p.phaseStatus === 'FAILED');
    expect(failed).toMatchObject({ phaseType: 'BUILD', contexts: [{ statusCode: 'COMMAND_EXECUTION_ERROR', message: reason }] });
    const { logs } = clientsFor(sandbox.endpoint);
    const text = (await readForward(logs, build.logs?.streamName as string, 1000)).events.map((e) => (e.message ?? '').replace(/^\[Container\] \S+ \S+ /, '').trimEnd());
    expect(text).toContain('Command did not exit successfully pulumi up --yes exit status 255');
    expect(text).toContain('Phase complete: BUILD State: FAILED');
    expect(text).toContain(`Phase context status code: COMMAND_EXECUTION_ERROR Message: ${reason}`);
    // "If the build phase is success or failure, the build moves to post_build" (aws/aws-codebuild-docker-images#385).
    expect(text.indexOf('Entering phase POST_BUILD')).toBeGreaterThan(text.indexOf('Phase complete: BUILD State: FAILED'));
    logs.destroy();
  });

  it('refuses what CloudWatch Logs refuses, with its codes and texts (SDK and CLI)', async () => {
    const started = await startBuild();
    await admin(sandbox.endpoint, 'POST', 'settle');
    const stream = (await getBuild(started.id as string)).logs?.streamName as string;
    const { logs } = clientsFor(sandbox.endpoint);
    // "The specified log group does not exist." (epsagon/list-lambdas#5).
    expect(await sdkError(logs.send(new GetLogEventsCommand({ logGroupName: '/aws/codebuild/nope', logStreamName: stream })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log group does not exist.',
    });
    // EventsLimit is 1 to 10000 (BC); the text is CloudWatch Logs' validation message (getmoto/moto#6718 quotes it).
    expect(await sdkError(logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, limit: 10_001 })))).toMatchObject({
      name: 'InvalidParameterException',
      message: "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
    });
    // "The specified nextToken is invalid." (boto/boto3#1467).
    expect(await sdkError(logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, nextToken: 'not-a-token' })))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'The specified nextToken is invalid.',
    });
    const cli = await awsCli(sandbox.endpoint, ['logs', 'get-log-events', '--log-group-name', GROUP, '--log-stream-name', 'no-such-stream']);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the GetLogEvents operation: The specified log stream does not exist.');
    logs.destroy();
  });
});

describe('FilterLogEvents and DescribeLogStreams', () => {
  // BC FilterLogEvents: events carry logStreamName and eventId; "If the results don't include
  // a nextToken, then pagination is finished". Terms of a filter pattern must all occur
  // (the filter pattern syntax's "ERROR Exception" example).
  it('finds the lines with every term of the pattern, across the group, and ends without a nextToken', async () => {
    const a = await startBuild();
    await admin(sandbox.endpoint, 'POST', 'settle');
    const b = await startBuild();
    await admin(sandbox.endpoint, 'POST', 'settle');
    const { logs } = clientsFor(sandbox.endpoint);
    const streams = [a, b].map((x) => x.id?.split(':')[1] as string);
    const found = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: streams, filterPattern: 'Running command' }));
    expect(found.events?.map((e) => e.logStreamName).sort()).toEqual([...streams].sort());
    expect(found.events?.every((e) => /^\d+$/.test(e.eventId ?? '') && (e.message ?? '').includes('Running command pulumi up --yes'))).toBe(true);
    expect(found.nextToken).toBeUndefined();
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: streams, limit: 1 }));
    expect(page.events).toHaveLength(1);
    expect(page.nextToken).toBeDefined();
    expect(await sdkError(logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: streams, logStreamNamePrefix: 'x' })))).toMatchObject({ name: 'InvalidParameterException' });

    // DescribeLogStreams orders by name by default (BC orderBy).
    const listed = await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    const names = listed.logStreams?.map((s) => s.logStreamName) ?? [];
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(streams));
    const viaCli = await awsCliJson<{ logStreams: { logStreamName: string; arn: string }[] }>(sandbox.endpoint, ['logs', 'describe-log-streams', '--log-group-name', GROUP, '--order-by', 'LastEventTime', '--descending', '--no-paginate']);
    expect(viaCli.logStreams[0]?.logStreamName).toBe(streams[1]);
    expect(viaCli.logStreams[0]?.arn).toBe(`arn:aws:logs:us-east-2:123456789012:log-group:${GROUP}:log-stream:${streams[1]}`);
    logs.destroy();
  });
});
