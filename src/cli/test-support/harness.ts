/** Helpers of the upgrade end-to-end tests: run the CLI in-process or as a child, read the sandbox's logs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../main.js';
import type { CallRecord, OperationRecord } from '../../sandbox/activity-log.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** This test process's state home: journals and locks of runs without --state-dir go here, never into the real home. */
let stateHome: string | undefined;
export function testStateHome(): string {
  stateHome ??= mkdtempSync(join(tmpdir(), 'pantherctl-state-home-'));
  return stateHome;
}

/** Environment of every run: dummy credentials (the sandbox takes any), fast polling, a state home of the test's own. */
export function e2eEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    XDG_STATE_HOME: testStateHome(),
    AWS_ACCESS_KEY_ID: 'AKIDSANDBOX',
    AWS_SECRET_ACCESS_KEY: 'sandbox-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    PANTHERCTL_POLL_INTERVAL_MS: '100',
    ...extra,
  };
}

/** The SDK's credential chain reads process.env, so the dummy credentials go there once. */
export function installCredentials(): void {
  Object.assign(process.env, e2eEnv());
  delete process.env.AWS_PROFILE;
}

function sink(): NodeJS.WritableStream & { text: string; isTTY: boolean } {
  const s = {
    text: '',
    isTTY: false,
    write(chunk: string | Uint8Array, ...rest: unknown[]) {
      s.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    },
    on() {
      return s;
    },
    once() {
      return s;
    },
    emit() {
      return true;
    },
    end() {
      return s;
    },
  };
  return s as unknown as NodeJS.WritableStream & { text: string; isTTY: boolean };
}

/** Runs `pantherctl ARGS` in this process (no TTY: the CI line renderer, or --json). */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const stdout = sink();
  const stderr = sink();
  const stdin = Readable.from([]) as NodeJS.ReadableStream & { isTTY?: boolean };
  const code = await main(args, { stdout, stderr, stdin, env: { ...e2eEnv(), ...env } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Starts the built CLI (`node bin/pantherctl.js`) as a child process: for SIGKILL tests. */
export function spawnCli(args: string[], env: Record<string, string> = {}, options: { cwd?: string } = {}): ChildProcess & { out: () => string } {
  const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'pantherctl.js');
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...e2eEnv(), ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  return Object.assign(child, { out: () => text });
}

export function tempDir(prefix = 'pantherctl-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** One line of the sandbox's call log (`GET /_sandbox/calls`), as the sandbox defines it. */
export type SandboxCall = CallRecord;

/** One line of the sandbox's operations log (`GET /_sandbox/operations`); its internal start time is not sent. */
export type SandboxOperation = Omit<OperationRecord, 'startedMs'>;

export async function sandboxCalls(endpoint: string): Promise<SandboxCall[]> {
  const r = await fetch(`${endpoint}/_sandbox/calls`);
  return ((await r.json()) as { calls: SandboxCall[] }).calls;
}

export async function sandboxOperations(endpoint: string): Promise<SandboxOperation[]> {
  const r = await fetch(`${endpoint}/_sandbox/operations`);
  const body = (await r.json()) as { operations?: SandboxOperation[] } | SandboxOperation[];
  return Array.isArray(body) ? body : (body.operations ?? []);
}

export async function setFaults(endpoint: string, faults: unknown[]): Promise<void> {
  const r = await fetch(`${endpoint}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults }) });
  if (!r.ok) throw new Error(`PUT /_sandbox/faults: ${r.status} ${await r.text()}`);
}

export async function clearFaults(endpoint: string): Promise<void> {
  await fetch(`${endpoint}/_sandbox/faults`, { method: 'DELETE' });
}

/** Connection flags of a run against the sandbox. */
export function conn(endpoint: string, stateDir: string): string[] {
  return ['--endpoint-url', endpoint, '--region', 'us-east-2', '--state-dir', stateDir];
}

/** One NDJSON event of `--json` output, as the renderer writes it. */
export interface JsonEvent {
  seq: number;
  time: string;
  level: string;
  code: string;
  text: string;
  data?: Record<string, unknown>;
}

/** The `--json` error document (`{"error": {...}}`) with its meta flattened in. */
export type JsonError = { code: string; message: string; hint?: string } & Record<string, unknown>;

export interface JsonRun extends CliRun {
  events: JsonEvent[];
  /** The error document, when the command failed. */
  error?: JsonError;
  /** The one result document of a command that prints one (status, diagnose, params diff). */
  document?: Record<string, unknown>;
  /** The events of one code. */
  of(code: string): JsonEvent[];
}

/** Runs `pantherctl ARGS --json` in this process and splits stdout into events, an error document and a result document. */
export async function runJson(args: string[], env: Record<string, string> = {}): Promise<JsonRun> {
  const r = await runCli([...args, '--json'], env);
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const events = lines.filter((l): l is JsonEvent & Record<string, unknown> => typeof l.seq === 'number' && typeof l.code === 'string');
  const errorLine = lines.find((l) => typeof l.error === 'object' && l.error !== null);
  const document = lines.find((l) => l !== errorLine && !(typeof l.seq === 'number' && typeof l.code === 'string'));
  return {
    ...r,
    events,
    ...(errorLine ? { error: errorLine.error as JsonError } : {}),
    ...(document ? { document } : {}),
    of: (code) => events.filter((e) => e.code === code),
  };
}
