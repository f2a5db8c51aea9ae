import type { Selectable } from 'kysely';
import type { Executor } from '../store/database.js';
import type { Database } from '../store/schema.js';
import type { CoreDeps } from './context.js';
import { type ClassifyMetrics, computeClassifyMetrics, type EvaluatedRun } from './evaluation-metrics.js';
import type { ClassifyConfig } from './schemas.js';
import type { ClassifyOutput, RunUsage } from './serialize.js';

export type EvaluationRunRow = Selectable<Database['evaluation_set_runs']>;

/** The classify runs of an evaluation run with their expected answers, as the metrics need them. */
export async function evaluatedRuns(ex: Executor, evaluationRunId: string): Promise<EvaluatedRun[]> {
  const rows = await ex
    .selectFrom('evaluation_set_run_items as e')
    .leftJoin('classify_runs as r', 'r.id', 'e.classify_run_id')
    .select([
      'e.expected_type',
      'r.status',
      'r.output',
      'r.initial_output',
      'r.usage',
      'r.created_at',
      'r.started_at',
      'r.updated_at',
    ])
    .where('e.evaluation_set_run_id', '=', evaluationRunId)
    .execute();
  return rows.map((r) => {
    // The machine's answer: a person's later review of an evaluation run does not change its score.
    const output = JSON.parse(r.initial_output ?? r.output ?? 'null') as ClassifyOutput | null;
    const usage = JSON.parse(r.usage ?? 'null') as RunUsage | null;
    const classified = usage?.breakdown?.find((b) => b.object === 'classify_run')?.charges?.[0]?.quantity;
    const start = r.started_at ?? r.created_at;
    const terminal = r.status === 'PROCESSED' || r.status === 'FAILED';
    return {
      expectedType: r.expected_type,
      // A deleted run counts as failed: the answer is gone.
      status: r.status ?? 'FAILED',
      predictedType: output?.type ?? null,
      confidence: output?.confidence ?? null,
      latencyMs: terminal && start && r.updated_at ? Date.parse(r.updated_at) - Date.parse(start) : null,
      pages: classified ?? 0,
    };
  });
}

export async function metricsOf(ex: Executor, run: EvaluationRunRow): Promise<ClassifyMetrics> {
  if (run.metrics) return JSON.parse(run.metrics) as ClassifyMetrics;
  const version = await ex
    .selectFrom('classifier_versions')
    .select('config')
    .where('id', '=', run.classifier_version_id)
    .executeTakeFirst();
  const types = version
    ? (JSON.parse(version.config) as ClassifyConfig).classifications.map((c) => c.type)
    : [];
  return computeClassifyMetrics(await evaluatedRuns(ex, run.id), [...new Set(types)], run.item_count);
}

/**
 * Called in the transaction that ends one of its classify runs: when none is left in flight, the evaluation
 * run is PROCESSED (FAILED when every file failed) and its metrics are frozen.
 */
export async function settleEvaluationRunIfDone(deps: CoreDeps, ex: Executor, id: string): Promise<void> {
  const q = ex.selectFrom('evaluation_set_runs').selectAll().where('id', '=', id);
  const run = await (deps.dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
  if (!run || run.status === 'PROCESSED' || run.status === 'FAILED' || run.status === 'CANCELLED') return;
  const open = await ex
    .selectFrom('evaluation_set_run_items as e')
    .innerJoin('classify_runs as r', 'r.id', 'e.classify_run_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('e.evaluation_set_run_id', '=', id)
    .where('r.status', 'in', ['PENDING', 'PROCESSING'])
    .executeTakeFirst();
  const iso = deps.clock.now().toISOString();
  if (Number(open?.n ?? 0) > 0) {
    if (run.status === 'PENDING') {
      await ex
        .updateTable('evaluation_set_runs')
        .set({ status: 'PROCESSING', updated_at: iso })
        .where('id', '=', id)
        .execute();
    }
    return;
  }
  const metrics = await metricsOf(ex, run);
  const status =
    metrics.numFilesProcessed > 0 && metrics.numFilesFailed === metrics.numFilesProcessed
      ? 'FAILED'
      : 'PROCESSED';
  await ex
    .updateTable('evaluation_set_runs')
    .set({ status, metrics: JSON.stringify(metrics), updated_at: iso })
    .where('id', '=', id)
    .execute();
}
