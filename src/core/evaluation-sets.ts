import type { Selectable } from 'kysely';
import { invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Executor } from '../store/database.js';
import { fingerprint, type PageRequest, pageResult, paginate } from '../store/pagination.js';
import type { Database } from '../store/schema.js';
import { getClassifierRow, getDraft } from './classifiers.js';
import type { Actor, CoreDeps } from './context.js';
import type {
  CreateEvaluationSetItemsRequest,
  CreateEvaluationSetRequest,
  ExpectedClassifyOutput,
} from './evaluation-schemas.js';
import { findFile } from './files.js';
import type { ClassifyConfig } from './schemas.js';
import { classifierSummary, fileSummary } from './serialize.js';
import { enqueueLearning } from './training-examples.js';

/**
 * Evaluation sets: labelled documents for one classifier. They score the classifier (evaluation set runs)
 * and teach it: every item is a training example of the set's classifier (docs/classification.md).
 */

export type EvaluationSetRow = Selectable<Database['evaluation_sets']>;
export type EvaluationItemRow = Selectable<Database['evaluation_set_items']>;

const createdBy = (actor: Actor) => JSON.stringify({ type: 'api_key', name: actor.keyName });
const parseJson = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

async function setObject(ex: Executor, set: EvaluationSetRow) {
  const classifier = await ex
    .selectFrom('classifiers')
    .selectAll()
    .where('id', '=', set.entity_id)
    .executeTakeFirst();
  return {
    object: 'evaluation_set' as const,
    id: set.id,
    name: set.name,
    description: set.description,
    entity: classifier
      ? classifierSummary(classifier)
      : // The classifier was deleted: the set keeps its items and says which classifier it was for.
        { object: 'classifier' as const, id: set.entity_id, name: '', createdAt: '', updatedAt: '' },
    createdAt: set.created_at,
    updatedAt: set.updated_at,
    createdBy: parseJson<{ type: string; name?: string }>(set.created_by),
  };
}

export async function findEvaluationSet(ex: Executor, actor: Actor, id: string): Promise<EvaluationSetRow> {
  const set = await ex
    .selectFrom('evaluation_sets')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', actor.workspaceId)
    .executeTakeFirst();
  if (!set) throw notFound('Evaluation set', id);
  return set;
}

export async function createEvaluationSet(deps: CoreDeps, actor: Actor, req: CreateEvaluationSetRequest) {
  if (!req.entityId.startsWith('cl_')) {
    throw invalid('Docsort evaluates classifiers: entityId must be a classifier id (cl_...)', 'entityId');
  }
  await getClassifierRow(deps.db, actor, req.entityId);
  const iso = deps.clock.now().toISOString();
  const row: EvaluationSetRow = {
    id: newId('evaluationSet'),
    workspace_id: actor.workspaceId,
    name: req.name,
    description: req.description ?? '',
    entity_id: req.entityId,
    created_by: createdBy(actor),
    created_at: iso,
    updated_at: iso,
  };
  await deps.db.insertInto('evaluation_sets').values(row).execute();
  return setObject(deps.db, row);
}

export async function getEvaluationSet(deps: CoreDeps, actor: Actor, id: string) {
  return setObject(deps.db, await findEvaluationSet(deps.db, actor, id));
}

export async function listEvaluationSets(
  deps: CoreDeps,
  actor: Actor,
  q: PageRequest & { sortBy: 'updatedAt' | 'createdAt'; entityId?: string | undefined },
) {
  const column = q.sortBy === 'createdAt' ? 'created_at' : 'updated_at';
  const fp = fingerprint(['evaluation_sets', actor.workspaceId, q.sortBy, q.sortDir, q.entityId]);
  let query = deps.db.selectFrom('evaluation_sets').selectAll().where('workspace_id', '=', actor.workspaceId);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  const rows = await paginate(query, 'evaluation_sets', column, q, fp).execute();
  const page = rows.slice(0, q.maxPageSize);
  const objects = new Map(
    await Promise.all(page.map(async (r) => [r.id, await setObject(deps.db, r)] as const)),
  );
  return pageResult(
    rows,
    q,
    (r) => r[column],
    fp,
    (r) => objects.get(r.id)!,
  );
}

