import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSdkLogsGateway } from '../../logs/logs-gateway.js';
import { LogTailer } from '../../logs/log-tailer.js';

/**
 * The real SDK client over real HTTP, against a stub speaking CloudWatch Logs' JSON 1.1
 * protocol (botocore logs 2014-03-28 metadata: "protocol": "json", targetPrefix
 * "Logs_20140328"). Until the sandbox serves CloudWatch Logs, this checks the wire mapping and
 * the "not yet" classification; the stub's tokens follow the documented rule (the same token
 * back at the end of the stream).
 */
let server: Server;
let endpoint = '';
const requests: { target: string; body: Record<string, unknown> }[] = [];
const stream = ['[Container] Entering phase BUILD\n', '[Container] Running command pulumi up\n', 'error: update failed\n'];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      requests.push({ target: String(req.headers['x-amz-target'] ?? ''), body });
      const reply = (status: number, json: unknown): void => {
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' }).end(JSON.stringify(json));
      };
      if (body.logStreamName === 'not-created-yet') {
        reply(400, { __type: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' });
        return;
      }
      if (body.logGroupName === '/aws/codebuild/missing') {
        reply(400, { __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
        return;
      }
      // Tokens are positions: f/<n>. Two events per page.
      const at = typeof body.nextToken === 'string' ? Number(body.nextToken.slice(2)) : 0;
      const page = stream.slice(at, at + 2);
      const next = page.length === 0 ? (body.nextToken as string | undefined) ?? `f/${at}` : `f/${at + page.length}`;
      reply(200, {
        events: page.map((message, i) => ({ timestamp: 1_800_000_000_000 + (at + i) * 1000, message, ingestionTime: 1_800_000_000_100 })),
        nextForwardToken: next,
        nextBackwardToken: 'b/0',
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('SDK CloudWatch Logs gateway', () => {
  it('reads a stream to its end through the tailer, paging forwards from the head', async () => {
    const gateway = await loadSdkLogsGateway({ region: 'us-east-2', endpointUrl: endpoint });
    try {
      requests.length = 0;
      const tailer = new LogTailer({ gateway, group: '/aws/codebuild/panther-pulumi', stream: 'uuid-1' });
      const result = await tailer.poll();
      expect(result.state).toBe('caught-up');
      expect(result.lines.map((l) => l.text)).toEqual(['[Container] Entering phase BUILD', '[Container] Running command pulumi up', 'error: update failed']);
      expect(requests.map((r) => r.target)).toEqual(['Logs_20140328.GetLogEvents', 'Logs_20140328.GetLogEvents', 'Logs_20140328.GetLogEvents']);
      expect(requests[0]?.body).toEqual({ logGroupName: '/aws/codebuild/panther-pulumi', logStreamName: 'uuid-1', startFromHead: true });
      expect(requests.map((r) => r.body.nextToken)).toEqual([undefined, 'f/2', 'f/3']);
    } finally {
      gateway.close();
    }
  });

  it('classifies a stream or group that does not exist yet as "not yet"', async () => {
    const gateway = await loadSdkLogsGateway({ region: 'us-east-2', endpointUrl: endpoint });
    try {
      await expect(gateway.getLogEvents({ group: '/aws/codebuild/panther-pulumi', stream: 'not-created-yet' })).resolves.toEqual({
        status: 'not-yet',
        missing: 'stream',
        message: 'The specified log stream does not exist.',
      });
      await expect(gateway.getLogEvents({ group: '/aws/codebuild/missing', stream: 'x' })).resolves.toMatchObject({ status: 'not-yet', missing: 'group' });
    } finally {
      gateway.close();
    }
  });
});
