import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsFor } from '../../src/store/events.js';
import { makePdf } from '../fixtures/make-pdf.js';
import { backends } from '../support/backends.js';
import { startTestServer, type TestServer, waitFor } from '../support/test-server.js';

/** Parse runs through the API (spec §5) and the official SDK. */
describe.each(backends())('parse runs (%s)', (backend) => {
  let s: TestServer;
  let pdfId: string;
  beforeAll(async () => {
    s = await startTestServer(backend);
    const form = new FormData();
    const pdf = makePdf(['# Title\nFirst page about invoices', 'Second page', 'Third page about letters']);
    form.append('file', new Blob([pdf]), 'three.pdf');
    pdfId = (await s.api('POST', '/files/upload', form)).body.id;
  });
  afterAll(async () => {
    await s?.stop();
  });

  async function finished(id: string) {
    return waitFor(async () => {
      const r = await s.client.parseRuns.retrieve(id);
      return r.status === 'PROCESSED' || r.status === 'FAILED' ? r : undefined;
    });
  }

  it('creates a parse run, processes it with page chunks and writes a slim parse_run.processed event', async () => {
    const created = await s.client.parseRuns.create({ file: { id: pdfId } });
    expect(created.status).toBe('PROCESSING');
    expect(created.id).toMatch(/^pr_/);
    const run = await finished(created.id);
    expect(run.status).toBe('PROCESSED');
    expect(run.output?.chunks).toHaveLength(3);
    expect(run.output?.chunks[0]).toMatchObject({
      object: 'chunk',
      type: 'page',
      metadata: { pageRange: { start: 1, end: 1 } },
    });
    expect(run.metrics?.pageCount).toBe(3);
    expect(run.file.metadata.pageCount).toBe(3);
    expect(run.config).toMatchObject({ target: 'markdown', chunkingStrategy: { type: 'page' } });
    const events = await listEventsFor(s.deps.db, run.id);
    expect(events.map((e) => e.eventType)).toEqual(['parse_run.processed']);
    expect(events[0]?.payload).toEqual({
      object: 'parse_run_status',
      id: run.id,
      status: 'PROCESSED',
      failureReason: null,
      failureMessage: null,
      metadata: null,
    });
  });

  it('honours chunkingStrategy document/section and pageRanges', async () => {
    const doc = await finished(
      (
        await s.client.parseRuns.create({
          file: { id: pdfId },
          config: { chunkingStrategy: { type: 'document' } },
        })
      ).id,
    );
    expect(doc.output?.chunks).toHaveLength(1);
    expect(doc.output?.chunks[0]?.metadata.pageRange).toEqual({ start: 1, end: 3 });
    const ranged = await finished(
      (
        await s.client.parseRuns.create({
          file: { id: pdfId },
          config: { advancedOptions: { pageRanges: [{ start: 2, end: 3 }] } },
        })
      ).id,
    );
    expect(ranged.output?.chunks.map((c) => c.metadata.pageRange.start)).toEqual([2, 3]);
    const section = await finished(
      (
        await s.client.parseRuns.create({
          file: { id: pdfId },
          config: { chunkingStrategy: { type: 'section' } },
        })
      ).id,
    );
    expect(section.output?.chunks.every((c) => c.type === 'section')).toBe(true);
  });

  it('POST /parse returns the finished run, and 422 for a document it cannot parse', async () => {
    const run = await s.client.parse({ file: { id: pdfId } });
    expect(run.status).toBe('PROCESSED');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5])]), 'broken.docx');
    const broken = (await s.api('POST', '/files/upload', form)).body.id;
    const res = await s.api('POST', '/parse', { file: { id: broken } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('UNPROCESSABLE_ENTITY');
    expect(res.body.message).toMatch(/^[A-Z_]+: /);
  });

  it('batches parse runs (bpar_) and emits batch_parse_run.processed', async () => {
    const batch = await s.client.parseRuns.createBatch({
      inputs: [{ file: { id: pdfId } }, { file: { id: pdfId } }],
    });
    expect(batch.id).toMatch(/^bpar_/);
    expect(batch.runCount).toBe(2);
    const done = await waitFor(async () => {
      const b = await s.client.batchRuns.get(batch.id);
      return b.status === 'PROCESSED' ? b : undefined;
    });
    expect(done.status).toBe('PROCESSED');
    const events = await listEventsFor(s.deps.db, batch.id);
    expect(events.map((e) => e.eventType)).toEqual(['batch_parse_run.processed']);
    const children = await s.client.parseRuns.list({ batchId: batch.id });
    expect(children.data).toHaveLength(2);
  });

  it('deletes a parse run; refuses text inputs and unknown ids', async () => {
    const run = await finished((await s.client.parseRuns.create({ file: { id: pdfId } })).id);
    expect(await s.client.parseRuns.delete(run.id)).toEqual({ id: run.id });
    expect((await s.api('GET', `/parse_runs/${run.id}`)).status).toBe(404);
    expect((await s.api('POST', '/parse_runs', { file: { text: 'x' } })).status).toBe(400);
    expect((await s.api('POST', '/parse_runs', { file: { id: 'file_nope' } })).status).toBe(404);
    const refused = await s.api('POST', '/parse_runs', { file: { url: 'http://127.0.0.1:1/x.pdf' } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/UNABLE_TO_DOWNLOAD_FILE/);
  });
});
