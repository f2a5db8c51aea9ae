import { Extend, ExtendClient } from 'extend-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, ensureWorkspace } from '../../src/core/api-keys.js';
import { sdkError } from '../e2e/sdk-support.js';
import { backends } from '../support/backends.js';
import { BASIC_CONFIG, startTestServer, type TestServer, waitFor } from '../support/test-server.js';
import { startReceiver } from './receiver.js';
import {
  API_VERSION,
  ENDPOINT_CREATE_KEYS,
  ENDPOINT_EXTENSION_KEYS,
  ENDPOINT_KEYS,
  eventIdFor,
  fakeDns,
  SUBSCRIPTION_KEYS,
} from './support.js';

/**
 * Registration through Extend's SDK (spec §6.1): endpoints and subscriptions, validation, and the SSRF
 * refusal at create and update time. Deliveries are in delivery.test.ts.
 */
describe.each(backends())('webhook registration (%s)', (backend) => {
  let s: TestServer;
  // Names under .example.test are NXDOMAIN here (accepted, checked again at delivery); a few resolve.
  const dns = fakeDns({
    'public.example.test': ['93.184.215.14'],
    'loopback.example.test': ['93.184.215.14', '127.0.0.1'],
    'mapped.example.test': ['::ffff:10.0.0.1'],
    'metadata.example.test': ['169.254.169.254'],
    'rebind.example.test': ['93.184.215.14'],
  });
  beforeAll(async () => {
    s = await startTestServer(backend, { resolveHost: dns, worker: false });
  });
  afterAll(async () => {
    await s?.stop();
  });

  const url = (n: string) => `https://hooks.example.test/${n}`;

  it('creates an endpoint, returns its wss_ signing secret once, and never again', async () => {
    const created = await s.client.webhookEndpoints.create({
      url: url('create'),
      name: 'Production webhook',
      enabledEvents: ['classify_run.processed', 'classify_run.failed'],
      apiVersion: API_VERSION,
      advancedOptions: { headers: { 'x-team': 'docs' }, payload: { format: 'url', urlThresholdBytes: 1000 } },
    });
    expect(Object.keys(created).sort()).toEqual([...ENDPOINT_CREATE_KEYS, ...ENDPOINT_EXTENSION_KEYS].sort());
    expect(created).toMatchObject({
      object: 'webhook_endpoint',
      id: expect.stringMatching(/^wh_[A-Za-z0-9]{21}$/),
      url: url('create'),
      name: 'Production webhook',
      status: 'enabled',
      enabledEvents: ['classify_run.processed', 'classify_run.failed'],
      apiVersion: API_VERSION,
      advancedOptions: { headers: { 'x-team': 'docs' }, payload: { format: 'url', urlThresholdBytes: 1000 } },
      createdBy: { type: 'api_key', name: 'DOCSORT_API_KEY' },
      disabledReason: null,
      failingSince: null,
    });
    expect(created.signingSecret).toMatch(/^wss_[A-Za-z0-9]{32}$/);

    const got = await s.client.webhookEndpoints.retrieve(created.id);
    expect(Object.keys(got).sort()).toEqual([...ENDPOINT_KEYS, ...ENDPOINT_EXTENSION_KEYS].sort());
    const { signingSecret: _secret, ...withoutSecret } = created;
    expect(got).toEqual(withoutSecret);
    const listed = await s.client.webhookEndpoints.list({ maxPageSize: 1000 });
    expect(JSON.stringify(listed)).not.toContain(created.signingSecret);
  });

  it('lists with a status filter and pagination, newest first by default', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(
        await s.client.webhookEndpoints.create({
          url: url(`list-${i}`),
          name: `list ${i}`,
          enabledEvents: [],
          apiVersion: API_VERSION,
          status: 'disabled',
        }),
      );
    }
    const page1 = await s.client.webhookEndpoints.list({ status: 'disabled', maxPageSize: 2 });
    expect(page1.object).toBe('list');
    expect(page1.data).toHaveLength(2);
    expect(page1.nextPageToken).toEqual(expect.any(String));
    const page2 = await s.client.webhookEndpoints.list({
      status: 'disabled',
      maxPageSize: 2,
      nextPageToken: page1.nextPageToken,
    });
    const ids = [...page1.data, ...page2.data].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(made.map((e) => e.id)));
    for (const e of [...page1.data, ...page2.data]) expect(e.status).toBe('disabled');
    const enabled = await s.client.webhookEndpoints.list({ status: 'enabled', maxPageSize: 1000 });
    for (const e of enabled.data) expect(e.status).toBe('enabled');
    expect(enabled.data.map((e) => e.id)).not.toContain(made[0]?.id);
    const asc = await s.client.webhookEndpoints.list({ sortDir: 'asc', maxPageSize: 1000 });
    const times = asc.data.map((e) => Date.parse(e.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('updates only what is sent; apiVersion cannot change', async () => {
    const e = await s.client.webhookEndpoints.create({
      url: url('update'),
      name: 'before',
      enabledEvents: ['classifier.created'],
      apiVersion: API_VERSION,
    });
    const renamed = await s.client.webhookEndpoints.update(e.id, { name: 'after' });
    expect(renamed).toMatchObject({
      name: 'after',
      url: url('update'),
      enabledEvents: ['classifier.created'],
    });
    const updated = await s.client.webhookEndpoints.update(e.id, {
      url: url('update-2'),
      enabledEvents: ['classifier.updated', 'classifier.updated', 'classify_run.failed'],
      status: 'disabled',
      advancedOptions: { headers: { authorization: 'Bearer receiver-token' } },
    });
    expect(updated).toMatchObject({
      name: 'after',
      url: url('update-2'),
      enabledEvents: ['classifier.updated', 'classify_run.failed'],
      status: 'disabled',
      advancedOptions: { headers: { authorization: 'Bearer receiver-token' } },
    });
    expect(await s.client.webhookEndpoints.retrieve(e.id)).toEqual(updated);
    const res = await s.api('POST', `/webhook_endpoints/${e.id}`, { apiVersion: '2025-04-21' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/Unknown field\(s\): apiVersion/);
  });

  it('refuses invalid endpoints with 400 INVALID_REQUEST naming the path', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ enabledEvents: ['classify_run.done'] }, /Path: enabledEvents\.0/],
      [{ enabledEvents: ['workflow_run.completed'] }, /Path: enabledEvents\.0/],
      [{ apiVersion: '2025-04-21' }, /must be 2026-02-09; Path: apiVersion/],
      [{ url: 'ftp://files.example.test/x' }, /Only http and https URLs.*Path: url/],
      [{ url: 'https://user:pw@hooks.example.test/x' }, /embedded credentials.*Path: url/],
      [{ url: 'not a url' }, /is not a valid URL; Path: url/],
      [{ advancedOptions: { headers: { 'x-extend-request-signature': 'x' } } }, /cannot be replaced/],
      [{ advancedOptions: { headers: { 'Content-Type': 'text/plain' } } }, /cannot be replaced/],
      [{ advancedOptions: { headers: { 'x-ok': 'a\r\nx-injected: 1' } } }, /control characters/],
      [{ advancedOptions: { payload: { format: 'json', urlThresholdBytes: 10 } } }, /urlThresholdBytes/],
      [{ status: 'paused' }, /Path: status/],
    ];
    for (const [patch, message] of cases) {
      const res = await s.api('POST', '/webhook_endpoints', {
        url: url('invalid'),
        name: 'invalid',
        enabledEvents: [],
        apiVersion: API_VERSION,
        ...patch,
      });
      expect(res.status, JSON.stringify(patch)).toBe(400);
      expect(res.body.code).toBe('INVALID_REQUEST');
      expect(res.body.message, JSON.stringify(patch)).toMatch(message);
    }
  });

  it('deleting an endpoint removes its subscriptions; both are 404 afterwards', async () => {
    const classifier = await s.client.classifiers.create({ name: 'Subscribed', config: BASIC_CONFIG });
    const e = await s.client.webhookEndpoints.create({
      url: url('delete'),
      name: 'to delete',
      enabledEvents: [],
      apiVersion: API_VERSION,
    });
    const sub = await s.client.webhookSubscriptions.create({
      webhookEndpointId: e.id,
      resourceType: 'classifier',
      resourceId: classifier.id,
      enabledEvents: ['classify_run.processed'],
    });
    expect(await s.client.webhookEndpoints.delete(e.id)).toEqual({ id: e.id });
    await sdkError(s.client.webhookEndpoints.retrieve(e.id), Extend.NotFoundError, 404);
    await sdkError(s.client.webhookSubscriptions.retrieve(sub.id), Extend.NotFoundError, 404);
    await sdkError(s.client.webhookEndpoints.delete(e.id), Extend.NotFoundError, 404);
    const subs = await s.client.webhookSubscriptions.list({ webhookEndpointId: e.id });
    expect(subs.data).toEqual([]);
  });

  it('subscriptions: create is an upsert on endpoint + resource; get, list, update, delete', async () => {
    const c1 = await s.client.classifiers.create({ name: 'Sub one', config: BASIC_CONFIG });
    const c2 = await s.client.classifiers.create({ name: 'Sub two', config: BASIC_CONFIG });
    const e = await s.client.webhookEndpoints.create({
      url: url('subs'),
      name: 'subs',
      enabledEvents: [],
      apiVersion: API_VERSION,
    });
    const first = await s.client.webhookSubscriptions.create({
      webhookEndpointId: e.id,
      resourceType: 'classifier',
      resourceId: c1.id,
      enabledEvents: ['classify_run.processed'],
    });
    expect(Object.keys(first).sort()).toEqual(SUBSCRIPTION_KEYS);
    expect(first).toEqual({
      object: 'webhook_subscription',
      id: expect.stringMatching(/^whes_/),
      webhookEndpointId: e.id,
      resourceType: 'classifier',
      resourceId: c1.id,
      enabledEvents: ['classify_run.processed'],
      createdAt: expect.any(String),
    });
    const again = await s.client.webhookSubscriptions.create({
      webhookEndpointId: e.id,
      resourceType: 'classifier',
      resourceId: c1.id,
      enabledEvents: ['classify_run.failed', 'batch_processor_run.processed'],
    });
    expect(again.id).toBe(first.id);
    expect(again.enabledEvents).toEqual(['classify_run.failed', 'batch_processor_run.processed']);
    expect(again.createdAt).toBe(first.createdAt);
    const other = await s.client.webhookSubscriptions.create({
      webhookEndpointId: e.id,
      resourceType: 'classifier',
      resourceId: c2.id,
      enabledEvents: ['classify_run.failed'],
    });
    expect(other.id).not.toBe(first.id);

    expect(await s.client.webhookSubscriptions.retrieve(first.id)).toEqual(again);
    const byEndpoint = await s.client.webhookSubscriptions.list({ webhookEndpointId: e.id });
    expect(byEndpoint.data.map((x) => x.id).sort()).toEqual([first.id, other.id].sort());
    const byResource = await s.client.webhookSubscriptions.list({ resourceId: c2.id });
    expect(byResource.data.map((x) => x.id)).toEqual([other.id]);
    const paged = await s.client.webhookSubscriptions.list({ webhookEndpointId: e.id, maxPageSize: 1 });
    expect(paged.data).toHaveLength(1);
    expect(paged.nextPageToken).toEqual(expect.any(String));

    const updated = await s.client.webhookSubscriptions.update(first.id, {
      enabledEvents: ['batch_processor_run.failed'],
    });
    expect(updated.enabledEvents).toEqual(['batch_processor_run.failed']);
    await sdkError(
      s.client.webhookSubscriptions.update(first.id, { enabledEvents: ['extract_run.processed'] }),
      Extend.BadRequestError,
      400,
    );
    expect(await s.client.webhookSubscriptions.delete(first.id)).toEqual({ id: first.id });
    await sdkError(s.client.webhookSubscriptions.retrieve(first.id), Extend.NotFoundError, 404);
  });

  it('refuses subscriptions with events of another resource type, unknown resources and endpoints', async () => {
    const c = await s.client.classifiers.create({ name: 'Sub checks', config: BASIC_CONFIG });
    const e = await s.client.webhookEndpoints.create({
      url: url('sub-checks'),
      name: 'checks',
      enabledEvents: [],
      apiVersion: API_VERSION,
    });
    const base = { webhookEndpointId: e.id, resourceType: 'classifier', resourceId: c.id };
    const wrongEvent = await sdkError(
      s.client.webhookSubscriptions.create({ ...base, enabledEvents: ['extract_run.processed'] }),
      Extend.BadRequestError,
      400,
    );
    expect(wrongEvent.body.message).toMatch(/is not an event of a classifier.*Path: enabledEvents\.0/);
    const global = await sdkError(
      s.client.webhookSubscriptions.create({ ...base, enabledEvents: ['classifier.created'] }),
      Extend.BadRequestError,
      400,
    );
    expect(global.body.message).toMatch(/Path: enabledEvents\.0/);
    const extractor = await sdkError(
      s.client.webhookSubscriptions.create({
        ...base,
        resourceType: 'extractor',
        resourceId: 'ex_1',
        enabledEvents: ['extract_run.processed'],
      }),
      Extend.BadRequestError,
      400,
    );
    expect(extractor.body.message).toMatch(/classification only.*Path: resourceType/);
    await sdkError(
      s.client.webhookSubscriptions.create({
        ...base,
        resourceId: 'cl_missing',
        enabledEvents: ['classify_run.failed'],
      }),
      Extend.NotFoundError,
      404,
    );
    await sdkError(
      s.client.webhookSubscriptions.create({
        ...base,
        webhookEndpointId: 'wh_missing',
        enabledEvents: ['classify_run.failed'],
      }),
      Extend.NotFoundError,
      404,
    );
  });

  it.each([
    ['http://127.0.0.1:9/x', '127.0.0.1'],
    ['http://127.1:9/x', '127.0.0.1'],
    ['http://2130706433/x', '127.0.0.1'],
    ['http://0x7f000001/x', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]:9/x', '::ffff:7f00:1'],
    ['http://[::1]/x', '::1'],
    ['http://localhost:9/x', '127.0.0.1'],
    ['http://10.1.2.3/x', '10.1.2.3'],
    ['http://100.64.0.1/x', '100.64.0.1'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254'],
    ['http://0.0.0.0/x', '0.0.0.0'],
    ['http://224.0.0.1/x', '224.0.0.1'],
    ['http://loopback.example.test/x', '127.0.0.1'],
    ['http://mapped.example.test/x', '::ffff:10.0.0.1'],
    ['http://metadata.example.test/x', '169.254.169.254'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal'],
  ])('refuses %s at create and update with 400 naming %s', async (target, address) => {
    const create = await s.api('POST', '/webhook_endpoints', {
      url: target,
      name: 'ssrf',
      enabledEvents: [],
      apiVersion: API_VERSION,
    });
    expect(create.status).toBe(400);
    expect(create.body.code).toBe('INVALID_REQUEST');
    expect(create.body.message).toContain(`Refusing to connect to ${address}`);
    expect(create.body.message).toMatch(/; Path: url$/);

    const ok = await s.client.webhookEndpoints.create({
      url: 'https://public.example.test/hook',
      name: 'ssrf update',
      enabledEvents: [],
      apiVersion: API_VERSION,
    });
    const { body } = await sdkError(
      s.client.webhookEndpoints.update(ok.id, { url: target }),
      Extend.BadRequestError,
      400,
    );
    expect(body.message).toContain(`Refusing to connect to ${address}`);
    expect((await s.client.webhookEndpoints.retrieve(ok.id)).url).toBe('https://public.example.test/hook');
  });

  it('checks the address again at delivery: a name that now resolves to loopback is refused', async () => {
    const receiver = await startReceiver();
    try {
      const e = await s.client.webhookEndpoints.create({
        url: `http://rebind.example.test:${receiver.port}/hook`,
        name: 'rebinding',
        enabledEvents: ['classifier.created'],
        apiVersion: API_VERSION,
      });
      dns.table['rebind.example.test'] = ['127.0.0.1'];
      const c = await s.client.classifiers.create({ name: 'Rebind', config: BASIC_CONFIG });
      const eventId = await eventIdFor(s, c.id, 'classifier.created');
      const delivery = await waitFor(async () => {
        const res = await s.api('GET', `/webhook_endpoints/${e.id}/deliveries`);
        const d = res.body.data.find((x: { eventId: string }) => x.eventId === eventId);
        return d?.attempts.length > 0 ? d : undefined;
      });
      expect(delivery.status).toBe('failed');
      expect(delivery.attempts[0]).toMatchObject({
        statusCode: null,
        error:
          'Refusing to connect to 127.0.0.1 (resolved from rebind.example.test) (loopback address); set DOCSORT_ALLOW_PRIVATE_NETWORK=true to allow',
      });
      expect(receiver.received).toEqual([]);
      await s.client.webhookEndpoints.delete(e.id);
    } finally {
      await receiver.close();
    }
  });

  it("keeps workspaces apart: another workspace's endpoints are 404", async () => {
    const e = await s.client.webhookEndpoints.create({
      url: url('mine'),
      name: 'mine',
      enabledEvents: [],
      apiVersion: API_VERSION,
    });
    const ws = await ensureWorkspace(s.deps.db, 'other-webhooks', new Date());
    const key = await createApiKey(s.deps.db, ws.id, 'other', new Date());
    const other = new ExtendClient({ token: key, baseUrl: s.url });
    await sdkError(other.webhookEndpoints.retrieve(e.id), Extend.NotFoundError, 404);
    await sdkError(other.webhookEndpoints.update(e.id, { name: 'x' }), Extend.NotFoundError, 404);
    expect((await other.webhookEndpoints.list()).data).toEqual([]);
  });
});
