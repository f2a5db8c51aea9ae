import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import { ApiError, notFound } from '../lib/errors.js';
import { fingerprint, type PageRequest, pageResult, paginate } from '../store/pagination.js';
import type { Database } from '../store/schema.js';
import type { Actor, CoreDeps } from './context.js';
import { assertEnabled, getEndpointRow } from './webhook-endpoints.js';
import type { DeliveryStatus, WebhookAdvancedOptions } from './webhook-schemas.js';
import { webhookDeliveryObject } from './webhook-serialize.js';

/** Docsort extensions over the delivery log: list with attempts, retry one, replay failures since a time. */

type DeliveryRow = Selectable<Database['webhook_deliveries']>;
type AttemptRow = Selectable<Database['webhook_attempts']>;

/** Attempts shown per delivery in a listing, newest last. */
const ATTEMPTS_SHOWN = 50;

export async function listWebhookDeliveries(
  deps: CoreDeps,
  actor: Actor,
  endpointId: string,
  q: PageRequest & {
    status?: DeliveryStatus | undefined;
    eventType?: string | undefined;
    resourceId?: string | undefined;
  },
) {
  await getEndpointRow(deps.db, actor, endpointId);
  const fp = fingerprint([
    'webhook_deliveries',
    endpointId,
    q.status ?? null,
    q.eventType ?? null,
    q.resourceId ?? null,
    q.sortDir,
  ]);
  let query = deps.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.eventType) query = query.where('event_type', '=', q.eventType);
  if (q.resourceId) {
    // events_resource indexes this; a resource has a handful of events.
    const events = deps.db.selectFrom('events').select('id').where('resource_id', '=', q.resourceId);
    query = query.where('event_id', 'in', events);
  }
  const rows = await paginate(query, 'webhook_deliveries', 'created_at', q, fp).execute();
  const shown = rows.slice(0, q.maxPageSize);
  const [attempts, resources] = await Promise.all([
    attemptsOf(
      deps,
      shown.map((r) => r.id),
    ),
    resourcesOf(
      deps,
      shown.map((r) => r.event_id),
    ),
  ]);
  return pageResult(
    rows,
    q,
    (r) => r.created_at,
    fp,
    (r) =>
      webhookDeliveryObject(
        r,
        (attempts.get(r.id) ?? []).slice(-ATTEMPTS_SHOWN),
        resources.get(r.event_id) ?? null,
      ),
  );
}

/** The resource each event is about, by event id. */
async function resourcesOf(deps: CoreDeps, eventIds: string[]): Promise<Map<string, string>> {
  if (eventIds.length === 0) return new Map();
  const rows = await deps.db
    .selectFrom('events')
    .select(['id', 'resource_id'])
    .where('id', 'in', [...new Set(eventIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.resource_id]));
}

