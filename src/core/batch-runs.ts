import { notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Executor } from '../store/database.js';
import { recordEvent } from '../store/events.js';
import { discardStaged, insertRun, type StagedFile, stageTextFile } from './classify-runs.js';
import type { Actor, CoreDeps } from './context.js';
import { settleEvaluationRunIfDone } from './evaluation-settle.js';
import { resolveRunConfig } from './run-config.js';
import type { BatchClassifyRequest } from './schemas.js';
import { batchRunObject } from './serialize.js';

/** A PENDING batch of `runCount` runs of one processor, as the batch endpoints store it. */
export const newBatchRow = (
  deps: CoreDeps,
  actor: Actor,
  processor: 'classify' | 'parse',
  classifierId: string | null,
  runCount: number,
) => {
  const iso = deps.clock.now().toISOString();
  return {
    id: newId(processor === 'classify' ? 'batchRun' : 'parseBatchRun'),
    workspace_id: actor.workspaceId,
    processor,
    classifier_id: classifierId,
    status: 'PENDING',
    run_count: runCount,
    created_at: iso,
    updated_at: iso,
  };
};

/**
 * POST /classify_runs/batch (spec §3.3): one transaction creates the batch, every child run
 * (PENDING) and their jobs, so a batch is never half-created.
 */
export async function createClassifyBatch(deps: CoreDeps, actor: Actor, req: BatchClassifyRequest) {
  // {text} files are written before the transaction (see stageTextFile); after the first that cannot be, the
  // transaction stops there anyway.
  const staged: (StagedFile | null)[] = [];
  for (const input of req.inputs) {
    const s = await stageTextFile(deps, actor, input.file);
    staged.push(s);
    if (s && 'error' in s) break;
  }
  let out: ReturnType<typeof batchRunObject>;
  try {
    out = await deps.db.transaction().execute(async (trx) => {
      const resolved = await resolveRunConfig(trx, actor, { classifier: req.classifier });
      const batch = newBatchRow(deps, actor, 'classify', resolved.classifier?.id ?? null, req.inputs.length);
      await trx.insertInto('batch_runs').values(batch).execute();
      for (const [i, input] of req.inputs.entries()) {
        await insertRun(
          deps,
          trx,
          actor,
          { file: input.file, metadata: input.metadata, priority: req.priority },
          resolved,
          { source: 'BATCH_PROCESSOR_RUN', batchId: batch.id, status: 'PENDING' },
          `inputs.${i}.file`,
          staged[i] ?? null,
        );
      }
      return batchRunObject(batch);
    });
  } catch (err) {
    await discardStaged(deps, staged);
    throw err;
  }
  deps.notifier.jobQueued();
  return out;
}

export async function getBatchRun(deps: CoreDeps, actor: Actor, id: string) {
  const b = await deps.db
    .selectFrom('batch_runs')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', actor.workspaceId)
    .executeTakeFirst();
  if (!b) throw notFound('Batch run', id);
  return batchRunObject(b);
}

async function lockBatch(deps: CoreDeps, ex: Executor, batchId: string) {
  // On PostgreSQL the row lock serialises the "is everything done?" check between workers that
  // finish the last children at the same moment; SQLite transactions are serial already.
  const q = ex.selectFrom('batch_runs').selectAll().where('id', '=', batchId);
  return deps.dialect === 'postgres' ? q.forUpdate().executeTakeFirst() : q.executeTakeFirst();
}

export async function markBatchProcessing(deps: CoreDeps, ex: Executor, batchId: string): Promise<void> {
  await ex
    .updateTable('batch_runs')
    .set({ status: 'PROCESSING', updated_at: deps.clock.now().toISOString() })
    .where('id', '=', batchId)
    .where('status', '=', 'PENDING')
    .execute();
}

/**
 * Called in the transaction that moves a child to a terminal state. When no child is left
 * running, the batch becomes PROCESSED (FAILED when every child failed) and its event is written.
 */
export async function settleBatchIfDone(deps: CoreDeps, ex: Executor, batchId: string): Promise<void> {
  const batch = await lockBatch(deps, ex, batchId);
  // Evaluation set runs group their classify runs the same way (their ids share the bpr_ prefix).
  if (!batch) return settleEvaluationRunIfDone(deps, ex, batchId);
  if (batch.status === 'PROCESSED' || batch.status === 'FAILED' || batch.status === 'CANCELLED') return;
  const table = batch.processor === 'parse' ? 'parse_runs' : 'classify_runs';
  const counts = await ex
    .selectFrom(table)
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('batch_id', '=', batchId)
    .groupBy('status')
    .execute();
  const by = new Map(counts.map((c) => [c.status, Number(c.n)]));
  const open = (by.get('PENDING') ?? 0) + (by.get('PROCESSING') ?? 0);
  if (open > 0) return;
  const total = [...by.values()].reduce((a, b) => a + b, 0);
  const failed = by.get('FAILED') ?? 0;
  const status = total > 0 && failed === total ? 'FAILED' : 'PROCESSED';
  const now = deps.clock.now();
  await ex
    .updateTable('batch_runs')
    .set({ status, updated_at: now.toISOString() })
    .where('id', '=', batchId)
    .execute();
  const payload = batchRunObject({ ...batch, status });
  await recordEvent(
    ex,
    now,
    batch.workspace_id,
    batch.processor === 'parse'
      ? status === 'FAILED'
        ? 'batch_parse_run.failed'
        : 'batch_parse_run.processed'
      : status === 'FAILED'
        ? 'batch_processor_run.failed'
        : 'batch_processor_run.processed',
    batchId,
    payload,
    batch.classifier_id,
  );
}
