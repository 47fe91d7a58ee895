import { describe, expect, it } from 'vitest';
import { MSG } from './messages.js';
import { TtyRenderer, formatElapsed } from './tty-renderer.js';
import type { StackEventMessage } from '../deployments/wait/types.js';

const event = (status: string): StackEventMessage => ({
  stack: 'panther-root',
  stackId: 'arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/1',
  logicalId: 'Core',
  resourceType: 'AWS::CloudFormation::Stack',
  status,
  time: '2026-01-01T00:00:00.000Z',
  nested: false,
});

function sink(): NodeJS.WritableStream & { text: string; columns: number } {
  const s = { text: '', columns: 80, write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WritableStream & { text: string; columns: number };
}

describe('TtyRenderer', () => {
  it('prints finished events as lines and redraws the live view in place below them', () => {
    const out = sink();
    let t = 0;
    const r = new TtyRenderer(out, false, () => new Date(t), { tickMs: 0 });
    r.notify({ level: 'info', code: 'hop.start', text: 'hop 2 of 3: v1.27.8', data: { index: 2, total: 3, version: 'v1.27.8' } });
    r.notify({ level: 'info', code: 'step.start', text: 'update root', data: { step: 'execute-change-set', stack: 'panther-root' } });
    t = 65_000;
    r.notify(MSG['stack.progress'].msg('root: 2 in progress', { stack: 'root', inProgress: ['panther-root/Core', 'panther-root/Web'], elapsedMs: 65_000 }));
    r.notify(MSG['stack.event'].msg('info', 'x', event('UPDATE_IN_PROGRESS')));
    r.notify(MSG['stack.event'].msg('info', 'x', event('UPDATE_COMPLETE')));
    r.close();
    // No colour with color=false; cursor movement is still used for the redraw.
    // eslint-disable-next-line no-control-regex -- checking for ANSI colour codes
    expect(out.text).not.toMatch(/\u001b\[\d+m/);
    expect(out.text).toContain('\u001b[J');
    expect(out.text).toContain('hop 2 of 3 → v1.27.8  1m05s');
    expect(out.text).toContain('… panther-root/Web');
    expect(out.text).toContain('panther-root Core UPDATE_COMPLETE');
    expect(out.text).not.toContain('Core UPDATE_IN_PROGRESS');
  });

  it('marks what finished, warnings and errors, and drops the live view on a failure', () => {
    const out = sink();
    const r = new TtyRenderer(out, false, () => new Date(0), { tickMs: 0 });
    r.notify(MSG['hop.start'].msg('hop 1 of 1: v1.26.9', { index: 1, total: 1, version: 'v1.26.9' }));
    r.notify(MSG['step.done'].msg('update role stack panther-deployment-role to v1.26.9: done', { step: 'update-role', hop: 'v1.26.9', index: 1 }));
    r.notify(MSG['preflight.check'].msg('warn', 'warning: v1.26.9: a note', { id: 'note', class: 'advisory', ok: true, severity: 'warning', hop: 'v1.26.9' }));
    r.notify(MSG['stack.event'].msg('warn', 'x', { ...event('UPDATE_FAILED'), reason: 'boom' }));
    r.notify(MSG['failure.root-cause'].msg('root cause: Core UPDATE_FAILED: boom', { text: 'Core UPDATE_FAILED: boom' }));
    // Without the cursor movements of the redraw.
    const lines = out.text.split('\n').map((l) => l.replace(new RegExp(`\r|${String.fromCharCode(27)}\\[\\d*[AJ]`, 'g'), ''));
    expect(lines).toContain('▶ hop 1 of 1: v1.26.9');
    expect(lines).toContain('✔ update role stack panther-deployment-role to v1.26.9: done');
    expect(lines).toContain('! warning: v1.26.9: a note');
    // A failed event is a warning: its text, marked.
    expect(lines).toContain('! x');
    expect(lines).toContain('✖ root cause: Core UPDATE_FAILED: boom');
    // After the failure no live view is drawn again: the last line is the failure.
    expect(lines.filter((l) => l !== '').at(-1)).toBe('✖ root cause: Core UPDATE_FAILED: boom');
    r.close();
  });

  it('shows the build log\'s last lines under the build\'s line, and a failed build\'s tail when it fails', () => {
    const out = sink();
    const r = new TtyRenderer(out, false, () => new Date(0), { tickMs: 0 });
    r.notify(MSG['hop.start'].msg('hop 1 of 1: v1.26.9', { index: 1, total: 1, version: 'v1.26.9' }));
    r.notify(MSG['step.start'].msg('run panther-pulumi build…', { step: 'start-build', hop: 'v1.26.9', index: 1 }));
    r.notify(MSG['build.phase'].msg('phase BUILD', { buildId: 'b:1', phase: 'BUILD', status: 'IN_PROGRESS' }));
    for (let i = 1; i <= 7; i++) r.notify(MSG['build.log'].msg(`[panther-pulumi] line ${i}`, { buildId: 'b:1', line: `line ${i}`, time: '2026-01-01T00:00:00.000Z' }));
    const live = out.text.slice(out.text.lastIndexOf('hop 1 of 1 →'));
    // The last five, under the build's line; the older ones scrolled out of the live view.
    expect(live).toContain('start-build · phase BUILD');
    expect(live).toContain('│ line 7');
    expect(live).toContain('│ line 3');
    expect(live).not.toContain('│ line 2');
    r.notify(MSG['build.failed'].msg('panther-pulumi build b:1 failed in phase BUILD: boom', { buildId: 'b:1', status: 'FAILED', phase: 'BUILD', message: 'boom', logTail: ['line 6', 'line 7'] }));
    r.close();
    const lines = out.text.split('\n').map((l) => l.replace(new RegExp(`\r|${String.fromCharCode(27)}\\[\\d*[AJ]`, 'g'), ''));
    const at = lines.indexOf('✖ panther-pulumi build b:1 failed in phase BUILD: boom');
    expect(at).toBeGreaterThan(-1);
    expect(lines.slice(at + 1, at + 4)).toEqual(['  last 2 lines of the build log:', '  │ line 6', '  │ line 7']);
  });

  it('formats elapsed time', () => {
    expect(formatElapsed(5_400)).toBe('5s');
    expect(formatElapsed(125_000)).toBe('2m05s');
  });
});
