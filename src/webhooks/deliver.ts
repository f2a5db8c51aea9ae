import { STATUS_CODES } from 'node:http';
import type { CoreDeps } from '../core/context.js';
import { inlineEnvelope, sendsPayloadAsUrl, signedPayloadUrl } from '../core/webhook-deliveries.js';
import { validSecrets } from '../core/webhook-endpoints.js';
import type { WebhookAdvancedOptions } from '../core/webhook-schemas.js';
import type { WebhookResponse } from '../ports/webhook-sender.js';
import {
  type AttemptWrite,
  type DeliveryOutcome,
  type DeliveryRow,
  recordAttempts,
  releaseDelivery,
} from '../store/webhook-deliveries.js';
import { nextAttemptDelay, parseRetryAfter } from './retry-schedule.js';
import { signatureHeaders } from './signing.js';

/** An endpoint failing without a single success for this long is disabled (Svix's rule). */
export const DISABLE_AFTER_MS = 5 * 86_400_000;

export interface DeliverOptions {
  workerId: string;
  /** Aborted on shutdown: the attempt is abandoned and the delivery released, not counted. */
  signal?: AbortSignal;
  random?: () => number;
  /** Writes the finished attempt; the dispatcher batches these (AttemptWriter). */
  record?: (write: AttemptWrite) => Promise<boolean>;
}

interface EventRow {
  id: string;
  type: string;
  resource_id: string;
  payload: string;
}

/**
 * One attempt of one claimed delivery: build the envelope (`{eventId, eventType, payload}`, the same
 * eventId on every attempt), sign it, POST it, and record the attempt and what follows from it.
 */
export async function deliverOnce(
  deps: CoreDeps,
  delivery: DeliveryRow,
  opts: DeliverOptions,
): Promise<void> {
  const { db } = deps;
  const endpoint = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', delivery.endpoint_id)
    .executeTakeFirst();
  if (!endpoint) return; // deleted meanwhile, with its deliveries
  if (endpoint.status !== 'enabled') {
    await releaseDelivery(db, delivery.id, opts.workerId);
    return;
  }
  const event = await db
    .selectFrom('events')
    .select(['id', 'type', 'resource_id', 'payload'])
    .where('id', '=', delivery.event_id)
    .executeTakeFirst();

  const attemptedAt = deps.clock.now();
  const secrets = await validSecrets(deps.secrets, db, endpoint.id, attemptedAt);
  const options = endpoint.advanced_options
    ? (JSON.parse(endpoint.advanced_options) as WebhookAdvancedOptions)
    : null;
  let response: WebhookResponse;
  if (!event || secrets.length === 0) {
    response = {
      kind: 'error',
      reason: 'invalid_url',
      message: event ? 'The endpoint has no signing secret' : `Event ${delivery.event_id} no longer exists`,
      latencyMs: 0,
    };
  } else {
    const body = envelope(deps, event, options, attemptedAt);
    const timestamp = Math.floor(attemptedAt.getTime() / 1000);
    response = await deps.webhookSender.send({
      url: endpoint.url,
      headers: {
        ...(options?.headers ?? {}),
        'content-type': 'application/json',
        'x-extend-api-version': endpoint.api_version,
        ...signatureHeaders(secrets, event.id, timestamp, body),
      },
      body,
      timeoutMs: deps.config.webhooks.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }
  if (response.kind === 'error' && response.reason === 'aborted') {
    await releaseDelivery(db, delivery.id, opts.workerId);
    return;
  }

  const finishedAt = deps.clock.now();
  const outcome = decide(deps, delivery, response, finishedAt, opts.random);
  const write: AttemptWrite = {
    delivery,
    workerId: opts.workerId,
    attempt: {
      attemptedAt,
      statusCode: response.kind === 'response' ? response.status : null,
      latencyMs: response.latencyMs,
      responseBody: response.kind === 'response' ? response.bodyStart : null,
      error: describeFailure(response),
    },
    outcome,
    now: finishedAt,
  };
  if (opts.record) await opts.record(write);
  else await recordAttempts(db, [write]);
}

/** The request body, built per attempt so that a `signed_data_url` link is always fresh. */
function envelope(
  deps: CoreDeps,
  event: EventRow,
  options: WebhookAdvancedOptions | null,
  now: Date,
): string {
  // The payload was frozen as JSON text when the event was written; it is spliced in as is.
  if (!sendsPayloadAsUrl(options, event.payload)) return inlineEnvelope(event);
  const full = JSON.parse(event.payload) as { metadata?: unknown };
  const metadata =
    full.metadata && typeof full.metadata === 'object' && !Array.isArray(full.metadata)
      ? full.metadata
      : null;
  return JSON.stringify({
    eventId: event.id,
    eventType: event.type,
    payload: {
      object: 'signed_data_url',
      data: signedPayloadUrl(deps, event.id, now),
      id: event.resource_id,
      ...(metadata ? { metadata } : {}),
    },
  });
}

/** Only 2xx succeeds; 410 Gone disables the endpoint; anything else is retried on the schedule. */
function decide(
  deps: CoreDeps,
  delivery: DeliveryRow,
  response: WebhookResponse,
  now: Date,
  random?: () => number,
): DeliveryOutcome {
  if (response.kind === 'response' && response.status >= 200 && response.status <= 299) {
    return { status: 'succeeded', nextAttemptAt: null, endpoint: { kind: 'healthy' } };
  }
  if (response.kind === 'response' && response.status === 410) {
    return {
      status: 'exhausted',
      nextAttemptAt: null,
      endpoint: {
        kind: 'gone',
        reason: `The endpoint answered 410 Gone at ${now.toISOString()}; deliveries stopped until it is enabled again.`,
      },
    };
  }
  const retryAfter =
    response.kind === 'response' ? parseRetryAfter(firstHeader(response.headers['retry-after']), now) : null;
  const delay = nextAttemptDelay(
    deps.config.webhooks.retryScheduleMs,
    delivery.schedule_index + 1,
    retryAfter,
    random,
  );
  return {
    status: delay === null ? 'exhausted' : 'failed',
    nextAttemptAt: delay === null ? null : new Date(now.getTime() + delay),
    endpoint: { kind: 'failing', disableAfterMs: DISABLE_AFTER_MS },
  };
}

function describeFailure(response: WebhookResponse): string | null {
  if (response.kind === 'error') return response.message;
  const { status } = response;
  if (status >= 200 && status <= 299) return null;
  const phrase = STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : '';
  if (status >= 300 && status <= 399) {
    return `HTTP ${status}${phrase}: redirects are not followed; register the final URL`;
  }
  return `HTTP ${status}${phrase}: only 2xx counts as delivered`;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
