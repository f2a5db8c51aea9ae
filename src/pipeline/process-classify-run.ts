import { markBatchProcessing } from '../core/batch-runs.js';
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
import { failRun, finishRun, patchInFlight, startRun } from './finish-run.js';

/**
 * The classify stage chain: fetch the file (for {url} inputs), parse it (or reuse a parse), pick
 * the pages, classify, and finish the run with its event. Every expected failure becomes a FAILED
 * run with a reason and a message a person can act on; nothing here throws for bad documents.
 *
 * Given the run's job, the run is finished and the job deleted in one transaction; returns true when
 * that happened (the worker then has nothing left to do for the job).
 */
export async function processClassifyRun(
  deps: CoreDeps,
  runId: string,
  opts: { jobId?: string } = {},
): Promise<boolean> {
  const withJob = (done: boolean) => done && opts.jobId !== undefined;
  const finish = async (patch: Parameters<typeof finishRun>[2]) =>
    withJob(await finishRun(deps, runId, patch, opts));
  const fail = async (reason: string, message: string) =>
    withJob(await failRun(deps, runId, reason, message, opts));

  const started = await startRun(deps, runId);
  if (!started) return false;
  let run = started.run;
  // A batch's children are created PENDING: the first one to start moves the batch to PROCESSING.
  if (started.startedNow && run.batch_id) await markBatchProcessing(deps, deps.db, run.batch_id);

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
      return fail('FAILED_TO_PROCESS_FILE', `UNABLE_TO_DOWNLOAD_FILE: ${errorMessage(err)}`);
    }
    if (downloaded.bytes.byteLength === 0) {
      return fail('FAILED_TO_PROCESS_FILE', 'UNABLE_TO_DOWNLOAD_FILE: the URL returned an empty file.');
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
    if (!patched) return false;
    run = patched;
  }
  if (!file) {
    return fail('FAILED_TO_PROCESS_FILE', 'The file of this run no longer exists (it was deleted).');
  }

  const config = JSON.parse(run.config) as ClassifyConfig;
  let parsed: Awaited<ReturnType<typeof parseForRun>>;
  try {
    parsed = await parseForRun(deps, file, config.parseConfig as Record<string, unknown> | undefined, run.id);
  } catch (err) {
    if (err instanceof ParseRunFailed) {
      return finish({
        status: 'FAILED',
        parse_run_id: err.parseRun.id,
        failure_reason: 'FAILED_TO_PROCESS_FILE',
        failure_message: `${err.reason}: ${err.message}`.slice(0, 2000),
      });
    }
    throw err;
  }

  const pages = selectPages(parsed.pages, config, deps.config.limits.contextDefaultPages);
  if (!pages.some((p) => p.text.trim().length > 0)) {
    const ranges = config.advancedOptions?.pageRanges;
    return finish({
      status: 'FAILED',
      parse_run_id: parsed.parseRun.id,
      failure_reason: 'FAILED_TO_PROCESS_FILE',
      failure_message: ranges?.length
        ? `The selected pageRanges contain no text (the document has ${parsed.pages.length} pages).`
        : 'The document contains no text to classify.',
    });
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
      return finish({
        status: 'FAILED',
        parse_run_id: parsed.parseRun.id,
        failure_reason: 'PARSING_ERROR',
        failure_message: err.message.slice(0, 2000),
      });
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
  return finish({
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
