import type { Selectable } from 'kysely';
import { invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Executor } from '../store/database.js';
import { fingerprint, type PageRequest, pageResult, paginate } from '../store/pagination.js';
import type { Database } from '../store/schema.js';
import { SUBSCRIPTION_EVENT_TYPES, SUPPORTED_RESOURCE_TYPES } from '../webhooks/event-types.js';
import { findClassifier } from './classifiers.js';
import type { Actor, CoreDeps } from './context.js';
import { getEndpointRow } from './webhook-endpoints.js';
import type { CreateWebhookSubscriptionRequest } from './webhook-schemas.js';
import { webhookSubscriptionObject } from './webhook-serialize.js';

type SubscriptionRow = Selectable<Database['webhook_subscriptions']>;

async function getSubscriptionRow(ex: Executor, actor: Actor, id: string): Promise<SubscriptionRow> {
  const row = await ex
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', actor.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound('Webhook subscription', id);
  return row;
}

/**
 * Create is an upsert on endpoint + resource (spec §6.1): a second create for the same pair replaces
 * its events. Docsort has classifiers only, so other resource types are refused with the reason.
 */
export async function createWebhookSubscription(
  deps: CoreDeps,
  actor: Actor,
  body: CreateWebhookSubscriptionRequest,
) {
  if (!SUPPORTED_RESOURCE_TYPES.has(body.resourceType)) {
    throw invalid(
      `Docsort serves classification only: there are no ${body.resourceType}s to subscribe to; use resourceType "classifier"`,
      'resourceType',
    );
  }
  return deps.db.transaction().execute(async (trx) => {
    await getEndpointRow(trx, actor, body.webhookEndpointId);
    if (!(await findClassifier(trx, actor, body.resourceId))) throw notFound('Classifier', body.resourceId);
    const iso = deps.clock.now().toISOString();
    const events = JSON.stringify([...new Set(body.enabledEvents)]);
    const row = await trx
      .insertInto('webhook_subscriptions')
      .values({
        id: newId('webhookSubscription'),
        workspace_id: actor.workspaceId,
        endpoint_id: body.webhookEndpointId,
        resource_type: body.resourceType,
        resource_id: body.resourceId,
        enabled_events: events,
        created_at: iso,
        updated_at: iso,
      })
      .onConflict((oc) =>
        oc
          .columns(['endpoint_id', 'resource_type', 'resource_id'])
          .doUpdateSet({ enabled_events: events, updated_at: iso }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return webhookSubscriptionObject(row);
  });
}

export async function getWebhookSubscription(deps: CoreDeps, actor: Actor, id: string) {
  return webhookSubscriptionObject(await getSubscriptionRow(deps.db, actor, id));
}

export async function listWebhookSubscriptions(
  deps: CoreDeps,
  actor: Actor,
  q: PageRequest & { webhookEndpointId?: string | undefined; resourceId?: string | undefined },
) {
  const fp = fingerprint([
    'webhook_subscriptions',
    actor.workspaceId,
    q.webhookEndpointId ?? null,
    q.resourceId ?? null,
    q.sortDir,
  ]);
  let query = deps.db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('workspace_id', '=', actor.workspaceId);
  if (q.webhookEndpointId) query = query.where('endpoint_id', '=', q.webhookEndpointId);
  if (q.resourceId) query = query.where('resource_id', '=', q.resourceId);
  const rows = await paginate(query, 'webhook_subscriptions', 'created_at', q, fp).execute();
  return pageResult(rows, q, (r) => r.created_at, fp, webhookSubscriptionObject);
}

export async function updateWebhookSubscription(
  deps: CoreDeps,
  actor: Actor,
  id: string,
  body: { enabledEvents: string[] },
) {
  return deps.db.transaction().execute(async (trx) => {
    const row = await getSubscriptionRow(trx, actor, id);
    const valid = SUBSCRIPTION_EVENT_TYPES[row.resource_type as keyof typeof SUBSCRIPTION_EVENT_TYPES] ?? [];
    body.enabledEvents.forEach((event, i) => {
      if (!valid.includes(event)) {
        throw invalid(
          `"${event}" is not an event of a ${row.resource_type}; valid: ${valid.join(', ')}`,
          `enabledEvents.${i}`,
        );
      }
    });
    const next: SubscriptionRow = {
      ...row,
      enabled_events: JSON.stringify([...new Set(body.enabledEvents)]),
      updated_at: deps.clock.now().toISOString(),
    };
    await trx
      .updateTable('webhook_subscriptions')
      .set({ enabled_events: next.enabled_events, updated_at: next.updated_at })
      .where('id', '=', id)
      .execute();
    return webhookSubscriptionObject(next);
  });
}

export async function deleteWebhookSubscription(deps: CoreDeps, actor: Actor, id: string) {
  await getSubscriptionRow(deps.db, actor, id);
  await deps.db.deleteFrom('webhook_subscriptions').where('id', '=', id).execute();
  return { id };
}
