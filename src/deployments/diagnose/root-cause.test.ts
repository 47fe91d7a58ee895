import { describe, expect, it } from 'vitest';
import { FakeCloudFormation, type FakeStack } from '../aws/test-support/fake-cloudformation.js';
import { FakeClock } from '../wait/test-support/fake-clock.js';
import { diagnoseStack } from './diagnose.js';
import { findRootCause, isNoiseReason } from './root-cause.js';

const NESTED = 'AWS::CloudFormation::Stack';

function world(): { clock: FakeClock; cf: FakeCloudFormation; root: FakeStack; core: FakeStack; web: FakeStack; tick: () => void } {
  const clock = new FakeClock();
  const cf = new FakeCloudFormation(() => clock.now());
  const root = cf.addStack('panther-root');
  const core = cf.addStack('panther-root-Core-AAA', 'UPDATE_COMPLETE', { parentId: root.summary.stackId });
  const web = cf.addStack('panther-root-Web-BBB', 'UPDATE_COMPLETE', { parentId: root.summary.stackId });
  const tick = (): void => clock.advance(1_000);
  // An older failed operation that must not be reported.
  cf.event(root, 'panther-root', 'UPDATE_IN_PROGRESS');
  tick();
  cf.event(root, 'OldThing', 'UPDATE_FAILED', { reason: 'old failure' });
  tick();
  cf.event(root, 'panther-root', 'UPDATE_ROLLBACK_COMPLETE');
  tick();
  return { clock, cf, root, core, web, tick };
}

/** Core's LayerVersion fails; Web is cancelled; the root rolls back. */
function failInCore(w: ReturnType<typeof world>, rollbackStatus = 'UPDATE_ROLLBACK_COMPLETE'): void {
  const { cf, root, core, web, tick } = w;
  const coreRes = { resourceType: NESTED, physicalId: core.summary.stackId };
  const webRes = { resourceType: NESTED, physicalId: web.summary.stackId };
  cf.event(root, 'panther-root', 'UPDATE_IN_PROGRESS');
  tick();
  cf.event(root, 'Core', 'UPDATE_IN_PROGRESS', coreRes);
  cf.event(root, 'Web', 'UPDATE_IN_PROGRESS', webRes);
  tick();
  cf.event(core, 'panther-root-Core-AAA', 'UPDATE_IN_PROGRESS');
  cf.event(web, 'panther-root-Web-BBB', 'UPDATE_IN_PROGRESS');
  tick();
  cf.event(core, 'LayerVersion', 'UPDATE_FAILED', { resourceType: 'AWS::Lambda::LayerVersion', reason: 'Layer version arn:...:3 does not exist' });
  cf.event(web, 'Site', 'UPDATE_FAILED', { reason: 'Resource update cancelled' });
  tick();
  cf.event(core, 'panther-root-Core-AAA', 'UPDATE_ROLLBACK_IN_PROGRESS', { reason: 'The following resource(s) failed to update: [LayerVersion].' });
  cf.event(root, 'Core', 'UPDATE_FAILED', { ...coreRes, reason: 'Embedded stack arn:... was not successfully updated. Currently in UPDATE_ROLLBACK_IN_PROGRESS' });
  cf.event(root, 'Web', 'UPDATE_FAILED', { ...webRes, reason: 'Resource update cancelled' });
  tick();
  cf.event(root, 'panther-root', 'UPDATE_ROLLBACK_IN_PROGRESS', { reason: 'The following resource(s) failed to update: [Core, Web].' });
  tick();
  if (rollbackStatus === 'UPDATE_ROLLBACK_FAILED') {
    cf.event(core, 'Fn', 'UPDATE_FAILED', { reason: 'Layer version arn:...:2 does not exist' });
    cf.event(core, 'panther-root-Core-AAA', 'UPDATE_ROLLBACK_FAILED');
    cf.event(root, 'Core', 'UPDATE_FAILED', { ...coreRes, reason: 'Embedded stack was not successfully rolled back' });
  }
  cf.event(root, 'panther-root', rollbackStatus);
}

