/**
 * The report in a real browser: Debian's Chromium (`apt-get install -y chromium`), driven by
 * playwright-core (no browser download), loads the file from a file:// URL as an operator
 * would, and the test reads bars, labels and highlights from the DOM. A screenshot goes to
 * test-output/report.png for people to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDuration } from './escape-html.js';
import { renderRunReport } from './render-run-report.js';
import { buildRunTimeline } from './run-timeline.js';
import { CORE, sampleInput } from './test-support/sample-run.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));
const timeline = buildRunTimeline(sampleInput);

let context: BrowserContext;
let page: Page;
let profile: string;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  // Not a skip: a machine without the browser fails here, saying how to get it.
  expect(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does this on CI).`).toBe(true);
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, 'report.html');
  writeFileSync(file, renderRunReport(timeline, { pantherctlVersion: '0.1.0', generatedAt: '2027-01-14T11:00:00.000Z' }));
  profile = mkdtempSync(join(tmpdir(), 'pantherctl-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const FAIL_RED = 'rgb(210, 52, 44)';

/** The page's window, typed by hand: this project's types have no DOM lib. */
type Win = { getComputedStyle(e: unknown): { outlineColor: string; backgroundColor: string } };


describe('run report in Chromium', () => {
  it('loads from file:// with no other request, no error, and its script allowed by its own CSP hash', async () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(await page.getAttribute('body', 'data-script')).toBe('ready');
  });

  it('draws one section per hop, each step, stack, resource and build phase as a bar', async () => {
    expect(await page.$$eval('section.hop', (els) => els.map((e) => [e.getAttribute('data-hop'), e.getAttribute('data-status')]))).toEqual([
      ['v1.26.9', 'done'],
      ['v1.27.8', 'failed'],
    ]);
    expect(await page.locator('[data-bar="resource"]').count()).toBe(timeline.totals.resources);
    expect(await page.locator('[data-bar="stack"]').count()).toBe(timeline.totals.stacks);
    expect(await page.locator('#hop-1 [data-bar="stack"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-depth')}`))).toEqual([
      'role:0',
      'root:0',
      'nested:1',
      'nested:1',
    ]);
    expect(await page.locator('[data-bar="step"]').count()).toBe(5);
    expect(await page.locator('#hop-1 [data-bar="phase"]').count()).toBe(11);
    expect(await page.locator('svg[data-chart="overview"] rect[data-bar="overview"]').count()).toBe(5);
    // Every bar has a visible width.
    const widths = await page.locator('[data-bar="resource"] .seg').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(widths.length).toBe(timeline.hops.flatMap((h) => h.stacks.flatMap((s) => s.resources.flatMap((r) => r.segments))).length);
    expect(widths.every((w) => w >= 3)).toBe(true);
  });

  it('labels every resource with its duration, and sizes bars by it', async () => {
    const rows = await page.locator('[data-bar="resource"]').evaluateAll((els) =>
      els.map((e) => ({ id: e.getAttribute('data-logical-id'), stack: e.getAttribute('data-stack'), ms: e.getAttribute('data-duration-ms'), text: e.querySelector('.dur')?.textContent })),
    );
    const expected = timeline.hops.flatMap((h) => h.stacks.flatMap((s) => s.resources.map((r) => ({ id: r.logicalId, stack: s.name, ms: String(r.durationMs ?? ''), text: formatDuration(r.durationMs) }))));
    expect(rows).toEqual(expected);

    // Same hop, same scale: GraphApi took 11m, WebService 5m.
    const width = async (stack: string, id: string): Promise<number> =>
      (await page.locator(`#hop-1 [data-bar="resource"][data-stack="${stack}"][data-logical-id="${id}"] .seg`).first().boundingBox())?.width ?? 0;
    const ratio = (await width(CORE.name, 'GraphApi')) / (await width('panther-root-Web-2GHIJKL', 'WebService'));
    expect(ratio).toBeGreaterThan(2.1);
    expect(ratio).toBeLessThan(2.3);
  });

  it('highlights the failure and its root cause, and shows the reason as text', async () => {
    const cause = page.locator('[data-bar="resource"][data-root-cause="true"]');
    expect(await cause.count()).toBe(1);
    expect(await cause.getAttribute('data-logical-id')).toBe('AlertsFunction');
    expect(await cause.getAttribute('data-failed')).toBe('true');
    expect(await cause.evaluate((e) => e.closest('section.hop')?.id)).toBe('hop-2');
    expect(await cause.evaluate((e) => (globalThis as unknown as Win).getComputedStyle(e).outlineColor)).toBe(FAIL_RED);
    expect(await cause.locator('.seg[data-seg-status="UPDATE_FAILED"]').evaluate((e) => (globalThis as unknown as Win).getComputedStyle(e).backgroundColor)).toBe(FAIL_RED);
    expect(await page.locator('[data-bar="resource"][data-failed="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-logical-id')))).toEqual(['Core', 'AlertsFunction']);

    const section = page.locator('#root-cause');
    expect(await section.getAttribute('data-logical-id')).toBe('AlertsFunction');
    expect(await section.locator('.cause-text').textContent()).toContain('below its minimum value of [50]. <script>window.__pwned=1</script>');
    expect(await page.locator('[data-reason-for="AlertsFunction"]').first().textContent()).toContain('<img src=x onerror="window.__pwned=2">');
    // Markup in a reason stays text: nothing ran, no element was made from it.
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('script').count()).toBe(2);
    expect(await page.locator('img').count()).toBe(0);
  });

  it('shows totals and the slowest resources', async () => {
    expect(await page.locator('[data-total="duration"] .v').textContent()).toBe('45m 01s');
    expect(await page.locator('[data-total="hops"] .v').textContent()).toBe('1 / 2');
    expect(await page.locator('[data-total="failed"] .v').textContent()).toBe('2');
    expect(await page.locator('#slowest tbody tr').evaluateAll((els) => els.map((e) => [e.getAttribute('data-logical-id'), e.getAttribute('data-duration-ms')]))).toEqual(
      timeline.slowest.map((s) => [s.logicalId, String(s.durationMs)]),
    );
  });

  it('filters to failed resources with its one control', async () => {
    const visible = (): Promise<string[]> =>
      page.locator('[data-bar="resource"]').evaluateAll((els) => els.filter((e) => (e as unknown as { offsetParent: unknown }).offsetParent !== null).map((e) => e.getAttribute('data-logical-id') ?? ''));
    expect(await visible()).toHaveLength(timeline.totals.resources);
    await page.check('#failed-only');
    expect(await visible()).toEqual(['Core', 'AlertsFunction', 'GraphApi']);
    await page.uncheck('#failed-only');
  });

  it('saves a screenshot under test-output', async () => {
    const shot = join(OUT, 'report.png');
    rmSync(shot, { force: true });
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  });
});
