/**
 * The run report: one self-contained HTML file (inline CSS, inline SVG, one small inline
 * script; no fonts, images or requests), readable from a file:// URL, as an e-mail attachment,
 * and without JavaScript. A Content-Security-Policy of `default-src 'none'` with the script's
 * own hash makes "no network" a property of the file, not a promise, and keeps any markup
 * that slipped through from running.
 *
 * Every row carries data attributes (`data-bar`, `data-duration-ms`, `data-failed`,
 * `data-root-cause`, ...) so tests and scripts can read the report without parsing text.
 */
import { createHash } from 'node:crypto';
import { redactStrings } from '../support/redactors.js';
import { escapeHtml as h, formatDuration, formatTime, jsonForScript } from './escape-html.js';
import type { HopTimeline, PhaseSpan, ResourceSpan, RunTimeline, Span, StackSpan } from './run-timeline.js';

export interface RenderOptions {
  /** Shown in the footer. Default: none. */
  pantherctlVersion?: string;
  /** Shown in the footer. Default: none, so the same timeline renders to the same bytes. */
  generatedAt?: string;
  /** Embed the timeline as JSON (`#timeline-data`) for tools. Default true. */
  embedData?: boolean;
  /**
   * Applied to every string of the timeline before rendering (reasons quote anything: pass
   * the support-bundle redactors with the run's secret values). Default: none.
   */
  redact?: (text: string) => string;
}

const ms = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

const CSS = `
:root{--bg:#fff;--fg:#1d232b;--muted:#5d6773;--line:#dde1e6;--track:#f3f5f7;--ok:#2f9e5b;--fail:#d2342c;--cancel:#b7a27a;--run:#2f6fd2;--rollback:#e08a1e;--role:#7a5fc7;--root:#2f6fd2;--build:#1a9aa0;--hl:#fdecea}
@media (prefers-color-scheme:dark){:root{--bg:#15191e;--fg:#e4e8ec;--muted:#9aa4ae;--line:#2c333b;--track:#1e242b;--hl:#3a1f1d}}
*{box-sizing:border-box}
body{margin:0;padding:24px;background:var(--bg);color:var(--fg);font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}h3{font-size:15px;margin:0}
.muted{color:var(--muted)}code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;word-break:break-all}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:var(--muted)}
.badge.done{background:var(--ok)}.badge.failed{background:var(--fail)}.badge.running{background:var(--run)}.badge.interrupted,.badge.pending,.badge.skipped,.badge.no-updates{background:var(--muted)}
#root-cause{border:2px solid var(--fail);background:var(--hl);border-radius:6px;padding:12px 16px;margin:16px 0}
#root-cause h2{margin:0 0 6px;color:var(--fail)}#root-cause .cause-text{font-weight:600;white-space:pre-wrap;word-break:break-word}
.cards{display:flex;flex-wrap:wrap;gap:8px}.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:120px}.card .v{font-size:18px;font-weight:600}.card .k{color:var(--muted);font-size:12px}
.controls{margin:8px 0;display:flex;gap:16px;align-items:center}
svg.overview{width:100%;height:auto;border:1px solid var(--line);border-radius:6px}svg text{fill:var(--fg);font-size:12px}
svg .role{fill:var(--role)}svg .root{fill:var(--root)}svg .build{fill:var(--build)}svg .failed{fill:var(--fail)}svg .lane{fill:var(--track)}
.hop{border:1px solid var(--line);border-radius:6px;margin:16px 0;padding:12px}
.hop.failed{border-color:var(--fail)}
.hop header{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:baseline;margin-bottom:8px}
.row{display:grid;grid-template-columns:minmax(180px,26%) 1fr 72px;gap:8px;align-items:center;min-height:20px}
.row .label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.row .dur{text-align:right;font-variant-numeric:tabular-nums}
.row .type{color:var(--muted);margin-left:6px;font-size:12px}
.row>span{display:block}.track{position:relative;height:14px;background:var(--track);border-radius:3px}
.bar,.seg{position:absolute;top:1px;bottom:1px;border-radius:2px;min-width:3px;background:var(--ok)}
.s-done{background:var(--ok)}.s-failed{background:var(--fail)}.s-cancelled{background:var(--cancel)}.s-running{background:var(--run)}.s-rollback{background:var(--rollback)}.s-interrupted,.s-skipped,.s-no-updates,.s-pending{background:var(--muted)}
.open{background-image:repeating-linear-gradient(45deg,rgba(255,255,255,.35) 0 6px,transparent 6px 12px)}
.step-role .bar{background:var(--role)}.step-root .bar{background:var(--root)}.step-build .bar{background:var(--build)}
.step-role .bar.s-failed,.step-root .bar.s-failed,.step-build .bar.s-failed{background:var(--fail)}
.axis{display:grid;grid-template-columns:minmax(180px,26%) 1fr 72px;gap:8px;color:var(--muted);font-size:11px}
.axis .ticks{position:relative;height:14px}.axis .ticks span{position:absolute;white-space:nowrap;transform:translateX(-50%)}.axis .ticks span:first-child{transform:none}.axis .ticks span:last-child{transform:translateX(-100%)}
details.stack{margin:6px 0 2px}details.stack>summary{cursor:pointer;list-style:none}details.stack>summary::-webkit-details-marker{display:none}
details.stack>summary .label::before{content:"▸ ";color:var(--muted)}details.stack[open]>summary .label::before{content:"▾ "}
summary.row .label{font-weight:600}
.d1 .label{padding-left:14px}.d2 .label{padding-left:28px}.d3 .label{padding-left:42px}.d4 .label{padding-left:56px}
.res .label{padding-left:16px}.d1 .res .label{padding-left:30px}.d2 .res .label{padding-left:44px}.d3 .res .label{padding-left:58px}
.row.failed .name,.row.root-cause .name{color:var(--fail);font-weight:600}
.row.root-cause{background:var(--hl);outline:2px solid var(--fail);border-radius:3px}
.reason{margin:0 0 4px 16px;padding:2px 8px;border-left:3px solid var(--cancel);color:var(--muted);font-size:12px;white-space:pre-wrap;word-break:break-word}
.reason.failed{border-left-color:var(--fail);color:var(--fg)}.reason.root-cause{background:var(--hl)}
.phases{margin-top:8px}.phase .label{padding-left:16px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line)}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.failed td:first-child+td{color:var(--fail);font-weight:600}
footer{margin-top:24px;color:var(--muted);font-size:12px}
body.failed-only .row.res:not(.failed):not(.cancelled):not(.root-cause){display:none}
@media print{body{padding:0}.controls{display:none}}
`;

