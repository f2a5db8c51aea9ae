import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, ensureWorkspace } from '../../src/core/api-keys.js';
import { backends } from '../support/backends.js';
import {
  BASIC_CONFIG,
  INVOICE_TEXT,
  startTestServer,
  type TestServer,
  waitFor,
} from '../support/test-server.js';

/** Extend's HTTP conventions (spec §1, §2) and "bad input changes nothing". */
describe.each(backends())('HTTP conventions (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend, { env: { DOCSORT_MAX_UPLOAD_BYTES: '2048' } });
  });
  afterAll(async () => {
    await s?.stop();
  });

  async function tableCounts() {
    const count = async (
      t: 'classifiers' | 'classify_runs' | 'files' | 'jobs' | 'events' | 'classifier_versions',
    ) =>
      Number(
        (
          await s.deps.db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirst()
        )?.n,
      );
    return {
      classifiers: await count('classifiers'),
      versions: await count('classifier_versions'),
      runs: await count('classify_runs'),
      files: await count('files'),
      jobs: await count('jobs'),
      events: await count('events'),
    };
  }

  function expectEnvelope(body: Record<string, unknown>, code: string) {
    expect(body).toEqual({
      code,
      message: expect.any(String),
      retryable: expect.any(Boolean),
      requestId: expect.stringMatching(/^req_/),
    });
  }

  it('sets x-extend-request-id on every response and echoes the API version', async () => {
    const ok = await s.api('GET', '/classifiers');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-extend-request-id')).toMatch(/^req_[A-Za-z0-9]{20}$/);
    expect(ok.headers.get('x-extend-api-version')).toBe('2026-02-09');
    const missing = await s.api('GET', '/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-extend-request-id')).toBe(missing.body.requestId);
    expectEnvelope(missing.body, 'NOT_FOUND');
  });

  it('requires a valid bearer key: 401 UNAUTHORIZED', async () => {
    for (const auth of [undefined, 'Bearer', 'Bearer sk_notarealkeynotarealkey', `Basic ${s.apiKey}`]) {
      const res = await s.api('GET', '/classifiers', undefined, { authorization: auth });
      expect(res.status).toBe(401);
      expectEnvelope(res.body, 'UNAUTHORIZED');
      expect(res.body.retryable).toBe(false);
    }
  });

  it('requires x-extend-api-version: 400 INVALID_REQUEST when missing or unknown', async () => {
    const missing = await s.api('GET', '/classifiers', undefined, { 'x-extend-api-version': undefined });
    expect(missing.status).toBe(400);
    expectEnvelope(missing.body, 'INVALID_REQUEST');
    expect(missing.body.message).toMatch(/x-extend-api-version/);
    const unknown = await s.api('GET', '/classifiers', undefined, { 'x-extend-api-version': '2019-01-01' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/2019-01-01/);
  });

  it('refuses malformed JSON, wrong types and unknown fields with the path, and stores nothing', async () => {
    const before = await tableCounts();
    const malformed = await s.api('POST', '/classifiers', '{"name": "x",');
    expect(malformed.status).toBe(400);
    expectEnvelope(malformed.body, 'INVALID_REQUEST');

    const wrongType = await s.api('POST', '/classifiers', { name: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toMatch(/Path: name/);

    const unknownField = await s.api('POST', '/classifiers', { name: 'x', colour: 'blue' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.message).toMatch(/colour/);

    const noOther = await s.api('POST', '/classifiers', {
      name: 'x',
      config: { classifications: [{ id: 'a', type: 'invoice', description: 'd' }] },
    });
    expect(noOther.status).toBe(400);
    expect(noOther.body.message).toMatch(/other.*Path: config\.classifications/);

    const dup = await s.api('POST', '/classifiers', {
      name: 'x',
      config: {
        classifications: [
          { id: 'a', type: 'other', description: '' },
          { id: 'a', type: 'invoice', description: '' },
        ],
      },
    });
    expect(dup.status).toBe(400);
    expect(dup.body.message).toMatch(/duplicate.*Path: config\.classifications\.1\.id/);

    const empty = await s.api('POST', '/classifiers', { name: 'x', config: { classifications: [] } });
    expect(empty.status).toBe(400);

    const both = await s.api('POST', '/classify_runs', {
      classifier: { id: 'cl_x' },
      config: BASIC_CONFIG,
      file: { text: 'x' },
    });
    expect(both.status).toBe(400);
    const neither = await s.api('POST', '/classify_runs', { file: { text: 'x' } });
    expect(neither.status).toBe(400);
    expect(neither.body.message).toMatch(/One of classifier or config/);

    const badBatch = await s.api('POST', '/classify_runs/batch', { classifier: { id: 'cl_x' }, inputs: [] });
    expect(badBatch.status).toBe(400);
    expect(badBatch.body.message).toMatch(/Path: inputs/);

    const badPage = await s.api('GET', '/classify_runs?maxPageSize=5000');
    expect(badPage.status).toBe(400);
    expect(badPage.body.message).toMatch(/maxPageSize/);
    const badToken = await s.api('GET', '/classify_runs?nextPageToken=garbage');
    expect(badToken.status).toBe(400);

    expect(await tableCounts()).toEqual(before);
  });

  it('a refused run leaves no file bytes behind, and reports the first of its faults as before', async () => {
    const blobs = () =>
      fs.existsSync(path.join(s.dataDir, 'files'))
        ? fs.readdirSync(path.join(s.dataDir, 'files'), { recursive: true }).length
        : 0;
    const before = await tableCounts();
    const blobsBefore = blobs();
    // The text's bytes are written before the transaction that inserts its row, and removed when it fails.
    const missing = await s.api('POST', '/classify_runs', {
      classifier: { id: 'cl_missing' },
      file: { text: INVOICE_TEXT.slice(0, 500) },
    });
    expect(missing.status).toBe(404);
    expectEnvelope(missing.body, 'NOT_FOUND');
    // Too large for this server (2048 bytes) and naming an unknown classifier: the classifier is checked first.
    const both = await s.api('POST', '/classify_runs', {
      classifier: { id: 'cl_missing' },
      file: { text: 'x'.repeat(3000) },
    });
    expect(both.status).toBe(404);
    const tooLarge = await s.api('POST', '/classify_runs', {
      config: BASIC_CONFIG,
      file: { text: 'x'.repeat(3000) },
    });
    expect(tooLarge.status).toBe(413);
    const batch = await s.api('POST', '/classify_runs/batch', {
      classifier: { id: 'cl_missing' },
      inputs: [{ file: { text: 'first' } }, { file: { text: 'second' } }],
    });
    expect(batch.status).toBe(404);
    expect(await tableCounts()).toEqual(before);
    expect(blobs()).toBe(blobsBefore);
  });

  it('refuses oversized and empty uploads (413 / 400) and stores nothing', async () => {
    const before = await tableCounts();
    const big = new FormData();
    big.append('file', new Blob([new Uint8Array(4096).fill(65)]), 'big.txt');
    const tooBig = await s.api('POST', '/files/upload', big);
    expect(tooBig.status).toBe(413);
    expectEnvelope(tooBig.body, 'PAYLOAD_TOO_LARGE');

    const emptyForm = new FormData();
    emptyForm.append('file', new Blob([]), 'empty.txt');
    const empty = await s.api('POST', '/files/upload', emptyForm);
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/empty/);

    const noFile = new FormData();
    noFile.append('password', 'x');
    expect((await s.api('POST', '/files/upload', noFile)).status).toBe(400);
    expect(await tableCounts()).toEqual(before);
  });

  it('returns 404 for unknown ids and keeps workspaces apart (404, not 403)', async () => {
    const created = await s.api('POST', '/classifiers', { name: 'Mine', config: BASIC_CONFIG });
    expect(created.status).toBe(200);
    const run = await s.api('POST', '/classify_runs', { config: BASIC_CONFIG, file: { text: INVOICE_TEXT } });
    expect(run.status).toBe(200);
    // Let the worker finish, so that the counts below change only if a refused request wrote something.
    await waitFor(
      async () => (await s.api('GET', `/classify_runs/${run.body.id}`)).body.status === 'PROCESSED',
    );

    const now = new Date();
    const other = await ensureWorkspace(s.deps.db, `other-${Date.now()}`, now);
    const otherKey = await createApiKey(s.deps.db, other.id, 'test', now);
    const asOther = { authorization: `Bearer ${otherKey}` };
    const before = await tableCounts();
    for (const [method, path, body] of [
      ['GET', `/classifiers/${created.body.id}`],
      ['POST', `/classifiers/${created.body.id}`, { name: 'stolen' }],
      ['DELETE', `/classifiers/${created.body.id}`],
      ['GET', `/classifiers/${created.body.id}/versions`],
      ['GET', `/classify_runs/${run.body.id}`],
      ['POST', `/classify_runs/${run.body.id}/cancel`, {}],
      ['DELETE', `/classify_runs/${run.body.id}`],
      ['GET', `/files/${run.body.file.id}`],
      ['DELETE', `/files/${run.body.file.id}`],
      [
        'POST',
        '/classify_runs',
        { classifier: { id: created.body.id, version: 'draft' }, file: { text: 'x' } },
      ],
      ['POST', '/classify_runs', { config: BASIC_CONFIG, file: { id: run.body.file.id } }],
    ] as [string, string, unknown?][]) {
      const res = await s.api(method, path, body, asOther);
      expect(res.status, `${method} ${path}`).toBe(404);
      expectEnvelope(res.body, 'NOT_FOUND');
    }
    const list = await s.api('GET', '/classify_runs', undefined, asOther);
    expect(list.body).toEqual({ object: 'list', data: [] });
    expect(await tableCounts()).toEqual(before);
    expect((await s.api('GET', `/classifiers/${created.body.id}`)).body.name).toBe('Mine');
  });

  it('lists use {object, data, nextPageToken} with the token absent on the last page', async () => {
    for (let i = 0; i < 3; i++)
      await s.api('POST', '/classifiers', { name: `page-${i}`, config: BASIC_CONFIG });
    const first = await s.api('GET', '/classifiers?maxPageSize=2');
    expect(first.body.object).toBe('list');
    expect(first.body.data).toHaveLength(2);
    expect(typeof first.body.nextPageToken).toBe('string');
    const seen = new Set<string>(first.body.data.map((c: { id: string }) => c.id));
    let token: string | undefined = first.body.nextPageToken;
    while (token) {
      const page = await s.api(
        'GET',
        `/classifiers?maxPageSize=2&nextPageToken=${encodeURIComponent(token)}`,
      );
      for (const c of page.body.data) {
        expect(seen.has(c.id)).toBe(false);
        seen.add(c.id);
      }
      token = page.body.nextPageToken;
      if (!token) expect('nextPageToken' in page.body).toBe(false);
    }
    const all = await s.api('GET', '/classifiers?maxPageSize=1000');
    expect(seen.size).toBe(all.body.data.length);
    // A token is bound to the query it came from.
    const mismatch = await s.api(
      'GET',
      `/classifiers?sortBy=createdAt&nextPageToken=${encodeURIComponent(first.body.nextPageToken)}`,
    );
    expect(mismatch.status).toBe(400);
  });

  it('emits RFC 3339 timestamps, prefixed ids, and every key with null where empty', async () => {
    const run = await s.api('POST', '/classify_runs', { config: BASIC_CONFIG, file: { text: INVOICE_TEXT } });
    expect(run.body.id).toMatch(/^clr_/);
    expect(run.body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Object.keys(run.body)).toEqual([
      'object',
      'id',
      'status',
      'output',
      'classifier',
      'classifierVersion',
      'initialOutput',
      'reviewedOutput',
      'failureReason',
      'failureMessage',
      'metadata',
      'reviewed',
      'edited',
      'config',
      'file',
      'parseRunId',
      'dashboardUrl',
      'usage',
      'createdAt',
      'updatedAt',
    ]);
    expect(run.body.classifier).toBeNull();
    expect(run.body.metadata).toBeNull();
    expect(run.body.dashboardUrl).toBe(`${s.url}/runs/${run.body.id}`);
  });
});