async function attemptsOf(deps: CoreDeps, deliveryIds: string[]): Promise<Map<string, AttemptRow[]>> {
  const by = new Map<string, AttemptRow[]>();
  if (deliveryIds.length === 0) return by;
  const rows = await deps.db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('attempted_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  for (const row of rows) by.set(row.delivery_id, [...(by.get(row.delivery_id) ?? []), row]);
  return by;
}

async function getDeliveryRow(deps: CoreDeps, actor: Actor, id: string): Promise<DeliveryRow> {
  const row = await deps.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', actor.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound('Webhook delivery', id);
  return row;
}

/**
 * Send a delivery again now, whatever its state (a succeeded one is sent again, as a manual resend),
 * with the whole retry schedule ahead of it. The event keeps its eventId.
 */
export async function retryWebhookDelivery(deps: CoreDeps, actor: Actor, id: string) {
  const row = await getDeliveryRow(deps, actor, id);
  assertEnabled(await getEndpointRow(deps.db, actor, row.endpoint_id));
  const iso = deps.clock.now().toISOString();
  const next: DeliveryRow = {
    ...row,
    status: 'pending',
    next_attempt_at: iso,
    schedule_index: 0,
    updated_at: iso,
  };
  const updated = await deps.db
    .updateTable('webhook_deliveries')
    .set({ status: next.status, next_attempt_at: iso, schedule_index: 0, updated_at: iso })
    .where('id', '=', id)
    .executeTakeFirst();
  // Deleted by the log's retention between the read and the update.
  if (Number(updated.numUpdatedRows) === 0) throw notFound('Webhook delivery', id);
  deps.notifier.jobQueued();
  const [attempts, resources] = await Promise.all([
    attemptsOf(deps, [id]),
    resourcesOf(deps, [row.event_id]),
  ]);
  return webhookDeliveryObject(next, attempts.get(id) ?? [], resources.get(row.event_id) ?? null);
}

/** Headers Docsort computes afresh at every attempt (signing.ts): their values exist only on the wire. */
const PER_ATTEMPT_HEADERS = [
  'x-extend-request-timestamp',
  'x-extend-request-signature',
  'webhook-timestamp',
  'webhook-signature',
];

/** Whether an event's payload goes out as a `signed_data_url` link instead of inline (spec §6.3). */
export function sendsPayloadAsUrl(options: WebhookAdvancedOptions | null, payloadJson: string): boolean {
  const format = options?.payload;
  return (
    format?.format === 'url' &&
    (format.urlThresholdBytes === undefined || Buffer.byteLength(payloadJson) > format.urlThresholdBytes)
  );
}

/** The body of a delivery with its payload inline: the event's frozen JSON text is spliced in as is. */
export function inlineEnvelope(event: { id: string; type: string; payload: string }): string {
  return `{"eventId":${JSON.stringify(event.id)},"eventType":${JSON.stringify(event.type)},"payload":${event.payload}}`;
}

/**
 * One delivery with every attempt and the request its next attempt sends, for a person debugging a
 * receiver: the endpoint's URL and headers as they are now, and the body with the event's payload
 * inline (`payloadFormat` says when the receiver gets it behind a signed link instead).
 */
export async function getWebhookDelivery(deps: CoreDeps, actor: Actor, id: string) {
  const row = await getDeliveryRow(deps, actor, id);
  const endpoint = await getEndpointRow(deps.db, actor, row.endpoint_id);
  const [attempts, event] = await Promise.all([
    attemptsOf(deps, [id]),
    deps.db
      .selectFrom('events')
      .select(['id', 'type', 'resource_id', 'payload'])
      .where('id', '=', row.event_id)
      .executeTakeFirst(),
  ]);
  const options = endpoint.advanced_options
    ? (JSON.parse(endpoint.advanced_options) as WebhookAdvancedOptions)
    : null;
  return {
    ...webhookDeliveryObject(row, attempts.get(id) ?? [], event?.resource_id ?? null),
    request: {
      method: 'POST' as const,
      url: endpoint.url,
      headers: {
        ...(options?.headers ?? {}),
        'content-type': 'application/json',
        'x-extend-api-version': endpoint.api_version,
        'webhook-id': row.event_id,
      },
      perAttemptHeaders: PER_ATTEMPT_HEADERS,
      // Byte for byte what an inline delivery sends; null once the event is gone.
      body: event ? inlineEnvelope(event) : null,
      payloadFormat: event && sendsPayloadAsUrl(options, event.payload) ? 'signed_data_url' : 'json',
    },
  };
}

/** Re-queue every failed or exhausted delivery of the endpoint created at or after `since`. */
export async function replayWebhookEndpoint(deps: CoreDeps, actor: Actor, endpointId: string, since: string) {
  const endpoint = await getEndpointRow(deps.db, actor, endpointId);
  assertEnabled(endpoint);
  const sinceIso = new Date(since).toISOString();
  const iso = deps.clock.now().toISOString();
  const res = await deps.db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: iso, schedule_index: 0, updated_at: iso })
    .where('endpoint_id', '=', endpointId)
    .where('status', 'in', ['failed', 'exhausted'])
    .where('created_at', '>=', sinceIso)
    .execute();
  deps.notifier.jobQueued();
  return {
    object: 'webhook_replay' as const,
    webhookEndpointId: endpointId,
    since: sinceIso,
    requeued: Number(res[0]?.numUpdatedRows ?? 0),
  };
}

/** Lifetime of a `signed_data_url` link (spec §6.3). */
export const PAYLOAD_URL_TTL_SECONDS = 3600;

function payloadSignature(deps: CoreDeps, eventId: string, expires: number | string): Buffer {
  return createHmac('sha256', deps.urlSecret).update(`webhook_payload:${eventId}:${expires}`).digest();
}

/** The link a `signed_data_url` payload carries; like presigned file URLs, the signature is the credential. */
export function signedPayloadUrl(deps: CoreDeps, eventId: string, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + PAYLOAD_URL_TTL_SECONDS;
  const sig = payloadSignature(deps, eventId, expires).toString('hex');
  return `${deps.config.publicUrl}/webhook_payloads/${encodeURIComponent(eventId)}?expires=${expires}&signature=${sig}`;
}

/** The full payload behind a signed link, as JSON text. */
export async function readSignedPayload(
  deps: CoreDeps,
  eventId: string,
  expires: string,
  signature: string,
): Promise<string> {
  const valid =
    /^\d{1,12}$/.test(expires) &&
    /^[0-9a-f]{64}$/.test(signature) &&
    Number(expires) >= deps.clock.now().getTime() / 1000 &&
    timingSafeEqual(payloadSignature(deps, eventId, expires), Buffer.from(signature, 'hex'));
  if (!valid) {
    throw new ApiError(
      'UNAUTHORIZED',
      'This link is invalid or has expired; ask for the delivery to be sent again for a new one.',
    );
  }
  const row = await deps.db
    .selectFrom('events')
    .select('payload')
    .where('id', '=', eventId)
    .executeTakeFirst();
  if (!row) throw notFound('Event', eventId);
  return row.payload;
}