// The only script: two toggles. The report reads the same without it.
const SCRIPT = `(function(){var b=document.body;var f=document.getElementById('failed-only');if(f){f.addEventListener('change',function(){b.classList.toggle('failed-only',f.checked)})}var e=document.getElementById('toggle-all');if(e){e.addEventListener('click',function(){var d=document.querySelectorAll('details.stack');var all=true;for(var i=0;i<d.length;i++){if(!d[i].open){all=false}}for(var j=0;j<d.length;j++){d[j].open=!all}})}b.setAttribute('data-script','ready')})();`;

const SCRIPT_HASH = `sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`;

/** Positions within a hop's window, in percent. */
interface Scale {
  start: number;
  end: number;
  pos(t: number): number;
}

function scaleOf(from: number, to: number): Scale {
  const span = Math.max(1000, to - from);
  return { start: from, end: from + span, pos: (t) => Math.min(100, Math.max(0, ((t - from) / span) * 100)) };
}

const pct = (n: number): string => `${Math.round(n * 1000) / 1000}%`;

/** One positioned bar from `start` to `end` (or to the window's end, striped, when open). */
function bar(scale: Scale, cls: string, start: string | undefined, end: string | undefined, title: string, extra = ''): string {
  const s = ms(start);
  if (s === undefined) return '';
  const e = ms(end);
  const left = scale.pos(s);
  const right = scale.pos(e ?? scale.end);
  // A span, so bars are valid inside <summary> (phrasing content only); absolutely positioned, it is a block.
  return `<span class="${cls}${e === undefined ? ' open' : ''}" style="left:${pct(left)};width:${pct(Math.max(0.3, right - left))}" title="${h(title)}"${extra}></span>`;
}

function statusClass(status: string): string {
  return `s-${status}`;
}

