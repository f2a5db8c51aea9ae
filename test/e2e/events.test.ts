import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsFor } from '../../src/store/events.js';
import { backends } from '../support/backends.js';
import { sharedPath } from '../support/shared-dir.js';
import {
  BASIC_CONFIG,
  INVOICE_TEXT,
  startTestServer,
  type TestServer,
  waitFor,
} from '../support/test-server.js';

/** The seed page's example payload: the numbered JSON lines after "Payload". */
function seedPayload(): Record<string, unknown> {
  const text = fs.readFileSync(sharedPath('spec', 'seed-classify-run-failed.txt'), 'utf8');
  const json = text
    .split('\n')
    .filter((l) => /^\d+/.test(l))
    .map((l) => l.replace(/^\d+\s?/, ''))
    .join('\n');
  return JSON.parse(json.slice(0, json.lastIndexOf('}') + 1)) as Record<string, unknown>;
}

/** The key structure of an object: nested objects by key, arrays by their first element. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, shape((v as Record<string, unknown>)[k])]),
    );
  }
  return typeof v;
}

function keysOf(v: unknown): string[] {
  return Object.keys(v as object).sort();
}

describe.each(backends())('event rows (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(async () => {
    await s?.stop();
  });

  async function finished(id: string) {
    return waitFor(async () => {
      const r = await s.api('GET', `/classify_runs/${id}`);
      return ['PROCESSED', 'FAILED', 'CANCELLED'].includes(r.body.status) ? r.body : undefined;
    });
  }

  it('a processed run writes one classify_run.processed event with the seed payload shape, field for field', async () => {
    const seed = seedPayload();
    const classifier = await s.api('POST', '/classifiers', { name: 'Seed shape', config: BASIC_CONFIG });
    const created = await s.api('POST', '/classify_runs', {
      classifier: { id: classifier.body.id, version: 'draft' },
      file: { text: INVOICE_TEXT, name: 'Invoices.txt' },
      metadata: { customer: 'acme' },
    });
    const run = await finished(created.body.id);
    expect(run.status).toBe('PROCESSED');

    const events = await listEventsFor(s.deps.db, run.id);
    expect(events.map((e) => e.eventType)).toEqual(['classify_run.processed']);
    const event = events[0];
    expect(event?.eventId).toMatch(/^evt_/);
    // The event carries the run exactly as the API shows it once it finished.
    expect(event?.payload).toEqual(run);
    // Its job was deleted in the transaction that finished it.
    const jobs = await s.deps.db
      .selectFrom('jobs')
      .select('id')
      .where('payload', 'like', `%${run.id}%`)
      .execute();
    expect(jobs).toEqual([]);

    const payload = event?.payload as Record<string, unknown>;
    const seedRun = seed.payload as Record<string, unknown>;
    expect(keysOf(payload)).toEqual(keysOf(seedRun));
    for (const k of ['output', 'classifier', 'file', 'usage'])
      expect(keysOf(payload[k]), k).toEqual(expect.arrayContaining(keysOf(seedRun[k])));
    for (const k of ['output', 'classifier']) expect(keysOf(payload[k]), k).toEqual(keysOf(seedRun[k]));
    const insights = (o: unknown) => (o as { insights: unknown[] }).insights[0];
    expect(shape(insights(payload.output))).toEqual(shape(insights(seedRun.output)));
    // The SDK adds createdBy to versions; everything the seed has is there.
    expect(keysOf(payload.classifierVersion)).toEqual(
      [...keysOf(seedRun.classifierVersion), 'createdBy'].sort(),
    );
    expect(keysOf(payload.config)).toEqual(expect.arrayContaining(keysOf(seedRun.config)));
    expect(payload.status).toBe('PROCESSED');
    expect(payload.initialOutput).toBeNull();
    expect(payload.reviewedOutput).toBeNull();
    expect(payload.failureReason).toBeNull();
    expect(payload.metadata).toEqual({ customer: 'acme' });
    expect((payload.usage as { credits: number }).credits).toBeGreaterThan(0);
  });

  it('a failed run writes classify_run.failed with status FAILED, a reason and a message', async () => {
    const form = new FormData();
    // A gzip header: a format Docsort does not read, so the run must fail clearly.
    form.append('file', new Blob([Buffer.from('1f8b0800000000000003', 'hex')]), 'bundle.gz');
    const file = await s.api('POST', '/files/upload', form);
    expect(file.status).toBe(200);
    const created = await s.api('POST', '/classify_runs', {
      config: BASIC_CONFIG,
      file: { id: file.body.id },
    });
    const run = await finished(created.body.id);
    expect(run.status).toBe('FAILED');
    expect(run.failureReason).toBe('FAILED_TO_PROCESS_FILE');
    expect(run.failureMessage).toMatch(/FILE_TYPE_NOT_SUPPORTED/);
    const events = await listEventsFor(s.deps.db, run.id);
    expect(events.map((e) => e.eventType)).toEqual(['classify_run.failed']);
    expect(events[0]?.payload).toEqual(run);
    expect(keysOf(events[0]?.payload)).toEqual(keysOf(seedPayload().payload));
    expect(run.output).toBeNull();
    expect(run.usage).toBeNull();
  });

  it('classifier changes write created, updated, draft.updated, version.published and deleted events', async () => {
    const c = await s.api('POST', '/classifiers', { name: 'Events', config: BASIC_CONFIG });
    await s.api('POST', `/classifiers/${c.body.id}`, { name: 'Events renamed' });
    const newConfig = { ...BASIC_CONFIG, classificationRules: 'Prefer invoice when a total is present.' };
    await s.api('POST', `/classifiers/${c.body.id}`, { config: newConfig });
    await s.api('POST', `/classifiers/${c.body.id}`, { name: 'Both', config: BASIC_CONFIG });
    // A no-op update changes nothing and emits nothing.
    await s.api('POST', `/classifiers/${c.body.id}`, { name: 'Both' });
    const version = await s.api('POST', `/classifiers/${c.body.id}/versions`, {
      releaseType: 'minor',
      description: 'first',
    });
    const last = await s.api('GET', `/classifiers/${c.body.id}`);
    await s.api('DELETE', `/classifiers/${c.body.id}`);

    const events = await listEventsFor(s.deps.db, c.body.id);
    expect(events.map((e) => e.eventType)).toEqual([
      'classifier.created',
      'classifier.updated',
      'classifier.draft.updated',
      'classifier.updated',
      'classifier.draft.updated',
      'classifier.deleted',
    ]);
    expect(events[0]?.payload).toEqual(c.body);
    const renamed = events[1]?.payload as { name: string } | undefined;
    expect(renamed?.name).toBe('Events renamed');
    const redrafted = events[2]?.payload as { draftVersion: { config: unknown } } | undefined;
    expect(redrafted?.draftVersion.config).toEqual(newConfig);
    expect(events[5]?.payload).toEqual(last.body);
    const published = await listEventsFor(s.deps.db, version.body.id);
    expect(published.map((e) => e.eventType)).toEqual(['classifier.version.published']);
    expect(published[0]?.payload).toEqual(version.body);
    expect(version.body.version).toBe('0.1');
  });

  it('a batch writes each child run event and one batch_processor_run.processed event', async () => {
    const c = await s.api('POST', '/classifiers', { name: 'Batch', config: BASIC_CONFIG });
    const batch = await s.api('POST', '/classify_runs/batch', {
      classifier: { id: c.body.id, version: 'draft' },
      inputs: [{ file: { text: INVOICE_TEXT } }, { file: { text: 'Dear Sir, thank you. Sincerely, Jo' } }],
    });
    expect(batch.body).toEqual({
      object: 'batch_run',
      id: expect.stringMatching(/^bpr_/),
      status: 'PENDING',
      runCount: 2,
      createdAt: expect.any(String),
    });
    const done = await waitFor(async () => {
      const b = await s.api('GET', `/batch_runs/${batch.body.id}`);
      return b.body.status === 'PROCESSED' ? b.body : undefined;
    });
    const events = await listEventsFor(s.deps.db, batch.body.id);
    expect(events.map((e) => e.eventType)).toEqual(['batch_processor_run.processed']);
    expect(events[0]?.payload).toEqual(done);
    const children = await s.api('GET', `/classify_runs?batchId=${batch.body.id}`);
    expect(children.body.data).toHaveLength(2);
    for (const child of children.body.data) {
      expect(child.status).toBe('PROCESSED');
      const childEvents = await listEventsFor(s.deps.db, child.id);
      expect(childEvents.map((e) => e.eventType)).toEqual(['classify_run.processed']);
    }
  });
});
