import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, ensureWorkspace } from '../../src/core/api-keys.js';
import { backends } from '../support/backends.js';
import {
  BASIC_CONFIG,
  INVOICE_TEXT,
  LETTER_TEXT,
  startTestServer,
  type TestServer,
  waitFor,
} from '../support/test-server.js';
import {
  buildDashboard,
  chromiumAvailable,
  expectNoHorizontalScroll,
  launchChromium,
  pageSession,
  screenshot,
  signInAs,
} from './dashboard-support.js';

const available = chromiumAvailable();

/**
 * The Usage view in a real Chromium against a real server: runs on two classifiers made through the API
 * (each `{text}` run is one page: 1 classify credit and 1 for the new parse), then today's bar, its row in
 * the per-day table and the per-classifier split; the classifier filter; a new workspace's empty state.
 */
describe.runIf(available).each(backends())('dashboard usage in Chromium (%s)', (backend) => {
  let s: TestServer;
  let browser: Browser;
  const ids: Record<'Alpha' | 'Beta', string> = { Alpha: '', Beta: '' };
  let today: string;

  beforeAll(async () => {
    const dashboardDir = await buildDashboard();
    s = await startTestServer(backend, { dashboardDir });
    browser = await launchChromium();
    for (const name of ['Alpha', 'Beta'] as const) {
      const c = await s.api('POST', '/classifiers', { name, config: BASIC_CONFIG });
      ids[name] = c.body.id;
      await s.api('POST', `/classifiers/${c.body.id}/versions`, { releaseType: 'minor' });
    }
    const made = [
      { classifier: 'Alpha', text: INVOICE_TEXT },
      { classifier: 'Alpha', text: LETTER_TEXT },
      { classifier: 'Beta', text: `${INVOICE_TEXT}\nSecond copy` },
    ] as const;
    const runs: { createdAt: string; status: string }[] = [];
    for (const m of made) {
      const r = await s.api('POST', '/classify_runs', {
        classifier: { id: ids[m.classifier] },
        file: { text: m.text },
      });
      runs.push(
        await waitFor(
          async () => {
            const got = (await s.api('GET', `/classify_runs/${r.body.id}`)).body;
            return got.status === 'PROCESSED' || got.status === 'FAILED' ? got : undefined;
          },
          30_000,
          `run ${r.body.id}`,
        ),
      );
    }
    expect(runs.map((r) => r.status)).toEqual(['PROCESSED', 'PROCESSED', 'PROCESSED']);
    today = runs[0]?.createdAt.slice(0, 10) ?? '';
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  const pages = pageSession(() => browser, `usage-${backend}`);
  const openPage = (viewport?: { width: number; height: number }) => pages.open(viewport);
  afterEach((ctx) => pages.finish(ctx.task.result?.state === 'fail'));

  const signIn = (p: Page, key = s.apiKey) => signInAs(p, s.url, key);

  it('shows today’s credits per classifier in the chart and the tables', async () => {
    const p = await openPage({ width: 1440, height: 900 });
    await signIn(p);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
    await p.waitForURL(`${s.url}/usage`);
    await p.getByRole('heading', { name: 'Usage' }).waitFor();

    const bar = p.locator(`svg g[data-date="${today}"]`);
    await bar.waitFor();
    expect(await bar.getAttribute('data-credits')).toBe('6');
    const label = (await bar.getAttribute('aria-label')) ?? '';
    expect(label).toContain('6 credits, 3 runs');
    expect(label).toContain('Alpha 4 credits');
    expect(label).toContain('Beta 2 credits');
    // The stacks: Alpha's (larger) first.
    expect(
      await bar
        .locator('rect[data-series]')
        .evaluateAll((rs) => rs.map((r) => r.getAttribute('data-series'))),
    ).toEqual([ids.Alpha, ids.Beta]);
    // 30 days by default, one bar each.
    expect(await p.locator('svg g[data-date]').count()).toBe(30);

    const totals = p.locator('[aria-label="Totals"]');
    await expect.poll(() => totals.locator('[data-figure="credits"] dd').textContent()).toBe('6');
    expect(await totals.locator('[data-figure="runs"] dd').textContent()).toBe('3');
    expect(await totals.locator('[data-figure="failed"] dd').textContent()).toBe('0');
    expect(await totals.locator('[data-figure="pages"] dd').textContent()).toBe('3');

    const row = p.getByRole('table', { name: 'Usage per day' }).locator(`tr[data-date="${today}"] td`);
    // Day, runs, processed, failed, pages, classify credits, parse credits, credits.
    expect((await row.allTextContents()).slice(1)).toEqual(['3', '3', '0', '3', '3', '3', '6']);

    const byClassifier = p.getByRole('table', { name: 'Usage by classifier' });
    const rows = await byClassifier
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual([
      ['Alpha', '2', '4', '66.7%'],
      ['Beta', '1', '2', '33.3%'],
    ]);
    await expectNoHorizontalScroll(p);
    if (backend === 'sqlite') await screenshot(p, 'usage', true);

    await p.setViewportSize({ width: 1280, height: 800 });
    await expectNoHorizontalScroll(p);
  }, 60_000);

  it('keeps the period and the classifier in the URL', async () => {
    const p = await openPage();
    await signIn(p);
    await p.goto(`${s.url}/usage?classifierId=${ids.Beta}`);
    const bar = p.locator(`svg g[data-date="${today}"]`);
    await bar.waitFor();
    expect(await bar.getAttribute('data-credits')).toBe('2');
    expect(await bar.getAttribute('aria-label')).not.toContain('Alpha');

    await p.getByRole('radiogroup', { name: 'Period' }).getByText('7 days').click();
    await p.waitForURL(/from=/);
    const url = new URL(p.url());
    expect(url.searchParams.get('classifierId')).toBe(ids.Beta);
    expect(url.searchParams.get('to')).toBe(new Date().toISOString().slice(0, 10));
    await expect.poll(() => p.locator('svg g[data-date]').count()).toBe(7);
  }, 60_000);

  it('tells a new workspace what to do', async () => {
    const now = new Date();
    const other = await ensureWorkspace(s.deps.db, `usage-empty-${Date.now()}`, now);
    const key = await createApiKey(s.deps.db, other.id, 'test', now);
    const p = await openPage();
    await signIn(p, key);
    await p.goto(`${s.url}/usage`);
    await p.getByText('No usage yet').waitFor();
    await p.getByRole('button', { name: 'Go to runs' }).waitFor();
    if (backend === 'sqlite') await screenshot(p, 'usage-empty');
    await expectNoHorizontalScroll(p);
  }, 60_000);
});