function durationCell(span: { durationMs?: number; status?: string } | undefined): string {
  if (!span) return '';
  if (span.durationMs !== undefined) return formatDuration(span.durationMs);
  return span.status === 'running' ? 'running' : '';
}

function stepRow(scale: Scale, kind: 'role' | 'root' | 'build', label: string, span: Span | undefined): string {
  if (!span) return '';
  const attrs = `data-bar="step" data-step="${kind}" data-status="${h(span.status)}" data-duration-ms="${span.durationMs ?? ''}"`;
  const title = `${label}: ${span.status} ${formatDuration(span.durationMs)}`.trim();
  return `<div class="row step step-${kind}" ${attrs}><div class="label">${h(label)} <span class="badge ${h(span.status)}">${h(span.status)}</span></div><div class="track">${bar(scale, `bar ${statusClass(span.status)}`, span.start, span.end, title)}</div><div class="dur">${h(durationCell(span))}</div></div>`;
}

function segmentClass(r: ResourceSpan, index: number, stack: StackSpan): string {
  const seg = r.segments[index];
  if (!seg) return 's-done';
  if (seg.status.endsWith('_FAILED')) return r.failed ? 's-failed' : 's-cancelled';
  if (!seg.end) return 's-running';
  // A later stretch of a resource in a rolled-back stack is the rollback putting it back.
  if (index > 0 && stack.finalStatus.includes('ROLLBACK')) return 's-rollback';
  return 's-done';
}

function resourceRows(scale: Scale, stack: StackSpan): string {
  return stack.resources
    .map((r) => {
      const classes = ['row', 'res', r.failed ? 'failed' : '', r.cancelled ? 'cancelled' : '', r.rootCause ? 'root-cause' : ''].filter(Boolean).join(' ');
      const attrs = [
        'data-bar="resource"',
        `data-stack="${h(stack.name)}"`,
        `data-logical-id="${h(r.logicalId)}"`,
        `data-type="${h(r.resourceType)}"`,
        `data-status="${h(r.finalStatus)}"`,
        `data-failed="${r.failed}"`,
        `data-root-cause="${r.rootCause}"`,
        `data-duration-ms="${r.durationMs ?? ''}"`,
        `data-segments="${r.segments.length}"`,
      ].join(' ');
      const segs = r.segments
        .map((seg, i) => bar(scale, `seg ${segmentClass(r, i, stack)}`, seg.start, seg.end, `${r.logicalId}: ${seg.status} ${seg.end ? formatDuration((ms(seg.end) ?? 0) - (ms(seg.start) ?? 0)) : ''}`.trim(), ` data-seg-status="${h(seg.status)}"`))
        .join('');
      const row = `<div class="${classes}" ${attrs}><div class="label" title="${h(`${r.logicalId} (${r.resourceType})`)}"><span class="name">${h(r.logicalId)}</span><span class="type">${h(r.resourceType)}</span></div><div class="track">${segs}</div><div class="dur">${h(durationCell({ ...(r.durationMs !== undefined ? { durationMs: r.durationMs } : {}), status: r.end ? 'done' : 'running' }))}</div></div>`;
      const showReason = r.reason && (r.failed || r.cancelled || r.rootCause);
      const reason = showReason ? `<div class="reason${r.failed ? ' failed' : ''}${r.rootCause ? ' root-cause' : ''}" data-reason-for="${h(r.logicalId)}">${h(r.reason)}</div>` : '';
      return row + reason;
    })
    .join('');
}

function stackBlock(scale: Scale, s: StackSpan): string {
  const kindLabel = s.kind === 'nested' ? `nested${s.logicalId ? ` (${s.logicalId})` : ''}` : `${s.kind} stack`;
  const attrs = `data-bar="stack" data-stack="${h(s.name)}" data-kind="${s.kind}" data-depth="${s.depth}" data-status="${h(s.finalStatus)}" data-failed="${s.failed}" data-duration-ms="${s.durationMs ?? ''}" data-resources="${s.resources.length}"`;
  const cls = s.failed ? 's-failed' : s.end ? 's-done' : 's-running';
  // Spans, not divs: <summary> holds phrasing content only.
  const summary = `<summary class="row${s.failed ? ' failed' : ''}" ${attrs}><span class="label" title="${h(s.name)}">${h(s.name)} <span class="type">${h(kindLabel)} · ${h(s.finalStatus)}</span></span><span class="track">${bar(scale, `bar ${cls}`, s.start, s.end, `${s.name}: ${s.finalStatus} ${formatDuration(s.durationMs)}`)}</span><span class="dur">${h(durationCell({ ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}), status: s.end ? 'done' : 'running' }))}</span></summary>`;
  return `<details class="stack d${Math.min(s.depth, 4)}" open data-stack-block="${h(s.name)}">${summary}${resourceRows(scale, s)}</details>`;
}

