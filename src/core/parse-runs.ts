import { ApiError, invalid, notFound } from '../lib/errors.js';
import { type Executor, relaxedCommits } from '../store/database.js';
import { deleteJobsFor, enqueueJob } from '../store/job-queue.js';
import { fingerprint, type PageRequest, pageResult, paginate } from '../store/pagination.js';
import { containsIgnoreCase } from '../store/text-search.js';
import { newBatchRow } from './batch-runs.js';
import type { Actor, CoreDeps } from './context.js';
import { type FileRow, getFileOrThrow, storeFile } from './files.js';
import {
  createChildFiles,
  executeParse,
  fileMetadataAfterParse,
  newParseRunRow,
  ParseRunFailed,
  type ParseRunRow,
  parseConfigKey,
  resolvedParseConfig,
} from './parse-execution.js';
import type { FileInput } from './schemas.js';
import { batchRunObject, parseRunObject, parseRunSummary } from './serialize.js';

export { ParseRunFailed, type ParseRunRow } from './parse-execution.js';

export const PARSE_JOB = 'parse_run';

export interface ParsedForRun {
  parseRun: ParseRunRow;
  pages: { pageNumber: number; text: string }[];
  /** True when this call made (and so bills) the parse run. */
  created: boolean;
}

export function pagesFromOutput(output: string | null): { pageNumber: number; text: string }[] {
  const parsed = JSON.parse(output ?? '{"chunks":[]}') as {
    chunks: { content: string; metadata: { pageRange: { start: number } } }[];
  };
  return parsed.chunks.map((c) => ({ pageNumber: c.metadata.pageRange.start, text: c.content }));
}

/**
 * Parse a file for a classify run, reusing a finished parse of the same file and options (spec §3.3:
 * "the parsed output is reused"). A new parse run is recorded whether it succeeds or fails.
 */
export async function parseForRun(
  deps: CoreDeps,
  file: FileRow,
  parseConfig: Record<string, unknown> | undefined,
  sourceRunId: string,
): Promise<ParsedForRun> {
  const config = resolvedParseConfig(parseConfig);
  const existing = await deps.db
    .selectFrom('parse_runs')
    .selectAll()
    .where('file_id', '=', file.id)
    .where('config_key', '=', parseConfigKey(config))
    .where('status', '=', 'PROCESSED')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (existing) return { parseRun: existing, pages: pagesFromOutput(existing.output), created: false };

  const run = newParseRunRow(deps, {
    file,
    config,
    status: 'PROCESSING',
    source: 'DOCUMENT_PROCESSOR_RUN',
    sourceId: sourceRunId,
  });
  // Relaxed commits (see relaxedCommits): a parse run lost in a power failure is parsed again with the run
  // that needs it, and the commit that finishes that run makes it durable.
  await relaxedCommits(deps.db, deps.dialect, (ex) => ex.insertInto('parse_runs').values(run).execute());
  try {
    const done = await executeParse(deps, run, file);
    await relaxedCommits(deps.db, deps.dialect, (ex) =>
      ex.transaction().execute(async (trx) => {
        await trx.updateTable('parse_runs').set(done.row).where('id', '=', run.id).execute();
        await trx
          .updateTable('files')
          .set({ ...fileMetadataAfterParse(file, done.row.page_count ?? 0), updated_at: done.row.updated_at })
          .where('id', '=', file.id)
          .execute();
      }),
    );
    await createChildFiles(deps, file, done.attachments);
    return { parseRun: done.row, pages: done.pages, created: true };
  } catch (err) {
    if (err instanceof ParseRunFailed) {
      await deps.db.updateTable('parse_runs').set(err.parseRun).where('id', '=', run.id).execute();
    }
    throw err;
  }
}

/**
 * Parse inputs accept {id} and {url} (spec §2). A URL is fetched while the request waits, because
 * a parse run always has a file; a download failure is a 400 naming UNABLE_TO_DOWNLOAD_FILE.
 */
