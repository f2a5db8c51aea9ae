import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

const SECOND_INVOICE =
  'INVOICE 88-301\nBill to: Northwind Traders\nItems: 4 pallets of copier paper at $45 each\nSubtotal $180\nTotal due: $180\nPayment terms: net 30';
const SECOND_LETTER =
  'Dear Mr. Brown,\n\nThank you for your kind hospitality during our visit last week. We look forward to welcoming you in return.\n\nYours sincerely,\nAnna Lee';
const THIRD_LETTER =
  'Dear Dr. Patel,\n\nWe are pleased to confirm your appointment to the board. A signed copy of this letter is enclosed.\n\nKind regards,\nMaria Gomez';

interface Metrics {
  accuracy: number;
  numFilesProcessed: number;
  confusionMatrix: { labels: string[]; counts: number[][] };
}

/**
 * The Evaluation view in a real Chromium against a real server: the empty state, a set made and filled
 * from the browser, and a seeded set run from the browser, its run page (confusion matrix) and the
 * comparison of two runs.
 */
describe.runIf(available).each(backends())('dashboard evaluation in Chromium (%s)', (backend) => {
  let s: TestServer;
  let browser: Browser;
  let classifierId: string;

  beforeAll(async () => {
    const dashboardDir = await buildDashboard();
    s = await startTestServer(backend, { dashboardDir });
    browser = await launchChromium();
    const created = await s.api('POST', '/classifiers', { name: 'Inbox', config: BASIC_CONFIG });
    classifierId = created.body.id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  const pages = pageSession(() => browser, `evaluation-${backend}`);
  const openPage = (viewport?: { width: number; height: number }) => pages.open(viewport);
  afterEach((ctx) => pages.finish(ctx.task.result?.state === 'fail'));

  const signIn = (p: Page, key = s.apiKey) => signInAs(p, s.url, key);

  async function upload(name: string, text: string): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([text], { type: 'text/plain' }), name);
    const res = await s.api('POST', '/files/upload', form);
    expect(res.status).toBe(200);
    return res.body.id;
  }

  async function finishedRun(id: string): Promise<{ id: string; metrics: Metrics }> {
    return waitFor(
      async () => {
        const r = await s.api('GET', `/evaluation_set_runs/${id}`);
        return r.body.status === 'PROCESSED' ? r.body : undefined;
      },
      30_000,
      `evaluation run ${id}`,
    );
  }

  it('explains evaluation sets when there is none', async () => {
    const p = await openPage();
    await signIn(p);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evaluation' }).click();
    await p.waitForURL(`${s.url}/evaluation`);
    await p.getByText('No evaluation sets yet').waitFor();
    await p.getByText('Its items also teach the classifier', { exact: false }).waitFor();
    await p.getByRole('form', { name: 'Create an evaluation set' }).waitFor();
    if (backend === 'sqlite') await screenshot(p, 'evaluation-empty');
    await expectNoHorizontalScroll(p);
  }, 60_000);

  it('creates a set, uploads labelled files into it, relabels one and removes another', async () => {
    const p = await openPage();
    await signIn(p);
    await p.goto(`${s.url}/evaluation`);
    const form = p.getByRole('form', { name: 'Create an evaluation set' });
    await form.getByLabel('New set name').fill('Scratch');
    await form.getByLabel('Description').fill('made in the browser');
    await form.getByRole('button', { name: 'Create set' }).click();
    await p.getByRole('heading', { name: 'Scratch' }).waitFor();
    const setId = new URL(p.url()).pathname.split('/').pop()!;
    expect(setId).toMatch(/^ev_/);
    await p.getByText('No items yet').waitFor();
    expect(await p.getByRole('button', { name: 'Run evaluation' }).isDisabled()).toBe(true);

    const add = p.getByRole('region', { name: 'Add items' });
    await add.getByLabel('Expected classification').click();
    await p.getByRole('option', { name: 'letter' }).click();
    await add.locator('input[type=file]').setInputFiles([
      { name: 'thanks.txt', mimeType: 'text/plain', buffer: Buffer.from(SECOND_LETTER) },
      { name: 'bill.txt', mimeType: 'text/plain', buffer: Buffer.from(SECOND_INVOICE) },
    ]);
    await add.getByText('Added 2 items labelled letter.').waitFor();
    const items = p.getByRole('table', { name: 'Items' });
    await items.getByRole('row', { name: /thanks\.txt/ }).waitFor();
    const listed = await s.api('GET', `/evaluation_sets/${setId}/items`);
    expect(listed.body.data.map((i: { expectedOutput: { id: string } }) => i.expectedOutput.id)).toEqual([
      'letter',
      'letter',
    ]);

    // bill.txt is an invoice: relabel it in place.
    await p.getByRole('combobox', { name: 'Expected classification of bill.txt' }).click();
    await p.getByRole('option', { name: 'invoice' }).click();
    await waitFor(async () => {
      const r = await s.api('GET', `/evaluation_sets/${setId}/items`);
      const bill = r.body.data.find((i: { file: { name: string } }) => i.file.name === 'bill.txt');
      return bill?.expectedOutput.id === 'invoice' || undefined;
    });
    // The file name opens the original through a fresh presigned link, in a new tab.
    const [tab] = await Promise.all([
      pages.context.waitForEvent('page'),
      items.getByRole('button', { name: 'bill.txt', exact: true }).click(),
    ]);
    await tab.waitForLoadState();
    expect(new URL(tab.url()).pathname).toMatch(/^\/files\//);
    expect(await tab.textContent('body')).toContain('Northwind Traders');
    await tab.close();
    await p.getByRole('button', { name: 'Remove thanks.txt' }).click();
    await items.getByRole('row', { name: /thanks\.txt/ }).waitFor({ state: 'detached' });
    const left = await s.api('GET', `/evaluation_sets/${setId}/items`);
    expect(left.body.data.map((i: { file: { name: string } }) => i.file.name)).toEqual(['bill.txt']);
    expect(await p.getByRole('button', { name: 'Run evaluation' }).isDisabled()).toBe(false);
  }, 60_000);

  it('runs a set from the browser, draws its confusion matrix and compares two runs', async () => {
    // A published version to compare the draft with, and a set with one deliberately wrong label and
    // one file no parser can read (its run fails: a "(failed)" column in the matrix).
    const published = await s.api('POST', `/classifiers/${classifierId}/versions`, { releaseType: 'minor' });
    expect(published.status).toBe(200);
    const set = await s.api('POST', '/evaluation_sets', {
      name: 'Holdout',
      description: 'Six documents, one mislabelled, one unreadable',
      entityId: classifierId,
    });
    const labelled: [string, string, 'invoice' | 'letter'][] = [
      ['invoice-117.txt', INVOICE_TEXT, 'invoice'],
      ['invoice-301.txt', SECOND_INVOICE, 'invoice'],
      ['letter-smith.txt', LETTER_TEXT, 'letter'],
      ['letter-brown.txt', SECOND_LETTER, 'letter'],
      ['letter-patel-labelled-invoice.txt', THIRD_LETTER, 'invoice'],
    ];
    const scan = new FormData();
    scan.append('file', new Blob([new Uint8Array([0, 159, 146, 150, 1, 2, 3, 255, 0, 7])]), 'scan.bin');
    const scanFile = await s.api('POST', '/files/upload', scan);
    const items = await s.api('POST', `/evaluation_sets/${set.body.id}/items`, {
      items: [
        ...(await Promise.all(
          labelled.map(async ([name, text, label]) => ({
            fileId: await upload(name, text),
            expectedOutput: { id: label, type: label },
          })),
        )),
        { fileId: scanFile.body.id, expectedOutput: { id: 'invoice', type: 'invoice' } },
      ],
    });
    expect(items.status).toBe(200);
    const seeded = await s.api('POST', '/evaluation_set_runs', {
      evaluationSetId: set.body.id,
      entity: { id: classifierId, version: published.body.version },
    });
    expect(seeded.status).toBe(200);
    const first = await finishedRun(seeded.body.id);

    const p = await openPage();
    await signIn(p);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evaluation' }).click();
    const row = p.getByRole('table', { name: 'Evaluation sets' }).getByRole('row', { name: /Holdout/ });
    await row.getByText(`${(first.metrics.accuracy * 100).toFixed(1).replace(/\.0$/, '')}%`).waitFor();
    await row.getByRole('cell', { name: '6', exact: true }).waitFor();
    if (backend === 'sqlite') await screenshot(p, 'evaluation-sets');
    await expectNoHorizontalScroll(p);

    await row.getByRole('link', { name: 'Holdout' }).click();
    await p.getByRole('heading', { name: 'Holdout' }).waitFor();
    const runs = p.getByRole('table', { name: 'Evaluation runs' });
    await runs.locator(`[data-run-id="${first.id}"]`).getByText('PROCESSED').waitFor();
    // The draft is the default version; start the run from the page and watch it finish.
    await p.getByRole('button', { name: 'Run evaluation' }).click();
    await waitFor(async () => (await runs.getByRole('row').count()) === 3, 10_000, 'the new run in the list');
    const secondId = await runs.getByRole('row').nth(1).getAttribute('data-run-id');
    expect(secondId).toMatch(/^bpr_/);
    expect(secondId).not.toBe(first.id);
    await runs.locator(`[data-run-id="${secondId}"]`).getByText('PROCESSED').waitFor({ timeout: 30_000 });
    const second = await finishedRun(secondId!);
    const started = await s.api('GET', `/evaluation_set_runs/${secondId}`);
    expect(started.body.entityVersion.version).toBe('draft');
    if (backend === 'sqlite') await screenshot(p, 'evaluation-set', true);
    await expectNoHorizontalScroll(p);

    // The run page: figures, the heatmap with the API's counts, and the documents it got wrong.
    await runs.locator(`[data-run-id="${secondId}"]`).getByRole('link').first().click();
    await p.waitForURL(`${s.url}/evaluation/runs/${secondId}`);
    const matrix = p.getByRole('table', { name: 'Confusion matrix' });
    const { labels, counts } = second.metrics.confusionMatrix;
    for (const [i, expected] of labels.entries()) {
      if (expected === '(failed)') continue;
      for (const [j, predicted] of labels.entries()) {
        const n = counts[i]?.[j] ?? 0;
        await matrix
          .getByRole('cell', { name: `expected ${expected}, predicted ${predicted}: ${n}`, exact: true })
          .waitFor();
      }
    }
    // The mislabelled letter is a letter to the classifier: one invoice "predicted" as a letter.
    const wrong = labels.indexOf('letter');
    expect(counts[labels.indexOf('invoice')]?.[wrong]).toBe(1);
    await matrix.getByRole('cell', { name: 'expected invoice, predicted letter: 1', exact: true }).waitFor();
    const misses = p.getByRole('table', { name: 'Misclassified documents' });
    const miss = misses.getByRole('link', { name: 'letter-patel-labelled-invoice.txt' });
    await miss.waitFor();
    await matrix
      .getByRole('cell', { name: 'expected invoice, predicted (failed): 1', exact: true })
      .waitFor();
    await misses
      .getByRole('row', { name: /scan\.bin/ })
      .getByText('failed', { exact: true })
      .waitFor();
    const wrongCount =
      second.metrics.numFilesProcessed -
      Math.round(second.metrics.accuracy * second.metrics.numFilesProcessed);
    expect(await misses.getByRole('row').count()).toBe(1 + wrongCount);
    expect(await miss.getAttribute('href')).toMatch(/^\/runs\/clr_/);
    await p.getByRole('img', { name: /Reliability chart/ }).waitFor();
    await p
      .getByRole('table', { name: 'Per-class metrics' })
      .getByRole('row', { name: /invoice/ })
      .waitFor();
    if (backend === 'sqlite') await screenshot(p, 'evaluation-run', true);
    await expectNoHorizontalScroll(p);

    // Fix the wrong label on the set page and score the draft again: the comparison shows the gain.
    await p.goBack();
    await p.getByRole('heading', { name: 'Holdout' }).waitFor();
    await p
      .getByRole('combobox', { name: 'Expected classification of letter-patel-labelled-invoice.txt' })
      .click();
    await p.getByRole('option', { name: 'letter' }).click();
    await waitFor(async () => {
      const r = await s.api('GET', `/evaluation_sets/${set.body.id}/items?maxPageSize=10`);
      const patel = r.body.data.find((i: { file: { name: string } }) =>
        i.file.name.startsWith('letter-patel'),
      );
      return patel?.expectedOutput.id === 'letter' || undefined;
    });
    await p.getByRole('button', { name: 'Run evaluation' }).click();
    await waitFor(
      async () => (await runs.getByRole('row').count()) === 4,
      10_000,
      'the third run in the list',
    );
    const thirdId = await runs.getByRole('row').nth(1).getAttribute('data-run-id');
    expect([first.id, secondId]).not.toContain(thirdId);
    await runs.locator(`[data-run-id="${thirdId}"]`).getByText('PROCESSED').waitFor({ timeout: 30_000 });
    const third = await finishedRun(thirdId!);
    expect(third.metrics.accuracy).toBeGreaterThan(first.metrics.accuracy);

    // Compare: tick the first and the third run.
    await p.getByLabel(`Compare run ${first.id}`).check();
    await p.getByLabel(`Compare run ${thirdId}`).check();
    await p.getByRole('button', { name: 'Compare selected' }).click();
    await p.waitForURL(`${s.url}/evaluation/compare?a=${first.id}&b=${thirdId}`);
    const figures = p.getByRole('table', { name: 'Headline figures compared' });
    const gain = ((third.metrics.accuracy - first.metrics.accuracy) * 100).toFixed(1);
    await figures
      .getByRole('row', { name: /Accuracy/ })
      .getByText(`+${gain} pts`)
      .waitFor();
    await p
      .getByRole('table', { name: 'F1 per class compared' })
      .getByRole('row', { name: /letter/ })
      .waitFor();
    await p
      .getByRole('table', { name: 'Confusion matrix of run A' })
      .getByRole('cell', { name: 'expected invoice, predicted letter: 1', exact: true })
      .waitFor();
    await p
      .getByRole('table', { name: 'Confusion matrix of run B' })
      .getByRole('cell', { name: 'expected invoice, predicted letter: 0', exact: true })
      .waitFor();
    if (backend === 'sqlite') await screenshot(p, 'evaluation-compare', true);
    await expectNoHorizontalScroll(p);
  }, 120_000);

  it('fits a laptop screen: the run page and the comparison at 1440x900', async () => {
    // The newest runs: the one scored after the label fix, and the one with the wrong label.
    const list = await s.api('GET', '/evaluation_set_runs?maxPageSize=3');
    const [b, a, first] = list.body.data as { id: string }[];
    expect(a && b && first).toBeTruthy();
    const p = await openPage({ width: 1440, height: 900 });
    await signIn(p);
    await p.goto(`${s.url}/evaluation/runs/${a!.id}`);
    await p.getByRole('table', { name: 'Confusion matrix' }).waitFor();
    // Its wrong answer was the label fixed since: the list keeps the label the run was scored against.
    await p
      .getByRole('table', { name: 'Misclassified documents' })
      .getByRole('link', { name: 'letter-patel-labelled-invoice.txt' })
      .waitFor();
    if (backend === 'sqlite') await screenshot(p, 'evaluation-run-1440');
    await expectNoHorizontalScroll(p);
    await p.goto(`${s.url}/evaluation/compare?a=${a!.id}&b=${b!.id}`);
    await p.getByRole('table', { name: 'Confusion matrix of run B' }).waitFor();
    if (backend === 'sqlite') await screenshot(p, 'evaluation-compare-1440');
    await expectNoHorizontalScroll(p);
    // Another run for A, picked on the page: the seeded one at the published version.
    await p
      .getByRole('group', { name: 'Runs compared' })
      .getByRole('combobox', { name: 'A', exact: true })
      .click();
    await p.getByRole('option', { name: /^v0\.1 · / }).click();
    await p.waitForURL(`${s.url}/evaluation/compare?a=${first!.id}&b=${b!.id}`);
    await p
      .getByRole('region', { name: 'A: confusion matrix' })
      .getByRole('link', { name: /^v0\.1/ })
      .waitFor();
    // A run that does not exist says so in words.
    await p.goto(`${s.url}/evaluation/runs/bpr_doesnotexist`);
    await p.getByRole('alert').getByText('Evaluation run not found').waitFor();
  }, 60_000);
});
