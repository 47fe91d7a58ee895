import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { learnDurations } from '../deployments/eta/estimate.js';
import { textRedactor } from '../support/redactors.js';
import { escapeHtml, formatDuration, formatTime, jsonForScript } from './escape-html.js';
import { renderRunReport } from './render-run-report.js';
import { runDurations, stackPath } from './run-durations.js';
import { buildRunTimeline, type RunTimeline } from './run-timeline.js';
import { SCRIPT_REASON, sampleInput } from './test-support/sample-run.js';

const timeline = buildRunTimeline(sampleInput);
const html = renderRunReport(timeline);

describe('renderRunReport (the file itself)', () => {
  it('references nothing outside the file', () => {
    // No tag with a src or href, no CSS url(): escaped text may say `src=`, markup may not.
    expect(html).not.toMatch(/<[^>]*\s(src|href|srcset|action)=|url\(|@import|<link|<iframe|<object|<embed/i);
    expect(html).toContain(`content="default-src &#39;none&#39;;`);
  });

  it('allows exactly its own inline script by hash', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256')
      .update(scripts[0] ?? '')
      .digest('base64');
    expect(html).toContain(`script-src &#39;sha256-${hash}&#39;`);
  });

  it('escapes names and reasons everywhere, and embeds the timeline as inert JSON', () => {
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain(escapeHtml('<script>window.__pwned=1</script>'));
    const data = /<script type="application\/json" id="timeline-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(data).not.toMatch(/[<>]/);
    expect(JSON.parse(data)).toEqual(timeline);
  });

  it('escapes hostile stack and resource names too', () => {
    const evil = structuredClone(timeline) as RunTimeline;
    const stack = evil.hops[0]?.stacks[0];
    if (!stack?.resources[0]) throw new Error('fixture changed');
    stack.name = '"><svg onload=alert(1)>';
    stack.resources[0].logicalId = '</div><script>alert(2)</script>';
    evil.run.principal = "jane' onmouseover='x";
    const out = renderRunReport(evil, { embedData: false });
    expect(out).not.toContain('<svg onload');
    expect(out).not.toContain('<script>alert(2)');
    expect(out).not.toContain("jane' onmouseover");
    expect(out).toContain('data-stack="&quot;&gt;&lt;svg onload=alert(1)&gt;"');
  });

  it('redacts every string when given a redactor', () => {
    const out = renderRunReport(timeline, { redact: textRedactor({ secrets: [{ key: 'X', value: 'UnreservedConcurrentExecution' }] }) });
    expect(out).not.toContain('UnreservedConcurrentExecution');
    expect(out).toContain('[REDACTED:secret-value]');
  });

  it('renders the same bytes for the same timeline', () => {
    expect(renderRunReport(timeline)).toBe(html);
  });

  it('renders a run with no events and a hop not reached', () => {
    const bare = buildRunTimeline({ journal: sampleInput.journal.filter((e) => e.seq !== undefined && e.seq <= 3) });
    const out = renderRunReport(bare);
    expect(out).toContain('Not reached by this run.');
    expect(out).toContain('data-outcome="running"');
  });
});

describe('report formatting', () => {
  it('formats durations and times', () => {
    expect([0, 999, 42_000, 65_000, 3_600_000 + 120_000].map(formatDuration)).toEqual(['0s', '1s', '42s', '1m 05s', '1h 02m']);
    expect(formatDuration(undefined)).toBe('');
    expect(formatTime('2027-01-14T10:02:03.000Z')).toBe('2027-01-14 10:02:03 UTC');
    expect(jsonForScript({ a: '</script><!--\u2028&' })).toBe('{"a":"\\u003c/script\\u003e\\u003c!--\\u2028\\u0026"}');
  });
});

describe('runDurations (what the ETA learner gets from a run)', () => {
  it('takes the finished hops, their steps and the forward time of each resource, keyed by a stable stack path', () => {
    const past = runDurations(timeline);
    expect(past.hops).toEqual([{ version: 'v1.26.9', steps: { role: 90_000, root: 1_100_000, build: 715_000 } }]);
    const keys = past.resources?.map((r) => r.key) ?? [];
    expect(keys).toContain('root.Core/GraphApi');
    expect(keys).toContain('role/DeploymentRole');
    expect(keys).toContain('root/Core');
    expect(past.resources?.find((r) => r.key === 'root.Core/GraphApi')?.durationMs).toBe(660_000);
    // Nothing of the failed hop: its times are not what the change takes.
    expect(keys.filter((k) => k.includes('AlertsFunction'))).toEqual(['root.Core/AlertsFunction']);
    expect(learnDurations([past]).resources['root.Core/AlertsFunction']?.p50).toBe(90_000);
    expect(stackPath(timeline.hops[0]?.stacks[3] as never, timeline.hops[0]?.stacks ?? [])).toBe('root.Web');
    expect(SCRIPT_REASON).toContain('<script>');
  });
});
