import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { ensureWorkspace } from '../core/api-keys.js';
import { createClassifier, getClassifierRow, getDraft } from '../core/classifiers.js';
import type { Actor, CoreDeps } from '../core/context.js';
import {
  type ClassifyMetrics,
  computeClassifyMetrics,
  type EvaluatedRun,
} from '../core/evaluation-metrics.js';
import { createEvaluationSetRun, getEvaluationSetRun } from '../core/evaluation-runs.js';
import {
  createEvaluationSet,
  createEvaluationSetItems,
  deleteEvaluationSet,
} from '../core/evaluation-sets.js';
import { evaluatedRuns } from '../core/evaluation-settle.js';
import { uploadFile } from '../core/files.js';
import { type ClassifyConfig, ClassifyConfigSchema } from '../core/schemas.js';
import { featuresKey } from '../core/training-examples.js';
import { seededShuffle } from '../lib/shuffle.js';
import { Worker } from '../pipeline/worker.js';
import { createContainer } from './container.js';

/**
 * `docsort eval <folder>`: a folder of class-named subfolders of documents, run through the real pipeline
 * (files stored and parsed, the worker classifying, an evaluation set run scoring), with the figures printed.
 * With --examples N the classifier first learns N documents per class from a training set, and the rest
 * are scored. With --config the evaluation runs in a temporary data directory that is removed afterwards;
 * with --classifier it runs against the configured database and removes the sets it created.
 */

export interface EvalOptions {
  folder: string;
  classifierId?: string | undefined;
  configFile?: string | undefined;
  examples: number;
  version?: string | undefined;
  json: boolean;
  seed: number;
  /**
   * Draws of the examples (seeds seed, seed+1, ...), each learned and scored in turn, predictions pooled:
   * with a few documents per class one draw's score is mostly luck.
   */
  repeat?: number | undefined;
}

interface LabelledFile {
  folder: string;
  file: string;
}

const MIME_BY_EXT: Record<string, string> = {
  '.txt': 'text/plain',
  '.pdf': 'application/pdf',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.csv': 'text/csv',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.eml': 'message/rfc822',
};

export class EvalCommandError extends Error {}

interface DrawFigures {
  runId: string;
  accuracy: number;
  expectedCalibrationError: number;
}

function listFolder(root: string): Map<string, LabelledFile[]> {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory())
    throw new EvalCommandError(`${root} is not a folder`);
  const byClass = new Map<string, LabelledFile[]>();
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const files = fs
      .readdirSync(path.join(root, entry.name), { withFileTypes: true })
      .filter((f) => f.isFile() && !f.name.startsWith('.'))
      .map((f) => ({ folder: entry.name, file: path.join(root, entry.name, f.name) }))
      .sort((a, b) => (a.file < b.file ? -1 : 1));
    if (files.length > 0) byClass.set(entry.name, files);
  }
  if (byClass.size === 0)
    throw new EvalCommandError(`${root} has no subfolders with documents (one subfolder per class)`);
  return byClass;
}

/** A config file is a ClassifyConfig, or `{labels: {folder: classificationId}, config: ClassifyConfig}`. */
function readConfigFile(file: string): { config: ClassifyConfig; labels: Record<string, string> } {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new EvalCommandError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const wrapped = raw && typeof raw === 'object' && 'config' in raw;
  const candidate = wrapped ? (raw as { config: unknown }).config : raw;
  const parsed = ClassifyConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EvalCommandError(
      `${file}: ${issue?.message ?? 'invalid config'} (at ${issue?.path.join('.') || 'the top level'})`,
    );
  }
  const labels = wrapped ? ((raw as { labels?: Record<string, string> }).labels ?? {}) : {};
  return { config: parsed.data, labels };
}

/** Folder name -> classification: the explicit label map, else the id, then the type, ignoring case. */
function mapFolders(folders: string[], config: ClassifyConfig, labels: Record<string, string>) {
  const out = new Map<string, { id: string; type: string }>();
  for (const folder of folders) {
    const wanted = (labels[folder] ?? folder).toLowerCase();
    const c =
      config.classifications.find((x) => x.id.toLowerCase() === wanted) ??
      config.classifications.find((x) => x.type.toLowerCase() === wanted);
    if (!c) {
      const ids = config.classifications.map((x) => x.id).join(', ');
      throw new EvalCommandError(
        `folder "${folder}" matches no classification (ids: ${ids}); rename it or map it in the config file's "labels"`,
      );
    }
    out.set(folder, { id: c.id, type: c.type });
  }
  return out;
}