function phaseRows(scale: Scale, phases: readonly PhaseSpan[]): string {
  if (phases.length === 0) return '';
  const rows = phases
    .map((p) => {
      // CodeBuild's COMPLETED phase has a start and nothing else: a marker, not an open phase.
      const marker = p.type === 'COMPLETED' && !p.end;
      const status = p.failed ? 'failed' : p.end || marker ? 'done' : p.start ? 'running' : 'pending';
      const attrs = `data-bar="phase" data-phase="${h(p.type)}" data-status="${h(p.status ?? '')}" data-failed="${p.failed}" data-duration-ms="${p.durationMs ?? ''}"`;
      const row = `<div class="row phase${p.failed ? ' failed root-cause' : ''}" ${attrs}><div class="label"><span class="name">${h(p.type)}</span>${p.status ? `<span class="type">${h(p.status)}</span>` : ''}</div><div class="track">${p.end || p.failed || status === 'running' || marker ? bar(scale, `bar ${statusClass(status)}`, p.start, marker ? p.start : p.end, `${p.type}: ${p.status ?? ''} ${formatDuration(p.durationMs)}`.trim()) : ''}</div><div class="dur">${h(formatDuration(p.durationMs))}</div></div>`;
      return row + (p.message ? `<div class="reason${p.failed ? ' failed root-cause' : ''}" data-reason-for="${h(p.type)}">${h(p.message)}</div>` : '');
    })
    .join('');
  return `<div class="phases"><h3>Build phases</h3>${rows}</div>`;
}

function hopWindow(hop: HopTimeline, fallbackEnd: number): Scale | undefined {
  const starts = [hop.start, hop.role?.start, hop.root?.start, hop.build?.start, ...hop.stacks.map((s) => s.start), ...(hop.build?.phases ?? []).map((p) => p.start)]
    .map(ms)
    .filter((t): t is number => t !== undefined);
  if (starts.length === 0) return undefined;
  const ends = [hop.end, hop.role?.end, hop.root?.end, hop.build?.end, ...hop.stacks.map((s) => s.end), ...hop.stacks.flatMap((s) => s.resources.map((r) => r.end)), ...(hop.build?.phases ?? []).map((p) => p.end ?? p.start)]
    .map(ms)
    .filter((t): t is number => t !== undefined);
  const open = hop.status === 'running' || !hop.end;
  return scaleOf(Math.min(...starts), Math.max(...ends, open ? fallbackEnd : -Infinity, Math.min(...starts) + 1000));
}

