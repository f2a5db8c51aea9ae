import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { SEALED_PREFIX } from '../../src/lib/secret-box.js';
import { createContainer } from '../../src/main/container.js';
import { type BackendName, backends, dropSchema, pgTestUrl } from '../support/backends.js';
import { BASIC_CONFIG, startTestServer, type TestServer, waitFor } from '../support/test-server.js';
import { type Receiver, startReceiver } from '../webhooks/receiver.js';
import { createEndpoint } from '../webhooks/support.js';
import {
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
const PRIVATE = { DOCSORT_ALLOW_PRIVATE_NETWORK: 'true' };

/** A container on `s`'s database (its SQLite file or PostgreSQL schema), the way `docsort serve` opens it. */
function openOn(backend: BackendName, s: TestServer, env: Record<string, string>, dataDir = s.dataDir) {
  const database =
    backend === 'postgres'
      ? { DATABASE_URL: pgTestUrl() }
      : { DATABASE_URL: `sqlite:${path.join(s.dataDir, 'docsort.sqlite')}` };
  const config = loadConfig({ DOCSORT_DATA_DIR: dataDir, DOCSORT_LOG_LEVEL: 'silent', ...database, ...env });
  return createContainer(config, s.pgSchema ? { pgSchema: s.pgSchema, poolSize: 2 } : {});
}

/** The start-up side of sealing: old clear rows, a wrong key, the generated key file. */
describe.each(backends())('secret key at start-up (%s)', (backend) => {
  let receiver: Receiver;
  let pdf: Awaited<ReturnType<typeof startPdfServer>>;
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    pdf = await startPdfServer();
  });
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    await receiver?.close();
    await pdf?.close();
  });

  /** Stop `s` keeping its database, then start again on it with `env`; the restarted server is cleaned up. */
  async function restart(s: TestServer, env: Record<string, string>): Promise<TestServer> {
    await s.stop({ keep: true });
    const next = await startTestServer(backend, {
      dataDir: s.dataDir,
      ...(s.pgSchema ? { pgSchema: s.pgSchema } : {}),
      env,
      worker: false,
    });
    cleanup.push(() => next.stop());
    return next;
  }

  it(
    'clear values written before sealing keep working, and the next start seals them',
    async () => {
      const s1 = await startTestServer(backend, { env: PRIVATE, worker: false });
      const key = s1.secretKey ?? '';
      // Rows as the previous version wrote them: every secret in clear, no "sealed" marker.
      const file = await uploadPasswordPdf(s1);
      await s1.deps.db
        .updateTable('files')
        .set({ password: PDF_PASSWORD })
        .where('id', '=', file.id)
        .execute();
      const endpoint = await createEndpoint(s1, receiver.url('/legacy'), ['classifier.created']);
      await s1.deps.db
        .updateTable('webhook_secrets')
        .set({ secret: endpoint.signingSecret })
        .where('endpoint_id', '=', endpoint.id)
        .execute();
      const clearPresign = randomBytes(32).toString('hex');
      await s1.deps.db
        .updateTable('settings')
        .set({ value: clearPresign })
        .where('key', '=', 'presign_secret')
        .execute();
      await s1.deps.db.deleteFrom('settings').where('key', '=', 'secrets_sealed').execute();

      // Read as they are: a value without the prefix is used as is (before the run below exists).
      await withWorker(s1, async () => expect(await parseText(s1, file.id)).toContain(PDF_TEXT));
      await expectVerifiedDelivery(s1, receiver, '/legacy', endpoint.signingSecret);

      // A classify run whose {url} file waits for the worker (none runs now), its password in clear.
      const run = await s1.api('POST', '/classify_runs', { config: BASIC_CONFIG, file: { url: pdf.url } });
      expect(run.status).toBe(200);
      const clearInput = JSON.stringify({ url: pdf.url, settings: { password: PDF_PASSWORD } });
      await s1.deps.db
        .updateTable('classify_runs')
        .set({ file_input: clearInput })
        .where('id', '=', run.body.id)
        .execute();

      const s2 = await restart(s1, { ...PRIVATE, DOCSORT_SECRET_KEY: key });
      const password = await rawFilePassword(s2, file.id);
      expect(password?.startsWith(SEALED_PREFIX)).toBe(true);
      const [secret] = await rawWebhookSecrets(s2, endpoint.id);
      expect(secret?.startsWith(SEALED_PREFIX)).toBe(true);
      const stored = await s2.deps.db
        .selectFrom('classify_runs')
        .select('file_input')
        .where('id', '=', run.body.id)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(stored.file_input ?? '{}').settings.password.startsWith(SEALED_PREFIX)).toBe(true);
      expect((await rawSetting(s2, 'presign_secret'))?.startsWith(SEALED_PREFIX)).toBe(true);
      expect(s2.deps.urlSecret).toBe(clearPresign);
      expect(await rawSetting(s2, 'secrets_sealed')).toBe('v1');

      // And everything still works with the sealed values.
      await expectVerifiedDelivery(s2, receiver, '/legacy', endpoint.signingSecret);
      await withWorker(s2, async () => {
        expect(await parseText(s2, file.id)).toContain(PDF_TEXT);
        const done = await waitFor(
          async () => {
            const r = await s2.api('GET', `/classify_runs/${run.body.id}`);
            return r.body.status === 'PROCESSED' || r.body.status === 'FAILED' ? r.body : undefined;
          },
          60_000,
          'the classify run waiting for its download',
        );
        expect(done.status, JSON.stringify(done)).toBe('PROCESSED');
      });
    },
    SLOW,
  );

  it(
    'a key that is not the database’s stops the start with a message saying what to set',
    async () => {
      const s = await startTestServer(backend, { worker: false });
      await uploadPasswordPdf(s);
      await s.stop({ keep: true });
      const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-other-host-'));
      cleanup.push(async () => {
        if (s.pgSchema) await dropSchema(s.pgSchema);
        fs.rmSync(s.dataDir, { recursive: true, force: true });
        fs.rmSync(otherDir, { recursive: true, force: true });
      });

      const wrong = { DOCSORT_SECRET_KEY: randomBytes(32).toString('base64') };
      await expect(openOn(backend, s, wrong)).rejects.toThrow(
        /^The secrets in the database were sealed with another key than DOCSORT_SECRET_KEY\. Set DOCSORT_SECRET_KEY to the key this database was first started with \(when that start generated DATA_DIR\/secret\.key, the key is the content of that file\): every process sharing a database needs the same key/,
      );
      // A second host without DOCSORT_SECRET_KEY generates its own key file: refused the same way.
      await expect(openOn(backend, s, { DOCSORT_SECRET_KEY: '' }, otherDir)).rejects.toThrow(
        new RegExp(`sealed with another key than the key file ${path.join(otherDir, 'secret.key')}`),
      );

      const right = await openOn(backend, s, { DOCSORT_SECRET_KEY: s.secretKey ?? '' });
      expect(right.secretKey).toEqual({ source: 'env', file: null });
      await right.close();
    },
    SLOW,
  );

  it(
    'without DOCSORT_SECRET_KEY the key file is generated (mode 0600) and used again by the next start',
    async () => {
      const unset = { DOCSORT_SECRET_KEY: '' };
      const s1 = await startTestServer(backend, { env: unset, worker: false });
      expect(s1.secretKey).toBeUndefined();
      const keyFile = path.join(s1.dataDir, 'secret.key');
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      const written = fs.readFileSync(keyFile, 'utf8');
      const file = await uploadPasswordPdf(s1);
      expect((await rawFilePassword(s1, file.id))?.startsWith(SEALED_PREFIX)).toBe(true);

      // A classify run whose {url} file waits for the worker (none runs now), its password in clear.
      const run = await s1.api('POST', '/classify_runs', { config: BASIC_CONFIG, file: { url: pdf.url } });
      expect(run.status).toBe(200);
      const clearInput = JSON.stringify({ url: pdf.url, settings: { password: PDF_PASSWORD } });
      await s1.deps.db
        .updateTable('classify_runs')
        .set({ file_input: clearInput })
        .where('id', '=', run.body.id)
        .execute();

      const s2 = await restart(s1, unset);
      expect(fs.readFileSync(keyFile, 'utf8')).toBe(written);
      await withWorker(s2, async () => expect(await parseText(s2, file.id)).toContain(PDF_TEXT));

      const again = await openOn(backend, s2, unset);
      expect(again.secretKey).toEqual({ source: 'key-file', file: keyFile });
      await again.close();
    },
    SLOW,
  );
});
