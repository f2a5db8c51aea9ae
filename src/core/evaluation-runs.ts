import { invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Executor } from '../store/database.js';
import {
  decodeCursor,
  encodeCursor,
  fingerprint,
  type PageRequest,
  pageResult,
  paginate,
} from '../store/pagination.js';
import { insertRun } from './classify-runs.js';
import type { Actor, CoreDeps } from './context.js';
import type { CreateEvaluationSetRunRequest } from './evaluation-schemas.js';
import { findEvaluationSet } from './evaluation-sets.js';
import { type EvaluationRunRow, metricsOf } from './evaluation-settle.js';
import { resolveRunConfig } from './run-config.js';
import { classifierSummary, versionSummary } from './serialize.js';

/**
 * POST /evaluation_set_runs: one transaction creates the evaluation run, a classify run (PENDING, with its
 * job) per item and the snapshot of each item's expected answer. The classifier runs at the requested
 * version (the draft when none is given, as Extend does) and never learns from the set it is measured on.
 */
export async function createEvaluationSetRun(
  deps: CoreDeps,
  actor: Actor,
  req: CreateEvaluationSetRunRequest,
) {
  const out = await deps.db.transaction().execute(async (trx) => {
    const set = await findEvaluationSet(trx, actor, req.evaluationSetId);
    const classifierId = req.entity?.id ?? set.entity_id;
    if (!classifierId.startsWith('cl_')) {
      throw invalid('Docsort evaluates classifiers: entity.id must be a classifier id (cl_...)', 'entity.id');
    }
    const resolved = await resolveRunConfig(trx, actor, {
      classifier: { id: classifierId, version: req.entity?.version ?? 'draft' },
    });
    let items = await trx
      .selectFrom('evaluation_set_items')
      .selectAll()
      .where('evaluation_set_id', '=', set.id)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    if (req.evaluationSetItemIds) {
      const wanted = new Set(req.evaluationSetItemIds);
      const known = new Set(items.map((i) => i.id));
      const missing = [...wanted].find((id) => !known.has(id));
      if (missing)
        throw invalid(`Item "${missing}" is not in evaluation set ${set.id}`, 'evaluationSetItemIds');
      items = items.filter((i) => wanted.has(i.id));
    }
    if (items.length === 0) {
      throw invalid(
        `Evaluation set ${set.id} has no items; add some with POST /evaluation_sets/${set.id}/items`,
      );
    }
    const iso = deps.clock.now().toISOString();
    const run: EvaluationRunRow = {
      id: newId('batchRun'),
      workspace_id: actor.workspaceId,
      evaluation_set_id: set.id,
      classifier_id: classifierId,
      classifier_version_id: resolved.version?.id ?? '',
      status: 'PENDING',
      item_count: items.length,
      metrics: null,
      created_at: iso,
      updated_at: iso,
    };
    await trx.insertInto('evaluation_set_runs').values(run).execute();
    const links = [];
    for (const [i, item] of items.entries()) {
      const expected = JSON.parse(item.expected_output) as { id: string; type: string };
      const { run: child } = await insertRun(
        deps,
        trx,
        actor,
        { file: { id: item.file_id } },
        resolved,
        { source: 'BATCH_PROCESSOR_RUN', batchId: run.id, status: 'PENDING' },
        `evaluationSetItemIds.${i}`,
      );
      links.push({
        classify_run_id: child.id,
        evaluation_set_run_id: run.id,
        item_id: item.id,
        expected_id: expected.id,
        expected_type: expected.type,
      });
    }
    for (let i = 0; i < links.length; i += 200) {
      await trx
        .insertInto('evaluation_set_run_items')
        .values(links.slice(i, i + 200))
        .execute();
    }
    return runObject(trx, run);
  });
  deps.notifier.jobQueued();
  return out;
}

async function runObject(ex: Executor, run: EvaluationRunRow) {
  const [classifier, version] = await Promise.all([
    ex.selectFrom('classifiers').selectAll().where('id', '=', run.classifier_id).executeTakeFirst(),
    ex
      .selectFrom('classifier_versions')
      .selectAll()
      .where('id', '=', run.classifier_version_id)
      .executeTakeFirst(),
  ]);
  return {
    object: 'evaluation_set_run' as const,
    id: run.id,
    evaluationSetId: run.evaluation_set_id,
    entity: classifier
      ? classifierSummary(classifier)
      : { object: 'classifier' as const, id: run.classifier_id, name: '', createdAt: '', updatedAt: '' },
    entityVersion: version
      ? versionSummary(version)
      : {
          object: 'classifier_version' as const,
          id: run.classifier_version_id,
          description: null,
          version: '',
          classifierId: run.classifier_id,
          createdAt: '',
          createdBy: null,
        },
    metrics: await metricsOf(ex, run),
    status: run.status,
    options: {},
    createdAt: run.created_at,
    updatedAt: run.updated_at,
  };
}