describe('findRootCause', () => {
  it('descends into the failed nested stack and skips cancellation noise', async () => {
    const w = world();
    failInCore(w);
    const cause = await findRootCause(w.cf, 'panther-root');
    expect(cause).toMatchObject({
      stack: 'panther-root-Core-AAA',
      logicalId: 'LayerVersion',
      status: 'UPDATE_FAILED',
      reason: 'Layer version arn:...:3 does not exist',
      path: ['panther-root', 'panther-root-Core-AAA'],
      resourcePath: 'Core.LayerVersion',
      // ResourcesToSkip names a nested resource by its stack's NAME (botocore ContinueUpdateRollback).
      resourceToSkip: 'panther-root-Core-AAA.LayerVersion',
      duringRollback: false,
    });
    // Web (cancelled) was never opened.
    expect(w.cf.calls.some((c) => c.stack === w.web.summary.stackId)).toBe(false);
  });

  it('reads only the most recent operation (stops paginating at its start)', async () => {
    const w = world();
    for (let i = 0; i < 300; i++) w.cf.event(w.root, `Noise${i}`, 'UPDATE_COMPLETE');
    w.tick();
    w.cf.event(w.root, 'panther-root', 'UPDATE_COMPLETE');
    w.tick();
    failInCore(w);
    const all = await w.cf.describeEvents(w.root.summary.stackId, { stopAt: (e) => e.logicalId === 'panther-root' && e.status === 'UPDATE_IN_PROGRESS' });
    expect(all.length).toBeLessThan(20);
    expect((await findRootCause(w.cf, 'panther-root'))?.logicalId).toBe('LayerVersion');
  });

  it('finds the cause inside a nested stack that the rollback deleted', async () => {
    const w = world();
    const { cf, root, tick } = w;
    const alerts = cf.addStack('panther-root-Alerts-CCC', 'CREATE_IN_PROGRESS', { parentId: root.summary.stackId });
    cf.event(root, 'panther-root', 'UPDATE_IN_PROGRESS');
    tick();
    cf.event(root, 'Alerts', 'CREATE_IN_PROGRESS', { resourceType: NESTED, physicalId: alerts.summary.stackId });
    cf.event(alerts, 'panther-root-Alerts-CCC', 'CREATE_IN_PROGRESS');
    tick();
    cf.event(alerts, 'Topic', 'CREATE_FAILED', { resourceType: 'AWS::SNS::Topic', reason: 'Invalid parameter: KmsMasterKeyId' });
    cf.event(alerts, 'Queue', 'CREATE_FAILED', { reason: 'Resource creation cancelled' });
    tick();
    cf.event(root, 'Alerts', 'CREATE_FAILED', { resourceType: NESTED, physicalId: alerts.summary.stackId, reason: 'Embedded stack was not successfully created' });
    cf.event(root, 'panther-root', 'UPDATE_ROLLBACK_IN_PROGRESS', { reason: 'The following resource(s) failed to create: [Alerts].' });
    tick();
    cf.event(alerts, 'panther-root-Alerts-CCC', 'DELETE_COMPLETE');
    alerts.deleted = true;
    cf.event(root, 'panther-root', 'UPDATE_ROLLBACK_COMPLETE');
    const cause = await findRootCause(cf, 'panther-root');
    expect(cause).toMatchObject({ stack: 'panther-root-Alerts-CCC', logicalId: 'Topic', reason: 'Invalid parameter: KmsMasterKeyId' });
  });

  it('finds a deleted nested stack without a physical id through ListStacks', async () => {
    const w = world();
    const { cf, root, tick } = w;
    const alerts = cf.addStack('panther-root-Alerts-DDD', 'DELETE_COMPLETE', { parentId: root.summary.stackId });
    cf.event(root, 'panther-root', 'UPDATE_IN_PROGRESS');
    tick();
    cf.event(alerts, 'panther-root-Alerts-DDD', 'CREATE_IN_PROGRESS');
    cf.event(alerts, 'Topic', 'CREATE_FAILED', { reason: 'Topic quota exceeded' });
    alerts.deleted = true;
    tick();
    cf.event(root, 'Alerts', 'CREATE_FAILED', { resourceType: NESTED, reason: 'Embedded stack was not successfully created' });
    cf.event(root, 'panther-root', 'UPDATE_ROLLBACK_COMPLETE');
    const cause = await findRootCause(cf, 'panther-root');
    expect(cause?.reason).toBe('Topic quota exceeded');
    expect(cf.calls.some((c) => c.method === 'listStacks')).toBe(true);
  });

  it('returns undefined when nothing failed', async () => {
    const w = world();
    w.cf.event(w.root, 'panther-root', 'UPDATE_IN_PROGRESS');
    w.cf.event(w.root, 'panther-root', 'UPDATE_COMPLETE');
    expect(await findRootCause(w.cf, 'panther-root')).toBeUndefined();
  });

  it('recognises noise', () => {
    expect(isNoiseReason('Resource update cancelled')).toBe(true);
    expect(isNoiseReason('Resource creation cancelled')).toBe(true);
    expect(isNoiseReason('The following resource(s) failed to update: [Core].')).toBe(true);
    expect(isNoiseReason('Layer version does not exist')).toBe(false);
  });
});

