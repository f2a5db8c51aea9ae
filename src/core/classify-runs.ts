import { ApiError, invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Executor } from '../store/database.js';
import { deleteJobsFor, newJobRow } from '../store/job-queue.js';
import { fingerprint, type PageRequest, pageResult, paginate } from '../store/pagination.js';
import { containsIgnoreCase } from '../store/text-search.js';
import { settleBatchIfDone } from './batch-runs.js';
import type { Actor, CoreDeps } from './context.js';
import { type FileRow, getFileOrThrow, pendingFileInputJson, writeFileBytes } from './files.js';
import { resolveRunConfig } from './run-config.js';
import { findRunWithRelations, loadRelations, type RunRow, runRelations } from './run-loader.js';
import type {
  ClassifyConfig,
  CreateClassifyRunRequest,
  FileInput,
  ListClassifyRunsQuery,
} from './schemas.js';
import {
  type ClassifyOutput,
  type ClassifyRunObject,
  classifyRunObject,
  classifyRunSummary,
} from './serialize.js';

export const CLASSIFY_JOB = 'classify_run';
export const TERMINAL = new Set(['PROCESSED', 'FAILED', 'CANCELLED']);

export interface NewRunOptions {
  source: 'API' | 'BATCH_PROCESSOR_RUN';
  batchId?: string | null;
  /** Batch children wait as PENDING; single runs start as PROCESSING (spec §3.2). */
  status: 'PENDING' | 'PROCESSING';
}

function urlFileName(url: string): string | null {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last).slice(0, 255) : null;
  } catch {
    return null;
  }
}

/**
 * A {text} input's bytes, written before the transaction that inserts its row (writeFileBytes), or the
 * error writing them raised: it is thrown where storeFile would have thrown it, so a request with several
 * faults still reports the same one first.
 */
export type StagedFile = { row: FileRow } | { error: unknown };

export async function stageTextFile(
  deps: CoreDeps,
  actor: Actor,
  input: FileInput,
): Promise<StagedFile | null> {
  if (!('text' in input)) return null;
  try {
    const row = await writeFileBytes(deps, actor.workspaceId, {
      bytes: new TextEncoder().encode(input.text),
      name: input.name ?? 'text.txt',
      mimeType: 'text/plain',
    });
    return { row };
  } catch (error) {
    return { error };
  }
}

/** The blobs of staged files whose transaction failed: their rows were never committed. */
export async function discardStaged(deps: CoreDeps, staged: readonly (StagedFile | null)[]): Promise<void> {
  for (const s of staged) {
    // Best effort: a blob left behind is an orphan, as after a crash between the two halves of storeFile.
    if (s && 'row' in s) await deps.blobs.delete(s.row.blob_key).catch(() => undefined);
  }
}

/** A run's file: an existing one, a new one whose bytes are written and whose row is still to insert, or a URL. */
interface ResolvedFile {
  file: FileRow | null;
  /** The new file's row, inserted with the run's (insertRunRows). */
  newRow: FileRow | null;
  pending: Extract<FileInput, { url: string }> | null;
  name: string | null;
}

/**
 * Resolve a run's file input now where that is cheap and certain ({id} must exist, {text} becomes
 * a file); a {url} is validated here and downloaded by the worker, so creating a run never waits
 * on someone else's server.
 */
