import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import { newId } from '../lib/ids.js';
import type { Db, Executor } from './database.js';
import type { Database } from './schema.js';

/**
 * The delivery queue, claimed like the job queue: a lease per delivery, SKIP LOCKED on PostgreSQL, and
 * a delivery whose process died becomes claimable again when its lease ends (at least once, same
 * eventId). Only deliveries of enabled endpoints are claimed; a disabled endpoint's wait until it is
 * enabled again.
 */
export type DeliveryRow = Selectable<Database['webhook_deliveries']>;

export interface ClaimOptions {
  workerId: string;
  now: Date;
  leaseMs: number;
  /** Most deliveries to claim. */
  limit: number;
  /** Most deliveries in flight to one endpoint from this process. */
  endpointCap: number;
  /** Deliveries this process has in flight, per endpoint. */
  inFlight: ReadonlyMap<string, number>;
}

/**
 * Claim up to `limit` due deliveries in one write, at most `endpointCap` in flight per endpoint (the
 * ones this process already sends count), oldest due first. Candidates are read first (a window
 * function ranks each endpoint's), then taken with FOR UPDATE SKIP LOCKED on PostgreSQL and a re-check
 * of the lease on the row itself, so concurrent dispatchers never take the same delivery and never wait
 * on each other.
 */
export async function claimDeliveries(
  db: Db,
  dialect: 'sqlite' | 'postgres',
  opts: ClaimOptions,
): Promise<DeliveryRow[]> {
  if (opts.limit <= 0) return [];
  const nowIso = opts.now.toISOString();
  const full = [...opts.inFlight].filter(([, n]) => n >= opts.endpointCap).map(([id]) => id);
  const partial = [...opts.inFlight].filter(([, n]) => n > 0 && n < opts.endpointCap);
  // Room per endpoint: the cap, less what this process already has in flight there (integers from
  // configuration and counters, inlined so both databases type them as numbers).
  const room =
    partial.length === 0
      ? sql.lit(opts.endpointCap)
      : sql`case ${sql.join(
          partial.map(([id, n]) => sql`when due.endpoint_id = ${id} then ${sql.lit(opts.endpointCap - n)}`),
          sql` `,
        )} else ${sql.lit(opts.endpointCap)} end`;
  // Rank only the oldest due rows, so a backlog costs nothing per claim; an endpoint with more than
  // that many due fills its room this round, then counts as full and stops crowding the others.
  const window = opts.limit * opts.endpointCap + 50;
  const ranked = await sql<{ id: string }>`
    select id from (
      select due.id, due.next_attempt_at,
        row_number() over (partition by due.endpoint_id order by due.next_attempt_at, due.id) as rn,
        ${room} as room
      from (
        select d.id, d.endpoint_id, d.next_attempt_at
        from webhook_deliveries d
        where d.next_attempt_at is not null
          and d.next_attempt_at <= ${nowIso}
          and (d.lease_expires_at is null or d.lease_expires_at < ${nowIso})
          and exists (select 1 from webhook_endpoints e where e.id = d.endpoint_id and e.status = 'enabled')
          ${full.length > 0 ? sql`and d.endpoint_id not in (${sql.join(full)})` : sql``}
        order by d.next_attempt_at, d.id
        limit ${sql.lit(window)}
      ) due
    ) ranked
    where rn <= room
    order by next_attempt_at, id
    limit ${sql.lit(opts.limit)}
  `.execute(db);
  const ids = ranked.rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const leaseCondition = (eb: ExpressionBuilder<Database, 'webhook_deliveries'>) =>
    eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', nowIso)]);
  const candidate = db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('id', 'in', ids)
    .where(leaseCondition);
  return (
    db
      .updateTable('webhook_deliveries')
      .set({
        locked_by: opts.workerId,
        lease_expires_at: new Date(opts.now.getTime() + opts.leaseMs).toISOString(),
      })
      .where('id', 'in', dialect === 'postgres' ? candidate.forUpdate().skipLocked() : candidate)
      // Re-checked on the row itself, as in the job queue (read committed on PostgreSQL).
      .where(leaseCondition)
      .returningAll()
      .execute()
  );
}