describe('diagnoseStack', () => {
  it('explains a rolled back update', async () => {
    const w = world();
    failInCore(w);
    const d = await diagnoseStack(w.cf, 'panther-root');
    expect(d.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(d.stable).toBe(true);
    expect(d.state).toMatch(/rolled back to the previous template and parameters/);
    expect(d.rootCause?.logicalId).toBe('LayerVersion');
  });

  it('points UPDATE_ROLLBACK_FAILED at recover, listing what failed to roll back', async () => {
    const w = world();
    failInCore(w, 'UPDATE_ROLLBACK_FAILED');
    const d = await diagnoseStack(w.cf, 'panther-root');
    expect(d.stable).toBe(false);
    expect(d.nextCommand).toBe('pantherctl recover');
    expect(d.rootCause?.logicalId).toBe('LayerVersion');
    expect(d.rollbackFailures.map((f) => f.resourcePath)).toEqual(['Core.Fn']);
    expect(d.suggestedSkips).toEqual(['panther-root-Core-AAA.Fn']);
  });

  it('says ROLLBACK_COMPLETE can only be deleted', async () => {
    const w = world();
    const s = w.cf.addStack('panther-new', 'ROLLBACK_COMPLETE');
    w.cf.event(s, 'panther-new', 'CREATE_IN_PROGRESS');
    w.cf.event(s, 'Bucket', 'CREATE_FAILED', { reason: 'bucket exists' });
    w.cf.event(s, 'panther-new', 'ROLLBACK_COMPLETE');
    const d = await diagnoseStack(w.cf, 'panther-new');
    expect(d.state).toMatch(/can only be deleted and created again/);
    expect(d.rootCause?.reason).toBe('bucket exists');
  });

  it('points a root stack in ROLLBACK_COMPLETE at `pantherctl deploy --replace-failed`, never a bare delete-stack', async () => {
    const w = world();
    const s = w.cf.addStack('panther-new', 'ROLLBACK_COMPLETE');
    w.cf.event(s, 'panther-new', 'CREATE_IN_PROGRESS');
    w.cf.event(s, 'Bucket', 'CREATE_FAILED', { reason: 'bucket exists' });
    w.cf.event(s, 'panther-new', 'ROLLBACK_COMPLETE');
    const d = await diagnoseStack(w.cf, 'panther-new', { rootStack: true });
    expect(d.nextCommand).toMatch(/^pantherctl deploy --replace-failed --root-stack panther-new --version \S+ --params FILE$/);
    expect(d.nextCommand).not.toMatch(/delete-stack/);
  });

  it('refuses an unknown stack with stack-not-found', async () => {
    const w = world();
    await expect(diagnoseStack(w.cf, 'panther-nope')).rejects.toMatchObject({ code: 'stack-not-found' });
  });
});
