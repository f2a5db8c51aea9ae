import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { BASIC_CONFIG, startTestServer, type TestServer, waitFor } from '../support/test-server.js';
import { type Receiver, startReceiver } from './receiver.js';
import { createEndpoint, type DeliveryView, eventIdFor, offsetClock, waitForDelivery } from './support.js';

/**
 * The default retry schedule (0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) and the 5-day disable rule,
 * driven by an injected clock instead of real hours.
 */
describe.each(backends())('webhook schedule on the injected clock (%s)', (backend) => {
  let s: TestServer;
  const clock = offsetClock();
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    s = await startTestServer(backend, {
      worker: false,
      clock,
      env: { DOCSORT_ALLOW_PRIVATE_NETWORK: 'true', DOCSORT_WEBHOOK_TIMEOUT_MS: '4000' },
    });
  });
  afterAll(async () => {
    await s?.stop();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const gap = (d: DeliveryView) =>
    Date.parse(d.nextAttemptAt ?? '') - Date.parse(d.attempts.at(-1)?.attemptedAt ?? '');
  // The attempt row and the delivery's next time are written by separate commits: wait until both show.
  const attempts = (n: number) => (d: DeliveryView) =>
    d.attempts.length === n && d.status !== 'pending' && (d.status !== 'failed' || gap(d) > 0);

  it('a receiver that is down, then answers 500, then times out, then comes back gets the event', async () => {
    const probe = await startReceiver();
    const port = probe.port;
    await probe.close();
    const endpoint = await createEndpoint(s, `http://127.0.0.1:${port}/flappy`, ['classifier.created']);
    const c = await s.api('POST', '/classifiers', { name: 'Flappy', config: BASIC_CONFIG });
    const eventId = await eventIdFor(s, c.body.id, 'classifier.created');

    // 1: down. The next attempt is planned 5 s later (±10 %).
    let d = await waitForDelivery(s, endpoint.id, eventId, attempts(1));
    expect(d.status).toBe('failed');
    expect(d.attempts[0]?.error).toMatch(/ECONNREFUSED/);
    expect(gap(d)).toBeGreaterThanOrEqual(4500);
    expect(gap(d)).toBeLessThanOrEqual(5500);

    // The test sets what the receiver does before moving the clock to each attempt.
    let phase: 'error' | 'hang' | 'up' = 'error';
    const receiver = await startReceiver(
      () =>
        phase === 'error'
          ? { status: 500 }
          : phase === 'hang'
            ? { status: 200, delayMs: 10_000 }
            : { status: 200 },
      port,
    );
    receivers.push(receiver);
    // Nothing happens before the planned time.
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(0);

    // 2: 500, five seconds later on the clock; then 5 minutes.
    clock.advance(6000);
    d = await waitForDelivery(s, endpoint.id, eventId, attempts(2));
    expect(d.attempts[1]?.statusCode).toBe(500);
    expect(gap(d)).toBeGreaterThanOrEqual(270_000);
    expect(gap(d)).toBeLessThanOrEqual(330_000);

    // 3: a timeout; then 30 minutes.
    phase = 'hang';
    clock.advance(6 * 60_000);
    d = await waitForDelivery(s, endpoint.id, eventId, attempts(3));
    expect(d.attempts[2]).toMatchObject({ statusCode: null, error: 'Timed out after 4000 ms' });
    expect(gap(d)).toBeGreaterThanOrEqual(27 * 60_000);
    expect(gap(d)).toBeLessThanOrEqual(33 * 60_000);

    // 4: back.
    phase = 'up';
    clock.advance(34 * 60_000);
    d = await waitForDelivery(s, endpoint.id, eventId, attempts(4));
    expect(d).toMatchObject({
      status: 'succeeded',
      attemptCount: 4,
      nextAttemptAt: null,
      lastStatusCode: 200,
    });
    expect(receiver.acknowledged.map((r) => r.json.eventId)).toEqual([eventId]);
    expect(new Set(receiver.received.map((r) => r.json.eventId))).toEqual(new Set([eventId]));
    await s.api('POST', `/webhook_endpoints/${endpoint.id}`, { status: 'disabled' });
  });

  it('an endpoint failing without a success for 5 days is disabled, visibly; a success resets the count', async () => {
    let healthy = false;
    const receiver = await startReceiver(() => (healthy ? { status: 200 } : { status: 500 }));
    receivers.push(receiver);
    const endpoint = await createEndpoint(s, receiver.url('/sick'), ['classifier.created']);
    const fire = async (name: string) => {
      const c = await s.api('POST', '/classifiers', { name, config: BASIC_CONFIG });
      return eventIdFor(s, c.body.id, 'classifier.created');
    };
    const get = async () => (await s.api('GET', `/webhook_endpoints/${endpoint.id}`)).body;

    const first = await fire('Sick 1');
    await waitForDelivery(s, endpoint.id, first, attempts(1));
    const failingSince = (await get()).failingSince as string;
    expect(failingSince).toEqual(expect.any(String));

    // A success clears it.
    healthy = true;
    clock.advance(6000);
    await waitForDelivery(s, endpoint.id, first, (x) => x.status === 'succeeded');
    expect((await get()).failingSince).toBeNull();

    healthy = false;
    const second = await fire('Sick 2');
    await waitForDelivery(s, endpoint.id, second, attempts(1));
    const since = (await get()).failingSince as string;
    expect(since).toEqual(expect.any(String));

    clock.advance(3 * 86_400_000);
    const third = await fire('Sick 3');
    await waitForDelivery(s, endpoint.id, third, (x) => x.attempts.length >= 1);
    expect((await get()).status).toBe('enabled');

    clock.advance(2 * 86_400_000 + 3_600_000);
    const fourth = await fire('Sick 4');
    await waitFor(
      async () => ((await get()).status === 'disabled' ? true : undefined),
      15_000,
      'the endpoint to be disabled',
    );
    const disabled = await s.client.webhookEndpoints.retrieve(endpoint.id);
    expect(disabled.status).toBe('disabled');
    expect((disabled as unknown as { disabledReason: string }).disabledReason).toBe(
      `Every delivery has failed since ${since}; disabled after 5 days of failures.`,
    );
    expect(fourth).toEqual(expect.any(String));
  });
});
