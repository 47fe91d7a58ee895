/**
 * The failure-state matrix (issue 9 Deliver 1, README "Failure states"): for each state a
 * deployment can be left in, what `status`, `diagnose`, `recover`, `upgrade` and `resume` say
 * (message or error code) and exit with, and the one next command `diagnose` names, run as
 * printed: it must work. One sandbox per row; states are made with the sandbox's faults
 * (fail-resource, fail-rollback, fail-build), direct SDK calls (an operation someone else
 * started) and lock files as a crash leaves them.
 */
import { CloudFormationClient, DeleteStackCommand, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { spawn } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { roleTemplateUrl } from '../../catalog/urls.js';
import { lockPath } from '../../journal/paths.js';
import { startSandbox } from '../../sandbox/index.js';
import { clearFaults, conn, installCredentials, runJson, setFaults, tempDir, type JsonRun } from '../test-support/harness.js';
import { argvOf } from '../test-support/printed-command.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandboxes: Sandbox[] = [];
beforeAll(() => installCredentials());
afterEach(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  sandboxes = [];
});

interface World {
  endpoint: string;
  state: string;
  /** Sets the state up again before a command that would change it (lock rows: the lock file). */
  reset?: () => void;
}

/** What one command says: its exit code and its error code, else the code of its last event (or `document` for status/diagnose). */
interface Said {
  code: number;
  says: string;
}

type Command = 'status' | 'diagnose' | 'recover' | 'upgrade' | 'resume';

interface Row {
  name: string;
  /** Sandbox options; `speed` 1 keeps an operation running through the row. */
  sandbox?: Record<string, unknown>;
  setup: (w: World) => Promise<void>;
  expected: Record<Command, Said>;
  /** diagnose's next command, as the operator reads it: `recover --stack panther-root`, or none. */
  next?: string;
  /** What running the next command as printed gives. */
  nextGives?: Said;
}

const KEY = { account: '123456789012', region: 'us-east-2', rootStack: 'panther-root' };

function writeLock(state: string, content: string, ageMs = 0): () => void {
  return () => {
    const path = lockPath(KEY, state);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
    const t = new Date(Date.now() - ageMs);
    utimesSync(path, t, t);
  };
}

async function failUpgrade(w: World, faults: unknown[]): Promise<void> {
  await setFaults(w.endpoint, faults);
  const r = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', ...conn(w.endpoint, w.state)]);
  expect(r.code).toBe(4);
  await clearFaults(w.endpoint);
}

