import { ExtendClient } from 'extend-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsFor } from '../../src/store/events.js';
import { backends } from '../support/backends.js';
import {
  BASIC_CONFIG,
  INVOICE_TEXT,
  LETTER_TEXT,
  startTestServer,
  type TestServer,
  waitFor,
} from '../support/test-server.js';
import { type Receiver, startReceiver } from './receiver.js';
import { createEndpoint, eventIdFor } from './support.js';

/**
 * Every classification event reaches a real receiver with the exact payload the API shows, and routing
 * follows spec §6.1: global enabledEvents plus classifier subscriptions, once per endpoint.
 */
describe.each(backends())('webhook events and routing (%s)', (backend) => {
  let s: TestServer;
  let receiver: Receiver;
  const sdk = new ExtendClient({ token: 'unused' });
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    receiver = await startReceiver();
    s = await startTestServer(backend, { env: { DOCSORT_ALLOW_PRIVATE_NETWORK: 'true' } });
  });
  afterAll(async () => {
    await s?.stop();
    await receiver?.close();
  });

  async function endpoint(path: string, events: string[], extra: Record<string, unknown> = {}) {
    const e = await createEndpoint(s, receiver.url(path), events, extra);
    secrets.set(path, e.signingSecret);
    return e;
  }

  /** The verified event of `eventId` delivered to `path` (the SDK's verifier checks every one). */
  async function delivered(path: string, eventId: string) {
    const request = await waitFor(
      async () => receiver.received.find((r) => r.path === path && r.json?.eventId === eventId),
      20_000,
      `${eventId} at ${path}`,
    );
    return sdk.webhooks.verifyAndParse(request.body, request.headers as never, secrets.get(path) ?? '');
  }

  async function finished(id: string) {
    return waitFor(async () => {
      const r = await s.api('GET', `/classify_runs/${id}`);
      return ['PROCESSED', 'FAILED'].includes(r.body.status) ? r.body : undefined;
    });
  }

  it('classify_run.processed and classify_run.failed carry the run exactly as GET shows it', async () => {
    await endpoint('/runs', ['classify_run.processed', 'classify_run.failed']);
    const c = await s.api('POST', '/classifiers', { name: 'Runs', config: BASIC_CONFIG });
    const ok = await s.api('POST', '/classify_runs', {
      classifier: { id: c.body.id, version: 'draft' },
      file: { text: INVOICE_TEXT, name: 'invoice.txt' },
      metadata: { customer: 'acme' },
    });
    const okRun = await finished(ok.body.id);
    expect(okRun.status).toBe('PROCESSED');
    const okEvent = await delivered('/runs', await eventIdFor(s, okRun.id, 'classify_run.processed'));
    expect(okEvent.eventType).toBe('classify_run.processed');
    expect(okEvent.payload).toEqual(okRun);

    // A download the network policy refuses (metadata stays refused even with private networks
    // allowed): the run fails at once, whatever formats the parsers read.
    const bad = await s.api('POST', '/classify_runs', {
      config: BASIC_CONFIG,
      file: { url: 'http://169.254.169.254/latest/meta-data' },
    });
    const badRun = await finished(bad.body.id);
    expect(badRun.status).toBe('FAILED');
    const badEvent = await delivered('/runs', await eventIdFor(s, badRun.id, 'classify_run.failed'));
    expect(badEvent.eventType).toBe('classify_run.failed');
    expect(badEvent.payload).toEqual(badRun);
  });

  it('classifier.created, updated, draft.updated, version.published and deleted carry the API objects', async () => {
    await endpoint('/classifiers', [
      'classifier.created',
      'classifier.updated',
      'classifier.draft.updated',
      'classifier.version.published',
      'classifier.deleted',
    ]);
    const created = await s.api('POST', '/classifiers', { name: 'Lifecycle', config: BASIC_CONFIG });
    const id = created.body.id as string;
    const renamed = await s.api('POST', `/classifiers/${id}`, { name: 'Lifecycle renamed' });
    const reconfigured = await s.api('POST', `/classifiers/${id}`, {
      config: { ...BASIC_CONFIG, classificationRules: 'Prefer invoice.' },
    });
    const version = await s.api('POST', `/classifiers/${id}/versions`, { releaseType: 'major' });
    const last = await s.api('GET', `/classifiers/${id}`);
    await s.api('DELETE', `/classifiers/${id}`);

    const expectations: [string, string, unknown][] = [
      ['classifier.created', id, created.body],
      ['classifier.updated', id, renamed.body],
      ['classifier.draft.updated', id, reconfigured.body],
      ['classifier.version.published', version.body.id, version.body],
      ['classifier.deleted', id, last.body],
    ];
    for (const [type, resource, payload] of expectations) {
      const event = await delivered('/classifiers', await eventIdFor(s, resource, type));
      expect(event.eventType, type).toBe(type);
      expect(event.payload, type).toEqual(payload);
    }
  });

  it('batch_processor_run.processed carries the batch as GET /batch_runs shows it', async () => {
    await endpoint('/batches', ['batch_processor_run.processed', 'batch_processor_run.failed']);
    const c = await s.api('POST', '/classifiers', { name: 'Batch', config: BASIC_CONFIG });
    const batch = await s.api('POST', '/classify_runs/batch', {
      classifier: { id: c.body.id, version: 'draft' },
      inputs: [{ file: { text: INVOICE_TEXT } }, { file: { text: LETTER_TEXT } }],
    });
    const done = await waitFor(async () => {
      const b = await s.api('GET', `/batch_runs/${batch.body.id}`);
      return b.body.status === 'PROCESSED' ? b.body : undefined;
    });
    const event = await delivered(
      '/batches',
      await eventIdFor(s, batch.body.id, 'batch_processor_run.processed'),
    );
    expect(event.payload).toEqual(done);
  });

  it('parse_run.processed carries the slim parse_run_status payload', async () => {
    await endpoint('/parse', ['parse_run.processed', 'parse_run.failed']);
    const form = new FormData();
    form.append('file', new Blob([INVOICE_TEXT]), 'parse.txt');
    const file = await s.api('POST', '/files/upload', form);
    const created = await s.api('POST', '/parse_runs', { file: { id: file.body.id } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const eventId = await eventIdFor(s, created.body.id, 'parse_run.processed');
    const event = await delivered('/parse', eventId);
    const [stored] = await listEventsFor(s.deps.db, created.body.id);
    expect(event.payload).toEqual(stored?.payload);
    expect(event.payload).toMatchObject({
      object: 'parse_run_status',
      id: created.body.id,
      status: 'PROCESSED',
    });
  });

  it('routes by global events and classifier subscriptions, once per endpoint', async () => {
    const x = await s.api('POST', '/classifiers', { name: 'Routed X', config: BASIC_CONFIG });
    const y = await s.api('POST', '/classifiers', { name: 'Routed Y', config: BASIC_CONFIG });
    await endpoint('/global', ['classify_run.processed']);
    const subX = await endpoint('/sub-x', []);
    const both = await endpoint('/both', ['classify_run.processed']);
    const subY = await endpoint('/sub-y', []);
    const wrongEvent = await endpoint('/sub-x-failed-only', []);
    const off = await endpoint('/disabled', ['classify_run.processed'], { status: 'disabled' });
    const subscribe = (endpointId: string, resourceId: string, enabledEvents: string[]) =>
      s.client.webhookSubscriptions.create({
        webhookEndpointId: endpointId,
        resourceType: 'classifier',
        resourceId,
        enabledEvents,
      });
    await subscribe(subX.id, x.body.id, ['classify_run.processed', 'batch_processor_run.processed']);
    await subscribe(both.id, x.body.id, ['classify_run.processed']);
    await subscribe(subY.id, y.body.id, ['classify_run.processed']);
    await subscribe(wrongEvent.id, x.body.id, ['classify_run.failed']);
    await subscribe(off.id, x.body.id, ['classify_run.processed']);

    const onX = await s.api('POST', '/classify_runs', {
      classifier: { id: x.body.id, version: 'draft' },
      file: { text: INVOICE_TEXT },
    });
    const inline = await s.api('POST', '/classify_runs', {
      config: BASIC_CONFIG,
      file: { text: LETTER_TEXT },
    });
    const batch = await s.api('POST', '/classify_runs/batch', {
      classifier: { id: x.body.id, version: 'draft' },
      inputs: [{ file: { text: INVOICE_TEXT } }],
    });
    await finished(onX.body.id);
    await finished(inline.body.id);
    const xEvent = await eventIdFor(s, onX.body.id, 'classify_run.processed');
    const inlineEvent = await eventIdFor(s, inline.body.id, 'classify_run.processed');
    const batchEvent = await eventIdFor(s, batch.body.id, 'batch_processor_run.processed');

    await delivered('/global', xEvent);
    await delivered('/global', inlineEvent);
    await delivered('/sub-x', xEvent);
    await delivered('/sub-x', batchEvent);
    await delivered('/both', xEvent);
    await delivered('/both', inlineEvent);
    // Every delivery row is terminal before counting what did not (and will not) arrive.
    await waitFor(async () => {
      const open = await s.deps.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', 'in', ['pending', 'failed'])
        .execute();
      const unrouted = await s.deps.db.selectFrom('events').select('seq').where('routed', '=', 0).execute();
      return open.length === 0 && unrouted.length === 0;
    });
    const at = (path: string, eventId: string) =>
      receiver.received.filter((r) => r.path === path && r.json?.eventId === eventId).length;
    expect(at('/both', xEvent), 'global and subscribed: still once').toBe(1);
    expect(at('/global', xEvent)).toBe(1);
    expect(at('/sub-x', xEvent)).toBe(1);
    expect(at('/sub-x', inlineEvent), 'an inline-config run has no classifier to subscribe to').toBe(0);
    expect(at('/sub-y', xEvent), 'another classifier').toBe(0);
    expect(at('/sub-x-failed-only', xEvent), 'subscribed to other events').toBe(0);
    expect(at('/disabled', xEvent), 'disabled endpoint').toBe(0);
    expect(at('/global', batchEvent), 'not in enabledEvents').toBe(0);
    const childRuns = await s.api('GET', `/classify_runs?batchId=${batch.body.id}`);
    for (const child of childRuns.body.data) {
      const childEvent = await eventIdFor(s, child.id, 'classify_run.processed');
      await delivered('/sub-x', childEvent);
      expect(at('/sub-x', childEvent)).toBe(1);
    }
  });

  it('an endpoint receives only events written after it was created', async () => {
    const before = await s.api('POST', '/classifiers', { name: 'Before the endpoint', config: BASIC_CONFIG });
    const beforeEvent = await eventIdFor(s, before.body.id, 'classifier.created');
    await waitFor(async () => {
      const row = await s.deps.db
        .selectFrom('events')
        .select('routed')
        .where('id', '=', beforeEvent)
        .executeTakeFirst();
      return row?.routed === 1;
    });
    const e = await endpoint('/late-comer', ['classifier.created']);
    const after = await s.api('POST', '/classifiers', { name: 'After the endpoint', config: BASIC_CONFIG });
    await delivered('/late-comer', await eventIdFor(s, after.body.id, 'classifier.created'));
    const list = await s.api('GET', `/webhook_endpoints/${e.id}/deliveries`);
    expect(list.body.data.map((d: { eventId: string }) => d.eventId)).not.toContain(beforeEvent);
    expect(
      receiver.received.filter((r) => r.path === '/late-comer' && r.json?.eventId === beforeEvent),
    ).toEqual([]);
  });

  it('signed URL payloads of runs carry the run metadata, and the link serves the full run', async () => {
    await endpoint('/run-url', ['classify_run.processed'], {
      advancedOptions: { payload: { format: 'url' } },
    });
    const created = await s.api('POST', '/classify_runs', {
      config: BASIC_CONFIG,
      file: { text: INVOICE_TEXT },
      metadata: { env: 'production', n: 1 },
    });
    const run = await finished(created.body.id);
    const eventId = await eventIdFor(s, run.id, 'classify_run.processed');
    const request = await waitFor(async () =>
      receiver.received.find((r) => r.path === '/run-url' && r.json?.eventId === eventId),
    );
    const event = sdk.webhooks.verifyAndParse(
      request.body,
      request.headers as never,
      secrets.get('/run-url') ?? '',
      {
        allowSignedUrl: true,
      },
    );
    if (!sdk.webhooks.isSignedUrlEvent(event)) throw new Error('expected a signed_data_url payload');
    expect(event.payload).toMatchObject({
      object: 'signed_data_url',
      id: run.id,
      metadata: { env: 'production', n: 1 },
    });
    expect((await sdk.webhooks.fetchSignedPayload(event)).payload).toEqual(run);
  });
});
