import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import { ApiError, invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Executor } from '../store/database.js';
import { fingerprint, type PageRequest, pageResult, paginate } from '../store/pagination.js';
import type { Database } from '../store/schema.js';
import { SEALED } from '../store/sealed-columns.js';
import { containsIgnoreCase } from '../store/text-search.js';
import type { Actor, CoreDeps } from './context.js';
import type { FileInput } from './schemas.js';
import { fileObject, fileSummary } from './serialize.js';

export type FileRow = Selectable<Database['files']>;

export interface NewFile {
  bytes: Uint8Array;
  name: string;
  mimeType?: string | null;
  password?: string | null;
  parentFileId?: string | null;
}

export function sanitizeFileName(name: string): string {
  // Keep the user's name readable but free of paths and control characters.
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = [...base]
    .filter((ch) => ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 255);
  return clean || 'file';
}

/**
 * Store the bytes first under a new key, then insert the row (supabase/storage's order): a crash
 * in between leaves an orphan blob, never a row without its file. The caller's transaction, when
 * given, makes the row part of a larger change.
 */
export async function storeFile(
  deps: CoreDeps,
  ex: Executor,
  workspaceId: string,
  f: NewFile,
): Promise<FileRow> {
  const row = await writeFileBytes(deps, workspaceId, f);
  await ex.insertInto('files').values(row).execute();
  return row;
}

/**
 * storeFile's first half: check the file, write its bytes (fsynced) and return the row to insert. Callers
 * that insert the row inside a transaction write the bytes before opening it, so the transaction never
 * waits on the disk (on SQLite it holds the only connection, and every other query waits with it).
 */
export async function writeFileBytes(deps: CoreDeps, workspaceId: string, f: NewFile): Promise<FileRow> {
  if (f.bytes.byteLength === 0) throw invalid('The file is empty.', 'file');
  if (f.bytes.byteLength > deps.config.limits.maxUploadBytes) {
    throw new ApiError(
      'PAYLOAD_TOO_LARGE',
      `The file is larger than the limit of ${deps.config.limits.maxUploadBytes} bytes.`,
    );
  }
  const id = newId('file');
  const name = sanitizeFileName(f.name);
  const detected = deps.parser.detect(f.bytes, name, f.mimeType ?? null);
  const blobKey = `${workspaceId}/${id}`;
  await deps.blobs.put(blobKey, f.bytes);
  const now = deps.clock.now().toISOString();
  return {
    id,
    workspace_id: workspaceId,
    name,
    type: detected?.fileType ?? null,
    mime_type: detected?.mimeType ?? f.mimeType ?? null,
    size_bytes: f.bytes.byteLength,
    sha256: createHash('sha256').update(f.bytes).digest('hex'),
    blob_key: blobKey,
    parent_file_id: f.parentFileId ?? null,
    metadata: '{}',
    // Sealed at rest: the parser needs it back, a copy of the database must not give it away.
    password: f.password == null ? null : deps.secrets.seal(f.password, SEALED.filePassword),
    created_at: now,
    updated_at: now,
  };
}

/** The file's password in clear, for the parser only: never returned by the API nor logged. */
export function filePassword(deps: CoreDeps, row: FileRow): string | null {
  return row.password === null ? null : deps.secrets.open(row.password, SEALED.filePassword);
}

type UrlFileInput = Extract<FileInput, { url: string }>;

/** A {url} file input as stored until the worker downloads it, its password sealed. */
export function pendingFileInputJson(deps: CoreDeps, input: UrlFileInput): string {
  const password = input.settings?.password;
  if (password === undefined) return JSON.stringify(input);
  return JSON.stringify({
    ...input,
    settings: { ...input.settings, password: deps.secrets.seal(password, SEALED.pendingFilePassword) },
  });
}

export function readPendingFileInput(deps: CoreDeps, json: string): UrlFileInput {
  const input = JSON.parse(json) as UrlFileInput;
  const password = input.settings?.password;
  if (password === undefined) return input;
  return {
    ...input,
    settings: { ...input.settings, password: deps.secrets.open(password, SEALED.pendingFilePassword) },
  };
}

export async function findFile(ex: Executor, actor: Actor, id: string): Promise<FileRow | null> {
  return (
    (await ex
      .selectFrom('files')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', actor.workspaceId)
      .executeTakeFirst()) ?? null
  );
}

export async function getFileOrThrow(ex: Executor, actor: Actor, id: string): Promise<FileRow> {
  const f = await findFile(ex, actor, id);
  if (!f) throw notFound('File', id);
  return f;
}

export function presignFileUrl(deps: CoreDeps, fileId: string): string {
  const expires = Math.floor(deps.clock.now().getTime() / 1000) + deps.config.presignTtlSeconds;
  const sig = createHmac('sha256', deps.urlSecret).update(`${fileId}:${expires}`).digest('hex');
  return `${deps.config.publicUrl}/files/${fileId}/content?expires=${expires}&signature=${sig}`;
}

export function verifyPresigned(deps: CoreDeps, fileId: string, expires: string, signature: string): boolean {
  if (!/^\d{1,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(signature)) return false;
  if (Number(expires) < deps.clock.now().getTime() / 1000) return false;
  const expected = createHmac('sha256', deps.urlSecret).update(`${fileId}:${expires}`).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

export async function uploadFile(deps: CoreDeps, actor: Actor, f: NewFile) {
  const row = await storeFile(deps, deps.db, actor.workspaceId, f);
  return fileObject(row, null);
}

export async function getFile(deps: CoreDeps, actor: Actor, id: string) {
  const row = await getFileOrThrow(deps.db, actor, id);
  return fileObject(row, presignFileUrl(deps, row.id));
}

export async function listFiles(
  deps: CoreDeps,
  actor: Actor,
  q: PageRequest & { nameContains?: string | undefined; parentFileId?: string | undefined },
) {
  const fp = fingerprint([
    'files',
    actor.workspaceId,
    q.nameContains ?? null,
    q.parentFileId ?? null,
    q.sortDir,
  ]);
  let query = deps.db.selectFrom('files').selectAll().where('workspace_id', '=', actor.workspaceId);
  if (q.nameContains) query = query.where(containsIgnoreCase('files.name', q.nameContains));
  if (q.parentFileId) query = query.where('parent_file_id', '=', q.parentFileId);
  const rows = await paginate(query, 'files', 'created_at', q, fp).execute();
  return pageResult(rows, q, (r) => r.created_at, fp, fileSummary);
}

/**
 * Deleting a file removes its parse runs and its stored training features (term counts and the start of its
 * text, which a language model may be shown as an example) too ("all associated data"); runs keep their
 * history with `file: null`.
 */
export async function deleteFile(deps: CoreDeps, actor: Actor, id: string) {
  const row = await getFileOrThrow(deps.db, actor, id);
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('parse_runs').where('file_id', '=', id).execute();
    await trx.deleteFrom('training_features').where('file_id', '=', id).execute();
    await trx.updateTable('classify_runs').set({ parse_run_id: null }).where('file_id', '=', id).execute();
    await trx.deleteFrom('files').where('id', '=', id).execute();
  });
  // After the commit: a crash here leaves an orphan blob, never a row pointing at nothing.
  await deps.blobs.delete(row.blob_key);
  return { id };
}

export async function readFileBytes(deps: CoreDeps, row: FileRow): Promise<Uint8Array> {
  return deps.blobs.get(row.blob_key);
}
