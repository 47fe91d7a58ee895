/**
 * The rendered text of messages, tested here once: the e2e tests assert codes and payloads.
 */
import { describe, expect, it } from 'vitest';
import { MSG, REQ } from './messages.js';
import { JsonLinesRenderer, LineRenderer, createRenderer } from './renderers.js';

function sink(): NodeJS.WritableStream & { text: string } {
  const s = { text: '', write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WritableStream & { text: string };
}

const at = (iso: string) => () => new Date(iso);

describe('JsonLinesRenderer (--json)', () => {
  it('writes one numbered, timestamped object per message, data only when there is some, and no debug', () => {
    const out = sink();
    const r = new JsonLinesRenderer(out, at('2026-01-02T03:04:05.000Z'));
    r.notify(MSG['hop.start'].msg('hop 1 of 2: v1.26.9', { index: 1, total: 2, version: 'v1.26.9' }));
    r.notify(MSG['aws.retry'].msg('throttled', { operation: 'CloudFormation.DescribeStacks', code: 'throttled', attempt: 1, delayMs: 250 }));
    r.notify(MSG['preflight.passed'].msg('preflight passed (12 checks)'));
    const lines = out.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { seq: 1, time: '2026-01-02T03:04:05.000Z', level: 'info', code: 'hop.start', text: 'hop 1 of 2: v1.26.9', data: { index: 1, total: 2, version: 'v1.26.9' } },
      { seq: 2, time: '2026-01-02T03:04:05.000Z', level: 'info', code: 'preflight.passed', text: 'preflight passed (12 checks)' },
    ]);
  });

  it('cannot ask: a request gets its default answer, and nothing is written', async () => {
    const out = sink();
    const r = new JsonLinesRenderer(out);
    expect(await r.requestResponse(REQ['upgrade.confirm'].req('Upgrade?', { rootStack: 'panther-root', from: 'v1', to: 'v2', hops: [] }, false))).toBe(false);
    expect(out.text).toBe('');
  });
});

describe('LineRenderer (--ci, no TTY)', () => {
  it('prints each build log line, prefixed, and a failed build\'s tail under its line', () => {
    const out = sink();
    const r = new LineRenderer(out, false, at('2026-01-02T03:04:05.000Z'));
    r.notify(MSG['build.log'].msg('[panther-pulumi] Updating (panther):', { buildId: 'b:1', line: 'Updating (panther):', time: '2026-01-02T03:04:05.000Z' }));
    r.notify(MSG['build.failed'].msg('panther-pulumi build b:1 failed in phase BUILD: boom', { buildId: 'b:1', status: 'FAILED', phase: 'BUILD', logTail: ['a', 'b'], deepLink: 'https://console/x' }));
    expect(out.text.split('\n')).toEqual([
      '03:04:05 [panther-pulumi] Updating (panther):',
      '03:04:05 error panther-pulumi build b:1 failed in phase BUILD: boom',
      '03:04:05 error last 2 lines of the build log (all of it: https://console/x):',
      '03:04:05 error   | a',
      '03:04:05 error   | b',
      '',
    ]);
  });

  it('prints the time and the text, warnings and errors tagged, nothing for debug', () => {
    const out = sink();
    const r = new LineRenderer(out, false, at('2026-01-02T03:04:05.000Z'));
    r.notify(MSG['step.start'].msg('update role stack panther-deployment-role to v1.26.9…', { step: 'update-role', hop: 'v1.26.9', index: 1 }));
    r.notify(MSG['plan.warning'].msg('v1.29.4 is not a recommended release'));
    r.notify(MSG['failure.root-cause'].msg('root cause: panther-root / Core (AWS::CloudFormation::Stack) UPDATE_FAILED: boom', { text: 'panther-root / Core (AWS::CloudFormation::Stack) UPDATE_FAILED: boom' }));
    r.notify(MSG['stack.poll-retry'].msg('backing off', { stack: 'panther-root', code: 'throttled' }));
    expect(out.text).toBe(
      [
        '03:04:05 update role stack panther-deployment-role to v1.26.9…',
        '03:04:05 warn  v1.29.4 is not a recommended release',
        '03:04:05 error root cause: panther-root / Core (AWS::CloudFormation::Stack) UPDATE_FAILED: boom',
        '',
      ].join('\n'),
    );
  });

  it('colours only when asked', () => {
    const plain = sink();
    const colour = sink();
    new LineRenderer(plain, false).notify(MSG['params.issue'].msg('error', 'p.yml:2:3: bad [pattern-mismatch]', { severity: 'error', parameter: 'A', code: 'pattern-mismatch' }));
    new LineRenderer(colour, true).notify(MSG['params.issue'].msg('error', 'p.yml:2:3: bad [pattern-mismatch]', { severity: 'error', parameter: 'A', code: 'pattern-mismatch' }));
    // eslint-disable-next-line no-control-regex -- checking for ANSI colour codes
    expect(plain.text).not.toMatch(/\u001b\[/);
    expect(colour.text).toContain('\u001b[31merror \u001b[39m');
  });
});

describe('createRenderer', () => {
  it('picks the renderer of the mode', () => {
    expect(createRenderer({ mode: 'json', color: false, stdout: sink(), stderr: sink() })).toBeInstanceOf(JsonLinesRenderer);
    expect(createRenderer({ mode: 'ci', color: false, stdout: sink(), stderr: sink() })).toBeInstanceOf(LineRenderer);
  });
});
