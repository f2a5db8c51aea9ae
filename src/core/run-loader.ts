import type { Selectable } from 'kysely';
import type { Executor } from '../store/database.js';
import type { Database } from '../store/schema.js';
import type { RunRelations } from './serialize.js';

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
