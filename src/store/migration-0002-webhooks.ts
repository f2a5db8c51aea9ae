import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Webhook endpoints, their signing secrets and subscriptions, and the delivery log (spec §6).
 * Portable types as in 0001: text timestamps, JSON as text, 0/1 integers.
 *
 * Routing marks each event row (`routed`) instead of keeping a single "last seq routed" cursor: on
 * PostgreSQL a sequence value is taken at insert but becomes visible at commit, so a transaction that
 * commits late can leave a lower seq behind a cursor that has already moved past it, and that event
 * would never be delivered. A per-row flag claimed with FOR UPDATE SKIP LOCKED has no such gap.
 */
export const webhooksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('events')
      .addColumn('routed', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // The resource a subscription matches (a run's or batch's classifier); null for everything else.
    await db.schema.alterTable('events').addColumn('subject_id', 'text').execute();
    // Events written before webhooks existed had no endpoint to go to.
    await sql`update events set routed = 1`.execute(db);
    await db.schema
      .createIndex('events_unrouted')
      .on('events')
      .column('seq')
      .where(sql.ref('routed'), '=', 0)
      .execute();

    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('enabled_events', 'text', (c) => c.notNull())
      .addColumn('api_version', 'text', (c) => c.notNull())
      .addColumn('advanced_options', 'text')
      .addColumn('disabled_reason', 'text')
      .addColumn('failing_since', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_endpoints_ws_created')
      .on('webhook_endpoints')
      .columns(['workspace_id', 'created_at', 'id'])
      .execute();

    // The secret itself, not a hash: signing needs it. It is shown once, at creation or rotation.
    await db.schema
      .createTable('webhook_secrets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .execute();
    await db.schema
      .createIndex('webhook_secrets_endpoint')
      .on('webhook_secrets')
      .columns(['endpoint_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('webhook_subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text', (c) => c.notNull())
      .addColumn('enabled_events', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('webhook_subscriptions_target', ['endpoint_id', 'resource_type', 'resource_id'])
      .execute();
    await db.schema
      .createIndex('webhook_subscriptions_resource')
      .on('webhook_subscriptions')
      .columns(['resource_id'])
      .execute();
    await db.schema
      .createIndex('webhook_subscriptions_ws_created')
      .on('webhook_subscriptions')
      .columns(['workspace_id', 'created_at', 'id'])
      .execute();

    // One row per event x endpoint. next_attempt_at is null once nothing more is planned.
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('schedule_index', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text')
      .addColumn('lease_expires_at', 'text')
      .addColumn('locked_by', 'text')
      .addColumn('last_attempt_at', 'text')
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('webhook_deliveries_event_endpoint', ['event_id', 'endpoint_id'])
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_due')
      .on('webhook_deliveries')
      .column('next_attempt_at')
      .where(sql.ref('next_attempt_at'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_endpoint_created')
      .on('webhook_deliveries')
      .columns(['endpoint_id', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('webhook_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('attempted_at', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('latency_ms', 'integer', (c) => c.notNull())
      .addColumn('response_body', 'text')
      .addColumn('error', 'text')
      .execute();
    await db.schema
      .createIndex('webhook_attempts_delivery')
      .on('webhook_attempts')
      .columns(['delivery_id', 'attempted_at'])
      .execute();
    await db.schema
      .createIndex('webhook_attempts_endpoint')
      .on('webhook_attempts')
      .column('endpoint_id')
      .execute();
  },
};
