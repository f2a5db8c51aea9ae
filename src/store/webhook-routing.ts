import { sql } from 'kysely';
import { newId } from '../lib/ids.js';
import type { Db } from './database.js';

export interface RoutingOptions {
  dialect: 'sqlite' | 'postgres';
  now: Date;
  /** Delay before the first attempt (the retry schedule's first entry, with jitter). */
  firstDelayMs: number;
  limit?: number;
}

interface EndpointTarget {
  id: string;
  workspaceId: string;
  events: Set<string>;
  createdAt: string;
}

/**
 * Turn events the dispatcher has not seen into deliveries, exactly once per event and endpoint: the
 * events are claimed (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite serialises writers), their
 * deliveries inserted and the events marked routed in one transaction, and a unique (event, endpoint)
 * constraint backs it up. An event goes to each enabled endpoint of its workspace, created no later
 * than the event, that lists its type in `enabledEvents` or has a subscription to its subject
 * (the classifier of a run or batch) listing it (spec §6.1). Returns the number of events routed.
 */
export async function routeEvents(db: Db, opts: RoutingOptions): Promise<number> {
  // The common case on every poll is "nothing new": answer it with one read, without a transaction.
  const any = await db
    .selectFrom('events')
    .select('seq')
    .where(sql<boolean>`routed = 0`)
    .limit(1)
    .executeTakeFirst();
  if (!any) return 0;
  return db.transaction().execute(async (trx) => {
    // A literal condition, so both databases can use the partial index events_unrouted.
    let pick = trx
      .selectFrom('events')
      .select(['seq', 'id', 'workspace_id', 'type', 'subject_id', 'created_at'])
      .where(sql<boolean>`routed = 0`)
      .orderBy('seq', 'asc')
      .limit(opts.limit ?? 200);
    if (opts.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
    const events = await pick.execute();
    if (events.length === 0) return 0;

    const workspaces = [...new Set(events.map((e) => e.workspace_id))];
    const endpointRows = await trx
      .selectFrom('webhook_endpoints')
      .select(['id', 'workspace_id', 'enabled_events', 'created_at'])
      .where('workspace_id', 'in', workspaces)
      .where('status', '=', 'enabled')
      .execute();
    const endpoints: EndpointTarget[] = endpointRows.map((e) => ({
      id: e.id,
      workspaceId: e.workspace_id,
      events: new Set(JSON.parse(e.enabled_events) as string[]),
      createdAt: e.created_at,
    }));
    const subjects = [...new Set(events.map((e) => e.subject_id).filter((s): s is string => s !== null))];
    const subscriptions = new Map<string, Set<string>>();
    if (endpoints.length > 0 && subjects.length > 0) {
      const rows = await trx
        .selectFrom('webhook_subscriptions')
        .select(['endpoint_id', 'resource_id', 'enabled_events'])
        .where(
          'endpoint_id',
          'in',
          endpoints.map((e) => e.id),
        )
        .where('resource_id', 'in', subjects)
        .execute();
      for (const r of rows) {
        const key = `${r.endpoint_id}\n${r.resource_id}`;
        const set = subscriptions.get(key) ?? new Set<string>();
        for (const t of JSON.parse(r.enabled_events) as string[]) set.add(t);
        subscriptions.set(key, set);
      }
    }

    const iso = opts.now.toISOString();
    const due = new Date(opts.now.getTime() + opts.firstDelayMs).toISOString();
    const deliveries = [];
    for (const event of events) {
      for (const endpoint of endpoints) {
        if (endpoint.workspaceId !== event.workspace_id || endpoint.createdAt > event.created_at) continue;
        const global = endpoint.events.has(event.type);
        const scoped =
          event.subject_id !== null &&
          (subscriptions.get(`${endpoint.id}\n${event.subject_id}`)?.has(event.type) ?? false);
        if (!global && !scoped) continue;
        deliveries.push({
          id: newId('webhookDelivery'),
          workspace_id: event.workspace_id,
          endpoint_id: endpoint.id,
          event_id: event.id,
          event_type: event.type,
          status: 'pending',
          next_attempt_at: due,
          lease_expires_at: null,
          locked_by: null,
          last_attempt_at: null,
          last_status_code: null,
          last_error: null,
          created_at: iso,
          updated_at: iso,
        });
      }
    }
    // Chunks keep every statement under SQLite's bound-parameter limit.
    for (let i = 0; i < deliveries.length; i += 50) {
      await trx
        .insertInto('webhook_deliveries')
        .values(deliveries.slice(i, i + 50))
        .onConflict((oc) => oc.columns(['event_id', 'endpoint_id']).doNothing())
        .execute();
    }
    await trx
      .updateTable('events')
      .set({ routed: 1 })
      .where(
        'seq',
        'in',
        events.map((e) => e.seq),
      )
      .execute();
    return events.length;
  });
}
