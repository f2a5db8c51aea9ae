import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import { newId } from '../lib/ids.js';
import { type ParsedAttachment, ParseFailure } from '../ports/parser.js';
import type { Database } from '../store/schema.js';
import { chunkPages, pagesInRanges } from './chunking.js';
import type { CoreDeps } from './context.js';
import { type FileRow, filePassword, readFileBytes, storeFile } from './files.js';
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

function rangesOf(config: Record<string, unknown>) {
  return (config.advancedOptions as { pageRanges?: { start: number; end: number }[] } | undefined)
    ?.pageRanges;
}

function chunkingOf(config: Record<string, unknown>) {
  const cs = config.chunkingStrategy as { type?: string; options?: { maxCharacters?: number } } | undefined;
  const type = cs?.type === 'document' || cs?.type === 'section' ? cs.type : 'page';
  return {
    type,
    target: config.target === 'spatial' ? 'spatial' : 'markdown',
    maxCharacters: cs?.options?.maxCharacters,
  } as const;
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

export interface NewParseRun {
  file: FileRow;
  config: Record<string, unknown>;
  status: 'PENDING' | 'PROCESSING';
  source: string;
  sourceId: string | null;
  batchId?: string | null;
  metadata?: Record<string, unknown> | null;
}

export function newParseRunRow(deps: CoreDeps, r: NewParseRun): ParseRunRow {
  const iso = deps.clock.now().toISOString();
  return {
    id: newId('parseRun'),
    workspace_id: r.file.workspace_id,
    file_id: r.file.id,
    status: r.status,
    failure_reason: null,
    failure_message: null,
    config: JSON.stringify(r.config),
    config_key: parseConfigKey(r.config),
    output: null,
    page_count: null,
    processing_time_ms: null,
    usage: null,
    metadata: r.metadata ? JSON.stringify(r.metadata) : null,
    source: r.source,
    source_id: r.sourceId,
    batch_id: r.batchId ?? null,
    created_at: iso,
    updated_at: iso,
  };
}

export interface ExecutedParse {
  /** The finished row (PROCESSED); not yet written. */
  row: ParseRunRow;
  pages: { pageNumber: number; text: string }[];
  /** Files found inside this one (e-mail attachments), to become child files. */
  attachments: ParsedAttachment[];
}

/**
 * Parse a file for a parse run and return the finished row; a parse failure throws ParseRunFailed
 * carrying the FAILED row. Writing the row is the caller's job, so callers that need an event can
 * write both in one transaction.
 */
export async function executeParse(deps: CoreDeps, run: ParseRunRow, file: FileRow): Promise<ExecutedParse> {
  const config = JSON.parse(run.config) as Record<string, unknown>;
  const t0 = performance.now();
  try {
    const bytes = await readFileBytes(deps, file);
    const doc = await deps.parser.parse({
      bytes,
      fileName: file.name,
      mimeType: file.mime_type,
      password: filePassword(deps, file),
      limits: { maxPages: deps.config.limits.maxPages, timeoutMs: deps.config.limits.parseTimeoutMs },
    });
    const pages = pagesInRanges(doc.pages, rangesOf(config));
    const row: ParseRunRow = {
      ...run,
      status: 'PROCESSED',
      failure_reason: null,
      failure_message: null,
      output: JSON.stringify({ chunks: chunkPages(pages, chunkingOf(config)) }),
      page_count: doc.pages.length,
      processing_time_ms: Math.round(performance.now() - t0),
      usage: JSON.stringify(parseUsage(run.id, doc.pages.length)),
      updated_at: deps.clock.now().toISOString(),
    };
    return {
      row,
      pages: pages.map((p) => ({ pageNumber: p.pageNumber, text: p.text })),
      attachments: doc.attachments ?? [],
    };
  } catch (err) {
    const reason = err instanceof ParseFailure ? err.reason : 'INTERNAL_ERROR';
    const message = err instanceof Error ? err.message : String(err);
    const failed: ParseRunRow = {
      ...run,
      status: 'FAILED',
      failure_reason: reason,
      failure_message: message.slice(0, 2000),
      processing_time_ms: Math.round(performance.now() - t0),
      updated_at: deps.clock.now().toISOString(),
    };
    throw new ParseRunFailed(failed, reason, message);
  }
}

/** File metadata learns its page count (and type, when upload could not tell) from a successful parse. */
export function fileMetadataAfterParse(file: FileRow, pageCount: number) {
  const meta = { ...(JSON.parse(file.metadata) as Record<string, unknown>), pageCount };
  return { metadata: JSON.stringify(meta) };
}

/**
 * Each attachment of a parsed e-mail becomes a child file (`parentFileId` set) that can be
 * classified on its own. Made once per parent: a second parse of the same file adds none.
 * Images shown inline in the body are part of the message, not attachments, and are skipped.
 */
export async function createChildFiles(
  deps: CoreDeps,
  parent: FileRow,
  attachments: ParsedAttachment[],
): Promise<number> {
  const wanted = attachments.filter((a) => !a.inline && a.bytes.byteLength > 0);
  if (!wanted.length) return 0;
  const existing = await deps.db
    .selectFrom('files')
    .select('id')
    .where('parent_file_id', '=', parent.id)
    .limit(1)
    .executeTakeFirst();
  if (existing) return 0;
  for (const a of wanted) {
    await storeFile(deps, deps.db, parent.workspace_id, {
      bytes: a.bytes,
      name: a.fileName,
      mimeType: a.mimeType,
      parentFileId: parent.id,
    });
  }
  return wanted.length;
}
