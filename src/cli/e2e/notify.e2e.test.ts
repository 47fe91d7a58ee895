/**
 * `--notify` end to end: an upgrade against the sandbox with an injected build failure, its
 * resume, and a webhook receiver on 127.0.0.1 checking every message's signature; an SNS
 * target read back from the sandbox's recorded messages; a receiver that fails never fails
 * the run.
 */
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.js';
import type { NotifyEnvelope } from '../../notify/events.js';
import { SIGNATURE_HEADER, verifySignature } from '../../notify/signature.js';
import { startReceiver, type Receiver } from '../../notify/test-support/receiver.js';
import { buildIamPolicy } from '../../deployments/iam/iam-policy.js';
import { allowingStatements } from '../../deployments/iam/test-support/policy-eval.js';
import { conn, installCredentials, runCli, runJson, sandboxCalls, setFaults, tempDir } from '../test-support/harness.js';

const SECRET = 'notify-secret-for-tests';
const CANARY = 'CANARYnotify0123456789abcdef';
type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandboxes: Sandbox[] = [];
let receivers: Receiver[] = [];

async function sandbox(): Promise<string> {
  const sb = await startSandbox({ port: 0, speed: 400, region: 'us-east-2', version: 'v1.25.18', seed: 7 });
  sandboxes.push(sb);
  return sb.endpoint;
}

beforeAll(() => installCredentials());
afterEach(async () => {
  await Promise.all([...sandboxes.map((s) => s.close()), ...receivers.map((r) => r.close())]);
  sandboxes = [];
  receivers = [];
});

const envelopes = (r: Receiver): NotifyEnvelope[] => r.accepted().map((q) => JSON.parse(q.body) as NotifyEnvelope);

