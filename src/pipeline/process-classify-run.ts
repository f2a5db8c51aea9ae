import { markBatchProcessing } from '../core/batch-runs.js';
import { TERMINAL } from '../core/classify-runs.js';
import type { CoreDeps } from '../core/context.js';
import { storeFile } from '../core/files.js';
import { selectPages } from '../core/page-selection.js';
import { ParseRunFailed, parseForRun } from '../core/parse-runs.js';
import type { ClassifyConfig, FileInput } from '../core/schemas.js';
import type { ClassifyOutput } from '../core/serialize.js';
import { classifyUsage } from '../core/usage.js';
import { failRun, finishRun, patchInFlight } from './finish-run.js';

/**
 * The classify stage chain: fetch the file (for {url} inputs), parse it (or reuse a parse), pick
 * the pages, classify, and finish the run with its event. Every expected failure becomes a FAILED
 * run with a reason and a message a person can act on; nothing here throws for bad documents.
 */
export async function processClassifyRun(deps: CoreDeps, runId: string): Promise<void> {
  const initial = await deps.db
    .selectFrom('classify_runs')
    .selectAll()
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!initial || TERMINAL.has(initial.status)) return;

  let run = initial;
  if (run.status === 'PENDING') {
    const started = await patchInFlight(deps, runId, { status: 'PROCESSING' });
    if (!started) return;
    run = started;
    if (run.batch_id) await markBatchProcessing(deps, deps.db, run.batch_id);
  }

  let file = run.file_id
    ? ((await deps.db.selectFrom('files').selectAll().where('id', '=', run.file_id).executeTakeFirst()) ??
      null)
    : null;
  if (!file && run.file_input) {
    const input = JSON.parse(run.file_input) as Extract<FileInput, { url: string }>;
    let downloaded: Awaited<ReturnType<CoreDeps['downloader']['download']>>;
    try {
      downloaded = await deps.downloader.download(input.url);
    } catch (err) {
      await failRun(deps, runId, 'FAILED_TO_PROCESS_FILE', `UNABLE_TO_DOWNLOAD_FILE: ${errorMessage(err)}`);
      return;
    }
    if (downloaded.bytes.byteLength === 0) {
      await failRun(
        deps,
        runId,
        'FAILED_TO_PROCESS_FILE',
        'UNABLE_TO_DOWNLOAD_FILE: the URL returned an empty file.',
      );
      return;
    }
    file = await storeFile(deps, deps.db, run.workspace_id, {
      bytes: downloaded.bytes,
      name: input.name ?? downloaded.fileName,
      mimeType: downloaded.contentType,
      password: input.settings?.password ?? null,
    });
    const patched = await patchInFlight(deps, runId, {
      file_id: file.id,
      file_name: file.name,
      file_input: null,
    });
    if (!patched) return;
    run = patched;
  }
  if (!file) {
    await failRun(
      deps,
      runId,
      'FAILED_TO_PROCESS_FILE',
      'The file of this run no longer exists (it was deleted).',
    );
    return;
  }

  const config = JSON.parse(run.config) as ClassifyConfig;
  let parsed: Awaited<ReturnType<typeof parseForRun>>;
  try {
    parsed = await parseForRun(deps, file, config.parseConfig as Record<string, unknown> | undefined, run.id);
  } catch (err) {
    if (err instanceof ParseRunFailed) {
      await finishRun(deps, runId, {
        status: 'FAILED',
        parse_run_id: err.parseRun.id,
        failure_reason: 'FAILED_TO_PROCESS_FILE',
        failure_message: `${err.reason}: ${err.message}`.slice(0, 2000),
      });
      return;
    }
    throw err;
  }

  const pages = selectPages(parsed.pages, config, deps.config.limits.contextDefaultPages);
  if (!pages.some((p) => p.text.trim().length > 0)) {
    const ranges = config.advancedOptions?.pageRanges;
    await finishRun(deps, runId, {
      status: 'FAILED',
      parse_run_id: parsed.parseRun.id,
      failure_reason: 'FAILED_TO_PROCESS_FILE',
      failure_message: ranges?.length
        ? `The selected pageRanges contain no text (the document has ${parsed.pages.length} pages).`
        : 'The document contains no text to classify.',
    });
    return;
  }

  const result = await deps.classifier.classify({
    classifications: config.classifications,
    rules: config.classificationRules ?? null,
    pages,
    fileName: file.name,
  });
  const output: ClassifyOutput = {
    id: result.id,
    type: result.type,
    confidence: Math.min(1, Math.max(0, result.confidence)),
    insights: [{ type: 'reasoning', content: result.reasoning }],
  };
  const usage = classifyUsage(
    run.id,
    pages.map((p) => p.pageNumber),
    parsed.created
      ? { id: parsed.parseRun.id, pageCount: parsed.parseRun.page_count ?? parsed.pages.length }
      : null,
  );
  await finishRun(deps, runId, {
    status: 'PROCESSED',
    parse_run_id: parsed.parseRun.id,
    output: JSON.stringify(output),
    usage: JSON.stringify(usage),
  });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