function axis(scale: Scale): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<span style="left:${pct(f * 100)}">+${h(formatDuration(f * (scale.end - scale.start)))}</span>`).join('');
  return `<div class="axis" aria-hidden="true"><div></div><div class="ticks">${ticks}</div><div></div></div>`;
}

function hopSection(hop: HopTimeline, fallbackEnd: number): string {
  const scale = hopWindow(hop, fallbackEnd);
  const head = `<header><h3>Hop ${hop.index} of ${hop.total}: ${h(hop.version)}</h3><span class="badge ${h(hop.status)}">${h(hop.status)}</span><span class="muted">${h(formatTime(hop.start))}${hop.end ? ` → ${h(formatTime(hop.end))}` : ''}</span><span data-hop-duration-ms="${hop.durationMs ?? ''}">${h(formatDuration(hop.durationMs))}</span></header>`;
  const attrs = `class="hop ${h(hop.status)}" id="hop-${hop.index}" data-hop="${h(hop.version)}" data-status="${h(hop.status)}" data-duration-ms="${hop.durationMs ?? ''}"`;
  if (!scale) return `<section ${attrs}>${head}<p class="muted">Not reached by this run.</p></section>`;
  const body = [
    axis(scale),
    stepRow(scale, 'role', 'Role stack update', hop.role),
    stepRow(scale, 'root', 'Root stack update', hop.root),
    stepRow(scale, 'build', 'panther-pulumi build', hop.build),
    ...hop.stacks.map((s) => stackBlock(scale, s)),
    hop.build ? phaseRows(scale, hop.build.phases) : '',
  ].join('');
  return `<section ${attrs}>${head}${body}</section>`;
}

function overview(t: RunTimeline, runEnd: number): string {
  const runStart = ms(t.run.start) ?? 0;
  const scale = scaleOf(runStart, runEnd);
  const labelW = 150;
  const width = 1000;
  const lane = width - labelW - 10;
  const rowH = 24;
  const rows = t.hops
    .map((hop, i) => {
      const y = 8 + i * rowH;
      const rects = (['role', 'root', 'build'] as const)
        .map((kind) => {
          const span = hop[kind];
          const s = ms(span?.start);
          if (!span || s === undefined) return '';
          const e = ms(span.end) ?? runEnd;
          const x = labelW + (scale.pos(s) / 100) * lane;
          const w = Math.max(2, ((scale.pos(e) - scale.pos(s)) / 100) * lane);
          const cls = span.status === 'failed' ? `${kind} failed` : kind;
          return `<rect class="${cls}" data-bar="overview" data-hop="${h(hop.version)}" data-step="${kind}" data-status="${h(span.status)}" data-duration-ms="${span.durationMs ?? ''}" x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" rx="2"><title>${h(`${hop.version} ${kind}: ${span.status} ${formatDuration(span.durationMs)}`)}</title></rect>`;
        })
        .join('');
      return `<text x="4" y="${y + rowH / 2 + 2}">${h(`${hop.index}. ${hop.version}`)}</text><rect class="lane" x="${labelW}" y="${y + 3}" width="${lane}" height="${rowH - 8}" rx="2"></rect>${rects}`;
    })
    .join('');
  const height = 16 + t.hops.length * rowH + 16;
  const legend = `<text x="${labelW}" y="${height - 4}">role</text><rect class="role" x="${labelW + 30}" y="${height - 14}" width="10" height="10"></rect><text x="${labelW + 50}" y="${height - 4}">root</text><rect class="root" x="${labelW + 80}" y="${height - 14}" width="10" height="10"></rect><text x="${labelW + 100}" y="${height - 4}">build</text><rect class="build" x="${labelW + 135}" y="${height - 14}" width="10" height="10"></rect><text x="${width - 4}" y="${height - 4}" text-anchor="end">${h(formatDuration(scale.end - scale.start))}</text>`;
  return `<svg class="overview" data-chart="overview" viewBox="0 0 ${width} ${height}" role="img" aria-label="Hops over time">${rows}${legend}</svg>`;
}

