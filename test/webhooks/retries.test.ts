import { Extend } from 'extend-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkError } from '../e2e/sdk-support.js';
import { backends } from '../support/backends.js';
import { BASIC_CONFIG, startTestServer, type TestServer, waitFor } from '../support/test-server.js';
import { type Received, type Receiver, type Reply, startReceiver } from './receiver.js';
import { createEndpoint, deliveries, eventIdFor, waitForDelivery } from './support.js';

/**
 * Delivery behaviour with a short retry schedule (0, 100 ms, 200 ms, 300 ms: four attempts) and a
 * 5 s timeout (long enough that a loaded machine never turns a loopback answer into a timeout): only
 * 2xx succeeds, Retry-After is honoured, 410 disables, redirects are not followed, every attempt is
 * logged, and the retry and replay extensions send again with the same eventId.
 */
describe.each(backends())('webhook retries (%s)', (backend) => {
  let s: TestServer;
  let receiver: Receiver;
  /** Per path: how the receiver answers the n-th request to it. */
  const plans = new Map<string, (n: number, r: Received) => Reply>();
  const counts = new Map<string, number>();

  beforeAll(async () => {
    receiver = await startReceiver((r) => {
      const n = counts.get(r.path) ?? 0;
      counts.set(r.path, n + 1);
      return plans.get(r.path)?.(n, r) ?? { status: 200, body: 'ok' };
    });
    s = await startTestServer(backend, {
      worker: false,
      env: {
        DOCSORT_ALLOW_PRIVATE_NETWORK: 'true',
        DOCSORT_WEBHOOK_RETRY_SCHEDULE: '0,100ms,200ms,300ms',
        DOCSORT_WEBHOOK_TIMEOUT_MS: '5000',
      },
    });
  });
  afterAll(async () => {
    await s?.stop();
    await receiver?.close();
  });

  /** An endpoint for classifier.created at `path`, answered by `plan`, and one event delivered to it. */
  async function scenario(path: string, plan: (n: number, r: Received) => Reply) {
    plans.set(path, plan);
    const endpoint = await createEndpoint(s, receiver.url(path), ['classifier.created']);
    const c = await s.api('POST', '/classifiers', { name: `Retry ${path}`, config: BASIC_CONFIG });
    const eventId = await eventIdFor(s, c.body.id, 'classifier.created');
    return { endpoint, eventId };
  }

  /** Stop an endpoint from taking the next tests' events. */
  async function retire(endpointId: string) {
    await s.api('POST', `/webhook_endpoints/${endpointId}`, { status: 'disabled' });
  }

  const terminal = (d: { status: string }) => d.status === 'succeeded' || d.status === 'exhausted';

  it('retries a 500 until a 2xx, with the same eventId, logging every attempt', async () => {
    const { endpoint, eventId } = await scenario('/flaky', (n) =>
      n < 2 ? { status: 500, body: `boom ${n}` } : { status: 204 },
    );
    const d = await waitForDelivery(s, endpoint.id, eventId, terminal);
    expect(d.status).toBe('succeeded');
    expect(d.attemptCount).toBe(3);
    expect(d.nextAttemptAt).toBeNull();
    expect(d.lastStatusCode).toBe(204);
    expect(d.attempts.map((a) => a.statusCode)).toEqual([500, 500, 204]);
    expect(d.attempts.map((a) => a.responseBody)).toEqual(['boom 0', 'boom 1', '']);
    expect(d.attempts[0]?.error).toBe('HTTP 500 Internal Server Error: only 2xx counts as delivered');
    expect(d.attempts[2]?.error).toBeNull();
    for (const a of d.attempts) expect(a.latencyMs).toBeGreaterThanOrEqual(0);
    const bodies = receiver.received.filter((r) => r.path === '/flaky' && r.json?.eventId === eventId);
    expect(bodies).toHaveLength(3);
    // Same envelope every time; the signature headers are made afresh for each attempt.
    expect(new Set(bodies.map((b) => b.json.eventId))).toEqual(new Set([eventId]));
    expect(new Set(bodies.map((b) => b.headers['webhook-id']))).toEqual(new Set([eventId]));
    await retire(endpoint.id);
  });

  it('keeps only the first 2 KB of a response', async () => {
    const { endpoint, eventId } = await scenario('/chatty', () => ({ status: 200, body: 'é'.repeat(5000) }));
    const d = await waitForDelivery(s, endpoint.id, eventId, terminal);
    expect(Buffer.byteLength(d.attempts[0]?.responseBody ?? '')).toBe(2048);
    await retire(endpoint.id);
  });

  it('honours Retry-After', async () => {
    const { endpoint, eventId } = await scenario('/busy', (n) =>
      n === 0 ? { status: 503, headers: { 'retry-after': '2' } } : { status: 200 },
    );
    const d = await waitForDelivery(s, endpoint.id, eventId, terminal);
    expect(d.status).toBe('succeeded');
    const [first, second] = d.attempts;
    // The schedule says 100 ms; the receiver asked for 2 s.
    expect(
      Date.parse(second?.attemptedAt ?? '') - Date.parse(first?.attemptedAt ?? ''),
    ).toBeGreaterThanOrEqual(1900);
    await retire(endpoint.id);
  });

  it('gives up after the schedule: the delivery is exhausted', async () => {
    const { endpoint, eventId } = await scenario('/broken', () => ({ status: 502 }));
    const d = await waitForDelivery(s, endpoint.id, eventId, terminal);
    expect(d.status).toBe('exhausted');
    expect(d.attemptCount).toBe(4);
    expect(d.nextAttemptAt).toBeNull();
    await retire(endpoint.id);
  });

  it('does not follow redirects: a 3xx is a failed attempt and the target is never called', async () => {
    const { endpoint, eventId } = await scenario('/moved', () => ({
      status: 302,
      headers: { location: receiver.url('/moved-target') },
    }));
    const d = await waitForDelivery(s, endpoint.id, eventId, terminal);
    expect(d.status).toBe('exhausted');
    expect(d.attempts.map((a) => a.statusCode)).toEqual([302, 302, 302, 302]);
    expect(d.attempts[0]?.error).toMatch(/redirects are not followed/);
    expect(receiver.received.filter((r) => r.path === '/moved-target')).toEqual([]);
    await retire(endpoint.id);
  });

  it('times out a receiver that does not answer, then delivers on the next attempt', async () => {
    const { endpoint, eventId } = await scenario('/hangs', (n) =>
      n === 0 ? { status: 200, delayMs: 12_000 } : { status: 200 },
    );
    const d = await waitForDelivery(s, endpoint.id, eventId, terminal);
    expect(d.status).toBe('succeeded');
    expect(d.attempts[0]).toMatchObject({ statusCode: null, error: 'Timed out after 5000 ms' });
    expect(d.attempts[0]?.latencyMs).toBeGreaterThanOrEqual(4900);
    expect(d.attempts[1]?.statusCode).toBe(200);
    await retire(endpoint.id);
  });

  it('a refused connection is a failed attempt with the network error', async () => {
    const closed = await startReceiver();
    const deadUrl = closed.url('/dead');
    await closed.close();
    const endpoint = await createEndpoint(s, deadUrl, ['classifier.created']);
    const c = await s.api('POST', '/classifiers', { name: 'Dead receiver', config: BASIC_CONFIG });
    const eventId = await eventIdFor(s, c.body.id, 'classifier.created');
    const d = await waitForDelivery(s, endpoint.id, eventId, terminal);
    expect(d.status).toBe('exhausted');
    expect(d.attempts[0]?.statusCode).toBeNull();
    expect(d.attempts[0]?.error).toMatch(/ECONNREFUSED/);
    await retire(endpoint.id);
  });

  it('410 Gone disables the endpoint, visibly; enabling it again resumes deliveries', async () => {
    const { endpoint, eventId } = await scenario('/gone', (n) =>
      n === 0 ? { status: 410 } : { status: 200 },
    );
    const d = await waitForDelivery(s, endpoint.id, eventId, terminal);
    expect(d).toMatchObject({ status: 'exhausted', attemptCount: 1, lastStatusCode: 410 });
    const disabled = await s.client.webhookEndpoints.retrieve(endpoint.id);
    expect(disabled.status).toBe('disabled');
    expect((disabled as unknown as { disabledReason: string }).disabledReason).toMatch(/410 Gone/);
    const listed = await s.client.webhookEndpoints.list({ status: 'disabled', maxPageSize: 1000 });
    expect(listed.data.map((e) => e.id)).toContain(endpoint.id);

    // Events while disabled are not routed to it; retrying is refused until it is enabled.
    const c = await s.api('POST', '/classifiers', { name: 'While gone', config: BASIC_CONFIG });
    const whileGone = await eventIdFor(s, c.body.id, 'classifier.created');
    await waitFor(async () => {
      const row = await s.deps.db
        .selectFrom('events')
        .select('routed')
        .where('id', '=', whileGone)
        .executeTakeFirst();
      return row?.routed === 1;
    });
    const retry = await s.api('POST', `/webhook_deliveries/${d.id}/retry`);
    expect(retry.status).toBe(400);
    expect(retry.body.message).toMatch(/is disabled \(The endpoint answered 410 Gone/);

    const enabled = await s.client.webhookEndpoints.update(endpoint.id, { status: 'enabled' });
    expect(enabled).toMatchObject({ status: 'enabled', disabledReason: null, failingSince: null });
    const again = await s.api('POST', `/webhook_deliveries/${d.id}/retry`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: d.id, status: 'pending', eventId });
    const redelivered = await waitForDelivery(s, endpoint.id, eventId, (x) => x.status === 'succeeded');
    expect(redelivered.attempts.map((a) => a.statusCode)).toEqual([410, 200]);
    expect((await deliveries(s, endpoint.id)).map((x) => x.eventId)).not.toContain(whileGone);
    await retire(endpoint.id);
  });

  it('replay re-queues failed and exhausted deliveries since a time, with their eventIds', async () => {
    let up = false;
    plans.set('/replay', () => (up ? { status: 200 } : { status: 500 }));
    const endpoint = await createEndpoint(s, receiver.url('/replay'), ['classifier.created']);
    const since = new Date().toISOString();
    const ids: string[] = [];
    for (const name of ['Replay one', 'Replay two']) {
      const c = await s.api('POST', '/classifiers', { name, config: BASIC_CONFIG });
      ids.push(await eventIdFor(s, c.body.id, 'classifier.created'));
    }
    for (const id of ids) await waitForDelivery(s, endpoint.id, id, (d) => d.status === 'exhausted');

    const exhausted = await s.api('GET', `/webhook_endpoints/${endpoint.id}/deliveries?status=exhausted`);
    expect(exhausted.body.data.map((d: { eventId: string }) => d.eventId).sort()).toEqual([...ids].sort());
    const future = await s.api('POST', `/webhook_endpoints/${endpoint.id}/replay`, {
      since: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(future.body).toMatchObject({ object: 'webhook_replay', requeued: 0 });

    up = true;
    const replay = await s.api('POST', `/webhook_endpoints/${endpoint.id}/replay`, { since });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({
      object: 'webhook_replay',
      webhookEndpointId: endpoint.id,
      since,
      requeued: 2,
    });
    for (const id of ids) {
      const d = await waitForDelivery(s, endpoint.id, id, (x) => x.status === 'succeeded');
      expect(d.attemptCount).toBe(5);
      expect(d.attempts.at(-1)?.statusCode).toBe(200);
    }
    const bad = await s.api('POST', `/webhook_endpoints/${endpoint.id}/replay`, { since: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/Path: since/);
    await retire(endpoint.id);
  });

  it('lists deliveries with filters, pagination and attempts; unknown ids are 404', async () => {
    const { endpoint, eventId } = await scenario('/listing', (n) =>
      n === 0 ? { status: 500 } : { status: 200 },
    );
    await waitForDelivery(s, endpoint.id, eventId, terminal);
    const c = await s.api('POST', '/classifiers', { name: 'Listing two', config: BASIC_CONFIG });
    await s.api('POST', `/classifiers/${c.body.id}`, { name: 'Listing renamed' });
    const second = await eventIdFor(s, c.body.id, 'classifier.created');
    await waitForDelivery(s, endpoint.id, second, terminal);

    const all = await s.api('GET', `/webhook_endpoints/${endpoint.id}/deliveries`);
    expect(all.body.object).toBe('list');
    const first = all.body.data.find((d: { eventId: string }) => d.eventId === eventId);
    expect(first).toEqual({
      object: 'webhook_delivery',
      id: expect.stringMatching(/^whd_/),
      webhookEndpointId: endpoint.id,
      eventId,
      eventType: 'classifier.created',
      resourceId: expect.stringMatching(/^cl_/),
      status: 'succeeded',
      attemptCount: 2,
      nextAttemptAt: null,
      lastAttemptAt: expect.any(String),
      lastStatusCode: 200,
      lastError: null,
      attempts: [
        {
          object: 'webhook_delivery_attempt',
          id: expect.stringMatching(/^wha_/),
          attemptedAt: expect.any(String),
          statusCode: 500,
          latencyMs: expect.any(Number),
          responseBody: '',
          error: expect.stringContaining('HTTP 500'),
        },
        expect.objectContaining({ statusCode: 200, error: null }),
      ],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const page = await s.api('GET', `/webhook_endpoints/${endpoint.id}/deliveries?maxPageSize=1`);
    expect(page.body.data).toHaveLength(1);
    const next = await s.api(
      'GET',
      `/webhook_endpoints/${endpoint.id}/deliveries?maxPageSize=1&nextPageToken=${page.body.nextPageToken}`,
    );
    expect(next.body.data[0].id).not.toBe(page.body.data[0].id);
    const byType = await s.api(
      'GET',
      `/webhook_endpoints/${endpoint.id}/deliveries?eventType=classifier.created`,
    );
    expect(byType.body.data.map((d: { eventId: string }) => d.eventId).sort()).toEqual(
      [eventId, second].sort(),
    );
    const none = await s.api(
      'GET',
      `/webhook_endpoints/${endpoint.id}/deliveries?eventType=classifier.updated`,
    );
    expect(none.body.data).toEqual([]);
    const failed = await s.api('GET', `/webhook_endpoints/${endpoint.id}/deliveries?status=failed`);
    expect(failed.body.data).toEqual([]);
    expect((await s.api('GET', '/webhook_endpoints/wh_nope/deliveries')).status).toBe(404);
    expect((await s.api('POST', '/webhook_deliveries/whd_nope/retry')).status).toBe(404);
    expect((await s.api('POST', '/webhook_endpoints/wh_nope/replay', { since })).status).toBe(404);
    await sdkError(s.client.webhookEndpoints.retrieve('wh_nope'), Extend.NotFoundError, 404);
    await retire(endpoint.id);
  });

  it('a slow endpoint holds at most its share of slots and never delays another', async () => {
    plans.set('/slow', () => ({ status: 200, delayMs: 1500 }));
    plans.set('/fast', () => ({ status: 200 }));
    const slow = await createEndpoint(s, receiver.url('/slow'), ['classifier.created']);
    const fast = await createEndpoint(s, receiver.url('/fast'), ['classifier.created']);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const c = await s.api('POST', '/classifiers', { name: `Burst ${i}`, config: BASIC_CONFIG });
      ids.push(await eventIdFor(s, c.body.id, 'classifier.created'));
    }
    await waitFor(
      async () =>
        ids.every((id) => receiver.acknowledged.some((r) => r.path === '/fast' && r.json?.eventId === id)),
      15_000,
      'every event at the fast endpoint',
    );
    const slowDone = receiver.acknowledged.filter(
      (r) => r.path === '/slow' && ids.includes(r.json?.eventId),
    ).length;
    expect(slowDone, 'the slow endpoint was still working when the fast one had everything').toBeLessThan(10);
    await waitFor(
      async () =>
        ids.every((id) => receiver.acknowledged.some((r) => r.path === '/slow' && r.json?.eventId === id)),
      30_000,
      'every event at the slow endpoint',
    );
    // DOCSORT_WEBHOOK_ENDPOINT_CONCURRENCY defaults to 4.
    expect(receiver.maxInFlight('/slow')).toBeLessThanOrEqual(4);
    expect(receiver.maxInFlight('/slow')).toBeGreaterThan(1);
    await retire(slow.id);
    await retire(fast.id);
  });
});

const since = new Date(0).toISOString();
