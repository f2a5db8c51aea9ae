import type { Extend } from 'extend-ai';
import { HostLookupError, type HostResolver } from '../../src/adapters/http/guarded-agent.js';
import type { Clock } from '../../src/ports/clock.js';
import { type TestServer, waitFor } from '../support/test-server.js';

/** Every key of the SDK's types, complete at compile time (a Record over keyof T). */
export const ENDPOINT_KEYS = Object.keys({
  object: true,
  id: true,
  url: true,
  name: true,
  status: true,
  enabledEvents: true,
  apiVersion: true,
  advancedOptions: true,
  createdAt: true,
  createdBy: true,
} satisfies Record<keyof Extend.WebhookEndpoint, true>).sort();

export const ENDPOINT_CREATE_KEYS = Object.keys({
  object: true,
  id: true,
  url: true,
  name: true,
  status: true,
  enabledEvents: true,
  apiVersion: true,
  advancedOptions: true,
  signingSecret: true,
  createdAt: true,
  createdBy: true,
} satisfies Record<keyof Extend.WebhookEndpointCreate, true>).sort();

export const SUBSCRIPTION_KEYS = Object.keys({
  object: true,
  id: true,
  webhookEndpointId: true,
  resourceType: true,
  resourceId: true,
  enabledEvents: true,
  createdAt: true,
} satisfies Record<keyof Extend.WebhookSubscription, true>).sort();

/** Docsort's extension fields on a webhook endpoint. */
export const ENDPOINT_EXTENSION_KEYS = ['disabledReason', 'failingSince'];

/**
 * A DNS server played by the test: names in the table answer from it (the table may change between
 * calls), every other name is NXDOMAIN.
 */
export function fakeDns(table: Record<string, string[]>): HostResolver & { table: Record<string, string[]> } {
  const resolve = async (hostname: string) => {
    const answer = table[hostname];
    if (!answer) throw new HostLookupError(hostname);
    return answer;
  };
  return Object.assign(resolve, { table });
}

/** A clock running with real time plus an offset the test moves (retry schedules, expiries). */
export function offsetClock(): Clock & { advance(ms: number): void; offsetMs: number } {
  const clock = {
    offsetMs: 0,
    now: () => new Date(Date.now() + clock.offsetMs),
    advance(ms: number) {
      clock.offsetMs += ms;
    },
  };
  return clock;
}

export const API_VERSION = '2026-02-09';

/** Create an endpoint through the raw API; returns the created object (with its signingSecret). */
export async function createEndpoint(
  s: TestServer,
  url: string,
  enabledEvents: string[],
  extra: Record<string, unknown> = {},
) {
  const res = await s.api('POST', '/webhook_endpoints', {
    url,
    name: 'test endpoint',
    enabledEvents,
    apiVersion: API_VERSION,
    ...extra,
  });
  if (res.status !== 200) throw new Error(`creating the endpoint failed: ${JSON.stringify(res.body)}`);
  return res.body as Extend.WebhookEndpointCreate & {
    disabledReason: string | null;
    failingSince: string | null;
  };
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  attempts: {
    attemptedAt: string;
    statusCode: number | null;
    latencyMs: number;
    responseBody: string | null;
    error: string | null;
  }[];
}

export async function deliveries(s: TestServer, endpointId: string, query = ''): Promise<DeliveryView[]> {
  const res = await s.api('GET', `/webhook_endpoints/${endpointId}/deliveries?maxPageSize=1000${query}`);
  if (res.status !== 200) throw new Error(`listing deliveries failed: ${JSON.stringify(res.body)}`);
  return res.body.data as DeliveryView[];
}

/** Wait until the endpoint's delivery of `eventId` satisfies `check`. */
export async function waitForDelivery(
  s: TestServer,
  endpointId: string,
  eventId: string,
  check: (d: DeliveryView) => boolean,
  timeoutMs = 15_000,
): Promise<DeliveryView> {
  return waitFor(
    async () => {
      const d = (await deliveries(s, endpointId)).find((x) => x.eventId === eventId);
      return d && check(d) ? d : undefined;
    },
    timeoutMs,
    `delivery of ${eventId} to ${endpointId}`,
  );
}

/** The id of the newest event about `resourceId` of type `type` (from the outbox). */
export async function eventIdFor(s: TestServer, resourceId: string, type: string): Promise<string> {
  return waitFor(
    async () => {
      const row = await s.deps.db
        .selectFrom('events')
        .select('id')
        .where('resource_id', '=', resourceId)
        .where('type', '=', type)
        .orderBy('seq', 'desc')
        .executeTakeFirst();
      return row?.id;
    },
    15_000,
    `${type} event of ${resourceId}`,
  );
}
