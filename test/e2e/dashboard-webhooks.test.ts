import { ExtendClient } from 'extend-ai';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import {
  BASIC_CONFIG,
  INVOICE_TEXT,
  startTestServer,
  type TestServer,
  waitFor,
} from '../support/test-server.js';
import { type Receiver, startReceiver } from '../webhooks/receiver.js';
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
 * The Webhooks view in a real Chromium against a real server and a real receiver on loopback: create
 * an endpoint (secret shown once), watch a run's delivery fail, retry it from its detail and see it
 * delivered; edit, disable, rotate and delete.
 */
describe.runIf(available).each(backends())('dashboard webhooks in Chromium (%s)', (backend) => {
  let s: TestServer;
  let receiver: Receiver;
  let browser: Browser;
  let classifierId: string;
  /** Requests per path so far: the first to each path is answered 500, every later one 200. */
  const counts = new Map<string, number>();

  beforeAll(async () => {
    const dashboardDir = await buildDashboard();
    receiver = await startReceiver((r) => {
      const n = counts.get(r.path) ?? 0;
      counts.set(r.path, n + 1);
      return n === 0 ? { status: 500, body: 'receiver not ready' } : { status: 200, body: 'ok' };
    });
    s = await startTestServer(backend, {
      dashboardDir,
      env: {
        // The receiver is on loopback, which the SSRF guard refuses by default.
        DOCSORT_ALLOW_PRIVATE_NETWORK: 'true',
        // After the first failure the next scheduled attempt is an hour away: only Retry sends it again.
        DOCSORT_WEBHOOK_RETRY_SCHEDULE: '0,1h',
      },
    });
    browser = await launchChromium();
    const created = await s.api('POST', '/classifiers', { name: 'Inbox', config: BASIC_CONFIG });
    classifierId = created.body.id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
    await receiver?.close();
  });

  const pages = pageSession(
    () => browser,
    `webhooks-${backend}`,
    (context) => context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url }),
  );
  const openPage = (viewport?: { width: number; height: number }) => pages.open(viewport);
  afterEach((ctx) => pages.finish(ctx.task.result?.state === 'fail'));

  const signIn = (p: Page, key = s.apiKey) => signInAs(p, s.url, key);

  it('explains webhooks when there is none, and shows the API validation message at the field', async () => {
    const p = await openPage();
    await signIn(p);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await p.waitForURL(`${s.url}/webhooks`);
    await p.getByText('No webhook endpoints yet').waitFor();
    await p.getByText('A webhook endpoint is a URL of yours', { exact: false }).waitFor();
    if (backend === 'sqlite') await screenshot(p, 'webhooks-empty');

    await p.getByRole('button', { name: 'Add an endpoint' }).click();
    const form = p.getByRole('form', { name: 'New endpoint' });
    // The defaults: the two classify run events.
    expect(await form.getByLabel('classify_run.processed', { exact: true }).isChecked()).toBe(true);
    expect(await form.getByLabel('classify_run.failed', { exact: true }).isChecked()).toBe(true);
    await form.getByRole('textbox', { name: /^Name/ }).fill('Loopback');
    // Cloud metadata stays refused even where private networks are allowed.
    await form.getByRole('textbox', { name: /^URL/ }).fill('http://169.254.169.254/latest/hook');
    await form.getByRole('button', { name: 'Add a header' }).click();
    await form.getByLabel('Header 1 name').fill('x-extend-api-version');
    await form.getByLabel('Header 1 value').fill('1999-01-01');
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    // The API names the header's path; its message sits under that row.
    const headerName = form.getByLabel('Header 1 name');
    await waitFor(
      async () => (await headerName.getAttribute('aria-invalid')) === 'true',
      10_000,
      'header error',
    );
    await form
      .getByText('is set by Docsort on every delivery and cannot be replaced', { exact: false })
      .waitFor();
    if (backend === 'sqlite') await screenshot(p, 'webhook-form-header-error');
    await form.getByRole('button', { name: 'Remove header x-extend-api-version' }).click();
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    // The URL field shows why the API refused the address.
    const url = form.getByRole('textbox', { name: /^URL/ });
    await waitFor(async () => (await url.getAttribute('aria-invalid')) === 'true', 10_000, 'url error');
    await form.getByText('url cannot receive webhooks', { exact: false }).waitFor();
    if (backend === 'sqlite') await screenshot(p, 'webhook-form-error');
    await form.getByRole('button', { name: 'Cancel' }).click();
    expect((await s.api('GET', '/webhook_endpoints')).body.data).toEqual([]);
  }, 90_000);

  it('creates an endpoint with the secret shown once, and retries a failed delivery of a run until it succeeds', async () => {
    const p = await openPage();
    await signIn(p);
    await p.goto(`${s.url}/webhooks`);
    await p.getByRole('button', { name: 'Add an endpoint' }).click();
    const form = p.getByRole('form', { name: 'New endpoint' });
    await form.getByRole('textbox', { name: /^Name/ }).fill('Order system');
    await form.getByRole('textbox', { name: /^URL/ }).fill(receiver.url('/orders'));
    await form.getByRole('button', { name: 'Add a header' }).click();
    await form.getByLabel('Header 1 name').fill('authorization');
    await form.getByLabel('Header 1 value').fill('Bearer receiver-token');
    await form.getByRole('button', { name: 'Create endpoint' }).click();

    // The secret, once, with a copy button and the warning.
    const dialog = p.getByRole('dialog', { name: 'Endpoint created: its signing secret' });
    await dialog.getByText('you will not see this secret again', { exact: false }).waitFor();
    const secret = (await dialog.getByTestId('signing-secret').textContent()) ?? '';
    expect(secret).toMatch(/^wss_/);
    await dialog.getByRole('button', { name: 'Copy secret' }).click();
    await dialog.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await p.evaluate('navigator.clipboard.readText()')).toBe(secret);
    if (backend === 'sqlite') await screenshot(p, 'webhook-secret-once');
    await dialog.getByRole('button', { name: 'I have stored the secret' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await p.content()).not.toContain(secret);

    const list = await s.api('GET', '/webhook_endpoints');
    expect(list.body.data).toHaveLength(1);
    const endpoint = list.body.data[0];
    expect(endpoint).toMatchObject({
      name: 'Order system',
      url: receiver.url('/orders'),
      status: 'enabled',
      enabledEvents: ['classify_run.processed', 'classify_run.failed'],
      advancedOptions: { headers: { authorization: 'Bearer receiver-token' } },
    });
    expect(endpoint.signingSecret).toBeUndefined();
    const row = p.getByRole('row', { name: /Order system/ });
    await row.getByText('enabled').waitFor();
    await row.getByText('classify_run.processed').waitFor();
    if (backend === 'sqlite') await screenshot(p, 'webhooks-list');
    await p.setViewportSize({ width: 1440, height: 900 });
    await expectNoHorizontalScroll(p);
    if (backend === 'sqlite') await screenshot(p, 'webhooks-list-1440');
    await p.setViewportSize({ width: 1280, height: 800 });

    // A classify run fires classify_run.processed; the receiver answers the first request 500.
    const run = await s.api('POST', '/classify', {
      classifier: { id: classifierId, version: 'draft' },
      file: { text: INVOICE_TEXT, name: 'invoice.txt' },
    });
    expect(run.body.status).toBe('PROCESSED');
    const first = await waitFor(
      async () => receiver.received.find((r) => r.path === '/orders'),
      20_000,
      'the first delivery',
    );
    // The secret the dialog showed verifies what the receiver got.
    const event = new ExtendClient({ token: 'unused' }).webhooks.verifyAndParse(
      first.body,
      first.headers as never,
      secret,
    );
    expect(event).toMatchObject({ eventType: 'classify_run.processed', payload: { id: run.body.id } });
    expect(first.headers.authorization).toBe('Bearer receiver-token');

    await row.getByRole('link', { name: 'Order system' }).click();
    await p.waitForURL(`${s.url}/webhooks/${endpoint.id}`);
    await p.getByRole('heading', { name: 'Order system' }).waitFor();
    const deliveries = p.getByRole('table', { name: 'Deliveries' });
    const failed = deliveries.getByRole('row', { name: /classify_run\.processed/ });
    await failed.getByText('failed', { exact: true }).waitFor({ timeout: 20_000 });
    await failed.getByText('500', { exact: true }).waitFor();
    await failed.getByText(/^in \d+ (min|h)$/).waitFor();
    const subject = failed.getByRole('link', { name: run.body.id });
    expect(await subject.getAttribute('href')).toBe(`/runs/${run.body.id}`);

    // The status filter is the API's, kept in the URL.
    await p.getByRole('search', { name: 'Filter deliveries' }).getByLabel('Status').click();
    await p.getByRole('option', { name: 'succeeded' }).click();
    await p.getByText('No deliveries match these filters').waitFor();
    expect(new URL(p.url()).searchParams.get('status')).toBe('succeeded');
    await p.getByRole('search', { name: 'Filter deliveries' }).getByLabel('Status').click();
    await p.getByRole('option', { name: 'failed' }).click();
    await failed.waitFor();
    if (backend === 'sqlite') await screenshot(p, 'webhook-deliveries');

    await failed.getByRole('link', { name: /Delivery classify_run\.processed/ }).click();
    await p.waitForURL(/\/deliveries\/whd_/);
    const drawer = p.getByRole('dialog', { name: 'Webhook delivery' });
    const attempts = drawer.getByRole('table', { name: 'Attempts' });
    await attempts.locator('[data-attempt="1"]').getByText('500', { exact: true }).waitFor();
    await attempts.getByText('receiver not ready').waitFor();
    await attempts.getByText('HTTP 500 Internal Server Error', { exact: false }).waitFor();
    const headers = drawer.getByRole('table', { name: 'Request headers' });
    await headers.getByRole('row', { name: /authorization Bearer receiver-token/ }).waitFor();
    await headers.getByRole('row', { name: /webhook-signature signed afresh/ }).waitFor();
    const body = await drawer.getByLabel('Request body').textContent();
    expect(JSON.parse(body ?? '')).toEqual(JSON.parse(first.body));

    await drawer.getByRole('button', { name: 'Retry now' }).click();
    await drawer.getByLabel('delivery succeeded').waitFor({ timeout: 20_000 });
    await attempts.locator('[data-attempt="2"]').getByText('200', { exact: true }).waitFor();
    await drawer.getByRole('status').getByText('Sent again: delivered.').waitFor();
    const sent = receiver.received.filter((r) => r.path === '/orders');
    expect(sent).toHaveLength(2);
    expect(sent[1]?.json.eventId).toBe(event.eventId);
    expect(await attempts.locator('tbody tr').count()).toBe(2);
    await expectNoHorizontalScroll(p);
    if (backend === 'sqlite') await screenshot(p, 'webhook-delivery-detail');
    await drawer.getByLabel('Request body').scrollIntoViewIfNeeded();
    if (backend === 'sqlite') await screenshot(p, 'webhook-delivery-request');
    await p.setViewportSize({ width: 1440, height: 900 });
    await expectNoHorizontalScroll(p);
    if (backend === 'sqlite') await screenshot(p, 'webhook-delivery-detail-1440');

    // The list under the drawer followed without a reload.
    await p.keyboard.press('Escape');
    await p.waitForURL(`${s.url}/webhooks/${endpoint.id}?status=failed`);
    await p.getByText('No deliveries match these filters').waitFor();
    await p.getByRole('button', { name: 'Clear filters' }).click();
    await deliveries
      .getByRole('row', { name: /classify_run\.processed/ })
      .getByText('succeeded')
      .waitFor();
    // The endpoint is healthy again: its failing warning goes away by itself.
    await p.getByText('Deliveries are failing').waitFor({ state: 'detached' });
    await p.getByText('enabled', { exact: true }).waitFor();
    if (backend === 'sqlite') await screenshot(p, 'webhook-deliveries-1440');
    const api = await s.api('GET', `/webhook_endpoints/${endpoint.id}/deliveries`);
    expect(api.body.data[0]).toMatchObject({ status: 'succeeded', attemptCount: 2, lastStatusCode: 200 });

    // The run's page lists the deliveries it caused, each opening its detail.
    await p.goto(run.body.dashboardUrl);
    const runDeliveries = p.getByRole('region', { name: 'Webhook deliveries' });
    const link = runDeliveries.getByRole('link', {
      name: 'classify_run.processed to Order system: succeeded',
    });
    await link.waitFor();
    if (backend === 'sqlite') await screenshot(p, 'run-detail-webhooks');
    await link.click();
    await p.waitForURL(/\/webhooks\/wh_[^/]+\/deliveries\/whd_/);
    await p
      .getByRole('dialog', { name: 'Webhook delivery' })
      .getByRole('link', { name: run.body.id })
      .waitFor();
  }, 120_000);

  it('edits, disables, rotates the secret and deletes an endpoint after confirmation', async () => {
    const created = await s.api('POST', '/webhook_endpoints', {
      url: receiver.url('/ops'),
      name: 'Ops',
      enabledEvents: ['classifier.created'],
      apiVersion: '2026-02-09',
    });
    expect(created.status).toBe(200);
    const id = created.body.id;

    const p = await openPage({ width: 1440, height: 900 });
    await signIn(p);
    await p.goto(`${s.url}/webhooks/${id}`);
    await p.getByRole('heading', { name: 'Ops' }).waitFor();

    await p.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = p.getByRole('form', { name: 'Edit endpoint' });
    await form.getByLabel('classify_run.failed', { exact: true }).waitFor();
    if (backend === 'sqlite') await screenshot(p, 'webhook-endpoint-edit');
    await form.getByRole('textbox', { name: /^Name/ }).fill('Operations');
    await form.getByLabel('classifier.version.published', { exact: true }).check();
    await form.getByLabel('classifier.created', { exact: true }).uncheck();
    await form.getByRole('button', { name: 'Save changes' }).click();
    await p.getByRole('heading', { name: 'Operations' }).waitFor();
    expect((await s.api('GET', `/webhook_endpoints/${id}`)).body).toMatchObject({
      name: 'Operations',
      enabledEvents: ['classifier.version.published'],
    });

    await p.getByRole('button', { name: 'Disable' }).click();
    await p.getByText('Disabled: nothing is sent').waitFor();
    expect((await s.api('GET', `/webhook_endpoints/${id}`)).body.status).toBe('disabled');
    await p.getByRole('button', { name: 'Enable' }).click();
    await p.getByRole('button', { name: 'Disable' }).waitFor();
    expect((await s.api('GET', `/webhook_endpoints/${id}`)).body.status).toBe('enabled');

    await p.getByRole('button', { name: 'Rotate secret' }).click();
    await p
      .getByRole('dialog', { name: 'Rotate the signing secret?' })
      .getByRole('button', { name: 'Rotate secret' })
      .click();
    const secretDialog = p.getByRole('dialog', { name: 'New signing secret' });
    await secretDialog.getByText('you will not see this secret again', { exact: false }).waitFor();
    expect(await secretDialog.getByTestId('signing-secret').textContent()).toMatch(/^wss_/);
    await secretDialog.getByText('The previous secret keeps signing', { exact: false }).waitFor();
    await secretDialog.getByRole('button', { name: 'I have stored the secret' }).click();

    await p.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = p.getByRole('dialog', { name: 'Delete “Operations”?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect((await s.api('GET', `/webhook_endpoints/${id}`)).status).toBe(200);
    await p.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirm.getByRole('button', { name: 'Delete endpoint' }).click();
    await p.waitForURL(`${s.url}/webhooks`);
    expect((await s.api('GET', `/webhook_endpoints/${id}`)).status).toBe(404);
    expect(await p.getByRole('row', { name: /Operations/ }).count()).toBe(0);
  }, 90_000);
});
