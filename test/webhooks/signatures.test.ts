import { createHmac } from 'node:crypto';
import { ExtendClient } from 'extend-ai';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { BASIC_CONFIG, startTestServer, type TestServer, waitFor } from '../support/test-server.js';
import { type Receiver, startReceiver } from './receiver.js';
import { createEndpoint, eventIdFor, offsetClock } from './support.js';

/**
 * Every delivery is signed twice (docs/webhooks.md): Extend's scheme, checked with the official SDK's
 * verifier, and Standard Webhooks, checked with the standardwebhooks and svix verifiers given the key
 * "whsec_" + secret.slice(4). Rotation keeps the old secret signing for 24 hours.
 */
describe.each(backends())('webhook signatures (%s)', (backend) => {
  let s: TestServer;
  let receiver: Receiver;
  const clock = offsetClock();
  const sdk = new ExtendClient({ token: 'unused' });
  const standardKey = (secret: string) => `whsec_${secret.slice('wss_'.length)}`;

  beforeAll(async () => {
    receiver = await startReceiver();
    s = await startTestServer(backend, {
      env: { DOCSORT_ALLOW_PRIVATE_NETWORK: 'true' },
      worker: false,
      clock,
    });
  });
  afterAll(async () => {
    await s?.stop();
    await receiver?.close();
  });

  /** Create a classifier and return the request that delivered its classifier.created event. */
  async function deliveredCreation(path: string) {
    const c = await s.client.classifiers.create({ name: `Signed ${path}`, config: BASIC_CONFIG });
    const eventId = await eventIdFor(s, c.id, 'classifier.created');
    const request = await waitFor(
      async () => receiver.received.find((r) => r.path === path && r.json?.eventId === eventId),
      15_000,
      `delivery of ${eventId}`,
    );
    return { classifier: c, eventId, request };
  }

  it('the SDK verifier, standardwebhooks and svix all accept a delivery, and it carries the documented headers', async () => {
    const endpoint = await createEndpoint(s, receiver.url('/signed'), ['classifier.created'], {
      advancedOptions: { headers: { authorization: 'Bearer receiver-token', 'x-team': 'docs' } },
    });
    const { classifier, eventId, request } = await deliveredCreation('/signed');
    const secret = endpoint.signingSecret;

    const event = sdk.webhooks.verifyAndParse(request.body, request.headers as never, secret);
    expect(event.eventId).toBe(eventId);
    expect(event.eventType).toBe('classifier.created');
    expect(event.payload).toEqual(classifier);
    expect(Object.keys(JSON.parse(request.body))).toEqual(['eventId', 'eventType', 'payload']);

    const headers = request.headers as Record<string, string>;
    expect(new StandardWebhook(standardKey(secret)).verify(request.body, headers)).toEqual(
      JSON.parse(request.body),
    );
    // The key without the whsec_ prefix works too: it is plain base64.
    expect(new StandardWebhook(secret.slice(4)).verify(request.body, headers)).toEqual(
      JSON.parse(request.body),
    );
    expect(new SvixWebhook(standardKey(secret)).verify(request.body, headers)).toEqual(
      JSON.parse(request.body),
    );

    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-extend-api-version']).toBe('2026-02-09');
    expect(headers.authorization).toBe('Bearer receiver-token');
    expect(headers['x-team']).toBe('docs');
    expect(headers['webhook-id']).toBe(eventId);
    expect(headers['webhook-timestamp']).toBe(headers['x-extend-request-timestamp']);
    expect(Math.abs(Number(headers['x-extend-request-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    // Extend's signature by hand: hex HMAC-SHA256 of v0:{ts}:{body} keyed by the whole wss_ string.
    expect(headers['x-extend-request-signature']).toBe(
      createHmac('sha256', secret)
        .update(`v0:${headers['x-extend-request-timestamp']}:${request.body}`)
        .digest('hex'),
    );
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('all three verifiers reject a tampered body, a wrong secret and an old timestamp', async () => {
    const endpoint = await createEndpoint(s, receiver.url('/tamper'), ['classifier.created']);
    const { request } = await deliveredCreation('/tamper');
    const secret = endpoint.signingSecret;
    const headers = request.headers as Record<string, string>;
    const tampered = request.body.replace('"classifier.created"', '"classifier.deleted"');
    expect(tampered).not.toBe(request.body);

    expect(() => sdk.webhooks.verifyAndParse(tampered, headers, secret)).toThrow(/Invalid signature/);
    expect(() => new StandardWebhook(standardKey(secret)).verify(tampered, headers)).toThrow(
      /No matching signature/,
    );
    expect(() => new SvixWebhook(standardKey(secret)).verify(tampered, headers)).toThrow(
      /No matching signature/,
    );
    const other = 'wss_0123456789abcdefghijABCDEFGHIJ01';
    expect(() => sdk.webhooks.verifyAndParse(request.body, headers, other)).toThrow(/Invalid signature/);
    expect(() => new StandardWebhook(standardKey(other)).verify(request.body, headers)).toThrow();

    // The server's clock ten minutes behind: the delivery is signed with an old timestamp.
    // (An endpoint only receives events younger than itself, so it is created on the late clock too.)
    clock.advance(-10 * 60_000);
    try {
      const late = await createEndpoint(s, receiver.url('/late'), ['classifier.created']);
      const { request: old } = await deliveredCreation('/late');
      const oldHeaders = old.headers as Record<string, string>;
      expect(() => sdk.webhooks.verifyAndParse(old.body, oldHeaders, late.signingSecret)).toThrow(/too old/);
      expect(() => new StandardWebhook(standardKey(late.signingSecret)).verify(old.body, oldHeaders)).toThrow(
        /too old/,
      );
      expect(() => new SvixWebhook(standardKey(late.signingSecret)).verify(old.body, oldHeaders)).toThrow(
        /too old/,
      );
      // The signature itself is good: only its age is refused.
      expect(sdk.webhooks.verify(old.body, oldHeaders, late.signingSecret, { maxAgeSeconds: 0 })).toBe(true);
    } finally {
      clock.advance(10 * 60_000);
    }
  });

  it('rotation: the old secret keeps verifying (Standard Webhooks) for 24 hours, then stops', async () => {
    const endpoint = await createEndpoint(s, receiver.url('/rotate'), ['classifier.created']);
    const oldSecret = endpoint.signingSecret;
    const rotated = await s.api('POST', `/webhook_endpoints/${endpoint.id}/rotate_secret`);
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.signingSecret as string;
    expect(newSecret).toMatch(/^wss_[A-Za-z0-9]{32}$/);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.body).toMatchObject({ id: endpoint.id, object: 'webhook_endpoint' });
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - clock.now().getTime()).toBeGreaterThan(
      23.9 * 3600_000,
    );
    expect(JSON.stringify((await s.api('GET', `/webhook_endpoints/${endpoint.id}`)).body)).not.toContain(
      newSecret,
    );

    // Within the 24 hours: Extend's header with the newest secret; Standard Webhooks with both.
    const { request } = await deliveredCreation('/rotate');
    const headers = request.headers as Record<string, string>;
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(sdk.webhooks.verify(request.body, headers, newSecret)).toBe(true);
    expect(sdk.webhooks.verify(request.body, headers, oldSecret)).toBe(false);
    for (const secret of [newSecret, oldSecret]) {
      expect(new StandardWebhook(standardKey(secret)).verify(request.body, headers)).toBeTruthy();
      expect(new SvixWebhook(standardKey(secret)).verify(request.body, headers)).toBeTruthy();
    }

    // 25 hours later (the injected clock), only the new secret signs.
    clock.advance(25 * 3600_000);
    try {
      const { request: later } = await deliveredCreation('/rotate');
      const h = later.headers as Record<string, string>;
      const entries = h['webhook-signature']?.split(' ') ?? [];
      expect(entries).toHaveLength(1);
      // The verifiers compare timestamps with the real clock, so sign with the library and compare.
      const at = new Date(Number(h['webhook-timestamp']) * 1000);
      const sign = (secret: string) =>
        new StandardWebhook(standardKey(secret)).sign(h['webhook-id'] ?? '', at, later.body);
      expect(entries).toEqual([sign(newSecret)]);
      expect(entries).not.toContain(sign(oldSecret));
      expect(sdk.webhooks.verify(later.body, h, newSecret, { maxAgeSeconds: 0 })).toBe(true);
      expect(sdk.webhooks.verify(later.body, h, oldSecret, { maxAgeSeconds: 0 })).toBe(false);
    } finally {
      clock.advance(-25 * 3600_000);
    }
  });

  it('signed URL payloads: signed_data_url with a link that serves the full payload for an hour', async () => {
    const endpoint = await createEndpoint(s, receiver.url('/by-url'), ['classifier.created'], {
      advancedOptions: { payload: { format: 'url' } },
    });
    const { classifier, eventId, request } = await deliveredCreation('/by-url');
    const event = sdk.webhooks.verifyAndParse(
      request.body,
      request.headers as never,
      endpoint.signingSecret,
      {
        allowSignedUrl: true,
      },
    );
    expect(sdk.webhooks.isSignedUrlEvent(event)).toBe(true);
    if (!sdk.webhooks.isSignedUrlEvent(event)) return;
    expect(event.payload).toEqual({
      object: 'signed_data_url',
      data: expect.stringMatching(
        new RegExp(`^${s.url}/webhook_payloads/${eventId}\\?expires=\\d+&signature=[0-9a-f]{64}$`),
      ),
      id: classifier.id,
    });
    expect(() =>
      sdk.webhooks.verifyAndParse(request.body, request.headers as never, endpoint.signingSecret),
    ).toThrow(/signed URL/i);
    const full = await sdk.webhooks.fetchSignedPayload(event);
    expect(full).toEqual({ eventId, eventType: 'classifier.created', payload: classifier });

    // Tampered and expired links are refused.
    const url = new URL(event.payload.data);
    const expires = Number(url.searchParams.get('expires'));
    expect(expires * 1000 - clock.now().getTime()).toBeGreaterThan(3500_000);
    url.searchParams.set('expires', String(expires + 10));
    expect((await fetch(url)).status).toBe(401);
    clock.advance(3700_000);
    try {
      const res = await fetch(event.payload.data);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('UNAUTHORIZED');
    } finally {
      clock.advance(-3700_000);
    }
  });

  it('urlThresholdBytes: payloads under the threshold stay inline', async () => {
    await createEndpoint(s, receiver.url('/threshold'), ['classifier.created'], {
      advancedOptions: { payload: { format: 'url', urlThresholdBytes: 1_000_000 } },
    });
    const { classifier, request } = await deliveredCreation('/threshold');
    expect(request.json.payload).toEqual(classifier);
  });
});
