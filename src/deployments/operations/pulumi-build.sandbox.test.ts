/**
 * The build step relies on StartBuild's idempotency token when it resumes: "The token is
 * included in the StartBuild request and is valid for 5 minutes. If you repeat the StartBuild
 * request with the same token ..." (botocore codebuild/2016-10-06, StartBuildInput); the
 * sandbox returns the same build for it, as CodeBuild does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryIoHost } from '../../io/messages.js';
import type { Journal } from '../../journal/journal.js';
import { summarizeJournal } from '../../journal/progress.js';
import { tempJournal } from '../../journal/test-support/temp-journal.js';
import { startSandbox, type SandboxServer } from '../../sandbox/index.js';
import { loadExecutorDeps } from '../deps/load-executor-deps.js';
import type { OperationContext } from './context.js';
import { runPulumiBuild } from './pulumi-build.js';

let sandbox: SandboxServer;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, speed: 2000, seed: 13 });
});
afterAll(async () => {
  await sandbox.close();
});

async function builds(): Promise<number> {
  const ops = ((await (await fetch(`${sandbox.endpoint}/_sandbox/operations`)).json()) as { operations: { kind: string }[] }).operations;
  return ops.filter((o) => o.kind === 'build').length;
}

async function startBuilds(): Promise<{ status: number }[]> {
  const calls = ((await (await fetch(`${sandbox.endpoint}/_sandbox/calls`)).json()) as { calls: { action: string; status: number }[] }).calls;
  return calls.filter((c) => c.action === 'StartBuild');
}

function context(journal: Journal): OperationContext & { close(): void } {
  const deps = loadExecutorDeps({ region: 'us-east-2', endpointUrl: sandbox.endpoint }, { pollIntervalMs: 20 });
  return { deps, io: new MemoryIoHost(), journal, signal: new AbortController().signal, timeoutMs: 60_000, rootStack: 'panther-root', resumeCommand: 'pantherctl resume', close: () => deps.close() };
}

describe('runPulumiBuild on resume', () => {
  it('asks again with the journaled token and gets the build the stopped run started, never a second one', async () => {
    const { journal } = await tempJournal();
    const c = context(journal);
    try {
      // A run journaled its request, made the call, and stopped before hearing the build id.
      await journal.append({ type: 'step.requested', step: 'start-build', hop: 'v1.26.9', clientRequestToken: 'pantherctl-build-v1-26-9-1a2b3c4d', project: 'panther-pulumi' });
      const buildsBefore = await builds();
      const first = await c.deps.codeBuild.startBuild('panther-pulumi', { idempotencyToken: 'pantherctl-build-v1-26-9-1a2b3c4d' });
      const before = (await startBuilds()).length;
      const record = summarizeJournal(journal.all()).hops.get('v1.26.9')?.steps['start-build'];
      let done: string | undefined;
      await runPulumiBuild(c, {
        hop: 'v1.26.9',
        record,
        token: 'pantherctl-build-v1-26-9-ffffffff',
        announce: { start: () => undefined, done: (id) => void (done = id) },
        failure: () => new Error('the build failed') as never,
      });
      expect(done).toBe(first);
      expect(journal.all().find((e) => e.type === 'step.accepted')).toMatchObject({ buildId: first });
      expect((c.io as MemoryIoHost).codes()).toContain('build.token-reused');
      // One more StartBuild call, answered with the first build: CodeBuild holds one build for the project's token.
      expect((await startBuilds()).slice(before)).toEqual([expect.objectContaining({ status: 200 })]);
      expect(await builds()).toBe(buildsBefore + 1);
    } finally {
      c.close();
      journal.close();
    }
  });

  it('starts the build a stopped run asked for but never got, with that token', async () => {
    const { journal } = await tempJournal();
    const c = context(journal);
    try {
      const last = await c.deps.codeBuild.lastBuild('panther-pulumi');
      await journal.append({ type: 'step.requested', step: 'start-build', hop: 'v1.27.8', clientRequestToken: 'pantherctl-build-v1-27-8-0a0b0c0d', project: 'panther-pulumi' });
      const record = summarizeJournal(journal.all()).hops.get('v1.27.8')?.steps['start-build'];
      let done: string | undefined;
      await runPulumiBuild(c, { hop: 'v1.27.8', record, token: 'unused', announce: { start: () => undefined, done: (id) => void (done = id) }, failure: () => new Error('failed') as never });
      expect(done).toBeDefined();
      expect(done).not.toBe(last?.id);
      // The same token again (a second resume) is the same build.
      expect(await c.deps.codeBuild.startBuild('panther-pulumi', { idempotencyToken: 'pantherctl-build-v1-27-8-0a0b0c0d' })).toBe(done);
    } finally {
      c.close();
      journal.close();
    }
  });
});