describe('pantherctl --notify', () => {
  it('a webhook gets start, failure (root cause, next command), then start, hops and finish of the resume, each validly signed', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const hook = await startReceiver();
    receivers.push(hook);
    await setFaults(endpoint, [{ kind: 'fail-build', project: 'panther-pulumi', reason: `Error while executing command: ./deploy.sh ${CANARY}. Reason: exit status 1` }]);
    const env = { PANTHERCTL_NOTIFY_SECRET: SECRET };
    const failed = await runJson(['upgrade', '--to', 'v1.27.8', '--yes', '--param', `DatadogAPIKey=${CANARY}`, '--notify', hook.url, ...conn(endpoint, state)], env);
    expect(failed.code).toBe(4);
    expect(failed.of('notify.undelivered')).toEqual([]);
    const first = envelopes(hook);
    expect(first.map((e) => e.event)).toEqual(['run.start', 'run.failed']);
    expect(first[0]).toMatchObject({ schema: 'pantherctl.notify/v1', seq: 1, deployment: { rootStack: 'panther-root', region: 'us-east-2' }, data: { command: 'upgrade', from: 'v1.25.18', to: 'v1.27.8', hops: ['v1.26.9', 'v1.27.8'] } });
    expect(first[1]).toMatchObject({
      seq: 2,
      run: first[0]?.run,
      data: { code: 'build-failed', hop: 'v1.26.9', step: 'start-build', state: 'stack done, build failed', rootCause: { phase: 'BUILD', status: 'FAILED' } },
    });
    const next = (first[1] as Extract<NotifyEnvelope, { event: 'run.failed' }>).data.nextCommand;
    expect(next.startsWith('pantherctl resume')).toBe(true);
    expect(next).toContain('--param DatadogAPIKey=<value>');

    const resumed = await runJson(['resume', '--param', `DatadogAPIKey=${CANARY}`, '--notify', hook.url, ...conn(endpoint, state)], env);
    expect(resumed.code).toBe(0);
    const second = envelopes(hook).slice(2);
    expect(second.map((e) => e.event)).toEqual(['run.start', 'hop.done', 'hop.done', 'run.done']);
    expect(second[0]?.data).toMatchObject({ command: 'resume', to: 'v1.27.8' });
    expect(second.slice(1, 3).map((e) => e.data)).toMatchObject([
      { index: 1, total: 2, version: 'v1.26.9', durationMs: expect.any(Number), steps: { build: expect.any(Number) } },
      { index: 2, total: 2, version: 'v1.27.8', durationMs: expect.any(Number), steps: { role: expect.any(Number), root: expect.any(Number), build: expect.any(Number) } },
    ]);
    expect(second[3]?.data).toMatchObject({ to: 'v1.27.8', durationMs: expect.any(Number) });

    // Every message: signed over its exact body, with the secret; the canary nowhere.
    expect(hook.requests).toHaveLength(6);
    for (const q of hook.requests) {
      expect(q.method).toBe('POST');
      expect(verifySignature(SECRET, q.body, q.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(true);
      expect(verifySignature('another-secret', q.body, q.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(false);
      expect(q.body).not.toContain(CANARY);
    }
  });

  it('publishes to sns:TOPIC_ARN (from pantherctl.yml too); the sandbox records the messages', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const sns = new SNSClient({ region: 'us-east-2', endpoint, credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'x' } });
    const arn = (await sns.send(new CreateTopicCommand({ Name: 'panther-upgrades' }))).TopicArn as string;
    sns.destroy();
    const config = join(state, 'pantherctl.yml');
    writeFileSync(config, `notify:\n  - sns:${arn}\n`);
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', '--config', config, ...conn(endpoint, state)]);
    expect(r.code).toBe(0);
    expect(r.of('notify.undelivered')).toEqual([]);
    const recorded = (await (await fetch(`${endpoint}/_sandbox/sns`)).json()) as { messages: { topicArn: string; subject?: string; message: string }[] };
    const mine = recorded.messages.filter((m) => m.topicArn === arn);
    expect(mine.map((m) => (JSON.parse(m.message) as NotifyEnvelope).event)).toEqual(['run.start', 'hop.done', 'run.done']);
    expect(mine[2]?.subject).toBe('pantherctl: panther-root now runs v1.26.9');
    // `iam-policy --notify sns:ARN` allows exactly these Publish calls, and no policy without it does.
    const publishes = (await sandboxCalls(endpoint)).filter((c) => c.service === 'sns' && c.action === 'Publish' && c.outcome === 'ok');
    expect(publishes).toHaveLength(3);
    const policy = JSON.parse((await runCli(['iam-policy', '--json', '--notify', `sns:${arn}`, '--notify', 'https://hooks.example.com/x'])).stdout) as ReturnType<typeof buildIamPolicy>;
    for (const c of publishes) expect(allowingStatements(policy, 'sns:Publish', c.stack ?? '')).toHaveLength(1);
    expect(allowingStatements(buildIamPolicy({}), 'sns:Publish', arn)).toEqual([]);
  });

  it('a receiver that fails or a topic that does not exist never fails the run: one warning per message lost', async () => {
    const endpoint = await sandbox();
    const state = tempDir();
    const down = await startReceiver(() => 400);
    receivers.push(down);
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', '--notify', down.url, '--notify', 'sns:arn:aws:sns:us-east-2:123456789012:nope', ...conn(endpoint, state)]);
    expect(r.code).toBe(0);
    expect(r.events.at(-1)?.code).not.toBe('upgrade.done');
    expect(r.of('upgrade.done')).toHaveLength(1);
    const lost = r.of('notify.undelivered').map((e) => e.data as { target: string; event: string; outcome: string });
    expect(lost.filter((l) => l.target.startsWith('http://127.0.0.1')).map((l) => l.event)).toEqual(['run.start', 'hop.done', 'run.done']);
    expect(lost.filter((l) => l.target.startsWith('sns:')).map((l) => l.outcome)).toEqual(['failed', 'failed', 'failed']);
    // A 400 is not retried: one request per message.
    expect(down.requests).toHaveLength(3);
  });

  it('a bad target is refused before any AWS call', async () => {
    const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', '--notify', 'ftp://x', '--endpoint-url', 'http://127.0.0.1:9', '--region', 'us-east-2', '--state-dir', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.error).toMatchObject({ code: 'usage' });
    expect(r.error?.message).toMatch(/--notify/);
  });
});
