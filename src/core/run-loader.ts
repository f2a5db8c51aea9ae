import type { Selectable } from 'kysely';
import type { Executor } from '../store/database.js';
import { preparedQuery } from '../store/prepared-query.js';
import type { Database } from '../store/schema.js';
import {
  CLASSIFIER_SUMMARY_COLUMNS,
  FILE_SUMMARY_COLUMNS,
  type RunRelations,
  VERSION_SUMMARY_COLUMNS,
} from './serialize.js';

export type RunRow = Selectable<Database['classify_runs']>;

/** Load the classifier, version and file rows a page of runs refers to, in three queries. */
export async function loadRelations(ex: Executor, runs: RunRow[]): Promise<(run: RunRow) => RunRelations> {
  const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];
  const classifierIds = uniq(runs.map((r) => r.classifier_id));
  const versionIds = uniq(runs.map((r) => r.classifier_version_id));
  const fileIds = uniq(runs.map((r) => r.file_id));
  const [classifiers, versions, files] = await Promise.all([
    classifierIds.length
      ? ex.selectFrom('classifiers').selectAll().where('id', 'in', classifierIds).execute()
      : [],
    versionIds.length
      ? ex.selectFrom('classifier_versions').selectAll().where('id', 'in', versionIds).execute()
      : [],
    fileIds.length ? ex.selectFrom('files').selectAll().where('id', 'in', fileIds).execute() : [],
  ]);
  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  const c = byId(classifiers);
  const v = byId(versions);
  const f = byId(files);
  return (run) => ({
    classifier: run.classifier_id ? (c.get(run.classifier_id) ?? null) : null,
    version: run.classifier_version_id ? (v.get(run.classifier_version_id) ?? null) : null,
    file: run.file_id ? (f.get(run.file_id) ?? null) : null,
  });
}

// Run for every GET of a run and every finished run: built and compiled once (preparedQuery). Separate
// lookups by primary key rather than one query with three left joins: PostgreSQL plans the join anew on
// every call and takes twice as long over it as over the lookups (0.49 against 0.25 ms, measured here).
const runById = preparedQuery((ex, p: { id: string; workspaceId: string }) =>
  ex.selectFrom('classify_runs').selectAll().where('id', '=', p.id).where('workspace_id', '=', p.workspaceId),
);
const fileById = preparedQuery((ex, p: { id: string }) =>
  ex.selectFrom('files').select(FILE_SUMMARY_COLUMNS).where('id', '=', p.id),
);
const classifierById = preparedQuery((ex, p: { id: string }) =>
  ex.selectFrom('classifiers').select(CLASSIFIER_SUMMARY_COLUMNS).where('id', '=', p.id),
);
const versionById = preparedQuery((ex, p: { id: string }) =>
  ex.selectFrom('classifier_versions').select(VERSION_SUMMARY_COLUMNS).where('id', '=', p.id),
);

/** The rows one run's API object shows. */
export async function runRelations(ex: Executor, run: RunRow): Promise<RunRelations> {
  const one = async <T>(id: string | null, query: (ex: Executor, v: { id: string }) => Promise<T[]>) =>
    id === null ? null : ((await query(ex, { id }))[0] ?? null);
  return {
    classifier: await one(run.classifier_id, classifierById),
    version: await one(run.classifier_version_id, versionById),
    file: await one(run.file_id, fileById),
  };
}

/** One run of a workspace with the rows its API object shows (GET /classify_runs/{id}). */
export async function findRunWithRelations(
  ex: Executor,
  workspaceId: string,
  runId: string,
): Promise<{ run: RunRow; relations: RunRelations } | null> {
  const [run] = await runById(ex, { id: runId, workspaceId });
  return run ? { run, relations: await runRelations(ex, run) } : null;
}
