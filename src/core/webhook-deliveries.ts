import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import { ApiError, notFound } from '../lib/errors.js';
import { fingerprint, type PageRequest, pageResult, paginate } from '../store/pagination.js';
import type { Database } from '../store/schema.js';
import type { Actor, CoreDeps } from './context.js';
import { assertEnabled, getEndpointRow } from './webhook-endpoints.js';
import type { DeliveryStatus } from './webhook-schemas.js';
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
  q: PageRequest & { status?: DeliveryStatus | undefined; eventType?: string | undefined },
) {
  await getEndpointRow(deps.db, actor, endpointId);
  const fp = fingerprint([
    'webhook_deliveries',
    endpointId,
    q.status ?? null,
    q.eventType ?? null,
    q.sortDir,
  ]);
  let query = deps.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.eventType) query = query.where('event_type', '=', q.eventType);
  const rows = await paginate(query, 'webhook_deliveries', 'created_at', q, fp).execute();
  const attempts = await attemptsOf(
    deps,
    rows.slice(0, q.maxPageSize).map((r) => r.id),
  );
  return pageResult(
    rows,
    q,
    (r) => r.created_at,
    fp,
    (r) => webhookDeliveryObject(r, (attempts.get(r.id) ?? []).slice(-ATTEMPTS_SHOWN)),
  );
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
  await deps.db
    .updateTable('webhook_deliveries')
    .set({ status: next.status, next_attempt_at: iso, schedule_index: 0, updated_at: iso })
    .where('id', '=', id)
    .execute();
  deps.notifier.jobQueued();
  const attempts = await attemptsOf(deps, [id]);
  return webhookDeliveryObject(next, attempts.get(id) ?? []);
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
