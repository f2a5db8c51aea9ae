import { Extend, ExtendClient } from 'extend-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { BASIC_CONFIG, INVOICE_TEXT, startTestServer, type TestServer } from '../support/test-server.js';
import {
  afterMillisecond,
  CLASSIFY_RUN_KEYS,
  FILE_KEYS,
  FILE_SUMMARY_KEYS,
  sdkError,
  sortedKeys,
  textFile,
} from './sdk-support.js';

/** Errors as the official SDK surfaces them, files through the SDK, and Docsort's review extension. */

const NO_OTHER: Extend.ClassifyConfig = {
  classifications: [{ id: 'invoice', type: 'invoice', description: 'A bill.' }],
};
const DUPLICATE_IDS: Extend.ClassifyConfig = {
  classifications: [
    { id: 'invoice', type: 'invoice', description: 'A bill.' },
    { id: 'invoice', type: 'other', description: 'Anything else.' },
  ],
};
const EMPTY: Extend.ClassifyConfig = { classifications: [] };

describe.each(backends())('SDK errors, files and review (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(async () => {
    await s?.stop();
  });

  describe('errors', () => {
    it('a wrong or empty API key is an UnauthorizedError', async () => {
      for (const token of ['sk_thisKeyDoesNotExist0123456789', '']) {
        const client = new ExtendClient({ token, baseUrl: s.url, maxRetries: 0 });
        const { body } = await sdkError(client.classifiers.list(), Extend.UnauthorizedError, 401);
        expect(body).toMatchObject({ code: 'UNAUTHORIZED', retryable: false });
        await sdkError(
          client.classifyRuns.create({ config: BASIC_CONFIG, file: { text: INVOICE_TEXT } }),
          Extend.UnauthorizedError,
          401,
        );
        await sdkError(client.files.upload(textFile('a.txt', 'hello'), {}), Extend.UnauthorizedError, 401);
      }
      const { err } = await sdkError(
        new ExtendClient({ token: 'sk_thisKeyDoesNotExist0123456789', baseUrl: s.url }).classifiers.list(),
        Extend.UnauthorizedError,
        401,
      );
      expect((err.body as { message: string }).message).toBe('Invalid API key.');
      // Without any Authorization header (the SDK always sends one).
      const raw = await s.api('GET', '/classifiers', undefined, { authorization: undefined });
      expect(raw.status).toBe(401);
      expect(raw.body.code).toBe('UNAUTHORIZED');
    });

    it('unknown ids are NotFoundErrors on every resource', async () => {
      const calls: (() => Promise<unknown>)[] = [
        () => s.client.classifiers.retrieve('cl_unknown'),
        () => s.client.classifiers.update('cl_unknown', { name: 'x' }),
        () => s.client.classifierVersions.create('cl_unknown', { releaseType: 'minor' }),
        () => s.client.classifierVersions.retrieve('cl_unknown', 'draft'),
        () => s.client.classifyRuns.retrieve('clr_unknown'),
        () => s.client.classifyRuns.delete('clr_unknown'),
        () =>
          s.client.classifyRuns.create({ classifier: { id: 'cl_unknown' }, file: { text: INVOICE_TEXT } }),
        () => s.client.classifyRuns.create({ config: BASIC_CONFIG, file: { id: 'file_unknown' } }),
        () => s.client.files.retrieve('file_unknown'),
        () => s.client.files.delete('file_unknown'),
        () => s.client.parseRuns.retrieve('pr_unknown'),
        () => s.client.batchRuns.get('bpr_unknown'),
      ];
      for (const call of calls) {
        const { body } = await sdkError(call(), Extend.NotFoundError, 404);
        expect(body).toMatchObject({ code: 'NOT_FOUND', retryable: false });
      }
    });

    it('invalid configs are BadRequestErrors with INVALID_REQUEST and the offending path', async () => {
      const cases: [Extend.ClassifyConfig, string, RegExp][] = [
        [NO_OTHER, 'Path: config.classifications', /other/],
        [DUPLICATE_IDS, 'Path: config.classifications.1.id', /duplicate/i],
        [EMPTY, 'Path: config.classifications', /at least one/i],
      ];
      const c = await s.client.classifiers.create({ name: 'Valid', config: BASIC_CONFIG });
      for (const [config, path, why] of cases) {
        const attempts: (() => Promise<unknown>)[] = [
          () => s.client.classifiers.create({ name: 'Invalid', config }),
          () => s.client.classifiers.update(c.id, { config }),
          () => s.client.classifierVersions.create(c.id, { releaseType: 'minor', config }),
          () => s.client.classifyRuns.create({ config, file: { text: INVOICE_TEXT } }),
          () => s.client.classify({ config, file: { text: INVOICE_TEXT } }),
        ];
        for (const attempt of attempts) {
          const { body } = await sdkError(attempt(), Extend.BadRequestError, 400);
          expect(body.code).toBe('INVALID_REQUEST');
          expect(body.retryable).toBe(false);
          expect(body.message).toContain(path);
          expect(body.message).toMatch(why);
        }
      }
      // Nothing was changed by the refused requests.
      const after = await s.client.classifiers.retrieve(c.id);
      expect(after.draftVersion.config).toEqual(BASIC_CONFIG);
      expect((await s.client.classifierVersions.list(c.id)).data.map((v) => v.version)).toEqual(['draft']);
    });

    it('other bad requests: classifier and config together, neither, bad list parameters', async () => {
      const c = await s.client.classifiers.create({ name: 'Ref', config: BASIC_CONFIG });
      const both = await sdkError(
        s.client.classifyRuns.create({
          classifier: { id: c.id },
          config: BASIC_CONFIG,
          file: { text: INVOICE_TEXT },
        }),
        Extend.BadRequestError,
        400,
      );
      expect(both.body.message).toContain('Path: classifier');
      await sdkError(
        s.client.classifyRuns.create({ file: { text: INVOICE_TEXT } }),
        Extend.BadRequestError,
        400,
      );
      const status = await sdkError(
        s.client.classifyRuns.list({ status: 'DONE' as Extend.ProcessorRunStatus }),
        Extend.BadRequestError,
        400,
      );
      expect(status.body.message).toContain('Path: status');
      for (const maxPageSize of [0, 1001]) {
        const { body } = await sdkError(
          s.client.classifiers.list({ maxPageSize }),
          Extend.BadRequestError,
          400,
        );
        expect(body.message).toContain('Path: maxPageSize');
      }
      const token = await sdkError(
        s.client.files.list({ nextPageToken: 'not-a-token' }),
        Extend.BadRequestError,
        400,
      );
      expect(token.body.message).toContain('Path: nextPageToken');
    });
  });

  describe('files', () => {
    it('uploads, retrieves with a working presigned URL, lists by name and deletes a file', async () => {
      const text = 'Quarterly notes: revenue up 4%.\nNext review in October.';
      const uploaded = await s.client.files.upload(textFile('notes-q3-review.txt', text), {});
      expect(sortedKeys(uploaded)).toEqual(FILE_KEYS);
      expect(uploaded).toMatchObject({
        object: 'file',
        name: 'notes-q3-review.txt',
        type: 'TXT',
        presignedUrl: null,
        contents: null,
        parentFileId: null,
      });
      expect(uploaded.id).toMatch(/^file_/);

      const got = await s.client.files.retrieve(uploaded.id);
      expect(sortedKeys(got)).toEqual(FILE_KEYS);
      expect(got).toMatchObject({ id: uploaded.id, name: 'notes-q3-review.txt', type: 'TXT' });
      const presigned = got.presignedUrl as string;
      expect(presigned.startsWith(`${s.url}/`)).toBe(true);
      const download = await fetch(presigned);
      expect(download.status).toBe(200);
      expect(await download.text()).toBe(text);

      const url = new URL(presigned);
      const sig = url.searchParams.get('signature') as string;
      url.searchParams.set('signature', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
      const tampered = await fetch(url);
      expect(tampered.status).toBe(401);
      expect(((await tampered.json()) as { code: string }).code).toBe('UNAUTHORIZED');
      const later = new URL(presigned);
      later.searchParams.set('expires', String(Number(later.searchParams.get('expires')) + 3600));
      expect((await fetch(later)).status).toBe(401);

      await s.client.files.upload(textFile('unrelated.txt', 'x'), {});
      const found = await s.client.files.list({ nameContains: 'Q3-REVIEW' });
      expect(found.object).toBe('list');
      expect(found.data.map((f) => f.id)).toEqual([uploaded.id]);
      expect(sortedKeys(found.data[0] as object)).toEqual(FILE_SUMMARY_KEYS);

      expect(await s.client.files.delete(uploaded.id)).toEqual({ id: uploaded.id });
      await sdkError(s.client.files.retrieve(uploaded.id), Extend.NotFoundError, 404);
      expect((await s.client.files.list({ nameContains: 'q3-review' })).data).toEqual([]);
      expect((await fetch(presigned)).status).toBe(404);
    });

    it('lists files in pages, newest first', async () => {
      const ids: string[] = [];
      let last = new Date().toISOString();
      for (let i = 0; i < 5; i++) {
        await afterMillisecond(last);
        const f = await s.client.files.upload(textFile(`paged-file-${i}.txt`, `file ${i}`), {});
        ids.push(f.id);
        last = f.createdAt;
      }
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await s.client.files.list({
          nameContains: 'paged-file-',
          maxPageSize: 2,
          nextPageToken: token,
        });
        seen.push(...page.data.map((f) => f.id));
        token = page.nextPageToken;
        pages++;
      } while (token && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual([...ids].reverse());
    });
  });

  describe('review (Docsort extension)', () => {
    const review = (id: string, output: { id: string; type?: string }) =>
      s.api('POST', `/classify_runs/${id}/review`, { output });

    it('a correction keeps the machine output as initialOutput and makes the correction the output', async () => {
      const run = await s.client.classify({ config: BASIC_CONFIG, file: { text: INVOICE_TEXT } });
      expect(run.output?.id).toBe('invoice');
      const res = await review(run.id, { id: 'letter' });
      expect(res.status).toBe(200);
      expect(sortedKeys(res.body)).toEqual(CLASSIFY_RUN_KEYS);

      const got = await s.client.classifyRuns.retrieve(run.id);
      expect(got).toMatchObject({ status: 'PROCESSED', reviewed: true, edited: true });
      expect(got.initialOutput).toEqual(run.output);
      expect(got.reviewedOutput).toMatchObject({ id: 'letter', type: 'letter' });
      expect(got.output).toEqual(got.reviewedOutput);
      expect(res.body).toEqual(got);
      const summary = (await s.client.classifyRuns.list({ maxPageSize: 100 })).data.find(
        (r) => r.id === run.id,
      );
      expect(summary).toMatchObject({ reviewed: true, edited: true });

      // Reviewing again keeps the machine's output as the initial one.
      await review(run.id, { id: 'other' });
      const twice = await s.client.classifyRuns.retrieve(run.id);
      expect(twice.initialOutput).toEqual(run.output);
      expect(twice.output?.id).toBe('other');
    });

    it('confirming the machine output is reviewed but not edited', async () => {
      const run = await s.client.classify({ config: BASIC_CONFIG, file: { text: INVOICE_TEXT } });
      expect((await review(run.id, { id: 'invoice', type: 'invoice' })).status).toBe(200);
      const got = await s.client.classifyRuns.retrieve(run.id);
      expect(got).toMatchObject({ reviewed: true, edited: false, output: { id: 'invoice' } });
      expect(got.initialOutput).toEqual(run.output);
    });

    it('refuses an unknown classification id, a mismatched type, and runs that are not PROCESSED', async () => {
      const run = await s.client.classify({ config: BASIC_CONFIG, file: { text: INVOICE_TEXT } });
      const unknown = await review(run.id, { id: 'banana' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.code).toBe('INVALID_REQUEST');
      expect(unknown.body.message).toContain('Path: output.id');
      const mismatch = await review(run.id, { id: 'letter', type: 'invoice' });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.message).toContain('Path: output.type');
      expect(await s.client.classifyRuns.retrieve(run.id)).toEqual(run);

      const failed = await s.client.classify({
        config: BASIC_CONFIG,
        file: { url: 'http://127.0.0.1:1/x.pdf' },
      });
      expect(failed.status).toBe('FAILED');
      expect((await review(failed.id, { id: 'letter' })).status).toBe(400);
      expect((await review('clr_unknown', { id: 'letter' })).status).toBe(404);
    });
  });
});