/** Give a claimed delivery back untouched (shutdown, or its endpoint was disabled meanwhile). */
export async function releaseDelivery(db: Db, id: string, workerId: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ lease_expires_at: null, locked_by: null })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .execute();
}

export interface AttemptRecord {
  attemptedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  responseBody: string | null;
  error: string | null;
}

export interface DeliveryOutcome {
  status: 'succeeded' | 'failed' | 'exhausted';
  nextAttemptAt: Date | null;
  /** What the attempt says about the endpoint. */
  endpoint:
    | { kind: 'healthy' }
    | { kind: 'failing'; disableAfterMs: number }
    | { kind: 'gone'; reason: string };
}

/** One finished attempt, with what follows from it. */
export interface AttemptWrite {
  delivery: DeliveryRow;
  workerId: string;
  attempt: AttemptRecord;
  outcome: DeliveryOutcome;
  now: Date;
}

/**
 * Write finished attempts and their consequences in one transaction (several at once when many finish
 * together: one commit, one fsync): each attempt row, its delivery's new state and the endpoint's
 * health (failing since when; disabled on 410 Gone or after failing too long). An attempt whose lease
 * was lost, or whose endpoint was deleted meanwhile, writes nothing and reports false.
 */
export async function recordAttempts(db: Db, writes: readonly AttemptWrite[]): Promise<boolean[]> {
  if (writes.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const results: boolean[] = [];
    for (const w of writes) results.push(await recordOne(trx, w));
    return results;
  });
}

async function recordOne(
  trx: Executor,
  { delivery, workerId, attempt, outcome, now }: AttemptWrite,
): Promise<boolean> {
  const iso = now.toISOString();
  const attemptedIso = attempt.attemptedAt.toISOString();
  const updated = await trx
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      attempt_count: sql`attempt_count + 1`,
      schedule_index: sql`schedule_index + 1`,
      next_attempt_at: outcome.nextAttemptAt?.toISOString() ?? null,
      lease_expires_at: null,
      locked_by: null,
      last_attempt_at: attemptedIso,
      last_status_code: attempt.statusCode,
      last_error: attempt.error,
      updated_at: iso,
    })
    .where('id', '=', delivery.id)
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await trx
    .insertInto('webhook_attempts')
    .values({
      id: newId('webhookAttempt'),
      delivery_id: delivery.id,
      endpoint_id: delivery.endpoint_id,
      attempted_at: attemptedIso,
      status_code: attempt.statusCode,
      latency_ms: attempt.latencyMs,
      response_body: attempt.responseBody,
      error: attempt.error,
    })
    .execute();

  const endpoint = trx.updateTable('webhook_endpoints').where('id', '=', delivery.endpoint_id);
  const health = outcome.endpoint;
  if (health.kind === 'healthy') {
    await endpoint.set({ failing_since: null }).where('failing_since', 'is not', null).execute();
  } else if (health.kind === 'gone') {
    await endpoint
      .set({ status: 'disabled', disabled_reason: health.reason, updated_at: iso })
      .where('status', '=', 'enabled')
      .execute();
  } else {
    await endpoint.set({ failing_since: attemptedIso }).where('failing_since', 'is', null).execute();
    const cutoff = new Date(now.getTime() - health.disableAfterMs).toISOString();
    const row = await trx
      .selectFrom('webhook_endpoints')
      .select(['failing_since', 'status'])
      .where('id', '=', delivery.endpoint_id)
      .executeTakeFirst();
    if (row?.status === 'enabled' && row.failing_since !== null && row.failing_since <= cutoff) {
      const days = Math.round(health.disableAfterMs / 86_400_000);
      await endpoint
        .set({
          status: 'disabled',
          disabled_reason: `Every delivery has failed since ${row.failing_since}; disabled after ${days} days of failures.`,
          updated_at: iso,
        })
        .where('status', '=', 'enabled')
        .execute();
    }
  }
  return true;
}
