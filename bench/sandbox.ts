/**
 * Sandbox throughput on loopback (issue 3, item 9): spawns the built sandbox, creates 200
 * stacks, then drives DescribeStacks and DescribeStackEvents over keep-alive connections
 * and reports requests per second, latency percentiles and the process's resident memory.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { spawnSandbox } from '../src/sandbox/test-support/spawn-sandbox.js';

export interface SandboxBenchResult {
  /** Requests per second at saturation (CONCURRENCY keep-alive connections, closed loop). */
  rps: number;
  /** Latency while serving the goal's rate (PACED_RPS, open loop): what the p99 goal is about. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  pacedRps: number;
  /** Latency at saturation, where queueing behind 16 in-flight requests on 2 cores dominates. */
  saturatedP50Ms: number;
  saturatedP99Ms: number;
  requests: number;
  errors: number;
  concurrency: number;
  stacks: number;
  /** RSS of the sandbox process after the load, with 200 stacks and their events. */
  rssMb: number;
  /** RSS right after the 200 stacks were created, before the load. */
  rssAfterCreateMb: number;
  durationMs: number;
}

const STACKS = 200;
const CONCURRENCY = 16;
const MAX_REQUESTS = 20_000;
const MAX_MS = 10_000;
const PACED_RPS = 1_000;
const PACED_MS = 5_000;
const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-2/cloudformation/aws4_request, SignedHeaders=host, Signature=0';

/** A template of the size of a Panther nested stack: a dozen resources, a few parameters. */
function template(): string {
  const resources: Record<string, unknown> = {};
  for (let i = 0; i < 12; i++) {
    resources[`Function${i}`] = { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'python3.9', Handler: 'main.handler', Environment: { Variables: { STAGE: { Ref: 'Stage' } } } } };
  }
  return JSON.stringify({ Parameters: { Stage: { Type: 'String', Default: 'prod', AllowedValues: ['prod', 'dev'] }, Secret: { Type: 'String', NoEcho: true, Default: '' } }, Resources: resources });
}

function post(agent: Agent, port: number, body: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: AUTH, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function benchSandbox(): Promise<SandboxBenchResult> {
  const sb = await spawnSandbox(['--empty', '--speed', '100000']);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const body = encodeURIComponent(template());
    for (let i = 0; i < STACKS; i += CONCURRENCY) {
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, STACKS - i) }, (_, j) =>
          post(agent, sb.port, `Action=CreateStack&Version=2010-05-15&StackName=panther-bench-${i + j}&TemplateBody=${body}&Parameters.member.1.ParameterKey=Secret&Parameters.member.1.ParameterValue=s3cret`),
        ),
      );
    }
    // Let every creation finish, so each stack has its full event history.
    await fetch(`${sb.endpoint}/_sandbox/settle`, { method: 'POST' });
    const rssAfterCreateMb = rssMb(sb.process.pid as number);

    const bodyFor = (n: number, w: number) =>
      `Action=${n % 2 === 0 ? 'DescribeStacks' : 'DescribeStackEvents'}&Version=2010-05-15&StackName=panther-bench-${(n * 7 + w) % STACKS}`;

    // Saturation: how many requests per second the sandbox serves at all.
    const latencies: number[] = [];
    let errors = 0;
    let issued = 0;
    const started = performance.now();
    const worker = async (w: number) => {
      while (issued < MAX_REQUESTS && performance.now() - started < MAX_MS) {
        const r = await post(agent, sb.port, bodyFor(issued++, w));
        if (r.status !== 200) errors++;
        latencies.push(r.ms);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
    const durationMs = performance.now() - started;
    latencies.sort((a, b) => a - b);

    // Paced: latency while serving the goal's rate, requests sent on a schedule (open loop).
    const paced: Promise<void>[] = [];
    const pacedLatencies: number[] = [];
    const pacedStart = performance.now();
    let sent = 0;
    while (performance.now() - pacedStart < PACED_MS) {
      const due = Math.floor(((performance.now() - pacedStart) / 1000) * PACED_RPS);
      for (; sent < due; sent++) {
        paced.push(
          post(agent, sb.port, bodyFor(sent, 0)).then((r) => {
            if (r.status !== 200) errors++;
            pacedLatencies.push(r.ms);
          }),
        );
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(paced);
    const pacedMs = performance.now() - pacedStart;
    pacedLatencies.sort((a, b) => a - b);

    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      rps: Math.round((latencies.length / durationMs) * 1000),
      p50Ms: round(percentile(pacedLatencies, 50)),
      p99Ms: round(percentile(pacedLatencies, 99)),
      maxMs: round(pacedLatencies.at(-1) ?? Number.NaN),
      pacedRps: Math.round((pacedLatencies.length / pacedMs) * 1000),
      saturatedP50Ms: round(percentile(latencies, 50)),
      saturatedP99Ms: round(percentile(latencies, 99)),
      requests: latencies.length + pacedLatencies.length,
      errors,
      concurrency: CONCURRENCY,
      stacks: STACKS,
      rssMb: Math.round(rssMb(sb.process.pid as number)),
      rssAfterCreateMb: Math.round(rssAfterCreateMb),
      durationMs: Math.round(durationMs),
    };
  } finally {
    agent.destroy();
    await sb.stop();
  }
}