async function resolveFileInput(
  deps: CoreDeps,
  ex: Executor,
  actor: Actor,
  input: FileInput,
  path: string,
  staged: StagedFile | null,
): Promise<ResolvedFile> {
  if ('id' in input) {
    const f = await getFileOrThrow(ex, actor, input.id);
    return { file: f, newRow: null, pending: null, name: f.name };
  }
  if ('text' in input) {
    const staging = staged ?? (await stageTextFile(deps, actor, input));
    if (!staging) throw new Error('a text input was not staged');
    if ('error' in staging) throw staging.error;
    return { file: staging.row, newRow: staging.row, pending: null, name: staging.row.name };
  }
  let parsed: URL;
  try {
    parsed = new URL(input.url);
  } catch {
    throw invalid('file.url is not a valid URL', `${path}.url`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalid('file.url must be an http or https URL', `${path}.url`);
  }
  return { file: null, newRow: null, pending: input, name: input.name ?? urlFileName(input.url) };
}

/**
 * A new run's rows: its file's (a {text} input), its own and its job's. The job is written with the run:
 * no run without its job, ever. On PostgreSQL they go in one statement (data-modifying CTEs), one round
 * trip instead of three; SQLite has no such statement.
 */
async function insertRunRows(
  deps: CoreDeps,
  ex: Executor,
  rows: { file: FileRow | null; run: RunRow; job: ReturnType<typeof newJobRow> },
): Promise<void> {
  const { file, run, job } = rows;
  if (deps.dialect === 'postgres') {
    const withRun = ex.with('new_run', (db) => db.insertInto('classify_runs').values(run));
    if (file)
      await withRun
        .with('new_file', (db) => db.insertInto('files').values(file))
        .insertInto('jobs')
        .values(job)
        .execute();
    else await withRun.insertInto('jobs').values(job).execute();
    return;
  }
  if (file) await ex.insertInto('files').values(file).execute();
  await ex.insertInto('classify_runs').values(run).execute();
  await ex.insertInto('jobs').values(job).execute();
}

/** Inserts a run (and its `{text}`/`{url}` file, its job) and returns both rows. */
export async function insertRun(
  deps: CoreDeps,
  ex: Executor,
  actor: Actor,
  req: { file: FileInput; metadata?: Record<string, unknown> | undefined; priority?: number | undefined },
  resolved: Awaited<ReturnType<typeof resolveRunConfig>>,
  opts: NewRunOptions,
  filePath = 'file',
  staged: StagedFile | null = null,
): Promise<{ run: RunRow; file: FileRow | null }> {
  const file = await resolveFileInput(deps, ex, actor, req.file, filePath, staged);
  const now = deps.clock.now();
  const iso = now.toISOString();
  const run: RunRow = {
    id: newId('classifyRun'),
    workspace_id: actor.workspaceId,
    status: opts.status,
    classifier_id: resolved.classifier?.id ?? null,
    classifier_version_id: resolved.version?.id ?? null,
    config: JSON.stringify(resolved.config),
    file_id: file.file?.id ?? null,
    file_input: file.pending ? pendingFileInputJson(deps, file.pending) : null,
    file_name: file.name,
    parse_run_id: null,
    output: null,
    output_type: null,
    output_confidence: null,
    initial_output: null,
    reviewed_output: null,
    reviewed: 0,
    edited: 0,
    failure_reason: null,
    failure_message: null,
    metadata: req.metadata ? JSON.stringify(req.metadata) : null,
    usage: null,
    batch_id: opts.batchId ?? null,
    source: opts.source,
    source_id: opts.batchId ?? null,
    priority: req.priority ?? 50,
    started_at: null,
    created_at: iso,
    updated_at: iso,
  };
  const job = newJobRow(
    now,
    CLASSIFY_JOB,
    { runId: run.id },
    { workspaceId: actor.workspaceId, priority: run.priority },
  );
  await insertRunRows(deps, ex, { file: file.newRow, run, job });
  return { run, file: file.file };
}

export async function createClassifyRun(deps: CoreDeps, actor: Actor, req: CreateClassifyRunRequest) {
  const staged = await stageTextFile(deps, actor, req.file);
  const create = async (ex: Executor) => {
    const resolved = await resolveRunConfig(ex, actor, req);
    const { run, file } = await insertRun(
      deps,
      ex,
      actor,
      req,
      resolved,
      { source: 'API', status: 'PROCESSING' },
      'file',
      staged,
    );
    // Every relation is in hand (read or written just now): no need to read them again.
    return classifyRunObject(
      run,
      { classifier: resolved.classifier, version: resolved.version, file },
      deps.config.publicUrl,
    );
  };
  let out: ClassifyRunObject;
  try {
    // On PostgreSQL the only write is one statement (insertRunRows), and the reads before it see committed
    // rows with or without a transaction (read committed): none is opened, which saves two round trips.
    out = deps.dialect === 'postgres' ? await create(deps.db) : await deps.db.transaction().execute(create);
  } catch (err) {
    await discardStaged(deps, [staged]);
    throw err;
  }
  deps.notifier.jobQueued();
  return out;
}

export async function serializeRun(deps: CoreDeps, ex: Executor, run: RunRow): Promise<ClassifyRunObject> {
  return classifyRunObject(run, await runRelations(ex, run), deps.config.publicUrl);
}

export async function findRun(ex: Executor, actor: Actor, id: string): Promise<RunRow | null> {
  return (
    (await ex
      .selectFrom('classify_runs')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', actor.workspaceId)
      .executeTakeFirst()) ?? null
  );
}

async function getRunRow(ex: Executor, actor: Actor, id: string): Promise<RunRow> {
  const r = await findRun(ex, actor, id);
  if (!r) throw notFound('Classify run', id);
  return r;
}

export async function getClassifyRun(deps: CoreDeps, actor: Actor, id: string) {
  const found = await findRunWithRelations(deps.db, actor.workspaceId, id);
  if (!found) throw notFound('Classify run', id);
  return classifyRunObject(found.run, found.relations, deps.config.publicUrl);
}

/** An ISO date-time with any offset, as the stored form (UTC, milliseconds) so that text comparison orders it. */
const storedTime = (iso: string) => new Date(iso).toISOString();

export async function listClassifyRuns(deps: CoreDeps, actor: Actor, q: ListClassifyRunsQuery & PageRequest) {
  const column = q.sortBy === 'createdAt' ? 'created_at' : 'updated_at';
  if (q.minConfidence !== undefined && q.maxConfidence !== undefined && q.minConfidence > q.maxConfidence)
    throw invalid('minConfidence must not be greater than maxConfidence', 'minConfidence');
  const after = q.createdAfter === undefined ? undefined : storedTime(q.createdAfter);
  const before = q.createdBefore === undefined ? undefined : storedTime(q.createdBefore);
  if (after !== undefined && before !== undefined && after >= before)
    throw invalid('createdAfter must be earlier than createdBefore', 'createdAfter');
  const filters = [
    q.status,
    q.classifierId,
    q.batchId,
    q.source,
    q.sourceId,
    q.fileNameContains,
    q.type,
    q.reviewed,
    q.minConfidence,
    q.maxConfidence,
    after,
    before,
  ];
  const fp = fingerprint(['classify_runs', actor.workspaceId, q.sortBy, q.sortDir, ...filters]);
  let query = deps.db.selectFrom('classify_runs').selectAll().where('workspace_id', '=', actor.workspaceId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.classifierId) query = query.where('classifier_id', '=', q.classifierId);
  if (q.batchId) query = query.where('batch_id', '=', q.batchId);
  if (q.source) query = query.where('source', '=', q.source);
  if (q.sourceId) query = query.where('source_id', '=', q.sourceId);
  if (q.fileNameContains)
    query = query.where(containsIgnoreCase('classify_runs.file_name', q.fileNameContains));
  if (q.type) query = query.where('output_type', '=', q.type);
  if (q.reviewed) query = query.where('reviewed', '=', q.reviewed === 'true' ? 1 : 0);
  // A run without output has a null confidence, which no comparison matches: it is left out, as documented.
  if (q.minConfidence !== undefined) query = query.where('output_confidence', '>=', q.minConfidence);
  if (q.maxConfidence !== undefined) query = query.where('output_confidence', '<=', q.maxConfidence);
  // Half-open, so that consecutive ranges (one day, the next day) never count a run twice.
  if (after !== undefined) query = query.where('created_at', '>=', after);
  if (before !== undefined) query = query.where('created_at', '<', before);
  const rows = await paginate(query, 'classify_runs', column, q, fp).execute();
  const rel = await loadRelations(deps.db, rows.slice(0, q.maxPageSize));
  return pageResult(
    rows,
    q,
    (r) => r[column],
    fp,
    (r) => classifyRunSummary(r, rel(r), deps.config.publicUrl),
  );
}

/** Decisions 2: cancel marks the run CANCELLED at once; a worker mid-way discards its result. */
export async function cancelClassifyRun(deps: CoreDeps, actor: Actor, id: string) {
  const out = await deps.db.transaction().execute(async (trx) => {
    const run = await getRunRow(trx, actor, id);
    if (TERMINAL.has(run.status)) {
      throw invalid(`Only runs that are PENDING or PROCESSING can be cancelled; this run is ${run.status}`);
    }
    const iso = deps.clock.now().toISOString();
    const res = await trx
      .updateTable('classify_runs')
      .set({ status: 'CANCELLED', updated_at: iso })
      .where('id', '=', id)
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw invalid('The run finished before it could be cancelled');
    await deleteJobsFor(trx, CLASSIFY_JOB, 'runId', id);
    if (run.batch_id) await settleBatchIfDone(deps, trx, run.batch_id);
    return serializeRun(deps, trx, { ...run, status: 'CANCELLED', updated_at: iso });
  });
  deps.notifier.runFinished(id);
  return out;
}

/** Decisions 9: removes the run and its outputs, not its file or parse run. */
export async function deleteClassifyRun(deps: CoreDeps, actor: Actor, id: string) {
  await deps.db.transaction().execute(async (trx) => {
    const run = await getRunRow(trx, actor, id);
    await trx.deleteFrom('classify_runs').where('id', '=', id).execute();
    await deleteJobsFor(trx, CLASSIFY_JOB, 'runId', id);
    if (run.batch_id) await settleBatchIfDone(deps, trx, run.batch_id);
  });
  deps.notifier.runFinished(id);
  return { id };
}

/**
 * Docsort extension: record a person's decision. The first review keeps the machine's output as
 * `initialOutput`; `output` becomes the reviewed one; `edited` says whether the class changed.
 */
export async function reviewClassifyRun(
  deps: CoreDeps,
  actor: Actor,
  id: string,
  body: { output: { id: string; type?: string | undefined } },
) {
  return deps.db.transaction().execute(async (trx) => {
    const run = await getRunRow(trx, actor, id);
    if (run.status !== 'PROCESSED')
      throw invalid(`Only PROCESSED runs can be reviewed; this run is ${run.status}`);
    const config = JSON.parse(run.config) as ClassifyConfig;
    const chosen = config.classifications.find((c) => c.id === body.output.id);
    if (!chosen)
      throw invalid(`"${body.output.id}" is not a classification id of this run's config`, 'output.id');
    if (body.output.type !== undefined && body.output.type !== chosen.type) {
      throw invalid(
        `type "${body.output.type}" does not match classification "${chosen.id}" (type "${chosen.type}")`,
        'output.type',
      );
    }
    const initial = JSON.parse(run.initial_output ?? run.output ?? 'null') as ClassifyOutput | null;
    const edited = initial ? initial.id !== chosen.id : true;
    const reviewed: ClassifyOutput = {
      id: chosen.id,
      type: chosen.type,
      confidence: 1,
      insights: [
        {
          type: 'reasoning',
          content: edited
            ? `Reviewed by ${actor.keyName}: corrected from "${initial?.id ?? 'none'}" to "${chosen.id}".`
            : `Reviewed by ${actor.keyName}: confirmed "${chosen.id}".`,
        },
      ],
    };
    const iso = deps.clock.now().toISOString();
    const patch = {
      initial_output: JSON.stringify(initial),
      reviewed_output: JSON.stringify(reviewed),
      output: JSON.stringify(reviewed),
      output_type: reviewed.type,
      output_confidence: reviewed.confidence,
      reviewed: 1,
      edited: edited ? 1 : 0,
      updated_at: iso,
    };
    await trx.updateTable('classify_runs').set(patch).where('id', '=', id).execute();
    return serializeRun(deps, trx, { ...run, ...patch });
  });
}

/**
 * POST /classify: create the run, then wait for it to finish. Woken by the in-process worker,
 * with a poll as the fallback for runs finished by another process.
 */
export async function classifySync(deps: CoreDeps, actor: Actor, req: CreateClassifyRunRequest) {
  const created = await createClassifyRun(deps, actor, req);
  const deadline = Date.now() + deps.config.limits.syncTimeoutMs;
  for (;;) {
    const run = await getRunRow(deps.db, actor, created.id).catch(() => null);
    if (!run) throw notFound('Classify run', created.id);
    if (TERMINAL.has(run.status)) return serializeRun(deps, deps.db, run);
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new ApiError(
        'TIMEOUT',
        `The run did not finish within ${deps.config.limits.syncTimeoutMs} ms; it continues as ${created.id}: poll GET /classify_runs/${created.id}.`,
      );
    }
    await deps.notifier.waitForRun(created.id, Math.min(left, 500));
  }
}
