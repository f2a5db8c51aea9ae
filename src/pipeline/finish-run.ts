import { sql } from 'kysely';
import { settleBatchIfDone } from '../core/batch-runs.js';
import { serializeRun } from '../core/classify-runs.js';
import type { CoreDeps } from '../core/context.js';
import type { RunRow } from '../core/run-loader.js';
import { relaxedCommits } from '../store/database.js';
import { recordEvent } from '../store/events.js';
import { completeJob } from '../store/job-queue.js';
import { withOutputColumns } from '../store/run-output-columns.js';

/** `output_type`/`output_confidence` are derived from `output` here, never passed in. */
export type RunPatch = Partial<
  Omit<RunRow, 'id' | 'workspace_id' | 'created_at' | 'output_type' | 'output_confidence'>
>;

/**
 * Apply a patch to a run that is still in flight. Returns the updated row, or null when the run
 * was cancelled or deleted meanwhile (its result is then discarded, Decisions 2).
 */
export async function patchInFlight(deps: CoreDeps, runId: string, patch: RunPatch): Promise<RunRow | null> {
  const iso = deps.clock.now().toISOString();
  const res = await deps.db
    .updateTable('classify_runs')
    .set({ ...withOutputColumns(patch), updated_at: iso })
    .where('id', '=', runId)
    .where('status', 'in', ['PENDING', 'PROCESSING'])
    .returningAll()
    .executeTakeFirst();
  return res ?? null;
}

/**
 * Mark a run started (PROCESSING, `started_at`) and return it, in one statement; null when it is no longer
 * in flight (cancelled, deleted, finished). A run started before (its job is being retried) keeps its
 * `started_at` and `updated_at`. `startedNow` says this call started it. A relaxed commit: lost in a power
 * failure, the run is started again when its job is.
 */
export async function startRun(
  deps: CoreDeps,
  runId: string,
): Promise<{ run: RunRow; startedNow: boolean } | null> {
  const iso = deps.clock.now().toISOString();
  const startedAt = sql.ref('started_at');
  // In SET, every column on the right-hand side is the value before the update (both databases).
  const run = await relaxedCommits(deps.db, deps.dialect, (ex) =>
    ex
      .updateTable('classify_runs')
      .set({
        status: 'PROCESSING',
        started_at: sql<string>`coalesce(${startedAt}, ${iso})`,
        updated_at: sql<string>`case when ${startedAt} is null or ${sql.ref('status')} = 'PENDING' then ${iso} else ${sql.ref('updated_at')} end`,
      })
      .where('id', '=', runId)
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .returningAll()
      .executeTakeFirst(),
  );
  return run ? { run, startedNow: run.started_at === iso } : null;
}

export interface FinishOptions {
  /**
   * The job processing this run: deleted in the same transaction, so that finishing costs one commit and a
   * crash can never leave the job behind a finished run.
   */
  jobId?: string | undefined;
}

/**
 * Move a run to PROCESSED or FAILED and write its event in the same transaction (the outbox), then
 * settle its batch. Returns false when the run had already left the in-flight states (the job, if
 * given, is then left to the caller).
 */
export async function finishRun(
  deps: CoreDeps,
  runId: string,
  patch: RunPatch & { status: 'PROCESSED' | 'FAILED' },
  opts: FinishOptions = {},
): Promise<boolean> {
  const done = await deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const row = await trx
      .updateTable('classify_runs')
      .set({ ...withOutputColumns(patch), updated_at: now.toISOString() })
      .where('id', '=', runId)
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .returningAll()
      .executeTakeFirst();
    if (!row) return false;
    const payload = await serializeRun(deps, trx, row);
    const type = row.status === 'PROCESSED' ? 'classify_run.processed' : 'classify_run.failed';
    await recordEvent(trx, now, row.workspace_id, type, row.id, payload, row.classifier_id);
    if (row.batch_id) await settleBatchIfDone(deps, trx, row.batch_id);
    if (opts.jobId) await completeJob(trx, opts.jobId);
    return true;
  });
  if (done) deps.notifier.runFinished(runId);
  return done;
}

export function failRun(
  deps: CoreDeps,
  runId: string,
  reason: string,
  message: string,
  opts: FinishOptions = {},
): Promise<boolean> {
  return finishRun(
    deps,
    runId,
    {
      status: 'FAILED',
      failure_reason: reason,
      failure_message: message.slice(0, 2000),
      output: null,
      usage: null,
    },
    opts,
  );
}
