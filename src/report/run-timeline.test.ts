import { describe, expect, it } from 'vitest';
import { buildRunTimeline, RunNotFoundError, type TimelineJournalEntry } from './run-timeline.js';
import { at, builds, CORE, journal, ROLE, ROOT, sampleInput, SCRIPT_REASON, stackEvents, WEB } from './test-support/sample-run.js';

const S = 1000;
const M = 60 * S;

describe('buildRunTimeline on a two-hop upgrade that failed in a nested stack', () => {
  const t = buildRunTimeline(sampleInput);

  it('describes the run', () => {
    expect(t.run).toEqual({
      id: 'run-a',
      command: 'upgrade',
      from: 'v1.25.18',
      to: 'v1.27.8',
      principal: 'arn:aws:sts::123456789012:assumed-role/PantherOps/jane',
      rootStack: ROOT.name,
      roleStack: ROLE.name,
      start: at('10:00:00'),
      end: at('10:45:01'),
      durationMs: 45 * M + S,
      outcome: 'failed',
      code: 'stack-rolled-back',
      state: 'panther-root rolled back to its previous version (UPDATE_ROLLBACK_COMPLETE)',
    });
    expect(t.runs).toEqual([{ id: 'run-a', command: 'upgrade', start: at('10:00:00'), end: at('10:45:01'), outcome: 'failed', code: 'stack-rolled-back' }]);
  });

  it('gives each hop its role, root and build spans', () => {
    expect(t.hops.map((h) => [h.version, h.index, h.total, h.status])).toEqual([
      ['v1.26.9', 1, 2, 'done'],
      ['v1.27.8', 2, 2, 'failed'],
    ]);
    const [h1, h2] = t.hops;
    expect(h1?.role).toEqual({ status: 'done', start: at('10:00:05'), end: at('10:01:35'), durationMs: 90 * S });
    expect(h1?.root).toEqual({ status: 'done', start: at('10:01:40'), end: at('10:20:00'), durationMs: 18 * M + 20 * S });
    expect(h1?.build).toMatchObject({ status: 'done', start: at('10:20:05'), end: at('10:32:00'), id: 'panther-pulumi:b-1', buildStatus: 'SUCCEEDED' });
    expect(h1?.build?.phases.map((p) => p.type)).toEqual(['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED']);
    expect(h1?.build?.phases.find((p) => p.type === 'BUILD')).toMatchObject({ durationMs: 450 * S, failed: false });
    expect(h1?.start).toBe(at('10:00:05'));
    expect(h1?.end).toBe(at('10:32:03'));
    expect(h2?.root).toEqual({ status: 'failed', start: at('10:33:05'), end: at('10:45:00'), durationMs: 11 * M + 55 * S });
    expect(h2?.build).toBeUndefined();
  });

  it('places every stack event of the run in its hop, role / root / nested, and none from before', () => {
    const [h1, h2] = t.hops;
    expect(h1?.stacks.map((s) => [s.name, s.kind, s.depth, s.finalStatus])).toEqual([
      [ROLE.name, 'role', 0, 'UPDATE_COMPLETE'],
      [ROOT.name, 'root', 0, 'UPDATE_COMPLETE'],
      [CORE.name, 'nested', 1, 'UPDATE_COMPLETE'],
      [WEB.name, 'nested', 1, 'UPDATE_COMPLETE'],
    ]);
    expect(h1?.stacks[2]).toMatchObject({ parentStackId: ROOT.id, logicalId: 'Core', start: at('10:02:25'), end: at('10:14:50'), durationMs: 12 * M + 25 * S });
    expect(h2?.stacks.map((s) => [s.name, s.failed, s.finalStatus])).toEqual([
      [ROLE.name, false, 'UPDATE_COMPLETE'],
      [ROOT.name, true, 'UPDATE_ROLLBACK_COMPLETE'],
      [CORE.name, true, 'UPDATE_ROLLBACK_COMPLETE'],
    ]);
    const root1 = h1?.stacks[1];
    expect(root1?.resources.map((r) => r.logicalId)).toEqual(['ApiGatewayAccount', 'Core', 'Web']);
    expect(root1?.resources.find((r) => r.logicalId === 'ApiGatewayAccount')).toMatchObject({ start: at('10:02:20'), durationMs: 30 * S });
    expect(root1?.resources.find((r) => r.logicalId === 'Core')?.nestedStackId).toBe(CORE.id);
    expect(t.totals).toMatchObject({ hops: 2, hopsDone: 1, stacks: 7, resources: 12, failedResources: 2 });
  });

  it('keeps each stretch of a resource that failed and rolled back', () => {
    const alerts = t.hops[1]?.stacks[2]?.resources.find((r) => r.logicalId === 'AlertsFunction');
    expect(alerts).toMatchObject({
      start: at('10:33:50'),
      end: at('10:37:00'),
      durationMs: 3 * M + 10 * S,
      finalStatus: 'UPDATE_COMPLETE',
      failed: true,
      cancelled: false,
      rootCause: true,
      reason: SCRIPT_REASON,
      segments: [
        { start: at('10:33:50'), end: at('10:36:00'), status: 'UPDATE_FAILED' },
        { start: at('10:36:10'), end: at('10:37:00'), status: 'UPDATE_COMPLETE' },
      ],
    });
    expect(alerts?.forwardMs).toBeUndefined();
    const graph = t.hops[1]?.stacks[2]?.resources.find((r) => r.logicalId === 'GraphApi');
    expect(graph).toMatchObject({ failed: false, cancelled: true, rootCause: false });
    expect(t.hops[0]?.stacks[2]?.resources.find((r) => r.logicalId === 'GraphApi')?.forwardMs).toBe(11 * M);
  });

  it('names the root cause: the nested resource, not the nested stack reporting it', () => {
    expect(t.rootCause).toEqual({
      kind: 'resource',
      hop: 'v1.27.8',
      stack: CORE.name,
      logicalId: 'AlertsFunction',
      resourceType: 'AWS::Lambda::Function',
      status: 'UPDATE_FAILED',
      reason: SCRIPT_REASON,
      text: `AlertsFunction (AWS::Lambda::Function) in ${CORE.name}: UPDATE_FAILED: ${SCRIPT_REASON}`,
    });
  });

  it('lists the slowest resources, nested stack containers left out', () => {
    expect(t.slowest.slice(0, 3).map((s) => [s.hop, s.logicalId, s.durationMs])).toEqual([
      ['v1.26.9', 'GraphApi', 11 * M],
      ['v1.26.9', 'WebService', 5 * M],
      ['v1.27.8', 'GraphApi', 4 * M],
    ]);
    expect(t.slowest.some((s) => s.resourceType === 'AWS::CloudFormation::Stack')).toBe(false);
    expect(t.slowest).toHaveLength(9);
    expect(t.totals).toMatchObject({ roleMs: 90 * S + 55 * S, buildMs: 11 * M + 55 * S });
  });

  it('does not depend on the order of the events', () => {
    expect(buildRunTimeline({ ...sampleInput, stackEvents: [...stackEvents].reverse() })).toEqual(t);
  });
});

