import { describe, expect, it } from 'vitest';
import { TtyRenderer, formatElapsed } from './tty-renderer.js';

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
    r.notify({ level: 'info', code: 'stack.progress', text: 'root: 2 in progress', data: { stack: 'root', inProgress: ['panther-root/Core', 'panther-root/Web'] } });
    r.notify({ level: 'info', code: 'stack.event', text: 'x', data: { stack: 'panther-root', logicalId: 'Core', status: 'UPDATE_IN_PROGRESS' } });
    r.notify({ level: 'info', code: 'stack.event', text: 'x', data: { stack: 'panther-root', logicalId: 'Core', status: 'UPDATE_COMPLETE' } });
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
