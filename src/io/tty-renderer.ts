import { defaultResponse, type AnyMessage, type AnyRequest } from './messages.js';
import type { ResponseOf } from './message-maker.js';
import type { Renderer } from './renderers.js';
import { createStyle, type Style } from './style.js';

/** ANSI cursor control (not colour: kept with --no-color, which only drops SGR colours). */
const UP = (n: number): string => `\u001b[${n}A`;
const CLEAR_DOWN = '\u001b[J';
const CR = '\r';

/** Events worth a line above the live view: an end, good or bad. In-progress ones show below. */
const isEndStatus = (status: string): boolean => /(_COMPLETE|_FAILED)$/.test(status);

interface LiveState {
  hop?: { index: number; total: number; version: string };
  step?: string;
  stack?: string;
  inProgress: string[];
  buildPhase?: string;
  /** The last lines of the build log, shown under the build's line. */
  logLines: string[];
  /** A deploy's or configure's build (no hop): the live view shows it alone. */
  build?: { startedAt: number };
  hopStartedAt?: number;
  runStartedAt?: number;
}

/** Build log lines kept under the build's line. */
const LOG_LINES_SHOWN = 5;

export interface TtyRendererOptions {
  /** Redraw interval of the elapsed clock. Default 1000 ms; 0 turns the timer off (tests). */
  tickMs?: number;
  /** Width to cut lines at. Default: the stream's columns, else 100. */
  columns?: number;
}

/**
 * Interactive terminal: lines for what happened, and below them a live view of what is
 * happening (hop i of n, step, stack, resources in progress, elapsed), redrawn in place.
 * The live view appears with the first `hop.start` and goes away with `close()`.
 */
export class TtyRenderer implements Renderer {
  private readonly style: Style;
  private readonly state: LiveState = { inProgress: [], logLines: [] };
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly tickMs: number;

  constructor(
    private readonly stdout: NodeJS.WritableStream & { columns?: number },
    color: boolean,
    private readonly now: () => Date = () => new Date(),
    options: TtyRendererOptions = {},
  ) {
    this.style = createStyle(color);
    this.tickMs = options.tickMs ?? 1000;
    this.columns = options.columns;
  }
  private readonly columns: number | undefined;

  notify(message: AnyMessage): void {
    if (message.level === 'debug') return;
    this.update(message);
    const line = this.lineFor(message);
    this.clearLive();
    if (line !== undefined) this.stdout.write(`${line}\n`);
    this.drawLive();
  }

  /** A renderer cannot ask: the CLI's prompts do (src/cli/io-host.ts). */
  requestResponse<Q extends AnyRequest>(request: Q): Promise<ResponseOf<Q>> {
    return defaultResponse(request);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearLive();
  }

  private update(message: AnyMessage): void {
    const t = this.now().getTime();
    switch (message.code) {
      case 'hop.start': {
        const { index, total, version } = message.data ?? { index: 0, total: 0, version: '' };
        this.state.hop = { index, total, version };
        this.state.hopStartedAt = t;
        this.state.runStartedAt ??= t;
        this.state.inProgress = [];
        this.state.logLines = [];
        delete this.state.step;
        delete this.state.buildPhase;
        this.startTimer();
        break;
      }
      case 'step.start':
        this.state.step = message.data?.step ?? '';
        if (message.data?.stack !== undefined) this.state.stack = message.data.stack;
        this.state.inProgress = [];
        this.state.logLines = [];
        delete this.state.buildPhase;
        break;
      case 'build.start':
        this.state.build = { startedAt: t };
        this.state.logLines = [];
        delete this.state.buildPhase;
        this.startTimer();
        break;
      case 'build.done':
      case 'build.failed':
        delete this.state.build;
        this.state.logLines = [];
        break;
      case 'build.log':
        this.state.logLines.push(message.data?.line ?? message.text);
        if (this.state.logLines.length > LOG_LINES_SHOWN) this.state.logLines.splice(0, this.state.logLines.length - LOG_LINES_SHOWN);
        break;
      case 'stack.progress':
        this.state.inProgress = message.data?.inProgress ?? [];
        if (message.data?.stack !== undefined) this.state.stack = message.data.stack;
        break;
      case 'build.phase':
        this.state.buildPhase = message.data?.phase ?? '';
        break;
      case 'upgrade.done':
      case 'failure.root-cause':
        delete this.state.hop;
        break;
    }
  }

