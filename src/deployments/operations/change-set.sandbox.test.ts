/**
 * createChangeSetAndWait decides "nothing to do" from what really changes. On a root stack
 * with nested stacks every change set lists a Modify per nested stack (aws/aws-cdk#6216,
 * #4488), so the answer comes from the nested change sets (IncludeNestedStacks, User Guide
 * change-sets-for-nested-stacks.md) and from the stack's own template, parameters and tags.
 * A no-op is journaled as such; discardChangeSet then deletes it (the step the upgrade's
 * assembler and the configure stages decide on instead of an execution).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rootTemplateUrl } from '../../catalog/urls.js';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { MemoryIoHost } from '../../io/messages.js';
import { tempJournal } from '../../journal/test-support/temp-journal.js';
import { startSandbox, type SandboxServer } from '../../sandbox/index.js';
import { loadExecutorDeps } from '../deps/load-executor-deps.js';
import { createChangeSetAndWait, discardChangeSet } from './change-set.js';
import type { OperationContext } from './context.js';

let sandbox: SandboxServer;
let c: OperationContext & { close(): void };

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, speed: 2000, seed: 14 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await fetch(`${sandbox.endpoint}/_sandbox/reset`, { method: 'POST' });
  const deps = loadExecutorDeps({ region: 'us-east-2', endpointUrl: sandbox.endpoint }, { pollIntervalMs: 20 });
  const { journal } = await tempJournal();
  c = { deps, io: new MemoryIoHost(), journal, signal: new AbortController().signal, timeoutMs: 60_000, rootStack: 'panther-root', resumeCommand: 'pantherctl resume', close: () => deps.close() };
  return () => c.close();
});

async function make(name: string, tags: Record<string, string> | undefined, version = 'v1.25.18', extra: { key: string; value: string }[] = []) {
  const root = (await c.deps.cloudFormation.describeStack('panther-root'))!;
  const url = rootTemplateUrl(version, 'us-east-2');
  const template = await c.deps.templates.fetchTemplate(url);
  return createChangeSetAndWait(c, {
    hop: version,
    stack: root,
    changeSetName: name,
    input: {
      templateUrl: url,
      parameters: [...root.parameters.filter((p) => !extra.some((e) => e.key === p.key)).map((p) => ({ key: p.key, usePreviousValue: true })), ...extra],
      tags: tags ?? root.tags,
    },
    templateSha256: template.sha256,
    failure: (reason) => new PantherctlError('change-set-failed', reason),
  });
}

async function actions(): Promise<string[]> {
  const { calls } = (await (await fetch(`${sandbox.endpoint}/_sandbox/calls`)).json()) as { calls: { action: string; outcome: string }[] };
  return calls.filter((x) => x.outcome === 'ok').map((x) => x.action);
}

describe('createChangeSetAndWait', () => {
  it('the live template, parameters and tags: nothing to do, and the change set is deleted', async () => {
    const made = await make('same', undefined);
    expect(made.noOp).toBe(true);
    expect(made.changeSet.changes).toEqual([]);
    expect(c.journal.all().at(-1)).toMatchObject({ type: 'step.done', step: 'create-change-set', changeSetName: 'same', changes: 0, noOp: true });
    // Deciding is not doing: nothing was deleted (or executed) yet.
    expect(await actions()).not.toContain('DeleteChangeSet');
    await discardChangeSet(c, { hop: 'v1.25.18', stackName: 'panther-root', changeSetName: made.changeSetName });
    expect(await actions()).toContain('DeleteChangeSet');
    expect(await actions()).not.toContain('ExecuteChangeSet');
    expect(c.journal.all().at(-1)).toMatchObject({ type: 'step.done', step: 'create-change-set', noChanges: true, deleted: true });
  });

  it('a tag that changes is a change, even with no resource change inside', async () => {
    const root = (await c.deps.cloudFormation.describeStack('panther-root'))!;
    const made = await make('tagged', { ...root.tags, Owner: 'security' });
    expect(made.noChanges).toBe(false);
    expect(made.noOp).toBe(false);
    expect(await actions()).not.toContain('DeleteChangeSet');
  });

  it('a parameter that changes shows the resources it reaches, named by their nested stack', async () => {
    const made = await make('runtime', undefined, 'v1.25.18', [{ key: 'PythonRuntime', value: 'python3.9' }]);
    expect(made.noChanges).toBe(false);
    expect(made.noOp).toBe(false);
    expect(made.changeSet.changes.map((ch) => `${ch.nestedPath ?? ''}.${ch.logicalId}`)).toEqual(['Core.AlertDeliveryFunction']);
  });

  it('a new version lists its real changes, no nested stack row among them', async () => {
    const made = await make('next', undefined, 'v1.26.9');
    expect(made.noChanges).toBe(false);
    expect(made.noOp).toBe(false);
    expect(made.changeSet.changes.some((ch) => ch.resourceType === 'AWS::CloudFormation::Stack')).toBe(false);
    expect(made.changeSet.changes).toContainEqual(expect.objectContaining({ nestedPath: 'Core', logicalId: 'PythonLayer', replacement: 'True' }));
  });
});
