import { describe, expect, it } from 'vitest';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { MSG } from '../io/messages.js';
import { nextCommandIn, RunNotifications } from './run-notifications.js';

describe('RunNotifications', () => {
  it('sends nothing for a run that changes nothing (dry run, declined, already at the target), not even its error', () => {
    const n = new RunNotifications('upgrade');
    expect(n.observe(MSG['deployment.version'].msg('x', { version: 'v1.25.18', source: 'tag' }))).toEqual([]);
    expect(n.observe(MSG['plan.hop'].msg('x', { index: 1, total: 1, version: 'v1.26.9', reason: 'r', postDeploy: [] }))).toEqual([]);
    expect(n.observe(MSG['upgrade.dry-run'].msg('x', { from: 'v1.25.18', to: 'v1.26.9', hops: ['v1.26.9'] }))).toEqual([]);
    expect(n.failed(new PantherctlError('preflight-failed', 'no', { meta: { failures: [] } }), 'pantherctl diagnose')).toBeUndefined();
    expect(n.hasStarted).toBe(false);
  });

  it('a started run: Ctrl-C is run.interrupted with the hop it was in and the command from the hint', () => {
    let t = 0;
    const n = new RunNotifications('upgrade', () => t);
    n.observe(MSG['deployment.version'].msg('x', { version: 'v1.25.18', source: 'tag' }));
    expect(n.observe(MSG['hop.start'].msg('x', { index: 1, total: 1, version: 'v1.26.9' })).map((e) => e.event)).toEqual(['run.start']);
    t = 5_000;
    const err = new PantherctlError('interrupted', 'stopped waiting', { hint: 'Run `pantherctl resume --region us-east-2` to continue.' });
    expect(n.failed(err, 'fallback')).toEqual({ event: 'run.interrupted', data: { code: 'interrupted', message: 'stopped waiting', hop: 'v1.26.9', nextCommand: 'pantherctl resume --region us-east-2' } });
  });

  it('a failed stack update carries the root cause the run reported', () => {
    const n = new RunNotifications('upgrade');
    n.observe(MSG['hop.start'].msg('x', { index: 1, total: 1, version: 'v1.26.9' }));
    n.observe(MSG['failure.root-cause'].msg('root cause', { text: 'Core / Fn UPDATE_FAILED: boom', logicalId: 'Fn', status: 'UPDATE_FAILED', reason: 'boom' }));
    const e = n.failed(new PantherctlError('stack-rolled-back', 'rolled back', { meta: { stack: 'panther-root' } }), 'pantherctl diagnose');
    expect(e).toMatchObject({ event: 'run.failed', data: { code: 'stack-rolled-back', hop: 'v1.26.9', rootCause: { logicalId: 'Fn', reason: 'boom' }, nextCommand: 'pantherctl diagnose' } });
  });

  it('finds the next command in a hint', () => {
    expect(nextCommandIn('Fix it, then run `pantherctl resume --root-stack a` (it reruns only the build).')).toBe('pantherctl resume --root-stack a');
    expect(nextCommandIn('nothing to run')).toBeUndefined();
    expect(nextCommandIn(undefined)).toBeUndefined();
  });
});
