import { request } from 'node:http';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { SNSClient } from '@aws-sdk/client-sns';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';

export const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

/** SDK v3 clients pointed at a sandbox, with throwaway credentials (the sandbox takes any). */
export function clientsFor(endpoint: string, opts: { maxAttempts?: number } = {}) {
  const common = {
    endpoint,
    region: 'us-east-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
  };
  return {
    cfn: new CloudFormationClient(common),
    codebuild: new CodeBuildClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
    sts: new STSClient(common),
    logs: new CloudWatchLogsClient(common),
    sns: new SNSClient(common),
  };
}

/** Polls DescribeStacks until the stack leaves *_IN_PROGRESS (or `until` holds). */
export async function waitForStack(
  cfn: CloudFormationClient,
  name: string,
  opts: { until?: (s: Stack) => boolean; timeoutMs?: number; seen?: string[] } = {},
): Promise<Stack> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (!stack) throw new Error(`no stack ${name}`);
    if (opts.seen && opts.seen.at(-1) !== stack.StackStatus) opts.seen.push(stack.StackStatus ?? '');
    const done = opts.until ? opts.until(stack) : !stack.StackStatus?.endsWith('_IN_PROGRESS');
    if (done) return stack;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name}: ${stack.StackStatus}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

/** Calls an admin endpoint of the sandbox and returns its JSON. */
export async function admin<T = Record<string, unknown>>(endpoint: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${endpoint}/_sandbox/${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return (await res.json()) as T;
}

/** UsePreviousValue for every parameter the stack has now. */
export async function previousValues(cfn: CloudFormationClient, name: string, except: string[] = []) {
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  return (stack?.Parameters ?? [])
    .filter((p) => !except.includes(p.ParameterKey ?? ''))
    .map((p) => ({ ParameterKey: p.ParameterKey, UsePreviousValue: true }));
}

/**
 * A raw HTTP request to the sandbox, for what SDKs would never send. node:http, not fetch:
 * fetch drops a `Host` header, which virtual-host S3 requests need.
 */
export function raw(
  endpoint: string,
  init: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: { get(name: string): string | undefined }; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}${init.path ?? '/'}`, { method: init.method ?? 'POST', headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: { get: (name) => { const v = res.headers[name.toLowerCase()]; return Array.isArray(v) ? v[0] : v; } },
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
