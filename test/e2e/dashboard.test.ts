import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makePdf } from '../fixtures/make-pdf.js';
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
  launchChromium,
  pageSession,
  screenshot,
  signInAs,
} from './dashboard-support.js';

const available = chromiumAvailable();

/** The dashboard in a real Chromium against a real server: what a reviewer and an admin do with it. */
describe.runIf(available).each(backends())('dashboard in Chromium (%s)', (backend) => {
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

  const pages = pageSession(() => browser, backend);
  const openPage = (viewport?: { width: number; height: number }) => pages.open(viewport);
  afterEach((ctx) => pages.finish(ctx.task.result?.state === 'fail'));

  const signIn = (p: Page) => signInAs(p, s.url, s.apiKey);

  it('signs in with the key, refusing a wrong one with the API message, and signs out', async () => {
    const p = await openPage();
    await p.goto(`${s.url}/`);
    await p.getByRole('heading', { name: 'Docsort' }).waitFor();
    await p.getByLabel('API key').fill('sk_notarealkeynotarealkey');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('alert').getByText('Invalid API key.').waitFor();
    if (backend === 'sqlite') await screenshot(p, 'sign-in-refused');
    await p.getByLabel('API key').fill(s.apiKey);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Runs' }).waitFor();
    await p.getByText('Live: refreshed').waitFor();
    if (backend === 'sqlite') await screenshot(p, 'runs-first-visit');
    expect(await p.evaluate("sessionStorage.getItem('docsort.apiKey')")).toBe(s.apiKey);
    // A reload keeps the session; the key is never put in localStorage.
    await p.reload();
    await p.getByRole('heading', { name: 'Runs' }).waitFor();
    expect(await p.evaluate('localStorage.length')).toBe(0);
    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.getByLabel('API key').waitFor();
    expect(await p.evaluate("sessionStorage.getItem('docsort.apiKey')")).toBeNull();
  }, 90_000);

  it('uploads a PDF, shows it finishing in the list, opens its dashboardUrl and corrects it by keyboard', async () => {
    // An older run, so J has somewhere to go from the PDF's page.
    const older = await s.api('POST', '/classify', {
      classifier: { id: classifierId, version: 'draft' },
      file: { text: LETTER_TEXT, name: 'letter.txt' },
    });
    expect(older.body.status).toBe('PROCESSED');

    const p = await openPage();
    await signIn(p);
    const upload = p.getByRole('region', { name: 'Classify a document' });
    await upload.getByLabel('Classifier').click();
    await p.getByRole('option', { name: 'Inbox' }).click();
    await upload.locator('input[type=file]').setInputFiles({
      name: 'invoice-2024-117.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from(makePdf([INVOICE_TEXT])),
    });
    // The list polls: the new run appears and turns PROCESSED without a reload.
    const row = p.getByRole('row', { name: /invoice-2024-117\.pdf/ });
    await row.getByText('PROCESSED').waitFor({ timeout: 20_000 });
    await row.getByRole('cell', { name: 'invoice', exact: true }).waitFor();
    if (backend === 'sqlite') await screenshot(p, 'runs-list');

    const list = await s.api(
      'GET',
      `/classify_runs?fileNameContains=invoice-2024-117&classifierId=${classifierId}`,
    );
    const run = list.body.data[0];
    expect(run.dashboardUrl).toBe(`${s.url}/runs/${run.id}`);

    await p.goto(run.dashboardUrl);
    await p.getByTestId('output-type').getByText('invoice').waitFor();
    await p.locator('canvas[aria-label*="page 1 of 1"]').waitFor();
    await p.getByRole('region', { name: 'Parsed text' }).getByText('Total due', { exact: false }).waitFor();
    await p.locator('[data-rendered-zoom="1"]').waitFor();
    if (backend === 'sqlite') await screenshot(p, 'run-detail');
    // Zooming moves focus to the zoom control; the shortcuts must keep working.
    await p.getByRole('region', { name: 'Document' }).getByText('200%').click();
    await p.locator('[data-rendered-zoom="2"]').waitFor();
    const zoomed = await p.locator('canvas[aria-label*="page 1 of 1"]').boundingBox();
    expect(zoomed?.width).toBeGreaterThan(700);
    if (backend === 'sqlite') await screenshot(p, 'run-detail-zoomed');

    await p.keyboard.press('2');
    expect(await p.getByRole('radio', { name: /letter/ }).getAttribute('aria-checked')).toBe('true');
    await p.keyboard.press('Enter');
    await p.getByRole('status').getByText('Saved: reviewed and edited.').waitFor();
    const reviewed = await s.api('GET', `/classify_runs/${run.id}`);
    expect(reviewed.body).toMatchObject({
      reviewed: true,
      edited: true,
      output: { id: 'letter', confidence: 1 },
      initialOutput: { id: 'invoice' },
    });
    await p.getByRole('region', { name: 'Classification' }).getByText('edited', { exact: true }).waitFor();
    if (backend === 'sqlite') await screenshot(p, 'run-detail-reviewed');

    // J and K walk the list the run came from (the newest runs, when opened from its dashboardUrl).
    await p.keyboard.press('j');
    await p.waitForURL(`${s.url}/runs/${older.body.id}`);
    await p.getByTestId('output-type').getByText('letter').waitFor();
    await p.keyboard.press('k');
    await p.waitForURL(run.dashboardUrl);
  }, 90_000);

  it('shows the failure reason and message of a failed run, and filters the list by status', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([0, 159, 146, 150, 1, 2, 3, 255, 0, 7])]), 'scan.bin');
    const file = await s.api('POST', '/files/upload', form);
    const created = await s.api('POST', '/classify_runs', {
      classifier: { id: classifierId, version: 'draft' },
      file: { id: file.body.id },
    });
    const failed = await waitFor(async () => {
      const r = await s.api('GET', `/classify_runs/${created.body.id}`);
      return r.body.status === 'FAILED' ? r.body : undefined;
    });

    const p = await openPage();
    await signIn(p);
    await p.goto(failed.dashboardUrl);
    const alert = p.getByRole('region', { name: 'Classification' }).getByRole('alert');
    await alert.getByText(failed.failureReason).waitFor();
    await alert.getByText(failed.failureMessage.slice(0, 40), { exact: false }).waitFor();
    if (backend === 'sqlite') await screenshot(p, 'run-failed');

    await p.goto(`${s.url}/runs?status=FAILED`);
    await p.getByRole('row', { name: /scan\.bin/ }).waitFor();
    expect(await p.getByRole('row', { name: /PROCESSED/ }).count()).toBe(0);
    await p.getByLabel('File name contains').fill('no-such-file');
    await p.getByText('No runs match these filters').waitFor();
    expect(new URL(p.url()).searchParams.get('q')).toBe('no-such-file');
  }, 90_000);

  it('queues the unreviewed runs below the threshold and moves on after each review', async () => {
    for (const text of ['Meeting notes, Tuesday.', 'Quarterly figures attached.', INVOICE_TEXT]) {
      const r = await s.api('POST', '/classify', {
        classifier: { id: classifierId, version: 'draft' },
        file: { text },
      });
      expect(r.body.status).toBe('PROCESSED');
    }
    // What the queue should hold at a threshold of 100%: every unreviewed run not at full confidence.
    const expected = async () => {
      const list = await s.api('GET', '/classify_runs?status=PROCESSED&maxPageSize=100');
      let n = 0;
      for (const summary of list.body.data) {
        if (summary.reviewed) continue;
        const r = await s.api('GET', `/classify_runs/${summary.id}`);
        if (r.body.output.confidence < 1) n++;
      }
      return n;
    };
    const before = await expected();
    expect(before).toBeGreaterThan(1);

    const p = await openPage();
    await signIn(p);
    await p.getByRole('link', { name: 'Review queue' }).click();
    await p.getByTestId('queue-count').getByText(/left/).waitFor();
    await p.getByRole('slider').focus();
    await p.keyboard.press('End');
    await p.getByTestId('queue-count').getByText(`${before} left`, { exact: false }).waitFor();
    await p.getByRole('radiogroup', { name: 'Correct classification' }).waitFor();
    if (backend === 'sqlite') await screenshot(p, 'review-queue');

    await p.getByText(`1 of ${before}:`).waitFor();
    // Enter accepts the model's answer for the first run in the queue; the next one follows.
    await p.getByRole('slider').blur();
    await p.keyboard.press('Enter');
    await p
      .getByTestId('queue-count')
      .getByText(`${before - 1} left`, { exact: false })
      .waitFor();
    expect(await expected()).toBe(before - 1);
    const accepted = await s.api('GET', '/classify_runs?status=PROCESSED&maxPageSize=100');
    const reviewedNow = accepted.body.data.filter((r: { reviewed: boolean; edited: boolean }) => r.reviewed);
    expect(reviewedNow.some((r: { edited: boolean }) => r.edited === false)).toBe(true);
  }, 90_000);

  it('creates a classifier, shows the API validation message, saves and publishes the draft, and tries it', async () => {
    const p = await openPage();
    await signIn(p);
    await p.getByRole('link', { name: 'Classifiers' }).click();
    await p.getByRole('table', { name: 'Classifiers' }).getByText('Inbox').waitFor();
    if (backend === 'sqlite') await screenshot(p, 'classifiers-list');
    await p.getByLabel('New classifier').fill('Post room');
    await p.getByRole('button', { name: 'Create' }).click();
    await p.getByRole('heading', { name: 'Post room' }).waitFor();
    const id = new URL(p.url()).pathname.split('/').pop()!;
    expect(id).toMatch(/^cl_/);

    await p
      .getByLabel('Classification 1 description')
      .fill('A supplier bill with line items and a total due.');
    await p.getByRole('button', { name: 'Add classification' }).click();
    await p.getByLabel('Classification 4 id').fill('other');
    await p.getByLabel('Classification 4 type').fill('memo');
    await p.getByLabel('Classification 4 description').fill('An internal memo to staff.');
    await p.getByRole('button', { name: 'Save draft' }).click();
    await p.getByRole('alert').getByText('duplicate classification id "other"').waitFor();
    if (backend === 'sqlite') await screenshot(p, 'classifier-draft-error');

    await p.getByLabel('Classification 4 id').fill('memo');
    await p.getByRole('button', { name: 'Save draft' }).click();
    await p.getByText('Draft saved.').waitFor();
    const draft = await s.api('GET', `/classifiers/${id}/versions/draft`);
    expect(draft.body.config.classifications.map((c: { id: string }) => c.id)).toEqual([
      'invoice',
      'letter',
      'other',
      'memo',
    ]);
    expect(draft.body.config.classifications[0].description).toBe(
      'A supplier bill with line items and a total due.',
    );

    await p.getByRole('region', { name: 'Publish' }).getByText('Major', { exact: true }).click();
    await p.getByLabel('Version description').fill('Adds memos');
    await p.getByRole('button', { name: 'Publish' }).click();
    await p.getByText('Published version 1.0.').waitFor();
    const versions = await s.api('GET', `/classifiers/${id}/versions`);
    expect(versions.body.data.map((v: { version: string }) => v.version)).toEqual(['draft', '1.0']);
    expect(versions.body.data[1].description).toBe('Adds memos');

    const tryIt = p.getByRole('region', { name: 'Try it' });
    await tryIt.locator('input[type=file]').setInputFiles({
      name: 'letter.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(LETTER_TEXT),
    });
    await p.getByTestId('try-result').getByText('letter', { exact: true }).waitFor({ timeout: 20_000 });
    if (backend === 'sqlite') await screenshot(p, 'classifier-draft', true);

    // A change after publishing shows in the comparison of 1.0 with the draft.
    await p.getByLabel('Classification 4 description').fill('An internal memo to all staff.');
    await p.getByRole('button', { name: 'Save draft' }).click();
    await p.getByText('Draft saved.').waitFor();
    await p.getByRole('tab', { name: 'Versions' }).click();
    await p.getByRole('table', { name: 'Versions' }).getByText('Adds memos').waitFor();
    const memo = p.getByRole('table', { name: 'Version differences' }).getByRole('row', { name: /memo/ });
    await memo.getByText('changed').waitFor();
    await memo.getByText('An internal memo to all staff.').waitFor();
    if (backend === 'sqlite') await screenshot(p, 'classifier-versions');
    await waitFor(async () => p.url().includes('tab=versions'), 5000, 'the tab in the URL');
    // /classifiers/cl_... is also an API path: a browser reload must still get the page.
    await p.reload();
    await p.getByRole('table', { name: 'Version differences' }).waitFor();
  }, 90_000);
});