async function resolveParseFile(deps: CoreDeps, ex: Executor, actor: Actor, input: FileInput, path: string) {
  if ('id' in input) {
    return getFileOrThrow(ex, actor, input.id);
  }
  if ('text' in input) throw invalid('Parse runs take a file id or a url', path);
  let downloaded: Awaited<ReturnType<CoreDeps['downloader']['download']>>;
  try {
    downloaded = await deps.downloader.download(input.url);
  } catch (err) {
    throw invalid(
      `UNABLE_TO_DOWNLOAD_FILE: ${err instanceof Error ? err.message : String(err)}`,
      `${path}.url`,
    );
  }
  if (downloaded.bytes.byteLength === 0)
    throw invalid('UNABLE_TO_DOWNLOAD_FILE: the URL returned an empty file', `${path}.url`);
  return storeFile(deps, ex, actor.workspaceId, {
    bytes: downloaded.bytes,
    name: input.name ?? downloaded.fileName,
    mimeType: downloaded.contentType,
    password: input.settings?.password ?? null,
  });
}

export interface CreateParseRunRequest {
  file: FileInput;
  config?: Record<string, unknown> | undefined;
  metadata?: Record<string, unknown> | undefined;
  priority?: number | undefined;
}

async function insertParseRun(
  deps: CoreDeps,
  ex: Executor,
  actor: Actor,
  file: FileRow,
  req: {
    config?: Record<string, unknown> | undefined;
    metadata?: Record<string, unknown> | undefined;
    priority?: number | undefined;
  },
  opts: { status: 'PENDING' | 'PROCESSING'; source: string; batchId?: string | null },
): Promise<ParseRunRow> {
  const run = newParseRunRow(deps, {
    file,
    config: resolvedParseConfig(req.config),
    status: opts.status,
    source: opts.source,
    sourceId: opts.batchId ?? null,
    batchId: opts.batchId ?? null,
    metadata: req.metadata ?? null,
  });
  await ex.insertInto('parse_runs').values(run).execute();
  await enqueueJob(
    ex,
    deps.clock.now(),
    PARSE_JOB,
    { parseRunId: run.id },
    {
      workspaceId: actor.workspaceId,
      priority: req.priority ?? 50,
    },
  );
  return run;
}

export async function createParseRun(deps: CoreDeps, actor: Actor, req: CreateParseRunRequest) {
  const file = await resolveParseFile(deps, deps.db, actor, req.file, 'file');
  const out = await deps.db.transaction().execute(async (trx) => {
    const run = await insertParseRun(deps, trx, actor, file, req, { status: 'PROCESSING', source: 'API' });
    return parseRunObject(run, file);
  });
  deps.notifier.jobQueued();
  return out;
}

/** POST /parse: wait for the run; a document that cannot be parsed is a 422 (Decisions 1). */
export async function parseSync(deps: CoreDeps, actor: Actor, req: CreateParseRunRequest) {
  const created = await createParseRun(deps, actor, req);
  const deadline = Date.now() + deps.config.limits.syncTimeoutMs;
  for (;;) {
    const run = await getParseRun(deps, actor, created.id);
    if (run.status === 'PROCESSED') return run;
    if (run.status === 'FAILED') {
      throw new ApiError(
        'UNPROCESSABLE_ENTITY',
        `${run.failureReason}: ${run.failureMessage} (parse run ${run.id})`,
      );
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new ApiError('TIMEOUT', `The parse did not finish in time; it continues as ${created.id}.`);
    }
    await deps.notifier.waitForRun(created.id, Math.min(left, 500));
  }
}

