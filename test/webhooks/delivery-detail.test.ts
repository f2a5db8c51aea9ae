import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import {
  BASIC_CONFIG,
  INVOICE_TEXT,
  startTestServer,
  type TestServer,
  waitFor,
} from '../support/test-server.js';
import { type Receiver, startReceiver } from './receiver.js';
import { createEndpoint, deliveries, eventIdFor, waitForDelivery } from './support.js';

/**
 * What the dashboard reads from the delivery log: each delivery names the resource its event is about,
 * a run's deliveries are found with `resourceId`, and `GET /webhook_deliveries/{id}` shows the request
 * a receiver gets (the body byte for byte) with every attempt.
 */
describe.each(backends())('webhook delivery detail (%s)', (backend) => {
  let s: TestServer;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    s = await startTestServer(backend, { env: { DOCSORT_ALLOW_PRIVATE_NETWORK: 'true' } });
  });
  afterAll(async () => {
    await s?.stop();
    await receiver?.close();
  });

  it("filters an endpoint's deliveries by the resource of their event", async () => {
    const endpoint = await createEndpoint(s, receiver.url('/by-resource'), [
      'classifier.created',
      'classify_run.processed',
    ]);
    const c = await s.api('POST', '/classifiers', { name: 'By resource', config: BASIC_CONFIG });
    const runs = [];
    for (const text of [INVOICE_TEXT, 'Meeting notes, Tuesday.']) {
      const r = await s.api('POST', '/classify', {
        classifier: { id: c.body.id, version: 'draft' },
        file: { text },
      });
      expect(r.body.status).toBe('PROCESSED');
      runs.push(r.body.id as string);
    }
    for (const id of runs) {
      const eventId = await eventIdFor(s, id, 'classify_run.processed');
      await waitForDelivery(s, endpoint.id, eventId, (d) => d.status === 'succeeded');
    }

    const first = await deliveries(s, endpoint.id, `&resourceId=${runs[0]}`);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ eventType: 'classify_run.processed', resourceId: runs[0] });
    const all = await deliveries(s, endpoint.id);
    expect(all.map((d) => (d as unknown as { resourceId: string }).resourceId).sort()).toEqual(
      [c.body.id, ...runs].sort(),
    );
    expect(await deliveries(s, endpoint.id, '&resourceId=clr_nothing')).toEqual([]);
    const combined = await deliveries(s, endpoint.id, `&resourceId=${runs[1]}&status=failed`);
    expect(combined).toEqual([]);
  });

  it('shows one delivery with the request its receiver got and every attempt', async () => {
    const endpoint = await createEndpoint(s, receiver.url('/detail'), ['classifier.created'], {
      advancedOptions: { headers: { authorization: 'Bearer receiver-token' } },
    });
    const c = await s.api('POST', '/classifiers', { name: 'Detail', config: BASIC_CONFIG });
    const eventId = await eventIdFor(s, c.body.id, 'classifier.created');
    const listed = await waitForDelivery(s, endpoint.id, eventId, (d) => d.status === 'succeeded');

    const res = await s.api('GET', `/webhook_deliveries/${listed.id}`);
    expect(res.status).toBe(200);
    const { request, ...delivery } = res.body;
    expect(delivery).toEqual({ ...listed, resourceId: c.body.id });
    // Earlier endpoints here take classifier.created too: only this one's request counts.
    const got = receiver.of(eventId).filter((r) => r.path === '/detail');
    expect(got).toHaveLength(1);
    expect(request).toEqual({
      method: 'POST',
      url: receiver.url('/detail'),
      headers: {
        authorization: 'Bearer receiver-token',
        'content-type': 'application/json',
        'x-extend-api-version': '2026-02-09',
        'webhook-id': eventId,
      },
      perAttemptHeaders: [
        'x-extend-request-timestamp',
        'x-extend-request-signature',
        'webhook-timestamp',
        'webhook-signature',
      ],
      body: got[0]?.body,
      payloadFormat: 'json',
    });
    for (const [name, value] of Object.entries(request.headers)) expect(got[0]?.headers[name]).toBe(value);
    for (const name of request.perAttemptHeaders) expect(got[0]?.headers[name]).toEqual(expect.any(String));

    expect((await s.api('GET', '/webhook_deliveries/whd_nope')).status).toBe(404);
  });

  it('says when the payload goes out behind a signed link', async () => {
    const endpoint = await createEndpoint(s, receiver.url('/as-url'), ['classifier.created'], {
      advancedOptions: { payload: { format: 'url' } },
    });
    const c = await s.api('POST', '/classifiers', { name: 'As URL', config: BASIC_CONFIG });
    const eventId = await eventIdFor(s, c.body.id, 'classifier.created');
    const listed = await waitForDelivery(s, endpoint.id, eventId, (d) => d.status === 'succeeded');
    const res = await s.api('GET', `/webhook_deliveries/${listed.id}`);
    expect(res.body.request.payloadFormat).toBe('signed_data_url');
    // The body shows the payload inline (what the link serves), not a link that expires.
    expect(JSON.parse(res.body.request.body).payload).toMatchObject({ object: 'classifier', id: c.body.id });
    const sent = await waitFor(async () => receiver.of(eventId).find((r) => r.path === '/as-url'));
    expect(sent.json.payload.object).toBe('signed_data_url');
  });
});
