/**
 * `history` and `report --html` of real sandbox runs: a two-hop upgrade whose first build is
 * made to fail, then its resume. `history` lists both runs with who, what, hop durations,
 * outcome and root cause; the report of the failed run is loaded in Debian's Chromium
 * (playwright-core, no browser download) from a file:// URL, its bars and labels read from the
 * DOM, and a screenshot saved as test-output/report-sandbox.png.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryResult } from '../../deployments/history/history.js';
import { startSandbox } from '../../sandbox/index.js';
import { conn, installCredentials, runCli, runJson, setFaults, tempDir } from '../test-support/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = fileURLToPath(new URL('../../../test-output/', import.meta.url));
const SHOT = join(OUT, 'report-sandbox.png');

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let state: string;
let hist: HistoryResult;
let report: { file: string; run: { id: string; outcome: string }; totals: { hops: number; stacks: number; resources: number } };
let context: BrowserContext;
let page: Page;
let profile: string;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does this on CI).`).toBe(true);
  installCredentials();
  sandbox = await startSandbox({ port: 0, speed: 400, region: 'us-east-2', version: 'v1.25.18', seed: 7 });
  state = tempDir();
  await setFaults(sandbox.endpoint, [{ kind: 'fail-build', project: 'panther-pulumi' }]);
  const failed = await runJson(['upgrade', '--to', 'v1.27.8', '--yes', ...conn(sandbox.endpoint, state)]);
  expect(failed.error?.code).toBe('build-failed');
  expect((await runCli(['resume', ...conn(sandbox.endpoint, state)])).code).toBe(0);

  const h = await runJson(['history', ...conn(sandbox.endpoint, state)]);
  expect(h.code).toBe(0);
  hist = h.document as unknown as HistoryResult;

  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, 'report-sandbox.html');
  const failedRun = hist.runs.at(-1)!.run;
  const r = await runJson(['report', '--run', failedRun, '--html', file, ...conn(sandbox.endpoint, state)]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  report = r.document as typeof report;

  profile = mkdtempSync(join(tmpdir(), 'pantherctl-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('request', (q) => requests.push(q.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await sandbox?.close();
});

describe('history of a failed upgrade and its resume', () => {
  it('lists both runs, newest first: who, command, from → to, hop durations, outcome and root cause', () => {
    expect(hist.rootStack).toBe('panther-root');
    expect(hist.runs.map((r) => [r.command, r.outcome])).toEqual([
      ['resume', 'done'],
      ['upgrade', 'failed'],
    ]);
    const [resume, upgrade] = hist.runs;
    expect(upgrade).toMatchObject({ from: 'v1.25.18', to: 'v1.27.8', code: 'build-failed', state: 'stack done, build failed', principal: expect.stringMatching(/^arn:aws:(iam|sts)::\d{12}:/) });
    expect(upgrade?.rootCause).toMatch(/^build FAILED: in BUILD: Error while executing command: /);
    expect(upgrade?.hops).toMatchObject([{ version: 'v1.26.9', status: 'failed', roleMs: expect.any(Number), rootMs: expect.any(Number), buildMs: expect.any(Number) }]);
    expect(resume?.resumed).toEqual([upgrade?.run]);
    expect(resume?.hops.map((h) => [h.version, h.status])).toEqual([
      ['v1.26.9', 'done'],
      ['v1.27.8', 'done'],
    ]);
    expect(resume?.hops[1]).toMatchObject({ roleMs: expect.any(Number), rootMs: expect.any(Number), buildMs: expect.any(Number), durationMs: expect.any(Number) });
    expect(resume?.durationMs).toBeGreaterThan(0);
  });
});

describe('wrong inputs', () => {
  it('a run the journal does not have is one line naming the runs it has (exit 1), and writes nothing', async () => {
    const file = join(tempDir(), 'r.html');
    const r = await runJson(['report', '--run', 'no-such-run', '--html', file, ...conn(sandbox.endpoint, state)]);
    expect(r.code).toBe(1);
    expect(r.error).toMatchObject({ code: 'run-not-found', run: 'no-such-run', known: hist.runs.map((x) => x.run).reverse() });
    expect(existsSync(file)).toBe(false);
  });

  it('a deployment without a journal has an empty history, and no report', async () => {
    const empty = tempDir();
    const h = await runJson(['history', ...conn(sandbox.endpoint, empty)]);
    expect(h.code).toBe(0);
    expect(h.document).toEqual({ rootStack: 'panther-root', runs: [] });
    const r = await runJson(['report', '--html', join(empty, 'r.html'), ...conn(sandbox.endpoint, empty)]);
    expect(r.error).toMatchObject({ code: 'run-not-found', known: [] });
  });
});

describe('report --html of the failed run, in Chromium', () => {
  it('is the failed run, and loads from file:// with no other request and no error', async () => {
    expect(report.run).toMatchObject({ id: hist.runs.at(-1)?.run, outcome: 'failed' });
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(await page.getAttribute('body', 'data-script')).toBe('ready');
  });

  it('draws the hops, the role, root and nested stacks, every resource and the build phases as bars', async () => {
    expect(await page.$$eval('section.hop', (els) => els.map((e) => [e.getAttribute('data-hop'), e.getAttribute('data-status')]))).toEqual([
      ['v1.26.9', 'failed'],
      ['v1.27.8', 'pending'],
    ]);
    expect(await page.locator('[data-bar="stack"]').count()).toBe(report.totals.stacks);
    expect(await page.locator('[data-bar="resource"]').count()).toBe(report.totals.resources);
    expect(report.totals.resources).toBeGreaterThan(3);
    const kinds = await page.locator('#hop-1 [data-bar="stack"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds.slice(0, 2)).toEqual(['role', 'root']);
    expect(kinds.filter((k) => k === 'nested').length).toBeGreaterThan(0);
    expect(await page.locator('#hop-1 [data-bar="step"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-status')}`))).toEqual(['role:done', 'root:done', 'build:failed']);
    const phases = await page.locator('#hop-1 [data-bar="phase"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-phase'), e.getAttribute('data-failed')]));
    expect(phases.map(([p]) => p)).toEqual(expect.arrayContaining(['SUBMITTED', 'PROVISIONING', 'BUILD', 'POST_BUILD']));
    expect(phases.filter(([, f]) => f === 'true').map(([p]) => p)).toEqual(['BUILD']);
    const widths = await page.locator('[data-bar="resource"] .seg').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(widths.length).toBeGreaterThan(0);
    expect(widths.every((w) => w >= 3)).toBe(true);
  });

  it('shows the root cause: the failed build phase and its context message', async () => {
    const section = page.locator('#root-cause');
    expect(await section.getAttribute('data-kind')).toBe('build');
    expect(await section.getAttribute('data-hop')).toBe('v1.26.9');
    expect(await section.locator('.cause-text').textContent()).toMatch(/BUILD/);
    expect(await page.locator('[data-reason-for="BUILD"]').textContent()).toMatch(/\S/);
  });

  it('saves a screenshot under test-output', async () => {
    rmSync(SHOT, { force: true });
    await page.screenshot({ path: SHOT, fullPage: true });
    expect(statSync(SHOT).size).toBeGreaterThan(10_000);
  });
});