export async function getEvaluationSetRun(deps: CoreDeps, actor: Actor, id: string) {
  const run = await deps.db
    .selectFrom('evaluation_set_runs')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', actor.workspaceId)
    .executeTakeFirst();
  if (!run) throw notFound('Evaluation set run', id);
  return runObject(deps.db, run);
}

/** Docsort extension: the runs of a workspace or of one evaluation set, newest first by default. */
export async function listEvaluationSetRuns(
  deps: CoreDeps,
  actor: Actor,
  q: PageRequest & { evaluationSetId?: string | undefined },
) {
  const fp = fingerprint(['evaluation_set_runs', actor.workspaceId, q.sortDir, q.evaluationSetId]);
  let query = deps.db
    .selectFrom('evaluation_set_runs')
    .selectAll()
    .where('workspace_id', '=', actor.workspaceId);
  if (q.evaluationSetId) query = query.where('evaluation_set_id', '=', q.evaluationSetId);
  const rows = await paginate(query, 'evaluation_set_runs', 'created_at', q, fp).execute();
  const objects = new Map(
    await Promise.all(
      rows.slice(0, q.maxPageSize).map(async (r) => [r.id, await runObject(deps.db, r)] as const),
    ),
  );
  return pageResult(
    rows,
    q,
    (r) => r.created_at,
    fp,
    (r) => objects.get(r.id)!,
  );
}

/**
 * Docsort extension: each file of an evaluation run with the answer it was scored against (the expected
 * output as it was when the run started) and the machine's first answer; `incorrect=true` keeps the wrong
 * and failed ones. Ordered by classify run id.
 */
export async function listEvaluationSetRunItems(
  deps: CoreDeps,
  actor: Actor,
  id: string,
  q: { maxPageSize: number; nextPageToken?: string | undefined; incorrect?: boolean | undefined },
) {
  await getEvaluationSetRun(deps, actor, id);
  const fp = fingerprint(['evaluation_set_run_items', id, q.incorrect ?? null]);
  let query = deps.db
    .selectFrom('evaluation_set_run_items as e')
    .leftJoin('classify_runs as r', 'r.id', 'e.classify_run_id')
    .leftJoin('files as f', 'f.id', 'r.file_id')
    .select([
      'e.classify_run_id',
      'e.item_id',
      'e.expected_id',
      'e.expected_type',
      'r.status',
      'r.output',
      'r.initial_output',
      'r.failure_reason',
      'r.failure_message',
      'r.file_id',
      'f.name as file_name',
    ])
    .where('e.evaluation_set_run_id', '=', id)
    .orderBy('e.classify_run_id', 'asc');
  if (q.nextPageToken) query = query.where('e.classify_run_id', '>', decodeCursor(q.nextPageToken, fp).id);
  const out: ReturnType<typeof resultObject>[] = [];
  let last: string | null = null;
  let more = false;
  // Filtering by correctness needs the JSON answer, so rows are read in chunks until the page is full.
  for (let offset = 0; ; offset += 500) {
    const rows = await query.limit(500).offset(offset).execute();
    for (const row of rows) {
      const item = resultObject(row);
      if (q.incorrect && item.correct !== false) continue;
      if (out.length === q.maxPageSize) {
        more = true;
        break;
      }
      out.push(item);
      last = row.classify_run_id;
    }
    if (more || rows.length < 500) break;
  }
  const page: { object: 'list'; data: typeof out; nextPageToken?: string } = { object: 'list', data: out };
  if (more && last) page.nextPageToken = encodeCursor({ v: last, id: last, f: fp });
  return page;
}

function resultObject(row: {
  classify_run_id: string;
  item_id: string;
  expected_id: string;
  expected_type: string;
  status: string | null;
  output: string | null;
  initial_output: string | null;
  failure_reason: string | null;
  failure_message: string | null;
  file_id: string | null;
  file_name: string | null;
}) {
  const answer = JSON.parse(row.initial_output ?? row.output ?? 'null') as {
    id: string;
    type: string;
    confidence: number;
  } | null;
  const status = row.status ?? 'DELETED';
  const finished = status === 'PROCESSED' || status === 'FAILED' || status === 'DELETED';
  return {
    object: 'evaluation_set_run_item' as const,
    classifyRunId: row.classify_run_id,
    evaluationSetItemId: row.item_id,
    file: row.file_id ? { id: row.file_id, name: row.file_name ?? '' } : null,
    status,
    expectedOutput: { id: row.expected_id, type: row.expected_type },
    output:
      status === 'PROCESSED' && answer
        ? { id: answer.id, type: answer.type, confidence: answer.confidence }
        : null,
    failureReason: row.failure_reason,
    failureMessage: row.failure_message,
    /** null while the run is still in flight. */
    correct: finished ? status === 'PROCESSED' && answer?.type === row.expected_type : null,
  };
}
