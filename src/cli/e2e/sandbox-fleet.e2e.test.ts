/**
 * `sandbox start --fleet N --fleet-file F` writes a fleet file that pantherctl loads as is, and
 * whose profiles (in F.credentials) reach each deployment in its own account and region.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startSandbox, type SandboxServer } from '../../sandbox/index.js';
import { installCredentials, runJson } from '../test-support/harness.js';
import { loadFleetFile } from '../../fleet/file/load.js';

vi.setConfig({ testTimeout: 120_000 });

let server: SandboxServer | undefined;
const file = join(mkdtempSync(join(tmpdir(), 'fleet-file-')), 'pantherctl-fleet.yml');

beforeAll(async () => {
  installCredentials();
  server = await startSandbox({ port: 0, speed: 400, seed: 5, fleet: 4, fleetFile: file });
  // The SDK's profile provider reads this from the process environment.
  process.env.AWS_SHARED_CREDENTIALS_FILE = `${file}.credentials`;
});
afterAll(async () => {
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  await server?.close();
});

it('loads, with a staging wave first and production requiring it; each profile reaches its deployment', async () => {
  const fleet = loadFleetFile(file);
  expect(fleet.deployments.map((d) => [d.account, d.region, d.wave, d.credentials])).toEqual([
    ['111111111111', 'us-east-2', 'staging', { kind: 'profile', profile: 'sandbox-111111111111' }],
    ['111111111111', 'us-west-2', 'production', { kind: 'profile', profile: 'sandbox-111111111111' }],
    ['111111111111', 'eu-west-1', 'production', { kind: 'profile', profile: 'sandbox-111111111111' }],
    ['222222222222', 'us-east-2', 'production', { kind: 'profile', profile: 'sandbox-222222222222' }],
  ]);
  for (const d of fleet.deployments) {
    const profile = d.credentials.kind === 'profile' ? d.credentials.profile : '';
    const r = await runJson(['status', '--endpoint-url', d.endpointUrl ?? '', '--region', d.region, '--profile', profile, '--account', d.account, '--root-stack', d.rootStack], { AWS_SHARED_CREDENTIALS_FILE: `${file}.credentials` });
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(10);
    expect(r.document).toMatchObject({ rootStack: { name: 'panther-root', version: 'v1.25.18' } });
  }
});