export async function createParseBatch(
  deps: CoreDeps,
  actor: Actor,
  req: {
    inputs: { file: FileInput; metadata?: Record<string, unknown> | undefined }[];
    config?: Record<string, unknown> | undefined;
    priority?: number | undefined;
  },
) {
  const files: FileRow[] = [];
  for (const [i, input] of req.inputs.entries())
    files.push(await resolveParseFile(deps, deps.db, actor, input.file, `inputs.${i}.file`));
  const out = await deps.db.transaction().execute(async (trx) => {
    const batch = newBatchRow(deps, actor, 'parse', null, req.inputs.length);
    await trx.insertInto('batch_runs').values(batch).execute();
    for (const [i, input] of req.inputs.entries()) {
      const file = files[i] as FileRow;
      await insertParseRun(
        deps,
        trx,
        actor,
        file,
        { config: req.config, metadata: input.metadata, priority: req.priority },
        { status: 'PENDING', source: 'BATCH_PARSER_RUN', batchId: batch.id },
      );
    }
    return batchRunObject(batch);
  });
  deps.notifier.jobQueued();
  return out;
}

/** Removes the parse run; classify runs that used it keep their results and lose the link. */
export async function deleteParseRun(deps: CoreDeps, actor: Actor, id: string) {
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('parse_runs')
      .select('id')
      .where('id', '=', id)
      .where('workspace_id', '=', actor.workspaceId)
      .executeTakeFirst();
    if (!row) throw notFound('Parse run', id);
    await trx.deleteFrom('parse_runs').where('id', '=', id).execute();
    await trx
      .updateTable('classify_runs')
      .set({ parse_run_id: null })
      .where('parse_run_id', '=', id)
      .execute();
    await deleteJobsFor(trx, PARSE_JOB, 'parseRunId', id);
  });
  deps.notifier.runFinished(id);
  return { id };
}

async function withFile(ex: Executor, rows: ParseRunRow[]) {
  const ids = [...new Set(rows.map((r) => r.file_id))];
  const files = ids.length ? await ex.selectFrom('files').selectAll().where('id', 'in', ids).execute() : [];
  return new Map(files.map((f) => [f.id, f]));
}

export async function getParseRun(deps: CoreDeps, actor: Actor, id: string) {
  const row = await deps.db
    .selectFrom('parse_runs')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', actor.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound('Parse run', id);
  const file = (await withFile(deps.db, [row])).get(row.file_id);
  if (!file) throw notFound('Parse run', id);
  return parseRunObject(row, file);
}

export async function listParseRuns(
  deps: CoreDeps,
  actor: Actor,
  q: PageRequest & {
    status?: string | undefined;
    batchId?: string | undefined;
    source?: string | undefined;
    sourceId?: string | undefined;
    fileNameContains?: string | undefined;
  },
) {
  const fp = fingerprint([
    'parse_runs',
    actor.workspaceId,
    q.sortDir,
    q.status,
    q.batchId,
    q.source,
    q.sourceId,
    q.fileNameContains,
  ]);
  let query = deps.db
    .selectFrom('parse_runs')
    .selectAll('parse_runs')
    .where('parse_runs.workspace_id', '=', actor.workspaceId);
  if (q.status) query = query.where('parse_runs.status', '=', q.status);
  if (q.batchId) query = query.where('parse_runs.batch_id', '=', q.batchId);
  if (q.source) query = query.where('parse_runs.source', '=', q.source);
  if (q.sourceId) query = query.where('parse_runs.source_id', '=', q.sourceId);
  if (q.fileNameContains) {
    const needle = q.fileNameContains;
    query = query.where('parse_runs.file_id', 'in', (eb) =>
      eb.selectFrom('files').select('files.id').where(containsIgnoreCase('files.name', needle)),
    );
  }
  const rows = await paginate(query, 'parse_runs', 'created_at', q, fp).execute();
  const files = await withFile(deps.db, rows);
  return pageResult(
    rows,
    q,
    (r) => r.created_at,
    fp,
    (r) => {
      const f = files.get(r.file_id);
      if (!f) throw new Error(`parse run ${r.id} lost its file`);
      return parseRunSummary(r, f);
    },
  );
}
