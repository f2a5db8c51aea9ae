import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, SEALED_PREFIX } from '../../src/lib/secret-box.js';
import { SEALED } from '../../src/store/sealed-columns.js';
import { backends } from '../support/backends.js';
import { BASIC_CONFIG, startTestServer, type TestServer, waitFor } from '../support/test-server.js';
import { type Receiver, startReceiver } from '../webhooks/receiver.js';
import { createEndpoint } from '../webhooks/support.js';
import {
  expectNoSecret,
  expectVerifiedDelivery,
  PDF_PASSWORD,
  PDF_TEXT,
  parseText,
  rawFilePassword,
  rawSetting,
  rawWebhookSecrets,
  startPdfServer,
  uploadPasswordPdf,
  withWorker,
} from './secrets-support.js';

const SLOW = 120_000;

/**
 * File passwords and webhook signing secrets are stored sealed with DOCSORT_SECRET_KEY (README
 * "Configuration"): the raw columns hold `sealed:v1:...`, and everything that needs them still works.
 */
describe.each(backends())('secrets sealed at rest (%s)', (backend) => {
  let s: TestServer;
  let receiver: Receiver;
  let pdf: Awaited<ReturnType<typeof startPdfServer>>;
  const box = () => createSecretBox(Buffer.from(s.secretKey ?? '', 'base64'));

  beforeAll(async () => {
    receiver = await startReceiver();
    pdf = await startPdfServer();
    // The worker is started by the test that needs it, once it has read the run's stored input.
    s = await startTestServer(backend, { env: { DOCSORT_ALLOW_PRIVATE_NETWORK: 'true' }, worker: false });
  });
  afterAll(async () => {
    await s?.stop();
    await receiver?.close();
    await pdf?.close();
  });

  it(
    'an uploaded password is stored sealed, opens the PDF, and no response carries it',
    async () => {
      const file = await uploadPasswordPdf(s);
      expectNoSecret(file);
      const raw = await rawFilePassword(s, file.id);
      expect(raw?.startsWith(SEALED_PREFIX)).toBe(true);
      expect(raw).not.toContain(PDF_PASSWORD);
      expect(box().open(raw ?? '', SEALED.filePassword)).toBe(PDF_PASSWORD);
      // Bound to its column: the same value does not open as a webhook secret.
      expect(() => box().open(raw ?? '', SEALED.webhookSecret)).toThrow();

      const parse = await withWorker(s, async () => {
        expect(await parseText(s, file.id)).toContain(PDF_TEXT);
        return s.api('POST', '/parse', { file: { id: file.id } });
      });
      expectNoSecret(parse.body);
      const runs = await s.api('GET', `/parse_runs/${parse.body.id}`);
      expect(runs.status).toBe(200);
      expectNoSecret(runs.body);
      expectNoSecret((await s.api('GET', `/files/${file.id}`)).body);
      expectNoSecret((await s.api('GET', '/files?maxPageSize=100')).body);
    },
    SLOW,
  );

  it(
    "a {url} input's settings.password waits sealed for the worker, which opens the PDF with it",
    async () => {
      const created = await s.api('POST', '/classify_runs', {
        config: BASIC_CONFIG,
        file: { url: pdf.url, settings: { password: PDF_PASSWORD } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      expectNoSecret(created.body);
      const stored = await s.deps.db
        .selectFrom('classify_runs')
        .select('file_input')
        .where('id', '=', created.body.id)
        .executeTakeFirstOrThrow();
      const input = JSON.parse(stored.file_input ?? '{}');
      expect(input.url).toBe(pdf.url);
      expect(input.settings.password.startsWith(SEALED_PREFIX)).toBe(true);
      expect(box().open(input.settings.password, SEALED.pendingFilePassword)).toBe(PDF_PASSWORD);

      await withWorker(s, async () => {
        const run = await waitFor(
          async () => {
            const r = await s.api('GET', `/classify_runs/${created.body.id}`);
            return r.body.status === 'PROCESSED' || r.body.status === 'FAILED' ? r.body : undefined;
          },
          60_000,
          'the classify run',
        );
        expect(run.status, JSON.stringify(run)).toBe('PROCESSED');
        expectNoSecret(run);
        const raw = await rawFilePassword(s, run.file.id);
        expect(raw?.startsWith(SEALED_PREFIX)).toBe(true);
        expect(await parseText(s, run.file.id)).toContain(PDF_TEXT);
      });
    },
    SLOW,
  );

  it(
    'webhook signing secrets are stored sealed, and deliveries verify with the SDK before and after rotation',
    async () => {
      const endpoint = await createEndpoint(s, receiver.url('/sealed'), ['classifier.created']);
      const [raw] = await rawWebhookSecrets(s, endpoint.id);
      expect(raw?.startsWith(SEALED_PREFIX)).toBe(true);
      expect(raw).not.toContain(endpoint.signingSecret.slice(4));
      expect(box().open(raw ?? '', SEALED.webhookSecret)).toBe(endpoint.signingSecret);
      expect(() => box().open(raw ?? '', SEALED.filePassword)).toThrow();
      expectNoSecret((await s.api('GET', `/webhook_endpoints/${endpoint.id}`)).body);
      await expectVerifiedDelivery(s, receiver, '/sealed', endpoint.signingSecret);

      const rotated = await s.api('POST', `/webhook_endpoints/${endpoint.id}/rotate_secret`);
      expect(rotated.status).toBe(200);
      const secrets = await rawWebhookSecrets(s, endpoint.id);
      expect(secrets).toHaveLength(2);
      for (const stored of secrets) expect(stored.startsWith(SEALED_PREFIX)).toBe(true);
      await expectVerifiedDelivery(s, receiver, '/sealed', rotated.body.signingSecret);
    },
    SLOW,
  );

  it('the presigned-URL secret is sealed too, and a presigned URL still downloads the file', async () => {
    const stored = await rawSetting(s, 'presign_secret');
    expect(stored?.startsWith(SEALED_PREFIX)).toBe(true);
    expect(box().open(stored ?? '', SEALED.presignSecret)).toBe(s.deps.urlSecret);
    const file = await uploadPasswordPdf(s);
    const { presignedUrl } = (await s.api('GET', `/files/${file.id}`)).body;
    const res = await fetch(presignedUrl);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });
});
