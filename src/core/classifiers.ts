import type { Selectable } from 'kysely';
import { invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Executor } from '../store/database.js';
import { recordEvent } from '../store/events.js';
import { decodeCursor, fingerprint, type PageRequest, pageResult, paginate } from '../store/pagination.js';
import type { Database } from '../store/schema.js';
import type { Actor, CoreDeps } from './context.js';
import type { ClassifyConfig } from './schemas.js';
import { classifierObject, classifierSummary, versionObject, versionSummary } from './serialize.js';

export type ClassifierRow = Selectable<Database['classifiers']>;
export type VersionRow = Selectable<Database['classifier_versions']>;

/** The draft a classifier starts with when created without a config: valid, and obviously a start. */
const STARTER_CONFIG: ClassifyConfig = {
  classifications: [
    { id: 'other', type: 'other', description: 'Any document that fits no other classification.' },
  ],
};

export async function findClassifier(ex: Executor, actor: Actor, id: string): Promise<ClassifierRow | null> {
  return (
    (await ex
      .selectFrom('classifiers')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', actor.workspaceId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst()) ?? null
  );
}

export async function getClassifierRow(ex: Executor, actor: Actor, id: string): Promise<ClassifierRow> {
  const c = await findClassifier(ex, actor, id);
  if (!c) throw notFound('Classifier', id);
  return c;
}

export async function getDraft(ex: Executor, classifierId: string): Promise<VersionRow> {
  return ex
    .selectFrom('classifier_versions')
    .selectAll()
    .where('classifier_id', '=', classifierId)
    .where('version', '=', 'draft')
    .executeTakeFirstOrThrow();
}

async function latestPublished(ex: Executor, classifierId: string): Promise<VersionRow | null> {
  return (
    (await ex
      .selectFrom('classifier_versions')
      .selectAll()
      .where('classifier_id', '=', classifierId)
      .where('version', '!=', 'draft')
      .orderBy('major', 'desc')
      .orderBy('minor', 'desc')
      .limit(1)
      .executeTakeFirst()) ?? null
  );
}

/**
 * Version resolution (spec §3.3): omitted → latest published; "latest" → latest published or the
 * draft; "draft"; a number like "1.0"; or a version id.
 */
export async function resolveVersion(
  ex: Executor,
  classifier: ClassifierRow,
  version: string | undefined,
  path: string,
): Promise<VersionRow> {
  if (version === undefined) {
    const v = await latestPublished(ex, classifier.id);
    if (!v) {
      throw invalid(
        `Classifier ${classifier.id} has no published version; publish one, or pass version "draft" or "latest"`,
        path,
      );
    }
    return v;
  }
  if (version === 'latest') return (await latestPublished(ex, classifier.id)) ?? getDraft(ex, classifier.id);
  const column = version === 'draft' || /^\d+\.\d+$/.test(version) ? 'version' : 'id';
  const v = await ex
    .selectFrom('classifier_versions')
    .selectAll()
    .where('classifier_id', '=', classifier.id)
    .where(column, '=', version)
    .executeTakeFirst();
  if (!v) throw notFound('Classifier version', version);
  return v;
}

function createdBy(actor: Actor): string {
  return JSON.stringify({ type: 'api_key', name: actor.keyName });
}

export async function createClassifier(
  deps: CoreDeps,
  actor: Actor,
  body: { name: string; cloneClassifierId?: string | undefined; config?: ClassifyConfig | undefined },
) {
  return deps.db.transaction().execute(async (trx) => {
    let config = body.config ?? STARTER_CONFIG;
    if (body.cloneClassifierId) {
      const source = await findClassifier(trx, actor, body.cloneClassifierId);
      if (!source) throw notFound('Classifier', body.cloneClassifierId);
      config = JSON.parse((await getDraft(trx, source.id)).config) as ClassifyConfig;
    }
    const now = deps.clock.now();
    const iso = now.toISOString();
    const classifier: ClassifierRow = {
      id: newId('classifier'),
      workspace_id: actor.workspaceId,
      name: body.name,
      created_at: iso,
      updated_at: iso,
      deleted_at: null,
    };
    const draft: VersionRow = {
      id: newId('classifierVersion'),
      workspace_id: actor.workspaceId,
      classifier_id: classifier.id,
      version: 'draft',
      major: null,
      minor: null,
      description: null,
      config: JSON.stringify(config),
      created_by: createdBy(actor),
      created_at: iso,
      updated_at: iso,
    };
    await trx.insertInto('classifiers').values(classifier).execute();
    await trx.insertInto('classifier_versions').values(draft).execute();
    const out = classifierObject(classifier, draft);
    await recordEvent(trx, now, actor.workspaceId, 'classifier.created', classifier.id, out);
    return out;
  });
}

export async function getClassifier(deps: CoreDeps, actor: Actor, id: string) {
  const c = await getClassifierRow(deps.db, actor, id);
  return classifierObject(c, await getDraft(deps.db, c.id));
}

export async function listClassifiers(
  deps: CoreDeps,
  actor: Actor,
  q: PageRequest & { sortBy: 'updatedAt' | 'createdAt' },
) {
  const column = q.sortBy === 'createdAt' ? 'created_at' : 'updated_at';
  const fp = fingerprint(['classifiers', actor.workspaceId, q.sortBy, q.sortDir]);
  const query = deps.db
    .selectFrom('classifiers')
    .selectAll()
    .where('workspace_id', '=', actor.workspaceId)
    .where('deleted_at', 'is', null);
  const rows = await paginate(query, 'classifiers', column, q, fp).execute();
  return pageResult(rows, q, (r) => r[column], fp, classifierSummary);
}

/** Decisions 6: `classifier.updated` on a name change, `classifier.draft.updated` on a config change. */
export async function updateClassifier(
  deps: CoreDeps,
  actor: Actor,
  id: string,
  body: { name?: string | undefined; config?: ClassifyConfig | undefined },
) {
  return deps.db.transaction().execute(async (trx) => {
    const c = await getClassifierRow(trx, actor, id);
    let draft = await getDraft(trx, id);
    const now = deps.clock.now();
    const iso = now.toISOString();
    const nameChanged = body.name !== undefined && body.name !== c.name;
    const configChanged = body.config !== undefined && JSON.stringify(body.config) !== draft.config;
    if (!nameChanged && !configChanged) return classifierObject(c, draft);
    const updated: ClassifierRow = { ...c, name: body.name ?? c.name, updated_at: iso };
    await trx
      .updateTable('classifiers')
      .set({ name: updated.name, updated_at: iso })
      .where('id', '=', id)
      .execute();
    if (configChanged) {
      draft = {
        ...draft,
        config: JSON.stringify(body.config),
        updated_at: iso,
        created_by: createdBy(actor),
      };
      await trx
        .updateTable('classifier_versions')
        .set({ config: draft.config, updated_at: iso, created_by: draft.created_by })
        .where('id', '=', draft.id)
        .execute();
    }
    const out = classifierObject(updated, draft);
    if (nameChanged) await recordEvent(trx, now, actor.workspaceId, 'classifier.updated', id, out);
    if (configChanged) await recordEvent(trx, now, actor.workspaceId, 'classifier.draft.updated', id, out);
    return out;
  });
}

/**
 * A Docsort extension (Decisions 6). Soft delete: runs made with the classifier keep showing it,
 * but it can no longer be read, listed, updated or used.
 */
export async function deleteClassifier(deps: CoreDeps, actor: Actor, id: string) {
  return deps.db.transaction().execute(async (trx) => {
    const c = await getClassifierRow(trx, actor, id);
    const draft = await getDraft(trx, id);
    const now = deps.clock.now();
    await trx
      .updateTable('classifiers')
      .set({ deleted_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
    await recordEvent(trx, now, actor.workspaceId, 'classifier.deleted', id, classifierObject(c, draft));
    return { id };
  });
}

/** Decisions 5: first minor is 0.1, first major 1.0; major resets the minor. */
export function nextVersionNumber(
  latest: { major: number; minor: number } | null,
  release: 'major' | 'minor',
) {
  const cur = latest ?? { major: 0, minor: 0 };
  return release === 'major'
    ? { major: cur.major + 1, minor: 0 }
    : { major: cur.major, minor: cur.minor + 1 };
}

export async function publishVersion(
  deps: CoreDeps,
  actor: Actor,
  classifierId: string,
  body: {
    releaseType: 'major' | 'minor';
    description?: string | undefined;
    config?: ClassifyConfig | undefined;
  },
) {
  return deps.db.transaction().execute(async (trx) => {
    const c = await getClassifierRow(trx, actor, classifierId);
    const draft = await getDraft(trx, classifierId);
    const latest = await latestPublished(trx, classifierId);
    const n = nextVersionNumber(
      latest ? { major: latest.major ?? 0, minor: latest.minor ?? 0 } : null,
      body.releaseType,
    );
    const now = deps.clock.now();
    const iso = now.toISOString();
    const row: VersionRow = {
      id: newId('classifierVersion'),
      workspace_id: actor.workspaceId,
      classifier_id: c.id,
      version: `${n.major}.${n.minor}`,
      major: n.major,
      minor: n.minor,
      description: body.description ?? null,
      // Decisions 5: publishing an explicit config does not change the draft.
      config: body.config ? JSON.stringify(body.config) : draft.config,
      created_by: createdBy(actor),
      created_at: iso,
      updated_at: iso,
    };
    await trx.insertInto('classifier_versions').values(row).execute();
    await trx.updateTable('classifiers').set({ updated_at: iso }).where('id', '=', c.id).execute();
    const out = versionObject(row);
    await recordEvent(trx, now, actor.workspaceId, 'classifier.version.published', row.id, out);
    return out;
  });
}

export async function getVersion(deps: CoreDeps, actor: Actor, classifierId: string, versionId: string) {
  const c = await getClassifierRow(deps.db, actor, classifierId);
  return versionObject(await resolveVersion(deps.db, c, versionId, 'versionId'));
}

/** Draft first, then published versions newest first (spec §3.3); sortDir orders the published ones. */
export async function listVersions(deps: CoreDeps, actor: Actor, classifierId: string, q: PageRequest) {
  const c = await getClassifierRow(deps.db, actor, classifierId);
  const fp = fingerprint(['versions', c.id, q.sortDir]);
  // Sort key: the draft sorts before every number in both directions.
  const rows = await deps.db
    .selectFrom('classifier_versions')
    .selectAll()
    .where('classifier_id', '=', c.id)
    .execute();
  const key = (r: VersionRow) =>
    r.version === 'draft'
      ? ''
      : `${String(r.major ?? 0).padStart(6, '0')}.${String(r.minor ?? 0).padStart(6, '0')}`;
  const published = rows.filter((r) => r.version !== 'draft').sort((a, b) => key(a).localeCompare(key(b)));
  if (q.sortDir === 'desc') published.reverse();
  const ordered = [...rows.filter((r) => r.version === 'draft'), ...published];
  let start = 0;
  if (q.nextPageToken) {
    const cursor = decodeCursor(q.nextPageToken, fp);
    start = ordered.findIndex((r) => r.id === cursor.id) + 1;
    if (start === 0) throw invalid('nextPageToken is not a valid page token', 'nextPageToken');
  }
  return pageResult(ordered.slice(start, start + q.maxPageSize + 1), q, key, fp, versionSummary);
}
