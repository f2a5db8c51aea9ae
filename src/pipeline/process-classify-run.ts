import { markBatchProcessing } from '../core/batch-runs.js';
import { TERMINAL } from '../core/classify-runs.js';
import type { CoreDeps } from '../core/context.js';
import { readPendingFileInput, storeFile } from '../core/files.js';
import { selectPages } from '../core/page-selection.js';
import { ParseRunFailed, parseForRun } from '../core/parse-runs.js';
import type { RunRow } from '../core/run-loader.js';
import type { ClassifyConfig } from '../core/schemas.js';
import type { ClassifyOutput } from '../core/serialize.js';
import { trainingExamples } from '../core/training-examples.js';
import { classifyUsage } from '../core/usage.js';
import { ClassifierOutputError, type ClassifyResult } from '../ports/classifier.js';
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
  if (run.status === 'PENDING' || run.started_at === null) {
    const started = await patchInFlight(deps, runId, {
      status: 'PROCESSING',
      started_at: run.started_at ?? deps.clock.now().toISOString(),
    });
    if (!started) return;
    if (run.status === 'PENDING' && run.batch_id) await markBatchProcessing(deps, deps.db, run.batch_id);
    run = started;
  }

  let file = run.file_id
    ? ((await deps.db.selectFrom('files').selectAll().where('id', '=', run.file_id).executeTakeFirst()) ??
      null)
    : null;
  if (!file && run.file_input) {
    const input = readPendingFileInput(deps, run.file_input);
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

  let result: ClassifyResult;
  try {
    result = await deps.classifier.classify({
      classifications: config.classifications,
      rules: config.classificationRules ?? null,
      pages,
      fileName: file.name,
      baseProcessor: config.baseProcessor,
      examples: await examplesFor(deps, run, config),
    });
  } catch (err) {
    // The engine answered but its answer was unusable (a model's output after its retries): retrying the
    // job would ask again for the same thing, so the run fails now. Other errors (e.g. a model endpoint that
    // cannot be reached) go to the worker, which retries the job a bounded number of times.
    if (err instanceof ClassifierOutputError) {
      await finishRun(deps, runId, {
        status: 'FAILED',
        parse_run_id: parsed.parseRun.id,
        failure_reason: 'PARSING_ERROR',
        failure_message: err.message.slice(0, 2000),
      });
      return;
    }
    throw err;
  }
  const output: ClassifyOutput = {
    id: result.id,
    type: result.type,
    confidence: Math.min(1, Math.max(0, result.confidence)),
    insights: [{ type: 'reasoning', content: result.reasoning }],
  };
  const usage = classifyUsage(
    run.id,
    result.engine,
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

/**
 * What the run's classifier has learned from (its evaluation sets' items, and reviewed runs with memory on).
 * A run of an evaluation set run learns neither from that set nor from its own file.
 */
async function examplesFor(deps: CoreDeps, run: RunRow, config: ClassifyConfig) {
  if (!run.classifier_id) return null;
  let excludeSetId: string | null = null;
  if (run.source === 'BATCH_PROCESSOR_RUN' && run.batch_id) {
    const evaluation = await deps.db
      .selectFrom('evaluation_set_runs')
      .select('evaluation_set_id')
      .where('id', '=', run.batch_id)
      .executeTakeFirst();
    excludeSetId = evaluation?.evaluation_set_id ?? null;
  }
  return trainingExamples(deps).load({
    workspaceId: run.workspace_id,
    classifierId: run.classifier_id,
    config,
    excludeSetId,
    excludeFileId: excludeSetId ? run.file_id : null,
  });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
