import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publishedVersions } from './fixtures/fixtures.js';
import { SandboxError } from './sandbox-error.js';
import { canonicalRelease } from './versions.js';
import { parseFaults, validateFaults, type Fault, type FaultSpec } from './faults.js';
import { Sandbox } from './sandbox.js';
import { DEFAULT_CONCURRENCY_LIMIT } from './lambda/lambda-account.js';
import { createRequestListener } from './server.js';

export type { FaultSpec } from './faults.js';
export { ROOT_STACK, ROLE_STACK } from './seed.js';
export { SandboxError, isSandboxError, type SandboxErrorCode } from './sandbox-error.js';
export { publishedVersions, fixtureRegions, fixtureEvolution } from './fixtures/fixtures.js';
export type { CallRecord, OperationRecord } from './activity-log.js';

export interface SandboxOptions {
  /** TCP port on 127.0.0.1. Default 4599; 0 picks a free one (tests). */
  port?: number;
  /** Only loopback: the sandbox accepts any credentials, so it must not be reachable from elsewhere. */
  host?: '127.0.0.1';
  /** The region the account pretends to be in. Default us-east-2. */
  region?: string;
  /** Panther version of the seeded deployment. Default v1.25.18. */
  version?: string;
  /** No seeded deployment (the template buckets are still published). Default false. */
  empty?: boolean;
  /** Every simulated duration is divided by this. Default 1 (a root update takes about a minute). */
  speed?: number;
  /** Keep the whole state in this file: loaded at start, saved after changes and on close. */
  stateFile?: string;
  /** Faults active from the start. */
  faults?: FaultSpec[];
  /** A JSON or YAML fault file (`{"faults":[...]}`), added after `faults`. */
  faultsFile?: string;
  /** Clock for timestamps. Default Date.now. */
  now?: () => number;
  /** PRNG seed for fault decisions and generated names. Default: the start time. */
  seed?: number;
  /** Account id of the sandbox account. Default 123456789012. */
  accountId?: string;
  /**
   * The account's Lambda concurrency quota (GetAccountSettings' ConcurrentExecutions). Default
   * 1,000, Lambda's default; new accounts may have 10 or 50, which a low value reproduces.
   */
  lambdaConcurrencyLimit?: number;
}

export interface SandboxServer {
  endpoint: string;
  port: number;
  /** Finishes operations in flight, saves the state file, and stops listening. */
  close(): Promise<void>;
}

function resolveFaults(options: SandboxOptions): Fault[] {
  const faults = validateFaults({ faults: options.faults ?? [] }, 'The faults option');
  if (options.faultsFile) {
    let text: string;
    try {
      text = readFileSync(options.faultsFile, 'utf8');
    } catch (err) {
      throw new SandboxError('invalid-faults', `Cannot read the fault file ${options.faultsFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    faults.push(...parseFaults(text, options.faultsFile));
  }
  return faults;
}

/** Starts the sandbox on 127.0.0.1 and resolves once it is listening. */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxServer> {
  const speed = options.speed ?? 1;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new SandboxError('usage', 'Expected `--speed` to be a positive number', { kind: 'usage' });
  const port = options.port ?? 4599;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SandboxError('usage', 'Expected `--port` to be between 0 and 65535', { kind: 'usage' });
  const limit = options.lambdaConcurrencyLimit ?? DEFAULT_CONCURRENCY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new SandboxError('usage', 'Expected `--lambda-concurrency-limit` to be a whole number of at least 1', { kind: 'usage' });
  const given = options.version ?? 'v1.25.18';
  const version = canonicalRelease(given);
  // Templates are published for the listed releases only (fixtures/versions.yml); a deployment
  // seeded at any other version could never be upgraded or even re-read, so refuse it up front.
  const published = publishedVersions();
  if (!version || !published.includes(version)) {
    throw new SandboxError('unknown-version', `The sandbox has no templates for ${given}`, {
      kind: 'usage',
      hint: `Use one of the published releases: ${published.join(', ')}.`,
    });
  }
  const sandbox = new Sandbox({
    region: options.region ?? 'us-east-2',
    version,
    empty: options.empty ?? false,
    speed,
    accountId: options.accountId ?? '123456789012',
    faults: resolveFaults(options),
    now: options.now ?? Date.now,
    seed: options.seed ?? Date.now(),
    lambdaConcurrencyLimit: limit,
    ...(options.stateFile ? { stateFile: options.stateFile } : {}),
  });
  sandbox.init();
  const server = createServer({ keepAliveTimeout: 30_000 }, createRequestListener(sandbox));
  await listen(server, port);
  const actual = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    port: actual,
    close() {
      closing ??= new Promise<void>((resolve) => {
        sandbox.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new SandboxError('port-in-use', `Port ${port} on 127.0.0.1 is already in use`, { kind: 'usage', hint: 'Pass another --port, or --port 0 for a free one.' })
          : err,
      );
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * `pantherctl sandbox start`: starts, reports the endpoint once, runs until SIGINT or
 * SIGTERM, then finishes operations in flight, saves the state and resolves with 0.
 */
export async function runSandboxCommand(options: SandboxOptions, io: { ready(endpoint: string): void }): Promise<number> {
  const server = await startSandbox(options);
  io.ready(server.endpoint);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