/** Docsort extension: rename or describe a set. */
export async function updateEvaluationSet(
  deps: CoreDeps,
  actor: Actor,
  id: string,
  body: { name?: string | undefined; description?: string | undefined },
) {
  const set = await findEvaluationSet(deps.db, actor, id);
  const next = {
    name: body.name ?? set.name,
    description: body.description ?? set.description,
    updated_at: deps.clock.now().toISOString(),
  };
  await deps.db.updateTable('evaluation_sets').set(next).where('id', '=', id).execute();
  return setObject(deps.db, { ...set, ...next });
}

/** Docsort extension: removes the set and its items (the classifier stops learning from them); runs stay. */
export async function deleteEvaluationSet(deps: CoreDeps, actor: Actor, id: string) {
  await deps.db.transaction().execute(async (trx) => {
    await findEvaluationSet(trx, actor, id);
    await trx.deleteFrom('evaluation_set_items').where('evaluation_set_id', '=', id).execute();
    await trx.deleteFrom('evaluation_sets').where('id', '=', id).execute();
  });
  return { id };
}

// ---- items ----

async function itemObject(ex: Executor, item: EvaluationItemRow) {
  const file = await ex.selectFrom('files').selectAll().where('id', '=', item.file_id).executeTakeFirst();
  return {
    object: 'evaluation_set_item' as const,
    id: item.id,
    evaluationSetId: item.evaluation_set_id,
    file: file ? fileSummary(file) : null,
    expectedOutput: JSON.parse(item.expected_output) as ExpectedClassifyOutput,
    createdBy: parseJson<{ type: string; name?: string }>(item.created_by),
  };
}

/** The expected answer must name a classification of the classifier's draft, with its type. */
function checkExpected(config: ClassifyConfig, expected: ExpectedClassifyOutput, path: string): void {
  const c = config.classifications.find((x) => x.id === expected.id);
  if (!c) {
    const ids = config.classifications.map((x) => `"${x.id}"`).join(', ');
    throw invalid(
      `"${expected.id}" is not a classification id of the classifier's draft (${ids})`,
      `${path}.id`,
    );
  }
  if (c.type !== expected.type) {
    throw invalid(
      `type "${expected.type}" does not match classification "${c.id}" (type "${c.type}")`,
      `${path}.type`,
    );
  }
}

async function draftConfig(ex: Executor, classifierId: string): Promise<ClassifyConfig> {
  return JSON.parse((await getDraft(ex, classifierId)).config) as ClassifyConfig;
}

export async function createEvaluationSetItems(
  deps: CoreDeps,
  actor: Actor,
  setId: string,
  req: CreateEvaluationSetItemsRequest,
) {
  const out = await deps.db.transaction().execute(async (trx) => {
    const set = await findEvaluationSet(trx, actor, setId);
    await getClassifierRow(trx, actor, set.entity_id);
    const config = await draftConfig(trx, set.entity_id);
    const iso = deps.clock.now().toISOString();
    const rows: EvaluationItemRow[] = [];
    for (const [i, item] of req.items.entries()) {
      if (!(await findFile(trx, actor, item.fileId))) {
        throw invalid(`File "${item.fileId}" was not found`, `items.${i}.fileId`);
      }
      checkExpected(config, item.expectedOutput, `items.${i}.expectedOutput`);
      rows.push({
        id: newId('evaluationSetItem'),
        workspace_id: actor.workspaceId,
        evaluation_set_id: set.id,
        file_id: item.fileId,
        expected_output: JSON.stringify({ id: item.expectedOutput.id, type: item.expectedOutput.type }),
        created_by: createdBy(actor),
        created_at: iso,
        updated_at: iso,
      });
    }
    for (let i = 0; i < rows.length; i += 200) {
      await trx
        .insertInto('evaluation_set_items')
        .values(rows.slice(i, i + 200))
        .execute();
    }
    await trx.updateTable('evaluation_sets').set({ updated_at: iso }).where('id', '=', set.id).execute();
    // Items teach the classifier: their files are parsed and turned into features in the background.
    await enqueueLearning(deps, trx, actor.workspaceId, set.entity_id, [
      ...new Set(rows.map((r) => r.file_id)),
    ]);
    return Promise.all(rows.map((r) => itemObject(trx, r)));
  });
  deps.notifier.jobQueued();
  return { evaluationSetItems: out };
}