async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new EvalCommandError(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function runEval(baseConfig: Config, opts: EvalOptions, log: (line: string) => void) {
  if (!opts.classifierId === !opts.configFile)
    throw new EvalCommandError('give exactly one of --classifier or --config');
  const byClass = listFolder(path.resolve(opts.folder));
  const tempDir = opts.configFile ? fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-eval-')) : null;
  const config: Config = tempDir
    ? {
        ...baseConfig,
        dataDir: tempDir,
        database: { kind: 'sqlite', file: path.join(tempDir, 'docsort.sqlite') },
      }
    : baseConfig;
  const container = await createContainer(config);
  const deps = container.deps;
  const worker = new Worker(deps, { concurrency: config.worker.concurrency, leaseMs: config.worker.leaseMs });
  worker.start();
  const createdSets: string[] = [];
  let actor: Actor | null = null;
  try {
    let classifierId: string;
    let classifyConfig: ClassifyConfig;
    let labels: Record<string, string> = {};
    if (opts.configFile) {
      const file = readConfigFile(opts.configFile);
      labels = file.labels;
      const ws = await ensureWorkspace(deps.db, 'default', new Date());
      actor = { workspaceId: ws.id, keyName: 'docsort eval' };
      const created = await createClassifier(deps, actor, {
        name: `eval ${path.basename(path.resolve(opts.folder))}`,
        config: file.config,
      });
      classifierId = created.id;
      classifyConfig = file.config;
    } else {
      const id = opts.classifierId as string;
      const row = await deps.db.selectFrom('classifiers').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new EvalCommandError(`classifier ${id} was not found in this database`);
      actor = { workspaceId: row.workspace_id, keyName: 'docsort eval' };
      await getClassifierRow(deps.db, actor, id);
      classifierId = id;
      classifyConfig = JSON.parse((await getDraft(deps.db, id)).config) as ClassifyConfig;
    }
    const mapping = mapFolders([...byClass.keys()], classifyConfig, labels);
    const who: Actor = actor;
    const draws = Math.max(1, opts.repeat ?? 1);
    if (draws > 1 && opts.examples === 0)
      throw new EvalCommandError('--repeat draws examples again: it needs --examples');
    const context: DrawContext = {
      deps,
      actor: who,
      byClass,
      mapping,
      opts,
      classifierId,
      classifyConfig,
      createdSets,
      log,
    };

    const results = [];
    const pooledRuns: EvaluatedRun[] = [];
    for (let i = 0; i < draws; i++) {
      if (draws > 1) log(`draw ${i + 1} of ${draws} (seed ${opts.seed + i})`);
      const result = await scoreDraw(context, opts.seed + i);
      results.push(result);
      if (draws > 1) {
        pooledRuns.push(...(await evaluatedRuns(deps.db, result.run.id)));
        // The next draw must learn from its own examples only, not from this draw's sets.
        for (const id of createdSets.splice(0)) await deleteEvaluationSet(deps, who, id);
      }
    }
    const last = results[results.length - 1]!;
    if (draws === 1) return { ...last, examples: opts.examples, draws: [] as DrawFigures[] };
    const types = classifyConfig.classifications.map((c) => c.type);
    return {
      run: last.run,
      metrics: computeClassifyMetrics(pooledRuns, types, pooledRuns.length),
      seconds: results.reduce((sum, r) => sum + r.seconds, 0),
      examples: opts.examples,
      draws: results.map((r) => ({
        runId: r.run.id,
        accuracy: r.metrics.accuracy,
        expectedCalibrationError: r.metrics.expectedCalibrationError,
      })),
    };
  } finally {
    if (opts.classifierId && actor) {
      // The sets were scaffolding: the classifier must not keep learning from them.
      for (const id of createdSets) await deleteEvaluationSet(deps, actor, id).catch(() => undefined);
    }
    await worker.stop();
    await container.close();
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

interface DrawContext {
  deps: CoreDeps;
  actor: Actor;
  byClass: Map<string, LabelledFile[]>;
  mapping: Map<string, { id: string; type: string }>;
  opts: EvalOptions;
  classifierId: string;
  classifyConfig: ClassifyConfig;
  /** Sets this draw creates are appended here, for the caller to delete. */
  createdSets: string[];
  log: (line: string) => void;
}

/** One draw: split each folder by `seed`, teach the training part, score the rest with an evaluation run. */
async function scoreDraw(ctx: DrawContext, seed: number) {
  const { deps, actor: who, byClass, mapping, opts, classifierId, classifyConfig, createdSets, log } = ctx;
  const training: { file: LabelledFile; label: { id: string; type: string } }[] = [];
  const scored: typeof training = [];
  for (const [folder, files] of byClass) {
    const label = mapping.get(folder) as { id: string; type: string };
    const order = opts.examples > 0 ? seededShuffle(files, seed) : files;
    if (opts.examples > 0 && order.length <= opts.examples) {
      throw new EvalCommandError(
        `folder "${folder}" has ${order.length} documents: not enough for ${opts.examples} examples and a test set`,
      );
    }
    training.push(...order.slice(0, opts.examples).map((file) => ({ file, label })));
    scored.push(...order.slice(opts.examples).map((file) => ({ file, label })));
  }

  const uploadAll = async (items: typeof training) => {
    const out = [];
    for (const { file, label } of items) {
      const bytes = fs.readFileSync(file.file);
      const ext = path.extname(file.file).toLowerCase();
      const stored = await uploadFile(deps, who, {
        bytes: new Uint8Array(bytes),
        name: path.basename(file.file),
        mimeType: MIME_BY_EXT[ext] ?? null,
      });
      out.push({ fileId: stored.id, expectedOutput: label });
    }
    return out;
  };

  const stamp = new Date().toISOString();
  if (training.length > 0) {
    const set = await createEvaluationSet(deps, who, {
      name: `eval training ${stamp}`,
      entityId: classifierId,
    });
    createdSets.push(set.id);
    const items = await uploadAll(training);
    for (let i = 0; i < items.length; i += 1000) {
      await createEvaluationSetItems(deps, who, set.id, { items: items.slice(i, i + 1000) });
    }
    log(`learning from ${items.length} documents (${opts.examples} per class)...`);
    const key = featuresKey(deps, classifyConfig);
    const fileIds = items.map((i) => i.fileId);
    await until(
      async () => {
        const jobs = await deps.db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('kind', '=', 'learn_example')
          .executeTakeFirst();
        if (Number(jobs?.n ?? 0) > 0) return undefined;
        const have = await deps.db
          .selectFrom('training_features')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('features_key', '=', key)
          .where('file_id', 'in', fileIds)
          .executeTakeFirst();
        return Number(have?.n ?? 0);
      },
      30 * 60_000,
      'the training documents to be learned',
    ).then((n) => {
      if (n < fileIds.length)
        log(`  ${fileIds.length - n} training documents could not be parsed and teach nothing`);
    });
  }

  const holdout = await createEvaluationSet(deps, who, { name: `eval ${stamp}`, entityId: classifierId });
  createdSets.push(holdout.id);
  const items = await uploadAll(scored);
  for (let i = 0; i < items.length; i += 1000) {
    await createEvaluationSetItems(deps, who, holdout.id, { items: items.slice(i, i + 1000) });
  }
  const started = Date.now();
  const run = await createEvaluationSetRun(deps, who, {
    evaluationSetId: holdout.id,
    entity: { id: classifierId, version: opts.version ?? 'draft' },
  });
  log(`classifying ${items.length} documents (${run.id})...`);
  let lastReport = 0;
  const finished = await until(
    async () => {
      const r = await getEvaluationSetRun(deps, who, run.id);
      if (Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        log(`  ${r.metrics.numFilesProcessed}/${r.metrics.numFilesTotal}`);
      }
      return r.status === 'PROCESSED' || r.status === 'FAILED' ? r : undefined;
    },
    6 * 60 * 60_000,
    'the evaluation run',
  );
  const seconds = (Date.now() - started) / 1000;
  return { run: finished, metrics: finished.metrics as ClassifyMetrics, seconds };
}

const pct = (x: number | undefined) => `${(100 * (x ?? 0)).toFixed(1)}%`;

export function formatEval(result: Awaited<ReturnType<typeof runEval>>): string {
  const m = result.metrics;
  const lines = [
    `documents scored   ${m.numFilesProcessed} (${m.numFilesFailed} failed)${result.examples ? `, after learning ${result.examples} examples per class` : ''}${result.draws.length > 1 ? `, pooled over ${result.draws.length} draws of the examples` : ''}`,
    `accuracy           ${pct(m.accuracy)}`,
    `macro-F1           ${pct(m.macroF1)}`,
    `calibration error  ${m.expectedCalibrationError.toFixed(3)} (ECE, 10 bins)`,
    ...(result.draws.length > 1
      ? [
          `accuracy per draw  ${pct(Math.min(...result.draws.map((d) => d.accuracy)))} to ${pct(Math.max(...result.draws.map((d) => d.accuracy)))} (${result.draws.map((d) => pct(d.accuracy)).join(', ')})`,
        ]
      : []),
    `documents/second   ${(m.numFilesProcessed / Math.max(0.001, result.seconds)).toFixed(1)} (end to end: store, parse, classify)`,
    `latency            p50 ${m.p50LatencyMs} ms, p90 ${m.p90LatencyMs} ms`,
    '',
    'class                 precision  recall     F1  expected',
  ];
  for (const [type, c] of Object.entries(m.classificationMetrics)) {
    if (c.countExpected === 0 && c.countPredicted === 0) continue;
    lines.push(
      `${type.padEnd(20)}  ${pct(c.precision).padStart(9)}  ${pct(c.recall).padStart(6)}  ${pct(c.f1).padStart(5)}  ${String(c.countExpected).padStart(8)}`,
    );
  }
  const { labels, counts } = m.confusionMatrix;
  const used = labels.map((_, i) => counts[i]?.some((n) => n > 0) || counts.some((row) => (row[i] ?? 0) > 0));
  const shown = labels.map((l, i) => ({ l, i })).filter(({ i }) => used[i]);
  lines.push('', 'confusion matrix (rows: expected, columns: predicted)');
  lines.push(`${''.padEnd(14)}${shown.map(({ l }) => l.slice(0, 8).padStart(9)).join('')}`);
  for (const { l, i } of shown) {
    if (!counts[i]?.some((n) => n > 0)) continue;
    lines.push(
      `${l.slice(0, 13).padEnd(14)}${shown.map(({ i: j }) => String(counts[i]?.[j] ?? 0).padStart(9)).join('')}`,
    );
  }
  return lines.join('\n');
}
