import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publishedVersions } from './fixtures/fixtures.js';
import { SandboxError } from './sandbox-error.js';
import { canonicalRelease } from './versions.js';
import { parseFaults, validateFaults, type Fault, type FaultSpec } from './faults.js';
import { Sandbox } from './sandbox.js';
import { fleetFiles, fleetLayout, SandboxFleet, type FleetCell } from './fleet.js';
export { accountOfAccessKey, fleetAccessKey, fleetLayout } from './fleet.js';
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
   * Hold a fleet: this many deployments (at `version`), one per account-region cell, across
   * accounts 111111111111, 222222222222, ... and regions us-east-2, us-west-2, eu-west-1
   * (fleet.ts). Default: none, the single account.
   */
  fleet?: number;
  /** With `fleet`: write the fleet file describing the deployments here, and the AWS credentials file of its profiles beside it (`<file>.credentials`). */
  fleetFile?: string;
  /**
   * The account's Lambda concurrency quota (GetAccountSettings' ConcurrentExecutions). Default
   * 1,000, Lambda's default; new accounts may have 10 or 50, which a low value reproduces.
   */
  lambdaConcurrencyLimit?: number;
}

export interface SandboxServer {
  endpoint: string;
  port: number;
  /** With `fleet` and `fleetFile`: the files written. */
  fleetFiles?: { fleet: string; credentials: string };
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
  let sandbox: Sandbox | SandboxFleet;
  let cells: FleetCell[] = [];
  if (options.fleet !== undefined) {
    if (!Number.isInteger(options.fleet) || options.fleet < 1 || options.fleet > 200) throw new SandboxError('usage', 'Expected `--fleet` to be a number of deployments from 1 to 200', { kind: 'usage' });
    // One process state file holds one account; a fleet lives in memory.
    if (options.stateFile) throw new SandboxError('usage', '`--fleet` and `--state-file` cannot be combined', { kind: 'usage' });
    cells = fleetLayout(options.fleet);
    sandbox = new SandboxFleet(cells, { version, speed, faults: resolveFaults(options), now: options.now ?? Date.now, seed: options.seed ?? Date.now(), lambdaConcurrencyLimit: limit });
  } else {
    if (options.fleetFile) throw new SandboxError('usage', '`--fleet-file` needs `--fleet N`', { kind: 'usage' });
    sandbox = new Sandbox({
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
  }
  const server = createServer({ keepAliveTimeout: 30_000 }, createRequestListener(sandbox));
  await listen(server, port);
  const actual = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${actual}`;
  let written: { fleet: string; credentials: string } | undefined;
  if (options.fleetFile) {
    const files = fleetFiles(cells, endpoint);
    written = { fleet: options.fleetFile, credentials: `${options.fleetFile}.credentials` };
    try {
      writeFileSync(written.fleet, files.fleet);
      writeFileSync(written.credentials, files.credentials, { mode: 0o600 });
    } catch (err) {
      server.close();
      throw new SandboxError('sandbox-state-unwritable', `Cannot write the fleet file ${options.fleetFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    port: actual,
    ...(written ? { fleetFiles: written } : {}),
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