  private lineFor(message: AnyMessage): string | undefined {
    // Only the live view shows these.
    if (message.code === 'stack.progress' || message.code === 'build.phase' || message.code === 'build.log') return undefined;
    if (message.code === 'stack.event' && !isEndStatus(message.data?.status ?? '')) return undefined;
    const s = this.style;
    if (message.code === 'build.failed') {
      const d = message.data;
      const tail = d && d.logTail.length > 0 ? [s.dim(`  last ${d.logTail.length} lines of the build log${d.deepLink ? ` (all of it: ${d.deepLink})` : ''}:`), ...d.logTail.map((l) => s.dim(`  │ ${l}`))] : [];
      return [`${s.red('✖')} ${message.text}`, ...tail].join('\n');
    }
    if (message.level === 'error') return `${s.red('✖')} ${message.text}`;
    if (message.level === 'warn') return `${s.yellow('!')} ${message.text}`;
    switch (message.code) {
      case 'hop.start':
        return s.bold(`▶ ${message.text}`);
      case 'hop.done':
      case 'step.done':
      case 'upgrade.done':
        return `${s.green('✔')} ${message.text}`;
      case 'stack.event': {
        const d = message.data;
        if (!d) return message.text;
        const failed = d.status.endsWith('_FAILED');
        return `  ${s.dim(d.stack ?? '')} ${d.logicalId} ${failed ? s.red(d.status) : s.dim(d.status)}${d.reason ? s.dim(` ${d.reason}`) : ''}`;
      }
      default:
        return message.text;
    }
  }

  private liveLines(): string[] {
    const st = this.state;
    const s = this.style;
    const t = this.now().getTime();
    const logLines = st.logLines.map((l) => s.dim(`      │ ${l}`));
    if (!st.hop) {
      if (!st.build) return [];
      const lines = [`${s.cyan('panther-pulumi build')}${st.buildPhase ? s.dim(` · phase ${st.buildPhase}`) : ''}  ${s.dim(formatElapsed(t - st.build.startedAt))}`, ...logLines];
      return this.fit(lines);
    }
    const elapsed = formatElapsed(t - (st.hopStartedAt ?? t));
    const total = formatElapsed(t - (st.runStartedAt ?? t));
    const lines = [`${s.cyan(`hop ${st.hop.index} of ${st.hop.total}`)} → ${s.bold(st.hop.version)}  ${s.dim(`${elapsed} (total ${total})`)}`];
    if (st.step) lines.push(`  ${st.step}${st.stack ? s.dim(` · ${st.stack}`) : ''}${st.buildPhase ? s.dim(` · phase ${st.buildPhase}`) : ''}`);
    // The build's last log lines go under the build's line.
    if (st.step === 'start-build') lines.push(...logLines);
    const shown = st.inProgress.slice(0, 5);
    for (const r of shown) lines.push(`    ${s.yellow('…')} ${r}`);
    if (st.inProgress.length > shown.length) lines.push(s.dim(`    and ${st.inProgress.length - shown.length} more in progress`));
    return this.fit(lines);
  }

  private fit(lines: string[]): string[] {
    const width = Math.max(20, this.columns || this.stdout.columns || 100);
    // A line wider than the terminal wraps and would break the in-place redraw.
    return lines.map((l) => cut(l, width - 1));
  }

  private clearLive(): void {
    if (this.drawn === 0) return;
    this.stdout.write(`${CR}${UP(this.drawn)}${CLEAR_DOWN}`);
    this.drawn = 0;
  }

  private drawLive(): void {
    const lines = this.liveLines();
    if (lines.length === 0) return;
    this.stdout.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  private startTimer(): void {
    if (this.timer || this.tickMs <= 0) return;
    this.timer = setInterval(() => {
      this.clearLive();
      this.drawLive();
    }, this.tickMs);
    // The clock must never keep the process alive.
    this.timer.unref();
  }
}

export function formatElapsed(ms: number): string {
  const sec = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(sec / 60);
  const s = sec % 60;
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/** Cuts a line to `width` visible characters, leaving ANSI sequences intact. */
function cut(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\u001b') {
      const end = line.indexOf('m', i);
      if (end !== -1) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width) continue;
    out += line[i];
    visible++;
  }
  return out;
}