function rootCauseSection(t: RunTimeline): string {
  const c = t.rootCause;
  if (!c) return '';
  const items: [string, string | undefined][] = [
    ['Hop', c.hop],
    ['Stack', c.stack],
    ['Resource', c.logicalId],
    ['Type', c.resourceType],
    ['Status', c.status],
    ['Build phase', c.phase],
    ['Reason', c.reason],
    ['Left in', t.run.state],
  ];
  const dl = items
    .filter(([, v]) => v)
    .map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`)
    .join('');
  return `<section id="root-cause" data-kind="${h(c.kind)}" data-hop="${h(c.hop ?? '')}" data-logical-id="${h(c.logicalId ?? '')}"><h2>Root cause</h2><p class="cause-text">${h(c.text)}</p><dl class="meta">${dl}</dl></section>`;
}

function totalsSection(t: RunTimeline): string {
  const card = (key: string, value: string, label: string): string => `<div class="card" data-total="${key}"><div class="v">${h(value)}</div><div class="k">${h(label)}</div></div>`;
  const x = t.totals;
  return `<section id="totals"><h2>Totals</h2><div class="cards">${[
    card('duration', formatDuration(x.durationMs) || 'running', 'run duration'),
    card('hops', `${x.hopsDone} / ${x.hops}`, 'hops done'),
    card('role', formatDuration(x.roleMs), 'role stack updates'),
    card('root', formatDuration(x.rootMs), 'root stack updates'),
    card('build', formatDuration(x.buildMs), 'builds'),
    card('stacks', String(x.stacks), 'stack updates'),
    card('resources', String(x.resources), 'resources changed'),
    card('failed', String(x.failedResources), 'resources failed'),
  ].join('')}</div></section>`;
}

function slowestSection(t: RunTimeline): string {
  if (t.slowest.length === 0) return '';
  const rows = t.slowest
    .map(
      (s, i) =>
        `<tr class="${s.failed ? 'failed' : ''}" data-slow-rank="${i + 1}" data-logical-id="${h(s.logicalId)}" data-duration-ms="${s.durationMs}" data-failed="${s.failed}"><td class="num">${i + 1}</td><td>${h(s.logicalId)}</td><td class="mono">${h(s.resourceType)}</td><td>${h(s.stackName)}</td><td>${h(s.hop)}</td><td class="num">${h(formatDuration(s.durationMs))}</td></tr>`,
    )
    .join('');
  return `<section id="slowest"><h2>Slowest resources</h2><table><thead><tr><th>#</th><th>Resource</th><th>Type</th><th>Stack</th><th>Hop</th><th>Duration</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function latestTime(t: RunTimeline): number {
  const times = [
    t.run.start,
    t.run.end,
    ...t.hops.flatMap((hop) => [hop.start, hop.end, hop.role?.end, hop.root?.end, hop.build?.end, ...hop.stacks.flatMap((s) => [s.start, s.end, ...s.resources.flatMap((r) => r.segments.flatMap((seg) => [seg.start, seg.end]))]), ...(hop.build?.phases ?? []).flatMap((p) => [p.start, p.end])]),
  ]
    .map(ms)
    .filter((x): x is number => x !== undefined);
  return Math.max(...times);
}

export function renderRunReport(timeline: RunTimeline, options: RenderOptions = {}): string {
  const t = options.redact ? redactStrings(timeline, options.redact) : timeline;
  const runEnd = ms(t.run.end) ?? latestTime(t);
  const title = `pantherctl ${t.run.command ?? 'run'} ${t.run.rootStack ?? ''} ${t.run.from ?? ''} → ${t.run.to ?? ''}`.replace(/\s+/g, ' ').trim();
  const meta: [string, string | undefined][] = [
    ['Run', t.runs.map((r) => `${r.id}${r.command ? ` (${r.command}, ${r.outcome})` : ''}`).join(', ')],
    ['Root stack', t.run.rootStack],
    ['Role stack', t.run.roleStack],
    ['From → to', t.run.from || t.run.to ? `${t.run.from ?? '?'} → ${t.run.to ?? '?'}` : undefined],
    ['Who', t.run.principal],
    ['Started', formatTime(t.run.start)],
    ['Ended', t.run.end ? formatTime(t.run.end) : 'still running'],
    ['Duration', formatDuration(t.run.durationMs)],
    ['Error code', t.run.code],
  ];
  const dl = meta
    .filter(([, v]) => v)
    .map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`)
    .join('');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src '${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const footer = ['Generated by pantherctl', options.pantherctlVersion ? `v${options.pantherctlVersion.replace(/^v/, '')}` : '', options.generatedAt ? `at ${formatTime(options.generatedAt)}` : '']
    .filter(Boolean)
    .join(' ');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${h(csp)}">`,
    `<title>${h(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    `<body data-outcome="${h(t.run.outcome)}" data-run="${h(t.run.id)}">`,
    `<header><h1>${h(title)} <span class="badge ${h(t.run.outcome)}" id="outcome">${h(t.run.outcome)}</span></h1><dl class="meta">${dl}</dl></header>`,
    rootCauseSection(t),
    totalsSection(t),
    `<section id="overview"><h2>Hops</h2>${overview(t, runEnd)}</section>`,
    `<section id="hops"><h2>Timeline</h2><div class="controls"><label><input type="checkbox" id="failed-only"> failed resources only</label><button type="button" id="toggle-all">collapse / expand stacks</button></div>${t.hops.map((hop) => hopSection(hop, runEnd)).join('')}</section>`,
    slowestSection(t),
    `<footer>${h(footer)}. Times are UTC. This file is self-contained: it loads nothing.</footer>`,
    options.embedData === false ? '' : `<script type="application/json" id="timeline-data">${jsonForScript(t)}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
