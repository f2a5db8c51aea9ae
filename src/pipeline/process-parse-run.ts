import { markBatchProcessing, settleBatchIfDone } from '../core/batch-runs.js';
import type { CoreDeps } from '../core/context.js';
import {
  createChildFiles,
  executeParse,
  fileMetadataAfterParse,
  ParseRunFailed,
  type ParseRunRow,
} from '../core/parse-execution.js';
import { parseRunStatusObject } from '../core/serialize.js';
import { recordEvent } from '../store/events.js';
import { completeJob } from '../store/job-queue.js';

/**
 * A parse run created through the API: parse, then write the result, the `parse_run.*` event
 * (the slim ParseRunStatus payload, spec §6.2), the batch's settlement and (given) the deletion of its job
 * in one transaction. Returns true when that transaction ran, the job included.
 */
export async function processParseRun(
  deps: CoreDeps,
  parseRunId: string,
  opts: { jobId?: string } = {},
): Promise<boolean> {
  let run = await deps.db
    .selectFrom('parse_runs')
    .selectAll()
    .where('id', '=', parseRunId)
    .executeTakeFirst();
  if (!run || (run.status !== 'PENDING' && run.status !== 'PROCESSING')) return false;
  if (run.status === 'PENDING') {
    const iso = deps.clock.now().toISOString();
    await deps.db
      .updateTable('parse_runs')
      .set({ status: 'PROCESSING', updated_at: iso })
      .where('id', '=', run.id)
      .execute();
    run = { ...run, status: 'PROCESSING', updated_at: iso };
    if (run.batch_id) await markBatchProcessing(deps, deps.db, run.batch_id);
  }
  const file = await deps.db.selectFrom('files').selectAll().where('id', '=', run.file_id).executeTakeFirst();
  let finished: ParseRunRow;
  let attachments: Awaited<ReturnType<typeof executeParse>>['attachments'] = [];
  if (!file) {
    finished = {
      ...run,
      status: 'FAILED',
      failure_reason: 'UNABLE_TO_DOWNLOAD_FILE',
      failure_message: 'The file of this parse run no longer exists.',
      updated_at: deps.clock.now().toISOString(),
    };
  } else {
    try {
      const done = await executeParse(deps, run, file);
      finished = done.row;
      attachments = done.attachments;
    } catch (err) {
      if (!(err instanceof ParseRunFailed)) throw err;
      finished = err.parseRun;
    }
  }
  const written = await deps.db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('parse_runs')
      .set(finished)
      .where('id', '=', finished.id)
      .where('status', '=', 'PROCESSING')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return false;
    if (file && finished.status === 'PROCESSED') {
      await trx
        .updateTable('files')
        .set({ ...fileMetadataAfterParse(file, finished.page_count ?? 0), updated_at: finished.updated_at })
        .where('id', '=', file.id)
        .execute();
    }
    const type = finished.status === 'PROCESSED' ? 'parse_run.processed' : 'parse_run.failed';
    await recordEvent(
      trx,
      deps.clock.now(),
      finished.workspace_id,
      type,
      finished.id,
      parseRunStatusObject(finished),
    );
    if (finished.batch_id) await settleBatchIfDone(deps, trx, finished.batch_id);
    if (opts.jobId) await completeJob(trx, opts.jobId);
    return true;
  });
  if (written && file) await createChildFiles(deps, file, attachments);
  if (written) deps.notifier.runFinished(finished.id);
  return written && opts.jobId !== undefined;
}

/** A parse run whose job used up its attempts ends FAILED with its event, like any other failure. */
export async function failParseRun(deps: CoreDeps, parseRunId: string, message: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const run = await trx
      .selectFrom('parse_runs')
      .selectAll()
      .where('id', '=', parseRunId)
      .executeTakeFirst();
    if (!run || (run.status !== 'PENDING' && run.status !== 'PROCESSING')) return;
    const failed: ParseRunRow = {
      ...run,
      status: 'FAILED',
      failure_reason: 'INTERNAL_ERROR',
      failure_message: message.slice(0, 2000),
      updated_at: deps.clock.now().toISOString(),
    };
    await trx.updateTable('parse_runs').set(failed).where('id', '=', run.id).execute();
    await recordEvent(
      trx,
      deps.clock.now(),
      run.workspace_id,
      'parse_run.failed',
      run.id,
      parseRunStatusObject(failed),
    );
    if (run.batch_id) await settleBatchIfDone(deps, trx, run.batch_id);
  });
}