describe('buildRunTimeline, other runs', () => {
  const start = (run: string, time: string, extra: Partial<TimelineJournalEntry> = {}): TimelineJournalEntry => ({ run, time: at(time), type: 'run.start', rootStack: 'panther-root', roleStack: 'panther-deployment-role', ...extra });

  it('covers the runs a resume continued, and spans a step across them', () => {
    const entries: TimelineJournalEntry[] = [
      start('run-1', '09:00:00', { command: 'upgrade', from: 'v1.25.18', to: 'v1.26.9', hops: ['v1.26.9'] }),
      { run: 'run-1', time: at('09:00:10'), type: 'step.requested', step: 'update-role', hop: 'v1.26.9' },
      { run: 'run-1', time: at('09:01:10'), type: 'step.done', step: 'update-role', hop: 'v1.26.9' },
      { run: 'run-1', time: at('09:01:20'), type: 'step.requested', step: 'execute-change-set', hop: 'v1.26.9' },
      { run: 'run-1', time: at('09:05:00'), type: 'run.interrupted', code: 'expired-credentials' },
      start('run-2', '09:30:00', { command: 'resume', from: 'v1.25.18', to: 'v1.26.9', hops: ['v1.26.9'] }),
      { run: 'run-2', time: at('09:40:00'), type: 'step.done', step: 'execute-change-set', hop: 'v1.26.9' },
      { run: 'run-2', time: at('09:40:01'), type: 'hop.done', hop: 'v1.26.9' },
      { run: 'run-2', time: at('09:40:02'), type: 'run.done', to: 'v1.26.9' },
    ];
    const t = buildRunTimeline({ journal: entries });
    expect(t.run).toMatchObject({ id: 'run-2', command: 'upgrade', start: at('09:00:00'), end: at('09:40:02'), outcome: 'done' });
    expect(t.runs.map((r) => [r.id, r.command, r.outcome])).toEqual([
      ['run-1', 'upgrade', 'interrupted'],
      ['run-2', 'resume', 'done'],
    ]);
    expect(t.hops[0]?.root).toEqual({ status: 'done', start: at('09:01:20'), end: at('09:40:00'), durationMs: 38 * M + 40 * S });
    expect(t.rootCause).toBeUndefined();
    // The first run alone: interrupted, its root span open.
    const first = buildRunTimeline({ journal: entries, runId: 'run-1' });
    expect(first.runs).toHaveLength(1);
    expect(first.hops[0]?.root).toEqual({ status: 'interrupted', start: at('09:01:20') });
    expect(first.hops[0]?.status).toBe('interrupted');
  });

  it('names a failed build by its failing phase and context message', () => {
    const entries: TimelineJournalEntry[] = [
      start('run-b', '11:00:00', { command: 'upgrade', hops: ['v1.27.8'] }),
      { run: 'run-b', time: at('11:00:10'), type: 'step.done', step: 'update-role', hop: 'v1.27.8', skipped: 'already at version' },
      { run: 'run-b', time: at('11:00:20'), type: 'step.done', step: 'execute-change-set', hop: 'v1.27.8', skipped: 'already at version' },
      { run: 'run-b', time: at('11:00:30'), type: 'step.requested', step: 'start-build', hop: 'v1.27.8' },
      { run: 'run-b', time: at('11:00:31'), type: 'step.accepted', step: 'start-build', hop: 'v1.27.8', buildId: 'panther-pulumi:b-9' },
      { run: 'run-b', time: at('11:10:00'), type: 'step.failed', step: 'start-build', hop: 'v1.27.8', buildId: 'panther-pulumi:b-9', status: 'FAILED', phase: 'BUILD' },
      { run: 'run-b', time: at('11:10:01'), type: 'run.failed', code: 'build-failed', hop: 'v1.27.8', state: 'stack done, build failed' },
    ];
    const failedBuild = {
      id: 'panther-pulumi:b-9',
      status: 'FAILED',
      phases: [
        { type: 'INSTALL', status: 'SUCCEEDED', startTime: at('11:01:00'), endTime: at('11:02:00') },
        { type: 'BUILD', status: 'FAILED', startTime: at('11:02:00'), endTime: at('11:09:50'), message: 'COMMAND_EXECUTION_ERROR: Error while executing command: pulumi up. Reason: exit status 255' },
      ],
    };
    const t = buildRunTimeline({ journal: entries, builds: [...builds, failedBuild] });
    expect(t.hops[0]?.role?.status).toBe('skipped');
    expect(t.hops[0]?.root?.status).toBe('skipped');
    expect(t.hops[0]?.build).toMatchObject({ status: 'failed', id: 'panther-pulumi:b-9', buildStatus: 'FAILED' });
    expect(t.hops[0]?.build?.phases.map((p) => [p.type, p.failed])).toEqual([
      ['INSTALL', false],
      ['BUILD', true],
    ]);
    expect(t.rootCause).toEqual({
      kind: 'build',
      hop: 'v1.27.8',
      status: 'FAILED',
      phase: 'BUILD',
      reason: 'COMMAND_EXECUTION_ERROR: Error while executing command: pulumi up. Reason: exit status 255',
      text: 'build FAILED: in BUILD: COMMAND_EXECUTION_ERROR: Error while executing command: pulumi up. Reason: exit status 255',
    });
  });

  it('takes the root cause diagnose found when given', () => {
    const t = buildRunTimeline({ ...sampleInput, rootCause: { stack: CORE.name, logicalId: 'GraphApi', status: 'UPDATE_FAILED', reason: 'given by diagnose' } });
    expect(t.rootCause).toMatchObject({ kind: 'resource', hop: 'v1.27.8', logicalId: 'GraphApi', reason: 'given by diagnose', resourceType: 'AWS::AppSync::GraphQLApi' });
    const flagged = t.hops.flatMap((h) => h.stacks.flatMap((s) => s.resources)).filter((r) => r.rootCause);
    expect(flagged.map((r) => r.logicalId)).toEqual(['GraphApi']);
  });

  it('shows a run still going with open spans and pending hops', () => {
    const entries = journal.filter((e) => e.time <= at('10:10:00'));
    const t = buildRunTimeline({ journal: entries, stackEvents: stackEvents.filter((e) => String(e.time) <= at('10:10:00')), now: at('10:10:00') });
    expect(t.run.outcome).toBe('running');
    expect(t.run.end).toBeUndefined();
    expect(t.hops.map((h) => h.status)).toEqual(['running', 'pending']);
    expect(t.hops[0]?.root).toEqual({ status: 'running', start: at('10:01:40') });
    const core = t.hops[0]?.stacks.find((s) => s.name === CORE.name);
    expect(core?.end).toBeUndefined();
    expect(core?.resources.find((r) => r.logicalId === 'GraphApi')).toMatchObject({ finalStatus: 'UPDATE_IN_PROGRESS', segments: [{ start: at('10:03:00'), status: 'UPDATE_IN_PROGRESS' }] });
  });

  it('refuses a run the journal does not have, naming the ones it has', () => {
    expect(() => buildRunTimeline({ ...sampleInput, runId: 'nope' })).toThrow(RunNotFoundError);
    expect(() => buildRunTimeline({ ...sampleInput, runId: 'nope' })).toThrow('No run nope in the journal (runs: run-a).');
    expect(() => buildRunTimeline({ journal: [] })).toThrow('The journal has no run.');
  });
});