function client(endpoint: string): CloudFormationClient {
  return new CloudFormationClient({ region: 'us-east-2', endpoint, credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' } });
}

/** An update someone else started (the console, another tool): a direct UpdateStack. */
async function othersUpdate(endpoint: string, stack: 'panther-root' | 'panther-deployment-role'): Promise<void> {
  const cfn = client(endpoint);
  try {
    if (stack === 'panther-deployment-role') {
      await cfn.send(new UpdateStackCommand({ StackName: stack, TemplateURL: `${roleTemplateUrl('v1.26.9')}`, Capabilities: ['CAPABILITY_NAMED_IAM'] }));
    } else {
      const live = (await cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0];
      const parameters = (live?.Parameters ?? []).map((p) => (p.ParameterKey === 'EnableReports' ? { ParameterKey: 'EnableReports', ParameterValue: 'true' } : { ParameterKey: p.ParameterKey!, UsePreviousValue: true }));
      await cfn.send(new UpdateStackCommand({ StackName: stack, UsePreviousTemplate: true, Parameters: parameters, Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] }));
    }
  } finally {
    cfn.destroy();
  }
}

/** A delete someone else started that fails on one resource (a sandbox `fail-delete` fault): the stack is left DELETE_FAILED. */
async function othersFailedDelete(endpoint: string, stack: string, logicalId: string): Promise<void> {
  await setFaults(endpoint, [{ kind: 'fail-delete', stack, logicalId }]);
  const cfn = client(endpoint);
  try {
    await cfn.send(new DeleteStackCommand({ StackName: stack }));
    for (let i = 0; i < 600; i++) {
      const s = (await cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0];
      if (s?.StackStatus === 'DELETE_FAILED') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${stack} did not reach DELETE_FAILED`);
  } finally {
    cfn.destroy();
    await clearFaults(endpoint);
  }
}

const PARAMS = ['FirstUserEmail: "admin@example.com"', 'PulumiSecretArn: "arn:aws:secretsmanager:us-east-2:123456789012:secret:pulumi-token"', 'PulumiSecretKeyArn: "arn:aws:secretsmanager:us-east-2:123456789012:secret:pulumi-key"'];

const said = (code: number, says: string): Said => ({ code, says });

/**
 * The matrix. Kept in step with the README's table "Failure states" (the same rows, the same
 * codes): a change to either is a change to both.
 */
const ROWS: Row[] = [
  {
    name: 'root stack UPDATE_ROLLBACK_COMPLETE (a failed upgrade)',
    setup: (w) => failUpgrade(w, [{ kind: 'fail-resource', stack: 'panther-root', version: 'v1.26.9' }]),
    expected: { status: said(10, 'document'), diagnose: said(4, 'action'), recover: said(1, 'recover-not-needed'), upgrade: said(1, 'unfinished-run'), resume: said(0, 'upgrade.done') },
    next: 'resume',
    nextGives: said(0, 'upgrade.done'),
  },
  {
    name: 'root stack UPDATE_ROLLBACK_FAILED',
    setup: (w) => failUpgrade(w, [{ kind: 'fail-resource', stack: 'panther-root', version: 'v1.26.9' }, { kind: 'fail-rollback', stack: 'panther-root', version: 'v1.26.9' }]),
    expected: { status: said(10, 'document'), diagnose: said(4, 'action'), recover: said(0, 'recover.done'), upgrade: said(4, 'stack-stuck'), resume: said(4, 'stack-stuck') },
    next: 'recover --stack panther-root',
    nextGives: said(0, 'recover.done'),
  },
  {
    name: 'nested stack UPDATE_ROLLBACK_FAILED',
    setup: (w) => failUpgrade(w, [{ kind: 'fail-resource', stack: 'panther-root', logicalId: 'WebFunction', version: 'v1.26.9' }, { kind: 'fail-rollback', stack: 'panther-root', version: 'v1.26.9' }]),
    expected: { status: said(10, 'document'), diagnose: said(4, 'action'), recover: said(0, 'recover.done'), upgrade: said(4, 'stack-stuck'), resume: said(4, 'stack-stuck') },
    next: 'recover --stack panther-root',
    nextGives: said(0, 'recover.done'),
  },
  {
    name: 'role stack UPDATE_ROLLBACK_COMPLETE (a failed upgrade)',
    setup: (w) => failUpgrade(w, [{ kind: 'fail-resource', stack: 'panther-deployment-role', version: 'v1.26.9' }]),
    expected: { status: said(10, 'document'), diagnose: said(4, 'action'), recover: said(1, 'recover-not-needed'), upgrade: said(1, 'unfinished-run'), resume: said(0, 'upgrade.done') },
    next: 'resume',
    nextGives: said(0, 'upgrade.done'),
  },
  {
    name: 'role stack UPDATE_ROLLBACK_FAILED',
    setup: (w) => failUpgrade(w, [{ kind: 'fail-resource', stack: 'panther-deployment-role', version: 'v1.26.9' }, { kind: 'fail-rollback', stack: 'panther-deployment-role', version: 'v1.26.9' }]),
    expected: { status: said(10, 'document'), diagnose: said(4, 'action'), recover: said(0, 'recover.done'), upgrade: said(4, 'stack-stuck'), resume: said(4, 'stack-stuck') },
    next: 'recover --stack panther-deployment-role',
    nextGives: said(0, 'recover.done'),
  },
  {
    name: 'root stack ROLLBACK_COMPLETE after a first deploy',
    sandbox: { empty: true, version: 'v1.28.7' },
    setup: async (w) => {
      const file = join(w.state, 'params.yml');
      writeFileSync(file, PARAMS.join('\n') + '\n');
      await setFaults(w.endpoint, [{ kind: 'fail-resource', stack: 'panther-root', version: 'v1.28.7' }]);
      const r = await runJson(['deploy', '--version', 'v1.28.7', '--root-stack', 'panther-root', '--params', file, '--yes', ...conn(w.endpoint, w.state)]);
      expect(r.code).toBe(4);
      await clearFaults(w.endpoint);
    },
    expected: { status: said(10, 'document'), diagnose: said(4, 'action'), recover: said(1, 'recover-not-needed'), upgrade: said(4, 'stack-stuck'), resume: said(4, 'stack-stuck') },
    next: 'deploy --replace-failed',
    nextGives: said(0, 'deploy.done'),
  },
  {
    name: 'root stack UPDATE_IN_PROGRESS, started by someone else',
    sandbox: { speed: 1 },
    setup: (w) => othersUpdate(w.endpoint, 'panther-root'),
    expected: { status: said(10, 'document'), diagnose: said(6, 'busy'), recover: said(1, 'recover-not-needed'), upgrade: said(6, 'stack-busy'), resume: said(1, 'nothing-to-resume') },
    next: 'diagnose',
    nextGives: said(6, 'busy'),
  },
  {
    name: 'role stack UPDATE_IN_PROGRESS, started by someone else',
    sandbox: { speed: 1 },
    setup: (w) => othersUpdate(w.endpoint, 'panther-deployment-role'),
    expected: { status: said(10, 'document'), diagnose: said(6, 'busy'), recover: said(1, 'recover-not-needed'), upgrade: said(6, 'stack-busy'), resume: said(1, 'nothing-to-resume') },
    next: 'diagnose',
    nextGives: said(6, 'busy'),
  },
  {
    name: 'root stack DELETE_FAILED (a delete someone else started)',
    setup: (w) => othersFailedDelete(w.endpoint, 'panther-root', 'PantherFunctionRole'),
    expected: { status: said(10, 'document'), diagnose: said(4, 'action'), recover: said(1, 'recover-not-needed'), upgrade: said(4, 'stack-stuck'), resume: said(4, 'stack-stuck') },
    next: 'aws cloudformation delete-stack --stack-name panther-root --retain-resources PantherFunctionRole',
    nextGives: said(0, 'aws'),
  },
  {
    name: 'role stack DELETE_FAILED (a delete someone else started)',
    setup: (w) => othersFailedDelete(w.endpoint, 'panther-deployment-role', 'DeploymentRole'),
    expected: { status: said(10, 'document'), diagnose: said(4, 'action'), recover: said(1, 'recover-not-needed'), upgrade: said(4, 'stack-stuck'), resume: said(4, 'stack-stuck') },
    next: 'aws cloudformation delete-stack --stack-name panther-deployment-role --retain-resources DeploymentRole',
    nextGives: said(0, 'aws'),
  },
  {
    name: 'a failed panther-pulumi build',
    setup: (w) => failUpgrade(w, [{ kind: 'fail-build' }]),
    expected: { status: said(10, 'document'), diagnose: said(4, 'action'), recover: said(1, 'recover-not-needed'), upgrade: said(1, 'unfinished-run'), resume: said(0, 'upgrade.done') },
    next: 'resume',
    nextGives: said(0, 'upgrade.done'),
  },
  {
    name: 'the lock held by a live run',
    setup: async (w) => {
      w.reset = writeLock(w.state, JSON.stringify({ pid: process.ppid, hostname: hostname(), since: new Date().toISOString(), command: 'upgrade', run: 'other-run' }) + '\n');
    },
    expected: { status: said(10, 'document'), diagnose: said(6, 'busy'), recover: said(6, 'locked'), upgrade: said(6, 'locked'), resume: said(6, 'locked') },
    next: 'diagnose',
    nextGives: said(6, 'busy'),
  },
  {
    name: 'a stale lock (its run died)',
    setup: async (w) => {
      w.reset = writeLock(w.state, JSON.stringify({ pid: 999_999, hostname: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'upgrade', run: 'dead-run' }) + '\n');
    },
    expected: { status: said(10, 'document'), diagnose: said(0, 'none'), recover: said(1, 'recover-not-needed'), upgrade: said(0, 'upgrade.done'), resume: said(0, 'resume.already-done') },
  },
  {
    name: 'an empty lock file (a crash between open and write)',
    setup: async (w) => {
      w.reset = writeLock(w.state, '', 60_000);
    },
    expected: { status: said(10, 'document'), diagnose: said(0, 'none'), recover: said(1, 'recover-not-needed'), upgrade: said(0, 'upgrade.done'), resume: said(0, 'resume.already-done') },
  },
];

const COMMANDS: Command[] = ['status', 'diagnose', 'recover', 'upgrade', 'resume'];

function argsOf(command: Command): string[] {
  switch (command) {
    case 'upgrade':
      // A target other than the failed run's: a new upgrade, not a continuation.
      return ['upgrade', '--to', 'v1.27.8', '--yes'];
    default:
      return [command];
  }
}

function saidBy(r: JsonRun, command: string): Said {
  if (r.error) return said(r.code, r.error.code);
  if (command === 'diagnose') return said(r.code, String(r.document?.attention));
  if (command === 'status') return said(r.code, r.document ? 'document' : 'none');
  return said(r.code, r.events.at(-1)?.code ?? 'none');
}

describe('the failure-state matrix', () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const sb = await startSandbox({ port: 0, speed: 400, region: 'us-east-2', version: 'v1.25.18', seed: 7, ...row.sandbox } as Parameters<typeof startSandbox>[0]);
      sandboxes.push(sb);
      const w: World = { endpoint: sb.endpoint, state: tempDir() };
      await row.setup(w);
      const c = [...conn(w.endpoint, w.state), '--root-stack', 'panther-root'];

      // diagnose first: it names the next command, which then runs last, as printed.
      w.reset?.();
      const diag = await runJson(['diagnose', ...c]);
      const nextCommand = typeof diag.document?.nextCommand === 'string' ? diag.document.nextCommand : undefined;
      const aws = row.next?.startsWith('aws ');
      if (row.next) expect(nextCommand, 'diagnose names the next command').toMatch(new RegExp(`^${aws ? '' : 'pantherctl '}${row.next}( |$)`));
      else expect(nextCommand).toBeUndefined();
      // With every flag it needs.
      const flags = aws ? ['--region us-east-2', `--endpoint-url ${w.endpoint}`] : ['--region us-east-2', `--endpoint-url ${w.endpoint}`, '--root-stack panther-root', `--state-dir ${w.state}`];
      if (nextCommand) for (const flag of flags) expect(nextCommand).toContain(flag);

      const got: Partial<Record<Command, Said>> = { diagnose: saidBy(diag, 'diagnose') };
      const nextVerb = nextCommand && !aws ? argvOf(nextCommand)[1] : undefined;
      for (const command of COMMANDS) {
        if (command === 'diagnose') continue;
        // The next command's own cell is what running it as printed gives (below).
        if (command === nextVerb) continue;
        w.reset?.();
        const r = await runJson([...argsOf(command), ...c]);
        expect(r.stderr, `${command}: one clear line, never a stack trace`).not.toMatch(/\n\s+at /);
        got[command] = saidBy(r, command);
        // A stack busy with someone else's operation: named with its status and start time.
        if (r.error?.code === 'stack-busy') expect(r.error).toMatchObject({ status: 'UPDATE_IN_PROGRESS', startedAt: expect.stringMatching(/^\d{4}-/) });
        if (r.error?.code === 'locked') expect(r.error).toMatchObject({ holder: { command: 'upgrade', run: 'other-run' } });
      }
      if (nextCommand && aws) {
        // The AWS CLI, as installed: the command as printed, with the test's credentials.
        const argv = argvOf(nextCommand);
        // Asynchronously: the sandbox answers from this very process.
        const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
          const child = spawn(argv[0]!, argv.slice(1), { env: process.env, stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
          child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
        });
        expect(r.stderr).toBe('');
        expect(said(r.code, 'aws')).toEqual(row.nextGives);
      } else if (nextCommand) {
        w.reset?.();
        const argv = argvOf(nextCommand);
        const r = await runJson(argv.slice(1));
        const gives = saidBy(r, argv[1]!);
        if (COMMANDS.includes(argv[1] as Command)) got[argv[1] as Command] = gives;
        expect(gives, `the next command as printed: ${nextCommand}`).toEqual(row.nextGives);
        // A recover names the resume that continues; it works too.
        const then = r.events.at(-1)?.data?.nextCommand;
        if (typeof then === 'string') {
          const resumed = await runJson(argvOf(then).slice(1));
          expect([resumed.code, resumed.events.at(-1)?.code]).toEqual([0, 'upgrade.done']);
        }
      }
      expect(got).toEqual(row.expected);
    });
  }
});
