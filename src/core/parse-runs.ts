import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import { notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { type ParsedPage, ParseFailure } from '../ports/parser.js';
import type { Executor } from '../store/database.js';
import { fingerprint, type PageRequest, pageResult, paginate } from '../store/pagination.js';
import type { Database } from '../store/schema.js';
import { containsIgnoreCase } from '../store/text-search.js';
import type { Actor, CoreDeps } from './context.js';
import { type FileRow, readFileBytes } from './files.js';
import { parseRunObject, parseRunSummary } from './serialize.js';
import { parseUsage } from './usage.js';

export type ParseRunRow = Selectable<Database['parse_runs']>;

/** The parse config as echoed on parse runs, with the defaults filled in (spec §5.2). */
export function resolvedParseConfig(pc: Record<string, unknown> | undefined): Record<string, unknown> {
  return {
    target: 'markdown',
    chunkingStrategy: { type: 'page' },
    engine: 'parse_light',
    engineVersion: '1.0.0',
    ...(pc ?? {}),
  };
}

/** Parses with the same effective options are interchangeable, so a file is parsed once per key. */
export function parseConfigKey(config: Record<string, unknown>): string {
  const { target, chunkingStrategy, advancedOptions } = config as {
    target?: unknown;
    chunkingStrategy?: unknown;
    advancedOptions?: unknown;
  };
  return createHash('sha256')
    .update(JSON.stringify([target, chunkingStrategy, advancedOptions]))
    .digest('hex')
    .slice(0, 32);
}

export interface ParsedForRun {
  parseRun: ParseRunRow;
  pages: { pageNumber: number; text: string }[];
  /** True when this call made (and so bills) the parse run. */
  created: boolean;
}

export class ParseRunFailed extends Error {
  constructor(
    readonly parseRun: ParseRunRow,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

function pagesFromOutput(output: string | null): { pageNumber: number; text: string }[] {
  const parsed = JSON.parse(output ?? '{"chunks":[]}') as {
    chunks: { content: string; metadata: { pageRange: { start: number } } }[];
  };
  return parsed.chunks.map((c) => ({ pageNumber: c.metadata.pageRange.start, text: c.content }));
}

function chunksFor(pages: ParsedPage[], target: unknown) {
  return pages.map((p) => ({
    object: 'chunk' as const,
    type: 'page' as const,
    content: target === 'spatial' ? p.text : p.markdown,
    metadata: { pageRange: { start: p.pageNumber, end: p.pageNumber } },
    blocks: [],
  }));
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
  const key = parseConfigKey(config);
  const existing = await deps.db
    .selectFrom('parse_runs')
    .selectAll()
    .where('file_id', '=', file.id)
    .where('config_key', '=', key)
    .where('status', '=', 'PROCESSED')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (existing) return { parseRun: existing, pages: pagesFromOutput(existing.output), created: false };

  const started = deps.clock.now();
  const run: ParseRunRow = {
    id: newId('parseRun'),
    workspace_id: file.workspace_id,
    file_id: file.id,
    status: 'PROCESSING',
    failure_reason: null,
    failure_message: null,
    config: JSON.stringify(config),
    config_key: key,
    output: null,
    page_count: null,
    processing_time_ms: null,
    usage: null,
    metadata: null,
    source: 'DOCUMENT_PROCESSOR_RUN',
    source_id: sourceRunId,
    batch_id: null,
    created_at: started.toISOString(),
    updated_at: started.toISOString(),
  };
  await deps.db.insertInto('parse_runs').values(run).execute();
  const t0 = performance.now();
  try {
    const bytes = await readFileBytes(deps, file);
    const doc = await deps.parser.parse({
      bytes,
      fileName: file.name,
      mimeType: file.mime_type,
      password: file.password,
      limits: { maxPages: deps.config.limits.maxPages, timeoutMs: deps.config.limits.parseTimeoutMs },
    });
    const elapsed = Math.round(performance.now() - t0);
    const finished: ParseRunRow = {
      ...run,
      status: 'PROCESSED',
      output: JSON.stringify({ chunks: chunksFor(doc.pages, config.target) }),
      page_count: doc.pages.length,
      processing_time_ms: elapsed,
      usage: JSON.stringify(parseUsage(run.id, doc.pages.length)),
      updated_at: deps.clock.now().toISOString(),
    };
    await deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('parse_runs').set(finished).where('id', '=', run.id).execute();
      const meta = { ...(JSON.parse(file.metadata) as Record<string, unknown>), pageCount: doc.pages.length };
      await trx
        .updateTable('files')
        .set({
          metadata: JSON.stringify(meta),
          type: file.type ?? doc.fileType,
          updated_at: finished.updated_at,
        })
        .where('id', '=', file.id)
        .execute();
    });
    return {
      parseRun: finished,
      pages: doc.pages.map((p) => ({ pageNumber: p.pageNumber, text: p.text })),
      created: true,
    };
  } catch (err) {
    const reason = err instanceof ParseFailure ? err.reason : 'INTERNAL_ERROR';
    const message = err instanceof Error ? err.message : String(err);
    const failed: ParseRunRow = {
      ...run,
      status: 'FAILED',
      failure_reason: reason,
      failure_message: message,
      processing_time_ms: Math.round(performance.now() - t0),
      updated_at: deps.clock.now().toISOString(),
    };
    await deps.db.updateTable('parse_runs').set(failed).where('id', '=', run.id).execute();
    throw new ParseRunFailed(failed, reason, message);
  }
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