async function findItem(ex: Executor, actor: Actor, setId: string, itemId: string) {
  const item = await ex
    .selectFrom('evaluation_set_items')
    .selectAll()
    .where('id', '=', itemId)
    .where('evaluation_set_id', '=', setId)
    .where('workspace_id', '=', actor.workspaceId)
    .executeTakeFirst();
  if (!item) throw notFound('Evaluation set item', itemId);
  return item;
}

export async function getEvaluationSetItem(deps: CoreDeps, actor: Actor, setId: string, itemId: string) {
  await findEvaluationSet(deps.db, actor, setId);
  return itemObject(deps.db, await findItem(deps.db, actor, setId, itemId));
}

export async function listEvaluationSetItems(
  deps: CoreDeps,
  actor: Actor,
  setId: string,
  q: PageRequest & { sortBy: 'updatedAt' | 'createdAt' },
) {
  await findEvaluationSet(deps.db, actor, setId);
  const column = q.sortBy === 'createdAt' ? 'created_at' : 'updated_at';
  const fp = fingerprint(['evaluation_set_items', setId, q.sortBy, q.sortDir]);
  const query = deps.db.selectFrom('evaluation_set_items').selectAll().where('evaluation_set_id', '=', setId);
  const rows = await paginate(query, 'evaluation_set_items', column, q, fp).execute();
  const page = rows.slice(0, q.maxPageSize);
  const files = page.length
    ? await deps.db
        .selectFrom('files')
        .selectAll()
        .where(
          'id',
          'in',
          page.map((r) => r.file_id),
        )
        .execute()
    : [];
  const byId = new Map(files.map((f) => [f.id, f]));
  return pageResult(
    rows,
    q,
    (r) => r[column],
    fp,
    (r) => {
      const file = byId.get(r.file_id);
      return {
        object: 'evaluation_set_item' as const,
        id: r.id,
        file: file ? fileSummary(file) : null,
        // Docsort extension: the list shows each item's label too, so a set can be reviewed page by page.
        expectedOutput: JSON.parse(r.expected_output) as ExpectedClassifyOutput,
        createdBy: parseJson<{ type: string; name?: string }>(r.created_by),
      };
    },
  );
}

export async function updateEvaluationSetItem(
  deps: CoreDeps,
  actor: Actor,
  setId: string,
  itemId: string,
  body: { expectedOutput: ExpectedClassifyOutput },
) {
  return deps.db.transaction().execute(async (trx) => {
    const set = await findEvaluationSet(trx, actor, setId);
    const item = await findItem(trx, actor, setId, itemId);
    checkExpected(await draftConfig(trx, set.entity_id), body.expectedOutput, 'expectedOutput');
    const patch = {
      expected_output: JSON.stringify({ id: body.expectedOutput.id, type: body.expectedOutput.type }),
      updated_at: deps.clock.now().toISOString(),
    };
    await trx.updateTable('evaluation_set_items').set(patch).where('id', '=', itemId).execute();
    await trx
      .updateTable('evaluation_sets')
      .set({ updated_at: patch.updated_at })
      .where('id', '=', setId)
      .execute();
    return itemObject(trx, { ...item, ...patch });
  });
}

export async function deleteEvaluationSetItem(deps: CoreDeps, actor: Actor, setId: string, itemId: string) {
  await deps.db.transaction().execute(async (trx) => {
    await findEvaluationSet(trx, actor, setId);
    await findItem(trx, actor, setId, itemId);
    await trx.deleteFrom('evaluation_set_items').where('id', '=', itemId).execute();
    await trx
      .updateTable('evaluation_sets')
      .set({ updated_at: deps.clock.now().toISOString() })
      .where('id', '=', setId)
      .execute();
  });
  return { id: itemId };
}
