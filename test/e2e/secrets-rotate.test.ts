import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createSecretBox, SEALED_PREFIX } from '../../src/lib/secret-box.js';
import { createContainer } from '../../src/main/container.js';
import { rotateSecretKey } from '../../src/main/rotate-secret-key.js';
import { rotateSealedSecrets } from '../../src/store/rotate-sealed-secrets.js';
import { SEALED } from '../../src/store/sealed-columns.js';
import { type BackendName, backends, pgTestUrl } from '../support/backends.js';
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
  startPdfServer,
  uploadPasswordPdf,
  withWorker,
} from './secrets-support.js';

const SLOW = 180_000;
const PRIVATE = { DOCSORT_ALLOW_PRIVATE_NETWORK: 'true' };
const WRONG_KEY = /^The secrets in the database were sealed with another key than DOCSORT_SECRET_KEY\./;

/** `s`'s configuration as a command run beside it would load it, and how to open its database. */
function configOn(backend: BackendName, s: TestServer, env: Record<string, string>) {
  const database =
    backend === 'postgres'
      ? { DATABASE_URL: pgTestUrl() }
      : { DATABASE_URL: `sqlite:${path.join(s.dataDir, 'docsort.sqlite')}` };
  const config = loadConfig({
    DOCSORT_DATA_DIR: s.dataDir,
    DOCSORT_LOG_LEVEL: 'silent',
    ...database,
    ...env,
  });
  return { config, dbOptions: s.pgSchema ? { pgSchema: s.pgSchema, poolSize: 2 } : {} };
}

/** Every sealed value in `s`'s database, by purpose. */
async function allSealed(s: TestServer): Promise<[string, string][]> {
  const db = s.deps.db;
  const out: [string, string][] = [];
  for (const r of await db.selectFrom('files').select('password').execute())
    if (r.password) out.push([r.password, SEALED.filePassword]);
  for (const r of await db.selectFrom('webhook_secrets').select('secret').execute())
    out.push([r.secret, SEALED.webhookSecret]);
  for (const r of await db.selectFrom('classify_runs').select('file_input').execute()) {
    const password = JSON.parse(r.file_input ?? '{}').settings?.password;
    if (password) out.push([password, SEALED.pendingFilePassword]);
  }
  out.push([(await rawSetting(s, 'presign_secret')) ?? '', SEALED.presignSecret]);
  out.push([(await rawSetting(s, 'secret_key_check')) ?? '', SEALED.keyCheck]);
  return out;
}

