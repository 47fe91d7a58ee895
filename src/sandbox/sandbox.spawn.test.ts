import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeStackEventsCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, clientsFor } from './test-support/clients.js';
import { spawnSandbox } from './test-support/spawn-sandbox.js';

const built = existsSync(new URL('../../dist/cli/main.js', import.meta.url));

describe('pantherctl sandbox start (built CLI, separate process)', () => {
  let dir: string;
  beforeAll(() => {
    if (!built) throw new Error('dist/ is missing: run `npm run build` before this test');
    dir = mkdtempSync(join(tmpdir(), 'sandbox-spawn-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its ready line, serves, applies a fault file, and keeps its state across a restart', async () => {
    const state = join(dir, 'state.json');
    const faults = join(dir, 'faults.yml');
    writeFileSync(faults, 'faults:\n  - kind: throttle\n    probability: 1\n    action: DescribeStackEvents\n    times: 1\n');
    const first = await spawnSandbox(['--speed', '1000', '--state-file', state, '--faults', faults, '--version', 'v1.26.9']);
    try {
      expect(first.endpoint).toBe(`http://127.0.0.1:${first.port}`);
      const { cfn } = clientsFor(first.endpoint, { maxAttempts: 1 });
      const root = (await cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0];
      expect(root?.Tags).toContainEqual({ Key: 'PantherVersion', Value: 'v1.26.9' });
      await expect(cfn.send(new DescribeStackEventsCommand({ StackName: 'panther-root' }))).rejects.toMatchObject({ name: 'Throttling' });
      await admin(first.endpoint, 'POST', 'reset');
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(JSON.parse(readFileSync(state, 'utf8')).format).toBe('pantherctl-sandbox-state');

    const second = await spawnSandbox(['--speed', '1000', '--state-file', state, '--empty']);
    try {
      const { cfn } = clientsFor(second.endpoint);
      // The state file wins over --empty: the account is the one that was saved.
      const root = (await cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0];
      expect(root?.Tags).toContainEqual({ Key: 'PantherVersion', Value: 'v1.26.9' });
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('refuses a bad fault file with a one-line error', async () => {
    const faults = join(dir, 'bad.json');
    writeFileSync(faults, '{"faults":[{"kind":"nope"}]}');
    await expect(spawnSandbox(['--faults', faults], { timeoutMs: 10_000 })).rejects.toThrow(/is not a valid fault list/);
  });
});
