import { settleBatchIfDone } from '../core/batch-runs.js';
import { serializeRun } from '../core/classify-runs.js';
import type { CoreDeps } from '../core/context.js';
import type { RunRow } from '../core/run-loader.js';
import { recordEvent } from '../store/events.js';
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
 * Move a run to PROCESSED or FAILED and write its event in the same transaction (the outbox), then
 * settle its batch. Returns false when the run had already left the in-flight states.
 */
export async function finishRun(
  deps: CoreDeps,
  runId: string,
  patch: RunPatch & { status: 'PROCESSED' | 'FAILED' },
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
    return true;
  });
  if (done) deps.notifier.runFinished(runId);
  return done;
}

export function failRun(deps: CoreDeps, runId: string, reason: string, message: string): Promise<boolean> {
  return finishRun(deps, runId, {
    status: 'FAILED',
    failure_reason: reason,
    failure_message: message.slice(0, 2000),
    output: null,
    usage: null,
  });
}
