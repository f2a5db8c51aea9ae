import { Extend } from 'extend-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../src/pipeline/worker.js';
import { type LoopbackServer, startServer } from '../http-client/loopback-server.js';
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
  BATCH_RUN_KEYS,
  CLASSIFY_RUN_KEYS,
  CLASSIFY_RUN_SUMMARY_EXTENSION_KEYS,
  CLASSIFY_RUN_SUMMARY_KEYS,
  expectNonDecreasing,
  expectNonIncreasing,
  FAST_POLL,
  FILE_KEYS,
  FILE_SUMMARY_KEYS,
  gzipFile,
  ISO,
  ms,
  pdfFile,
  sdkError,
  sortedKeys,
  TERMINAL_STATUSES,
} from './sdk-support.js';

/** Classify runs through the official SDK: create/poll, sync, versions, overrides, lists, batches, failures. */

const DRAFT_CONFIG: Extend.ClassifyConfig = {
  classifications: [
    ...BASIC_CONFIG.classifications,
    { id: 'receipt', type: 'receipt', description: 'Proof of a payment already made at a shop or till.' },
  ],
};
const MEETING_TEXT = 'Meeting notes from Tuesday. Attendees: Ann, Bob.';

describe.each(backends())('SDK classify runs (%s)', (backend) => {
  let s: TestServer;
  let main: Extend.Classifier;
  let v1: Extend.ClassifierVersion;
  beforeAll(async () => {
    s = await startTestServer(backend);
    main = await s.client.classifiers.create({ name: 'Main', config: BASIC_CONFIG });
    v1 = await s.client.classifierVersions.create(main.id, { releaseType: 'major' });
    // The draft now differs from 1.0, so every resolution below is observable.
    await s.client.classifiers.update(main.id, { config: DRAFT_CONFIG });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('createAndPoll on a text file returns a ClassifyRun with every key of the SDK type', async () => {
    const created = await s.client.classifyRuns.create({
      config: BASIC_CONFIG,
      file: { text: INVOICE_TEXT, name: 'invoice-117.txt' },
      metadata: { ref: 'A-1', nested: { n: 1 } },
    });
    expect(sortedKeys(created)).toEqual(CLASSIFY_RUN_KEYS);
    expect(created).toMatchObject({ status: 'PROCESSING', output: null, usage: null, parseRunId: null });

    const run = await s.client.classifyRuns.createAndPoll(
      {
        config: BASIC_CONFIG,
        file: { text: INVOICE_TEXT, name: 'invoice-117.txt' },
        metadata: { ref: 'A-1' },
      },
      FAST_POLL,
    );
    expect(sortedKeys(run)).toEqual(CLASSIFY_RUN_KEYS);
    expect(run).toMatchObject({
      object: 'classify_run',
      status: 'PROCESSED',
      classifier: null,
      classifierVersion: null,
      initialOutput: null,
      reviewedOutput: null,
      failureReason: null,
      failureMessage: null,
      metadata: { ref: 'A-1' },
      reviewed: false,
      edited: false,
      config: {
        ...BASIC_CONFIG,
        baseProcessor: 'classification_performance',
        baseVersion: expect.any(String),
      },
    });
    expect(run.id).toMatch(/^clr_/);
    expect(run.output).toEqual({
      id: 'invoice',
      type: 'invoice',
      confidence: expect.any(Number),
      insights: [{ type: 'reasoning', content: expect.any(String) }],
    });
    expect(run.output?.confidence).toBeGreaterThan(0);
    expect(run.output?.confidence).toBeLessThanOrEqual(1);
    const file = run.file as Extend.FileSummary;
    expect(sortedKeys(file)).toEqual(FILE_SUMMARY_KEYS);
    expect(file).toMatchObject({ object: 'file', name: 'invoice-117.txt', type: 'TXT', parentFileId: null });
    expect(file.id).toMatch(/^file_/);
    expect(file.metadata.pageCount).toBe(1);
    expect(run.parseRunId).toMatch(/^pr_/);
    expect(run.dashboardUrl).toContain(run.id);
    expect(run.usage).toEqual({
      credits: 1,
      totalCredits: 2,
      breakdown: [
        expect.objectContaining({ object: 'classify_run', id: run.id, credits: 1 }),
        expect.objectContaining({ object: 'parse_run', id: run.parseRunId, credits: 1 }),
      ],
    });
    expect(run.createdAt).toMatch(ISO);
    expect(run.updatedAt).toMatch(ISO);
    expect(ms(run.updatedAt)).toBeGreaterThanOrEqual(ms(run.createdAt));
    expect(await s.client.classifyRuns.retrieve(run.id)).toEqual(run);
  });

  it('classifies an uploaded PDF by file id; its parse run is billed once and reused', async () => {
    const uploaded = await s.client.files.upload(pdfFile('invoice-scan.pdf', INVOICE_TEXT), {});
    expect(sortedKeys(uploaded)).toEqual(FILE_KEYS);
    expect(uploaded).toMatchObject({
      object: 'file',
      name: 'invoice-scan.pdf',
      type: 'PDF',
      presignedUrl: null,
      contents: null,
    });

    const first = await s.client.classifyRuns.createAndPoll(
      { config: BASIC_CONFIG, file: { id: uploaded.id } },
      FAST_POLL,
    );
    expect(first.status).toBe('PROCESSED');
    expect(first.output?.id).toBe('invoice');
    expect(first.file).toMatchObject({ id: uploaded.id, type: 'PDF', metadata: { pageCount: 1 } });
    const parseRunId = first.parseRunId as string;
    expect(parseRunId).toMatch(/^pr_/);
    expect(first.usage?.breakdown?.map((b) => [b.object, b.id])).toEqual([
      ['classify_run', first.id],
      ['parse_run', parseRunId],
    ]);

    const pr = await s.client.parseRuns.retrieve(parseRunId);
    expect(pr).toMatchObject({
      object: 'parse_run',
      id: parseRunId,
      status: 'PROCESSED',
      file: { id: uploaded.id },
    });
    expect(pr.metrics?.pageCount).toBe(1);
    expect(pr.output?.chunks).toHaveLength(1);
    expect(pr.output?.chunks[0]?.content).toContain('INVOICE No. 2024-117');

    const second = await s.client.classifyRuns.createAndPoll(
      { classifier: { id: main.id, version: '1.0' }, file: { id: uploaded.id } },
      FAST_POLL,
    );
    expect(second.status).toBe('PROCESSED');
    expect(second.parseRunId).toBe(parseRunId);
    expect(second.usage?.breakdown?.map((b) => b.object)).toEqual(['classify_run']);
    expect(second.usage?.totalCredits).toBe(second.usage?.credits);
  });

  it('client.classify (sync) with a classifier draft and with an inline config', async () => {
    const byDraft = await s.client.classify({
      classifier: { id: main.id, version: 'draft' },
      file: { text: LETTER_TEXT },
    });
    expect(byDraft.status).toBe('PROCESSED');
    expect(byDraft.output?.id).toBe('letter');
    expect(byDraft.classifier).toEqual({
      object: 'classifier',
      id: main.id,
      name: 'Main',
      createdAt: main.createdAt,
      updatedAt: expect.stringMatching(ISO),
    });
    expect(byDraft.classifierVersion).toMatchObject({
      version: 'draft',
      id: main.draftVersion.id,
      classifierId: main.id,
    });

    const inline = await s.client.classify({ config: BASIC_CONFIG, file: { text: INVOICE_TEXT } });
    expect(inline).toMatchObject({
      status: 'PROCESSED',
      classifier: null,
      classifierVersion: null,
      output: { id: 'invoice' },
    });
  });

  it('resolves the classifier version: omitted → latest published, "draft", "1.0", an id, "latest"', async () => {
    const ids = (run: Extend.ClassifyRun) => run.config.classifications.map((c) => c.id);
    const omitted = await s.client.classify({ classifier: { id: main.id }, file: { text: INVOICE_TEXT } });
    expect(omitted.classifierVersion).toMatchObject({ id: v1.id, version: '1.0' });
    expect(ids(omitted)).toEqual(['invoice', 'letter', 'other']);

    const draft = await s.client.classify({
      classifier: { id: main.id, version: 'draft' },
      file: { text: INVOICE_TEXT },
    });
    expect(draft.classifierVersion?.version).toBe('draft');
    expect(ids(draft)).toEqual(['invoice', 'letter', 'other', 'receipt']);

    for (const version of ['1.0', v1.id, 'latest']) {
      const run = await s.client.classify({
        classifier: { id: main.id, version },
        file: { text: INVOICE_TEXT },
      });
      expect(run.classifierVersion?.id).toBe(v1.id);
      expect(ids(run)).toEqual(['invoice', 'letter', 'other']);
    }

    await sdkError(
      s.client.classify({ classifier: { id: main.id, version: '4.2' }, file: { text: INVOICE_TEXT } }),
      Extend.NotFoundError,
      404,
    );
    const unpublished = await s.client.classifiers.create({ name: 'Unpublished', config: BASIC_CONFIG });
    const { body } = await sdkError(
      s.client.classifyRuns.create({ classifier: { id: unpublished.id }, file: { text: INVOICE_TEXT } }),
      Extend.BadRequestError,
      400,
    );
    expect(body.message).toContain('Path: classifier.version');
  });

  it('applies overrideConfig over the saved version without changing it', async () => {
    const base = await s.client.classify({
      classifier: { id: main.id, version: '1.0' },
      file: { text: MEETING_TEXT },
    });
    expect(base.output?.id).toBe('other');
    const rules = 'Documents that mention meeting notes or attendees are letters.';
    const run = await s.client.classifyRuns.createAndPoll(
      {
        classifier: { id: main.id, version: '1.0', overrideConfig: { classificationRules: rules } },
        file: { text: MEETING_TEXT },
      },
      FAST_POLL,
    );
    expect(run.classifierVersion?.id).toBe(v1.id);
    expect(run.config.classificationRules).toBe(rules);
    expect(run.config.classifications).toEqual(BASIC_CONFIG.classifications);
    expect(run.output?.id).toBe('letter');
    expect((await s.client.classifierVersions.retrieve(main.id, '1.0')).config).toEqual(BASIC_CONFIG);

    // The merged config must still be valid.
    const { body } = await sdkError(
      s.client.classifyRuns.create({
        classifier: {
          id: main.id,
          version: '1.0',
          overrideConfig: { classifications: [{ id: 'x', type: 'x', description: 'no other' }] },
        },
        file: { text: MEETING_TEXT },
      }),
      Extend.BadRequestError,
      400,
    );
    expect(body.message).toContain('Path: classifier.overrideConfig.classifications');
  });

  it('lists runs across pages with classifierId and fileNameContains filters', async () => {
    const paging = await s.client.classifiers.create({ name: 'Paging', config: BASIC_CONFIG });
    await s.client.classifierVersions.create(paging.id, { releaseType: 'minor' });
    const created: string[] = [];
    for (let i = 1; i <= 12; i++) {
      const run = await s.client.classifyRuns.create({
        classifier: { id: paging.id },
        file: { text: i % 2 ? INVOICE_TEXT : LETTER_TEXT, name: `page-run-${i}.txt` },
      });
      created.push(run.id);
    }
    const inline = await s.client.classify({
      config: BASIC_CONFIG,
      file: { text: LETTER_TEXT, name: 'page-run-99-inline.txt' },
    });
    await waitFor(
      async () => {
        const all = await s.client.classifyRuns.list({ classifierId: paging.id, maxPageSize: 100 });
        return all.data.length === 12 && all.data.every((r) => r.status === 'PROCESSED');
      },
      20_000,
      'the 12 runs to be processed',
    );

    const pages: Extend.ClassifyRunSummary[][] = [];
    let token: string | undefined;
    do {
      const page = await s.client.classifyRuns.list({
        classifierId: paging.id,
        maxPageSize: 5,
        nextPageToken: token,
      });
      expect(page.object).toBe('list');
      pages.push(page.data);
      token = page.nextPageToken;
    } while (token && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    const listed = pages.flat();
    expect(new Set(listed.map((r) => r.id)).size).toBe(12);
    expect([...listed.map((r) => r.id)].sort()).toEqual([...created].sort());
    expectNonIncreasing(listed.map((r) => ms(r.updatedAt)));
    for (const r of listed) {
      expect(sortedKeys(r)).toEqual(
        [...CLASSIFY_RUN_SUMMARY_KEYS, ...CLASSIFY_RUN_SUMMARY_EXTENSION_KEYS].sort(),
      );
      expect(r.classifier?.id).toBe(paging.id);
      expect(r.classifierVersion?.version).toBe('0.1');
      expect(r.usage).toEqual({ credits: 1, totalCredits: 2 });
    }
    const single = await s.client.classifyRuns.list({ classifierId: paging.id, maxPageSize: 100 });
    expect(single.data.map((r) => r.id)).toEqual(listed.map((r) => r.id));

    const ascPages: Extend.ClassifyRunSummary[] = [];
    token = undefined;
    do {
      const page = await s.client.classifyRuns.list({
        classifierId: paging.id,
        sortBy: 'createdAt',
        sortDir: 'asc',
        maxPageSize: 5,
        nextPageToken: token,
      });
      ascPages.push(...page.data);
      token = page.nextPageToken;
    } while (token);
    expect(ascPages.map((r) => r.id).sort()).toEqual([...created].sort());
    expectNonDecreasing(ascPages.map((r) => ms(r.createdAt)));

    const names = async (needle: string) =>
      (await s.client.classifyRuns.list({ fileNameContains: needle, maxPageSize: 100 })).data
        .map((r) => r.file?.name)
        .sort();
    const ones = ['page-run-1.txt', 'page-run-10.txt', 'page-run-11.txt', 'page-run-12.txt'];
    expect(await names('page-run-1')).toEqual(ones);
    expect(await names('PAGE-RUN-1')).toEqual(ones);
    expect(await names('run-99')).toEqual(['page-run-99-inline.txt']);
    const both = await s.client.classifyRuns.list({
      classifierId: paging.id,
      fileNameContains: 'page-run-9',
    });
    expect(both.data.map((r) => r.file?.name)).toEqual(['page-run-9.txt']);
    expect(both.data.map((r) => r.id)).not.toContain(inline.id);
  });

  it('lists runs by status', async () => {
    const ok = await s.client.classify({ config: BASIC_CONFIG, file: { text: INVOICE_TEXT } });
    const bad = await s.client.classify({
      config: BASIC_CONFIG,
      file: { url: 'http://127.0.0.1:1/status.pdf' },
    });
    expect([ok.status, bad.status]).toEqual(['PROCESSED', 'FAILED']);
    const failed = await s.client.classifyRuns.list({ status: 'FAILED', maxPageSize: 1000 });
    expect(failed.data.map((r) => r.id)).toContain(bad.id);
    expect(failed.data.every((r) => r.status === 'FAILED')).toBe(true);
    const processed = await s.client.classifyRuns.list({ status: 'PROCESSED', maxPageSize: 1000 });
    expect(processed.data.map((r) => r.id)).toContain(ok.id);
    expect(processed.data.map((r) => r.id)).not.toContain(bad.id);
    expect(processed.data.every((r) => r.status === 'PROCESSED')).toBe(true);
  });

  it('a URL the network policy refuses fails the run with FAILED_TO_PROCESS_FILE', async () => {
    const run = await s.client.classifyRuns.createAndPoll(
      { config: BASIC_CONFIG, file: { url: 'http://127.0.0.1:1/x' } },
      FAST_POLL,
    );
    expect(sortedKeys(run)).toEqual(CLASSIFY_RUN_KEYS);
    expect(run).toMatchObject({
      status: 'FAILED',
      failureReason: 'FAILED_TO_PROCESS_FILE',
      output: null,
      usage: null,
      file: null,
      parseRunId: null,
    });
    expect(run.failureMessage).toMatch(/refus/i);
    expect(run.failureMessage).toContain('127.0.0.1');
  });

  it('an unsupported file (gzip) fails the run with FAILED_TO_PROCESS_FILE and a failed parse run', async () => {
    const archive = await s.client.files.upload(gzipFile('bundle.gz'), {});
    const run = await s.client.classify({ config: BASIC_CONFIG, file: { id: archive.id } });
    expect(run).toMatchObject({
      status: 'FAILED',
      failureReason: 'FAILED_TO_PROCESS_FILE',
      output: null,
      usage: null,
    });
    expect(run.file?.id).toBe(archive.id);
    expect(run.failureMessage).toContain('gzip archive');
    const pr = await s.client.parseRuns.retrieve(run.parseRunId as string);
    expect(pr).toMatchObject({ status: 'FAILED', failureReason: 'FILE_TYPE_NOT_SUPPORTED', output: null });
  });

  it('deletes a run but not its file or parse run', async () => {
    const run = await s.client.classify({ config: BASIC_CONFIG, file: { text: INVOICE_TEXT } });
    expect(await s.client.classifyRuns.delete(run.id)).toEqual({ id: run.id });
    await sdkError(s.client.classifyRuns.retrieve(run.id), Extend.NotFoundError, 404);
    await sdkError(s.client.classifyRuns.delete(run.id), Extend.NotFoundError, 404);
    const listed = await s.client.classifyRuns.list({ maxPageSize: 1000 });
    expect(listed.data.map((r) => r.id)).not.toContain(run.id);
    expect((await s.client.files.retrieve(run.file?.id as string)).id).toBe(run.file?.id);
    expect((await s.client.parseRuns.retrieve(run.parseRunId as string)).status).toBe('PROCESSED');
  });

  it('runs a batch of 3: PENDING batch, then PROCESSED with 3 terminal runs listed by batchId', async () => {
    const texts = [INVOICE_TEXT, LETTER_TEXT, MEETING_TEXT];
    const batch = await s.client.classifyRuns.createBatch({
      classifier: { id: main.id, version: '1.0' },
      inputs: texts.map((text, i) => ({ file: { text, name: `batch-${i}.txt` }, metadata: { n: i } })),
    });
    expect(sortedKeys(batch)).toEqual(BATCH_RUN_KEYS);
    expect(batch).toMatchObject({ object: 'batch_run', status: 'PENDING', runCount: 3 });
    expect(batch.id).toMatch(/^bpr_/);
    expect(batch.createdAt).toMatch(ISO);

    const done = await waitFor(
      async () => {
        const b = await s.client.batchRuns.get(batch.id);
        return b.status === 'PROCESSED' ? b : undefined;
      },
      20_000,
      'the batch to be processed',
    );
    expect(done).toEqual({ ...batch, status: 'PROCESSED' });

    const runs = await s.client.classifyRuns.list({ batchId: batch.id });
    expect(runs.data).toHaveLength(3);
    for (const r of runs.data) {
      expect(TERMINAL_STATUSES).toContain(r.status);
      expect(r.status).toBe('PROCESSED');
      expect(r.classifierVersion?.id).toBe(v1.id);
    }
    const byN = new Map(runs.data.map((r) => [(r.metadata as { n: number }).n, r]));
    expect([...byN.keys()].sort()).toEqual([0, 1, 2]);
    expect(byN.get(0)?.file?.name).toBe('batch-0.txt');
    const letter = await s.client.classifyRuns.retrieve(byN.get(1)?.id as string);
    expect(letter.output?.id).toBe('letter');
    await sdkError(s.client.batchRuns.get('bpr_nonexistent'), Extend.NotFoundError, 404);
  });
});

describe.each(backends())('SDK classify runs from URLs, and cancel (%s)', (backend) => {
  let s: TestServer;
  let worker: Worker;
  let files: LoopbackServer;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  beforeAll(async () => {
    // Loopback URLs are refused by default; this server allows them. Its worker is ours, so the
    // cancel test can wait for the job it interrupts to end.
    s = await startTestServer(backend, { env: { DOCSORT_ALLOW_PRIVATE_NETWORK: 'true' }, worker: false });
    worker = new Worker(s.deps, { concurrency: 1, leaseMs: 5000, pollMs: 50 });
    worker.start();
    files = await startServer((req, res) => {
      const send = (text: string) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(text);
      };
      if (req.url === '/docs/letter.txt') send(LETTER_TEXT);
      else if (req.url === '/slow/invoice.txt') void released.then(() => send(INVOICE_TEXT));
      else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  afterAll(async () => {
    release();
    await worker?.stop();
    await files?.close();
    await s?.stop();
  });

  it('downloads a { url } input and classifies it', async () => {
    const run = await s.client.classifyRuns.createAndPoll(
      { config: BASIC_CONFIG, file: { url: files.url('/docs/letter.txt') } },
      FAST_POLL,
    );
    expect(run).toMatchObject({
      status: 'PROCESSED',
      output: { id: 'letter' },
      file: { name: 'letter.txt', type: 'TXT' },
    });
  });

  it('cancels a run mid-download: CANCELLED at once, and it stays so after the download ends', async () => {
    const run = await s.client.classifyRuns.create({
      config: BASIC_CONFIG,
      file: { url: files.url('/slow/invoice.txt') },
    });
    expect(run.status).toBe('PROCESSING');
    await waitFor(
      async () => files.requests.some((r) => r.url === '/slow/invoice.txt'),
      10_000,
      'the download to start',
    );
    expect((await s.client.classifyRuns.retrieve(run.id)).status).toBe('PROCESSING');

    const cancelled = await s.client.classifyRuns.cancel(run.id);
    expect(sortedKeys(cancelled)).toEqual(CLASSIFY_RUN_KEYS);
    expect(cancelled).toMatchObject({ id: run.id, status: 'CANCELLED', output: null, usage: null });
    expect((await s.client.classifyRuns.retrieve(run.id)).status).toBe('CANCELLED');

    // Let the download finish, and wait for the worker to be done with the job.
    const stopping = worker.stop();
    release();
    await stopping;
    const after = await s.client.classifyRuns.retrieve(run.id);
    expect(after).toMatchObject({
      status: 'CANCELLED',
      output: null,
      usage: null,
      parseRunId: null,
      failureReason: null,
    });
    expect(after.updatedAt).toBe(cancelled.updatedAt);
    worker = new Worker(s.deps, { concurrency: 1, leaseMs: 5000, pollMs: 50 });
    worker.start();

    const again = await sdkError(s.client.classifyRuns.cancel(run.id), Extend.BadRequestError, 400);
    expect(again.body.code).toBe('INVALID_REQUEST');
    const finished = await s.client.classify({ config: BASIC_CONFIG, file: { text: INVOICE_TEXT } });
    expect(finished.status).toBe('PROCESSED');
    await sdkError(s.client.classifyRuns.cancel(finished.id), Extend.BadRequestError, 400);
    await sdkError(s.client.classifyRuns.cancel('clr_nonexistent'), Extend.NotFoundError, 404);
  });
});
