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

  it('formats elapsed time', () => {
    expect(formatElapsed(5_400)).toBe('5s');
    expect(formatElapsed(125_000)).toBe('2m05s');
  });
});
