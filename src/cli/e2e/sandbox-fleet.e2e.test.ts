/**
 * `sandbox start --fleet N --fleet-file F` writes a fleet file that pantherctl loads as is, and
 * whose profiles (in F.credentials) reach each deployment in its own account and region.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startSandbox, type SandboxServer } from '../../sandbox/index.js';
import { installCredentials, runJson } from '../test-support/harness.js';
import { loadFleetFile } from '../../fleet/file/load.js';
import { openS3State } from '../../deployments/state/open-s3-state.js';

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

it('fleet status: one row per deployment with its version, last run (from the shared state) and lock; exit 10 when behind, 3 when one is unreadable', async () => {
  const s3 = new S3Client({ region: 'us-east-2', endpoint: server!.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AKIA111111111111SBOX', secretAccessKey: 'sandbox' } });
  await s3.send(new CreateBucketCommand({ Bucket: 'fleet-state', CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
  s3.destroy();
  const state = 's3://fleet-state/ops';
  const fleet = loadFleetFile(file);
  const first = fleet.deployments[0]!;
  const up = await runJson(['upgrade', '--to', 'v1.26.9', '--yes', '--endpoint-url', first.endpointUrl ?? '', '--region', first.region, '--profile', 'sandbox-111111111111', '--root-stack', 'panther-root', '--state', state]);
  expect(up.error).toBeUndefined();

  // Another operator holds the second deployment right now.
  const second = fleet.deployments[1]!;
  const holding = openS3State({ region: 'us-east-2', endpointUrl: server!.endpoint }, state);
  const lease = await holding.store.acquire({ account: second.account, region: second.region, rootStack: second.rootStack }, { command: 'upgrade', run: 'other' });
  const r = await runJson(['fleet', 'status', '--fleet', file, '--state', state]);
  await holding.store.release(lease);
  holding.close();
  expect(r.code).toBe(10);
  expect((r.document as { deployments: { lock?: { command: string; holder: string } }[] }).deployments.map((d) => d.lock?.command)).toEqual([undefined, 'upgrade', undefined, undefined]);
  const rows = (r.document as { deployments: { name: string; state: string; version?: string; lastRun?: { command: string; outcome: string; to?: string } }[] }).deployments;
  expect(rows.map((d) => [d.name, d.state, d.version])).toEqual(fleet.deployments.map((d, i) => [d.name, 'behind', i === 0 ? 'v1.26.9' : 'v1.25.18']));
  expect(rows[0]?.lastRun).toMatchObject({ command: 'upgrade', outcome: 'done', to: 'v1.26.9' });
  expect(rows[1]?.lastRun).toBeUndefined();

  // A deployment whose credentials do not work is a row with its error, and exit 3.
  const broken = join(mkdtempSync(join(tmpdir(), 'fleet-broken-')), 'fleet.yml');
  writeFileSync(broken, `${readFileSync(file, 'utf8')}  - name: lost\n    account: "333333333333"\n    region: us-east-2\n    rootStack: panther-root\n    credentials: { profile: no-such-profile }\n    wave: production\n`);
  const b = await runJson(['fleet', 'status', '--fleet', broken, '--state', state]);
  expect(b.code).toBe(3);
  expect((b.document as { deployments: { name: string; state: string; error?: { code: string } }[] }).deployments.at(-1)).toMatchObject({ name: 'lost', state: 'unknown', error: { code: expect.any(String) } });
});
