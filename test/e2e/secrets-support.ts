/**
 * Shared helpers for the secrets-at-rest tests (secrets-*.test.ts): the password-protected PDF of the
 * parse corpus, served on loopback for {url} inputs, and reads of the raw sealed columns.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExtendClient } from 'extend-ai';
import { expect } from 'vitest';
import { SEALED_PREFIX } from '../../src/lib/secret-box.js';
import { Worker } from '../../src/pipeline/worker.js';
import { corpusFile } from '../fixtures/corpus.js';
import { BASIC_CONFIG, type TestServer, waitFor } from '../support/test-server.js';
import type { Receiver } from '../webhooks/receiver.js';
import { eventIdFor } from '../webhooks/support.js';

/** Corpus pdf/password.pdf opens with the password "password" and reads "File with password". */
export const PDF_PASSWORD = 'password';
export const PDF_TEXT = 'File with password';
export const passwordPdf = (): Uint8Array => corpusFile('pdf/password.pdf');

export async function uploadPasswordPdf(s: TestServer, password: string | null = PDF_PASSWORD) {
  const form = new FormData();
  form.append('file', new Blob([passwordPdf()]), 'statement.pdf');
  if (password !== null) form.append('password', password);
  const res = await s.api('POST', '/files/upload', form);
  expect(res.status).toBe(200);
  return res.body as { id: string };
}

/** Run `fn` with a worker on `s` (started without one, so that tests can read what waits for it). */
export async function withWorker<T>(s: TestServer, fn: () => Promise<T>): Promise<T> {
  const worker = new Worker(s.deps, { concurrency: 1, leaseMs: 5000, pollMs: 100 });
  worker.start();
  try {
    return await fn();
  } finally {
    await worker.stop();
  }
}

/** POST /parse of a file (a worker must run): its text, or the failure. */
export async function parseText(s: TestServer, fileId: string) {
  const res = await s.api('POST', '/parse', { file: { id: fileId } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.status).toBe('PROCESSED');
  return (res.body.output.chunks as { content: string }[]).map((c) => c.content).join('\n');
}

/** No response may carry a password or a sealed value, under any key. */
export function expectNoSecret(body: unknown): void {
  const json = JSON.stringify(body);
  expect(json).not.toMatch(/"password"\s*:/i);
  expect(json).not.toContain(SEALED_PREFIX);
}

export const rawFilePassword = async (s: TestServer, fileId: string) =>
  (await s.deps.db.selectFrom('files').select('password').where('id', '=', fileId).executeTakeFirstOrThrow())
    .password;

export const rawWebhookSecrets = async (s: TestServer, endpointId: string) =>
  (
    await s.deps.db
      .selectFrom('webhook_secrets')
      .select('secret')
      .where('endpoint_id', '=', endpointId)
      .execute()
  ).map((r) => r.secret);

export const rawSetting = async (s: TestServer, key: string) =>
  (await s.deps.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;

/** A loopback server answering every GET with the password-protected PDF (for {url} file inputs). */
export async function startPdfServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/pdf' });
    res.end(Buffer.from(passwordPdf()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/statement.pdf`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sdk = new ExtendClient({ token: 'unused' });

/**
 * Create a classifier, wait for its classifier.created delivery at `path`, and check it with the official
 * SDK's verifier and `secret`: the secret the server signed with is the one it gave out.
 */
export async function expectVerifiedDelivery(
  s: TestServer,
  receiver: Receiver,
  path: string,
  secret: string,
): Promise<void> {
  const c = await s.client.classifiers.create({ name: `Sealed ${path} ${Date.now()}`, config: BASIC_CONFIG });
  const eventId = await eventIdFor(s, c.id, 'classifier.created');
  const request = await waitFor(
    async () => receiver.received.find((r) => r.path === path && r.json?.eventId === eventId),
    20_000,
    `delivery of ${eventId}`,
  );
  const event = sdk.webhooks.verifyAndParse(request.body, request.headers as never, secret);
  expect(event.eventId).toBe(eventId);
  expect(event.payload).toEqual(c);
}