/** `docsort secrets rotate`, rotating the secret key of a database in place (README "Rotating the secret key"). */
describe.each(backends())('secret key rotation (%s)', (backend) => {
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

  async function start(env: Record<string, string>, on?: TestServer): Promise<TestServer> {
    const s = await startTestServer(backend, {
      env: { ...PRIVATE, ...env },
      worker: false,
      ...(on ? { dataDir: on.dataDir, ...(on.pgSchema ? { pgSchema: on.pgSchema } : {}) } : {}),
    });
    cleanup.push(() => s.stop());
    return s;
  }

  /** Stop `s` keeping its database, then start on it again with `env`. */
  async function restart(s: TestServer, env: Record<string, string>): Promise<TestServer> {
    cleanup.pop();
    await s.stop({ keep: true });
    return start(env, s);
  }

  it(
    'with a given key, while the server runs: a server on the new key opens the stored password and signs webhooks; the old key is refused',
    async () => {
      const s1 = await start({});
      const oldKey = s1.secretKey ?? '';
      const file = await uploadPasswordPdf(s1);
      const endpoint = await createEndpoint(s1, receiver.url('/rotated'), ['classifier.created']);
      const run = await s1.api('POST', '/classify_runs', {
        config: BASIC_CONFIG,
        file: { url: pdf.url, settings: { password: PDF_PASSWORD } },
      });
      expect(run.status).toBe(200);
      const before = await allSealed(s1);

      const newKey = randomBytes(32).toString('hex');
      const lines: string[] = [];
      const counts = await rotateSecretKey(configOn(backend, s1, { DOCSORT_SECRET_KEY: oldKey }).config, {
        newKey,
        out: (line) => lines.push(line),
        dbOptions: configOn(backend, s1, {}).dbOptions,
      });
      expect(counts).toEqual([
        { purpose: SEALED.filePassword, resealed: 1, already: 0 },
        { purpose: SEALED.webhookSecret, resealed: 1, already: 0 },
        { purpose: SEALED.pendingFilePassword, resealed: 1, already: 0 },
        { purpose: SEALED.presignSecret, resealed: 1, already: 0 },
        { purpose: SEALED.keyCheck, resealed: 1, already: 0 },
      ]);
      const output = lines.join('\n');
      expect(output).toMatch(/files\.password\s+1\n/);
      expect(output).toMatch(/Set DOCSORT_SECRET_KEY to the new key on every process/);
      for (const secret of [newKey, oldKey, endpoint.signingSecret, s1.deps.urlSecret])
        expect(output).not.toContain(secret);

      // Every raw value changed, is still sealed, and opens with the new key only.
      const after = await allSealed(s1);
      expect(after).toHaveLength(before.length);
      const fresh = createSecretBox(Buffer.from(newKey, 'hex'));
      for (const [i, [stored, purpose]] of after.entries()) {
        expect(stored.startsWith(SEALED_PREFIX)).toBe(true);
        expect(stored).not.toBe(before[i]?.[0]);
        expect(() => fresh.open(stored, purpose)).not.toThrow();
      }
      expect(fresh.open((await rawFilePassword(s1, file.id)) ?? '', SEALED.filePassword)).toBe(PDF_PASSWORD);

      const s2 = await restart(s1, { ...PRIVATE, DOCSORT_SECRET_KEY: newKey });
      expect(s2.deps.urlSecret).toBe(s1.deps.urlSecret);
      await expectVerifiedDelivery(s2, receiver, '/rotated', endpoint.signingSecret);
      await withWorker(s2, async () => {
        expect(await parseText(s2, file.id)).toContain(PDF_TEXT);
        const done = await waitFor(
          async () => {
            const r = await s2.api('GET', `/classify_runs/${run.body.id}`);
            return r.body.status === 'PROCESSED' || r.body.status === 'FAILED' ? r.body : undefined;
          },
          60_000,
          'the classify run waiting with its sealed password',
        );
        expect(done.status, JSON.stringify(done)).toBe('PROCESSED');
      });

      const { config, dbOptions } = configOn(backend, s2, { DOCSORT_SECRET_KEY: oldKey });
      await expect(createContainer(config, dbOptions)).rejects.toThrow(WRONG_KEY);
    },
    SLOW,
  );

  it(
    'with a generated key and the key file: the file is rewritten (0600), nothing printed, and the next start uses it',
    async () => {
      const unset = { DOCSORT_SECRET_KEY: '' };
      const s1 = await start(unset);
      const keyFile = path.join(s1.dataDir, 'secret.key');
      const oldText = fs.readFileSync(keyFile, 'utf8');
      const file = await uploadPasswordPdf(s1);
      const rawBefore = await rawFilePassword(s1, file.id);
      await s1.stop({ keep: true });
      cleanup.pop();

      const lines: string[] = [];
      const { config, dbOptions } = configOn(backend, s1, unset);
      await rotateSecretKey(config, { newKey: undefined, out: (l) => lines.push(l), dbOptions });
      const newText = fs.readFileSync(keyFile, 'utf8');
      expect(newText).not.toBe(oldText);
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(s1.dataDir).filter((f) => f.startsWith('secret.key'))).toEqual(['secret.key']);
      const output = lines.join('\n');
      expect(output).toMatch(/Wrote the new key to .*secret\.key \(mode 0600\)/);
      expect(output).not.toContain(newText.trim());
      expect(output).not.toContain(oldText.trim());

      const s2 = await start(unset, s1);
      const rawAfter = await rawFilePassword(s2, file.id);
      expect(rawAfter?.startsWith(SEALED_PREFIX)).toBe(true);
      expect(rawAfter).not.toBe(rawBefore);
      await withWorker(s2, async () => expect(await parseText(s2, file.id)).toContain(PDF_TEXT));
      const old = configOn(backend, s2, { DOCSORT_SECRET_KEY: oldText.trim() });
      await expect(createContainer(old.config, old.dbOptions)).rejects.toThrow(WRONG_KEY);
    },
    SLOW,
  );

  it(
    'an interrupted rotation is refused by the new key, completed by running it again, and leaves nothing unopenable',
    async () => {
      const s = await start({});
      const current = Buffer.from(s.secretKey ?? '', 'base64');
      const next = randomBytes(32);
      for (let i = 0; i < 3; i += 1) await uploadPasswordPdf(s);
      await createEndpoint(s, receiver.url('/interrupted'), ['classifier.created']);
      const crash = new Error('crash after the first column');
      const rotate = (key: Buffer, afterColumn?: (purpose: string) => void) =>
        rotateSealedSecrets(s.deps.db, {
          current,
          next: key,
          keySource: 'DOCSORT_SECRET_KEY',
          batchSize: 2,
          ...(afterColumn ? { afterColumn } : {}),
        });

      await expect(
        rotate(next, (purpose) => {
          if (purpose === SEALED.filePassword) throw crash;
        }),
      ).rejects.toBe(crash);
      const fresh = createSecretBox(next);
      const old = createSecretBox(current);
      for (const [stored, purpose] of await allSealed(s)) {
        // Files are under the new key; everything after them, the check included, under the old one.
        const box = purpose === SEALED.filePassword ? fresh : old;
        expect(() => box.open(stored, purpose), purpose).not.toThrow();
      }
      const withNew = configOn(backend, s, { DOCSORT_SECRET_KEY: next.toString('base64') });
      await expect(createContainer(withNew.config, withNew.dbOptions)).rejects.toThrow(WRONG_KEY);

      // Another new key now would leave values under three keys: refused before anything changes.
      const snapshot = await allSealed(s);
      await expect(rotate(randomBytes(32))).rejects.toThrow(/3 sealed value\(s\) open with neither/);
      expect(await allSealed(s)).toEqual(snapshot);

      const counts = await rotate(next);
      expect(counts).toEqual([
        { purpose: SEALED.filePassword, resealed: 0, already: 3 },
        { purpose: SEALED.webhookSecret, resealed: 1, already: 0 },
        { purpose: SEALED.pendingFilePassword, resealed: 0, already: 0 },
        { purpose: SEALED.presignSecret, resealed: 1, already: 0 },
        { purpose: SEALED.keyCheck, resealed: 1, already: 0 },
      ]);
      for (const [stored, purpose] of await allSealed(s))
        expect(() => fresh.open(stored, purpose), purpose).not.toThrow();
      // Run once more: nothing left to do.
      expect((await rotate(next)).every((c) => c.resealed === 0)).toBe(true);
      const started = await createContainer(withNew.config, withNew.dbOptions);
      await started.close();
    },
    SLOW,
  );
});
