/**
 * CodeBuild as the `panther-pulumi` step uses it, through the AWS SDK v3 and the AWS CLI.
 * Source: botocore codebuild/2016-10-06 service-2.json (StartBuildInput.idempotencyToken,
 * BuildPhaseType, BatchGetBuildsOutput); JSON 1.1 with target CodeBuild_20161006 (its metadata).
 */
import { BatchGetBuildsCommand, StartBuildCommand } from '@aws-sdk/client-codebuild';
import { describe, expect, it, vi } from 'vitest';
import { admin, clientsFor } from '../test-support/clients.js';
import { awsCliJson } from '../test-support/aws-cli.js';
import { sdkError } from '../test-support/fidelity.js';
import { useSandbox } from '../test-support/use-sandbox.js';

// Each AWS CLI run starts a Python interpreter: seconds apiece on a busy machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const sandbox = useSandbox({ speed: 2000, seed: 26 });
const PHASES = ['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED'];

describe('StartBuild idempotencyToken', () => {
  // "The token is included in the StartBuild request and is valid for 5 minutes. If you repeat
  // the StartBuild request with the same token, but change a parameter, CodeBuild returns a
  // parameter mismatch error." (BC StartBuildInput.idempotencyToken)
  it('a repeat with the same token within 5 minutes is the same build, not a second one (SDK and CLI)', async () => {
    const { codebuild } = clientsFor(sandbox.endpoint);
    const a = await codebuild.send(new StartBuildCommand({ projectName: 'panther-pulumi', idempotencyToken: 'tok-1' }));
    const b = await codebuild.send(new StartBuildCommand({ projectName: 'panther-pulumi', idempotencyToken: 'tok-1' }));
    expect(b.build?.id).toBe(a.build?.id);
    const viaCli = await awsCliJson<{ build: { id: string } }>(sandbox.endpoint, ['codebuild', 'start-build', '--project-name', 'panther-pulumi', '--idempotency-token', 'tok-1']);
    expect(viaCli.build.id).toBe(a.build?.id);
    const other = await codebuild.send(new StartBuildCommand({ projectName: 'panther-pulumi', idempotencyToken: 'tok-2' }));
    expect(other.build?.id).not.toBe(a.build?.id);
    const changed = await sdkError(codebuild.send(new StartBuildCommand({ projectName: 'panther-pulumi', idempotencyToken: 'tok-1', sourceVersion: 'refs/heads/other' })));
    expect(changed.name).toBe('InvalidInputException');
    const ops = await admin<{ operations: { kind: string }[] }>(sandbox.endpoint, 'GET', 'operations');
    expect(ops.operations.filter((o) => o.kind === 'build')).toHaveLength(2);
    codebuild.destroy();
  });
});

describe('builds', () => {
  // BC BuildPhaseType lists the phases in order, COMPLETED last; BatchGetBuilds answers
  // `builds` and `buildsNotFound`.
  it('go through the documented phases; unknown ids are buildsNotFound', async () => {
    const { codebuild } = clientsFor(sandbox.endpoint);
    const started = await codebuild.send(new StartBuildCommand({ projectName: 'panther-pulumi' }));
    await admin(sandbox.endpoint, 'POST', 'settle');
    const got = await codebuild.send(new BatchGetBuildsCommand({ ids: [started.build?.id as string, 'panther-pulumi:no-such-build'] }));
    expect(got.builds?.[0]).toMatchObject({ buildStatus: 'SUCCEEDED', currentPhase: 'COMPLETED', buildComplete: true });
    expect(got.builds?.[0]?.phases?.map((p) => p.phaseType)).toEqual(PHASES);
    expect(got.buildsNotFound).toEqual(['panther-pulumi:no-such-build']);
    codebuild.destroy();
  });
});
