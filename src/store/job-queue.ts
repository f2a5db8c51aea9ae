import { type Insertable, sql } from 'kysely';
import { newId } from '../lib/ids.js';
import { type Db, type Dialect, type Executor, relaxedCommits } from './database.js';
import type { Database } from './schema.js';

/**
 * A durable job queue in the application's own database. Jobs are inserted in the same
 * transaction as the state change that needs them, so a crash can never leave a run without its
 * job. Workers claim with a lease; a job whose worker died becomes claimable when the lease ends.
 * On PostgreSQL, SKIP LOCKED lets many worker processes claim concurrently.
 */
export interface Job {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
}

export interface EnqueueOptions {
  workspaceId?: string | null;
  priority?: number;
  runAt?: Date;
  maxAttempts?: number;
}

export async function enqueueJob(
  ex: Executor,
  now: Date,
  kind: string,
  payload: Record<string, unknown>,
  opts: EnqueueOptions = {},
): Promise<string> {
  const job = newJobRow(now, kind, payload, opts);
  await ex.insertInto('jobs').values(job).execute();
  return job.id;
}

/** The row enqueueJob inserts, for callers that insert it in one statement with other rows. */
export function newJobRow(
  now: Date,
  kind: string,
  payload: Record<string, unknown>,
  opts: EnqueueOptions = {},
): Insertable<Database['jobs']> & { id: string } {
  return {
    id: newId('job'),
    kind,
    payload: JSON.stringify(payload),
    workspace_id: opts.workspaceId ?? null,
    priority: opts.priority ?? 50,
    run_at: (opts.runAt ?? now).toISOString(),
    max_attempts: opts.maxAttempts ?? 3,
    lease_expires_at: null,
    locked_by: null,
    last_error: null,
    created_at: now.toISOString(),
  };
}

/**
 * A job that comes back forever (maintenance) is one row under a fixed id: every process inserts it at
 * start and the first insert wins, and a worker moves it forward after each run (rescheduleJob) instead
 * of deleting it. Claimed like any job, so with several workers one runs it at a time.
 */
export async function ensureRecurringJob(
  ex: Executor,
  now: Date,
  kind: string,
  opts: { priority: number },
): Promise<void> {
  await ex
    .insertInto('jobs')
    .values({
      id: `job_${kind}`,
      kind,
      payload: '{}',
      workspace_id: null,
      priority: opts.priority,
      run_at: now.toISOString(),
      max_attempts: 3,
      lease_expires_at: null,
      locked_by: null,
      last_error: null,
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Release a recurring job for its next run, with its attempts counted afresh. */
export async function rescheduleJob(
  ex: Executor,
  jobId: string,
  workerId: string,
  runAt: Date,
): Promise<void> {
  await ex
    .updateTable('jobs')
    .set({
      run_at: runAt.toISOString(),
      attempts: 0,
      lease_expires_at: null,
      locked_by: null,
      last_error: null,
    })
    .where('id', '=', jobId)
    // A worker that lost the lease leaves the row to the one that took it over.
    .where('locked_by', '=', workerId)
    .execute();
}

/**
 * Claim the next due job with a lease. The claim's commit does not wait for the disk (relaxedCommits): a
 * claim lost in a power failure leaves the job claimable, which is what a lapsed lease does anyway.
 */
export async function claimJob(
  db: Db,
  dialect: Dialect,
  workerId: string,
  now: Date,
  leaseMs: number,
): Promise<Job | null> {
  return relaxedCommits(db, dialect, (ex) => claimWith(ex, dialect, workerId, now, leaseMs));
}

async function claimWith(
  db: Db,
  dialect: Dialect,
  workerId: string,
  now: Date,
  leaseMs: number,
): Promise<Job | null> {
  const nowIso = now.toISOString();
  const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
  const candidate = db
    .selectFrom('jobs')
    .select('id')
    .where('run_at', '<=', nowIso)
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', nowIso)]))
    .orderBy('priority', 'asc')
    .orderBy('run_at', 'asc')
    .limit(1);
  const row = await db
    .updateTable('jobs')
    .set({ locked_by: workerId, lease_expires_at: leaseUntil, attempts: sql`attempts + 1` })
    .where('id', 'in', dialect === 'postgres' ? candidate.forUpdate().skipLocked() : candidate)
    // Re-check on the row itself: on PostgreSQL another worker may have claimed it between the
    // sub-select and the update when SKIP LOCKED did not apply (read committed).
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', nowIso)]))
    .returningAll()
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
  };
}

/** Keep a long-running job's lease alive; false when the lease was lost to another worker. */
export async function extendLease(db: Db, jobId: string, workerId: string, until: Date): Promise<boolean> {
  const res = await db
    .updateTable('jobs')
    .set({ lease_expires_at: until.toISOString() })
    .where('id', '=', jobId)
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function completeJob(ex: Executor, jobId: string): Promise<void> {
  await ex.deleteFrom('jobs').where('id', '=', jobId).execute();
}

/** Put a job back for a later attempt. */
export async function retryJob(ex: Executor, jobId: string, runAt: Date, error: string): Promise<void> {
  await ex
    .updateTable('jobs')
    .set({
      lease_expires_at: null,
      locked_by: null,
      run_at: runAt.toISOString(),
      last_error: error.slice(0, 2000),
    })
    .where('id', '=', jobId)
    .execute();
}

export async function deleteJobsFor(ex: Executor, kind: string, key: string, value: string): Promise<void> {
  // Payloads are small JSON objects written by enqueueJob; a LIKE on the serialised key is portable.
  await ex
    .deleteFrom('jobs')
    .where('kind', '=', kind)
    .where('payload', 'like', `%${JSON.stringify(key)}:${JSON.stringify(value)}%`)
    .execute();
}

export async function countJobs(db: Db): Promise<number> {
  const r = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
