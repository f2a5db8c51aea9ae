import { type ExpressionBuilder, sql } from 'kysely';
import type { Db } from './database.js';
import type { Database } from './schema.js';

/**
 * Retention of the webhook delivery log (docs/webhooks.md "Retention"). Only what can never be sent
 * again is deleted: a delivery that settled (succeeded, or exhausted its schedule) before the cutoff,
 * with its attempts, and an event routed before the cutoff that no delivery refers to any more. A
 * delivery that is pending, failed with a retry ahead, leased or recently retried or replayed stays, and
 * so does its event, whatever their age: webhooks are never lost to retention.
 */
export interface PruneOptions {
  dialect: 'sqlite' | 'postgres';
  /** Settled before this time (deliveries), created before it (events). */
  before: Date;
  /** Rows per statement, so a first prune of a large log holds its locks for short moments only. */
  batchSize: number;
}

export interface PruneCounts {
  attempts: number;
  deliveries: number;
  events: number;
}

/**
 * Settled before the cutoff. A retry or replay moves `updated_at` forward and sets `next_attempt_at`; the
 * conditions are checked again on the row by the delete itself, so one that lands between the read and
 * the delete keeps its delivery (PostgreSQL re-evaluates them on a row updated meanwhile).
 */
const settledBefore = (cutoff: string) => (eb: ExpressionBuilder<Database, 'webhook_deliveries'>) =>
  eb.and([
    eb('status', 'in', ['succeeded', 'exhausted']),
    eb('next_attempt_at', 'is', null),
    eb('locked_by', 'is', null),
    eb('updated_at', '<', cutoff),
  ]);

/**
 * Delete in batches of `batchSize`, each in its own short transaction. Safe to run in several processes
 * at once (rows are taken with FOR UPDATE SKIP LOCKED on PostgreSQL; each count is of rows this call
 * deleted), though the worker runs it as one recurring job, so normally one process does it.
 */
export async function pruneWebhookLog(db: Db, opts: PruneOptions): Promise<PruneCounts> {
  const counts: PruneCounts = { attempts: 0, deliveries: 0, events: 0 };
  const cutoff = opts.before.toISOString();
  // Per endpoint and per workspace, so each batch is a range read of an existing index
  // (webhook_deliveries_endpoint_created, events_ws_created) instead of a scan of the whole log.
  const endpoints = await db.selectFrom('webhook_endpoints').select('id').execute();
  for (const { id } of endpoints) {
    for (;;) {
      const batch = await pruneDeliveries(db, opts, id, cutoff);
      counts.deliveries += batch.deliveries;
      counts.attempts += batch.attempts;
      if (batch.deliveries < opts.batchSize) break;
    }
  }
  // After the deliveries, so an event whose last delivery was deleted just now goes in the same prune.
  const workspaces = await db.selectFrom('workspaces').select('id').execute();
  for (const { id } of workspaces) {
    for (;;) {
      const deleted = await pruneEvents(db, opts, id, cutoff);
      counts.events += deleted;
      if (deleted < opts.batchSize) break;
    }
  }
  return counts;
}

async function pruneDeliveries(
  db: Db,
  opts: PruneOptions,
  endpointId: string,
  cutoff: string,
): Promise<{ deliveries: number; attempts: number }> {
  return db.transaction().execute(async (trx) => {
    let pick = trx
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('endpoint_id', '=', endpointId)
      // Implied by updated_at < cutoff (a row is updated after it is created); it bounds the index range.
      .where('created_at', '<', cutoff)
      .where(settledBefore(cutoff))
      .limit(opts.batchSize);
    if (opts.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
    const gone = await trx
      .deleteFrom('webhook_deliveries')
      .where('id', 'in', pick)
      .where(settledBefore(cutoff))
      .returning('id')
      .execute();
    if (gone.length === 0) return { deliveries: 0, attempts: 0 };
    // Only the attempts of deliveries this statement really deleted (a handful each: one per attempt).
    const attempts = await trx
      .deleteFrom('webhook_attempts')
      .where(
        'delivery_id',
        'in',
        gone.map((r) => r.id),
      )
      .executeTakeFirst();
    return { deliveries: gone.length, attempts: Number(attempts.numDeletedRows) };
  });
}

/**
 * Routed events that no delivery refers to. Deliveries are only ever created for an event while it is
 * unrouted, in the transaction that marks it routed, so none can appear for the events this deletes.
 */
async function pruneEvents(db: Db, opts: PruneOptions, workspaceId: string, cutoff: string): Promise<number> {
  let pick = db
    .selectFrom('events')
    .select('seq')
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '<', cutoff)
    .where(sql<boolean>`routed = 1`)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_deliveries')
            .select(sql.lit(1).as('one'))
            .whereRef('webhook_deliveries.event_id', '=', 'events.id'),
        ),
      ),
    )
    .limit(opts.batchSize);
  // Two prunes at once never wait on (or deadlock over) each other's rows.
  if (opts.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
  const res = await db.deleteFrom('events').where('seq', 'in', pick).executeTakeFirst();
  return Number(res.numDeletedRows);
}
