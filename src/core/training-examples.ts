import { createHash } from 'node:crypto';
import { collapseWhitespace, cutAtWord } from '../lib/text-excerpt.js';
import type { TrainingExample, TrainingExamples } from '../ports/classifier.js';
import type { Executor } from '../store/database.js';
import { enqueueJob } from '../store/job-queue.js';
import { getDraft } from './classifiers.js';
import type { CoreDeps } from './context.js';
import type { FileRow } from './files.js';
import { selectPages } from './page-selection.js';
import { parseConfigKey, resolvedParseConfig } from './parse-execution.js';
import { ParseRunFailed, pagesFromOutput, parseForRun } from './parse-runs.js';
import type { ClassifyConfig } from './schemas.js';

/**
 * What a classifier learns from: the items of its evaluation sets, and its reviewed runs when the config sets
 * `advancedOptions.memoryEnabled`. Each labelled file is turned into the engine's features once (stored in
 * `training_features`, with the start of its text for engines that show examples), so retraining is a sum
 * over stored rows, never a re-read of files. Examples are cached per classifier and reloaded only when a
 * cheap signature (counts and latest change times) moves.
 */

export const LEARN_JOB = 'learn_example';
/** Learning jobs run before ordinary runs (default priority 50): every later run benefits from them. */
const LEARN_PRIORITY = 45;
/** The newest reviewed runs a classifier remembers. */
const MAX_REVIEWED_EXAMPLES = 5000;
/** Missing features computed inline per classification (from parses that already exist). */
const INLINE_FEATURIZE_LIMIT = 50;
/**
 * Weak supervision: unreviewed runs classified with at least this confidence teach their classifier, for
 * classes with at least WEAK_MIN_PER_CLASS of them; refreshed at most once a minute. Measured on the
 * development sets (bench/classifier-learning.ts): BBC 92.8% -> 95.0%, ECE 0.107 -> 0.018; Tobacco unchanged.
 */
const WEAK_CONFIDENCE = 0.8;
const WEAK_MIN_PER_CLASS = 5;
const WEAK_MAX = 1000;
const WEAK_REFRESH_MS = 60_000;
/** Classifier example sets kept in memory per process (each up to a few MB of term counts). */
const EXAMPLE_CACHE_SIZE = 64;
/** Characters of a document's text stored with its features: the part an engine that shows examples sees. */
const EXCERPT_CHARS = 1200;

interface StoredFeatures {
  terms: Record<string, number>;
  wordCount: number;
  excerpt: string | null;
}

export async function enqueueLearning(
  deps: CoreDeps,
  ex: Executor,
  workspaceId: string,
  classifierId: string,
  fileIds: readonly string[],
): Promise<void> {
  if (!deps.classifier.featurize) return;
  const now = deps.clock.now();
  for (const fileId of fileIds) {
    await enqueueJob(ex, now, LEARN_JOB, { fileId, classifierId }, { workspaceId, priority: LEARN_PRIORITY });
  }
}

/** Features depend on the engine's tokenisation, the parse options and the pages the config reads. */
export function featuresKey(deps: CoreDeps, config: ClassifyConfig): string {
  const parse = parseConfigKey(
    resolvedParseConfig(config.parseConfig as Record<string, unknown> | undefined),
  );
  const pages = [config.advancedOptions?.context ?? 'default', config.advancedOptions?.pageRanges ?? null];
  return createHash('sha256')
    .update(
      JSON.stringify([
        deps.classifier.featuresVersion ?? '',
        parse,
        pages,
        deps.config.limits.contextDefaultPages,
      ]),
    )
    .digest('hex')
    .slice(0, 24);
}

async function storeFeatures(
  deps: CoreDeps,
  file: Pick<FileRow, 'id' | 'workspace_id'>,
  key: string,
  config: ClassifyConfig,
  pages: { pageNumber: number; text: string }[],
): Promise<StoredFeatures | null> {
  const featurize = deps.classifier.featurize;
  if (!featurize) return null;
  const selected = selectPages(pages, config, deps.config.limits.contextDefaultPages);
  const f = featurize(selected);
  const excerpt = cutAtWord(collapseWhitespace(selected.map((p) => p.text).join(' ')), EXCERPT_CHARS) || null;
  await deps.db
    .insertInto('training_features')
    .values({
      file_id: file.id,
      features_key: key,
      workspace_id: file.workspace_id,
      terms: JSON.stringify(f.terms),
      word_count: f.wordCount,
      excerpt,
      created_at: deps.clock.now().toISOString(),
    })
    .onConflict((oc) => oc.columns(['file_id', 'features_key']).doNothing())
    .execute();
  return { ...f, excerpt };
}

/** The learn_example job: parse the file with the classifier's draft options and store its features. */
export async function learnExample(deps: CoreDeps, payload: { fileId: string; classifierId: string }) {
  const file = await deps.db
    .selectFrom('files')
    .selectAll()
    .where('id', '=', payload.fileId)
    .executeTakeFirst();
  const classifier = await deps.db
    .selectFrom('classifiers')
    .select('id')
    .where('id', '=', payload.classifierId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!file || !classifier) return;
  const config = JSON.parse((await getDraft(deps.db, classifier.id)).config) as ClassifyConfig;
  const key = featuresKey(deps, config);
  const have = await deps.db
    .selectFrom('training_features')
    .select('file_id')
    .where('file_id', '=', file.id)
    .where('features_key', '=', key)
    .executeTakeFirst();
  if (have) return;
  try {
    const parsed = await parseForRun(
      deps,
      file,
      config.parseConfig as Record<string, unknown> | undefined,
      classifier.id,
    );
    await storeFeatures(deps, file, key, config, parsed.pages);
  } catch (err) {
    // A file that cannot be parsed teaches nothing; its parse run records why.
    if (err instanceof ParseRunFailed) return;
    throw err;
  }
}

interface CandidateExample {
  id: string;
  fileId: string;
  workspaceId: string;
  label: { id: string; type: string };
  /** Reviewed runs know their parse run; items are parsed by their learning job. */
  parseRunId: string | null;
  weak: boolean;
}

interface CacheEntry {
  signature: string;
  examples: TrainingExamples | null;
}

export interface ExampleScope {
  workspaceId: string;
  classifierId: string;
  config: ClassifyConfig;
  /** An evaluation set run never learns from the set it measures, nor from the file it classifies. */
  excludeSetId?: string | null;
  excludeFileId?: string | null;
}

export class TrainingExampleStore {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly requested = new Set<string>();

  constructor(private readonly deps: CoreDeps) {}

  async load(scope: ExampleScope): Promise<TrainingExamples | null> {
    const { deps } = this;
    if (!deps.classifier.featurize) return null;
    const memory = scope.config.advancedOptions?.memoryEnabled === true;
    const weak = deps.config.limits.learnFromConfidentRuns;
    const key = featuresKey(deps, scope.config);
    const signature = await this.signature(scope, key, memory, weak);
    if (signature === null) return null;
    const cacheKey = JSON.stringify([scope.classifierId, key, memory, weak, scope.excludeSetId ?? null]);
    let entry = this.cache.get(cacheKey);
    if (!entry || entry.signature !== signature) {
      const examples = await this.build(scope, key, memory, weak);
      // Building may store features it computed inline: the signature is taken again after it, or a later
      // change that brings the count back (a deleted file) would look like no change at all.
      entry = { signature: (await this.signature(scope, key, memory, weak)) ?? signature, examples };
      this.cache.set(cacheKey, entry);
      if (this.cache.size > EXAMPLE_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value ?? '');
    }
    const examples = entry.examples;
    if (!examples || !scope.excludeFileId) return examples;
    const kept = examples.items.filter((e) => e.id !== scope.excludeFileId);
    return kept.length === examples.items.length
      ? examples
      : { version: `${examples.version}-${scope.excludeFileId}`, items: kept };
  }

  /** Changes whenever an example is added, removed, relabelled or gets its features; null when there are none. */
  private async signature(
    scope: ExampleScope,
    key: string,
    memory: boolean,
    weak: boolean,
  ): Promise<string | null> {
    const { db } = this.deps;
    let items = db
      .selectFrom('evaluation_set_items as i')
      .innerJoin('evaluation_sets as s', 's.id', 'i.evaluation_set_id')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('i.updated_at').as('last')])
      .where('s.entity_id', '=', scope.classifierId);
    if (scope.excludeSetId) items = items.where('s.id', '!=', scope.excludeSetId);
    const a = await items.executeTakeFirst();
    const b = memory
      ? await db
          .selectFrom('classify_runs')
          .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('last')])
          .where('classifier_id', '=', scope.classifierId)
          .where('reviewed', '=', 1)
          .executeTakeFirst()
      : undefined;
    // Confident runs come and go with every run: they refresh the examples at most once a minute.
    let weakBucket: number | null = null;
    if (weak) {
      // A probe for the tenth such run, not a count: this runs before every classification, and counting
      // would read every run the classifier ever had.
      const tenth = await db
        .selectFrom('classify_runs')
        .select('id')
        .where('classifier_id', '=', scope.classifierId)
        .where('reviewed', '=', 0)
        .where('status', '=', 'PROCESSED')
        .limit(1)
        .offset(2 * WEAK_MIN_PER_CLASS - 1)
        .executeTakeFirst();
      if (tenth !== undefined) {
        weakBucket = Math.floor(this.deps.clock.now().getTime() / WEAK_REFRESH_MS);
      }
    }
    if (Number(a?.n ?? 0) === 0 && Number(b?.n ?? 0) === 0 && weakBucket === null) return null;
    const c = await db
      .selectFrom('training_features')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', scope.workspaceId)
      .where('features_key', '=', key)
      .executeTakeFirst();
    return JSON.stringify(
      [a?.n, a?.last, b?.n, b?.last, c?.n, weakBucket].map((x) =>
        x === undefined || x === null ? null : String(x),
      ),
    );
  }

  /** Confidently classified, unreviewed runs of this classifier (the newest WEAK_MAX); never an evaluation run's. */
  private async weakCandidates(scope: ExampleScope): Promise<CandidateExample[]> {
    const runs = await this.deps.db
      .selectFrom('classify_runs as r')
      .select(['r.id', 'r.file_id', 'r.workspace_id', 'r.output', 'r.parse_run_id'])
      .where('r.classifier_id', '=', scope.classifierId)
      .where('r.status', '=', 'PROCESSED')
      .where('r.reviewed', '=', 0)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('evaluation_set_run_items as e')
              .select('e.classify_run_id')
              .whereRef('e.classify_run_id', '=', 'r.id'),
          ),
        ),
      )
      .orderBy('r.updated_at', 'desc')
      .limit(WEAK_MAX)
      .execute();
    const out: CandidateExample[] = [];
    for (const r of runs.reverse()) {
      if (!r.file_id || !r.output) continue;
      const output = JSON.parse(r.output) as { id: string; type: string; confidence: number };
      if (output.confidence < WEAK_CONFIDENCE || output.type === 'other') continue;
      out.push({
        id: r.id,
        fileId: r.file_id,
        workspaceId: r.workspace_id,
        label: { id: output.id, type: output.type },
        parseRunId: r.parse_run_id,
        weak: true,
      });
    }
    return out;
  }

  private async candidates(scope: ExampleScope, memory: boolean, weak: boolean): Promise<CandidateExample[]> {
    const { db } = this.deps;
    let itemQuery = db
      .selectFrom('evaluation_set_items as i')
      .innerJoin('evaluation_sets as s', 's.id', 'i.evaluation_set_id')
      .select(['i.id', 'i.file_id', 'i.workspace_id', 'i.expected_output', 'i.updated_at'])
      .where('s.entity_id', '=', scope.classifierId);
    if (scope.excludeSetId) itemQuery = itemQuery.where('s.id', '!=', scope.excludeSetId);
    const items = await itemQuery.orderBy('i.updated_at', 'asc').execute();
    // Weak labels first: a person's label for the same file (an item, a review) replaces them.
    const out: CandidateExample[] = weak ? await this.weakCandidates(scope) : [];
    for (const i of items) {
      out.push({
        id: i.id,
        fileId: i.file_id,
        workspaceId: i.workspace_id,
        label: JSON.parse(i.expected_output) as { id: string; type: string },
        parseRunId: null,
        weak: false,
      });
    }
    if (memory) {
      const runs = await db
        .selectFrom('classify_runs')
        .select(['id', 'file_id', 'workspace_id', 'reviewed_output', 'parse_run_id'])
        .where('classifier_id', '=', scope.classifierId)
        .where('reviewed', '=', 1)
        .orderBy('updated_at', 'desc')
        .limit(MAX_REVIEWED_EXAMPLES)
        .execute();
      for (const r of runs.reverse()) {
        if (!r.file_id || !r.reviewed_output) continue;
        out.push({
          id: r.id,
          fileId: r.file_id,
          workspaceId: r.workspace_id,
          label: JSON.parse(r.reviewed_output) as { id: string; type: string },
          parseRunId: r.parse_run_id,
          weak: false,
        });
      }
    }
    return out;
  }

  private async build(
    scope: ExampleScope,
    key: string,
    memory: boolean,
    weak: boolean,
  ): Promise<TrainingExamples | null> {
    const { db } = this.deps;
    const candidates = await this.candidates(scope, memory, weak);
    // One label per file: the most recent word (reviews come after items, newest last) wins.
    const byFile = new Map<string, CandidateExample>();
    for (const c of candidates) byFile.set(c.fileId, c);
    const fileIds = [...byFile.keys()];
    const features = new Map<string, StoredFeatures>();
    for (let i = 0; i < fileIds.length; i += 500) {
      const rows = await db
        .selectFrom('training_features')
        .select(['file_id', 'terms', 'word_count', 'excerpt'])
        .where('features_key', '=', key)
        .where('file_id', 'in', fileIds.slice(i, i + 500))
        .execute();
      for (const r of rows) {
        features.set(r.file_id, { terms: JSON.parse(r.terms), wordCount: r.word_count, excerpt: r.excerpt });
      }
    }
    await this.fillMissing(scope, key, byFile, features);

    const classifications = scope.config.classifications;
    const items: TrainingExample[] = [];
    for (const [fileId, c] of byFile) {
      const f = features.get(fileId);
      if (!f) continue;
      // A label follows its classification by id; if the id was renamed, by its (unique) type.
      const byId = classifications.find((x) => x.id === c.label.id);
      const byType = classifications.filter((x) => x.type === c.label.type);
      const target = byId ?? (byType.length === 1 ? byType[0] : undefined);
      if (!target) continue;
      items.push({
        id: fileId,
        classificationId: target.id,
        terms: f.terms,
        wordCount: f.wordCount,
        ...(c.weak ? { weak: true } : {}),
        ...(f.excerpt !== null ? { excerpt: f.excerpt } : {}),
      });
    }
    // A class needs a few confident documents before its weak examples say anything.
    const weakPerClass = new Map<string, number>();
    for (const e of items) {
      if (e.weak) weakPerClass.set(e.classificationId, (weakPerClass.get(e.classificationId) ?? 0) + 1);
    }
    const kept = items.filter(
      (e) => !e.weak || (weakPerClass.get(e.classificationId) ?? 0) >= WEAK_MIN_PER_CLASS,
    );
    items.length = 0;
    items.push(...kept);
    if (items.length === 0) return null;
    const version = createHash('sha256')
      .update(JSON.stringify([key, items.map((e) => [e.id, e.classificationId, e.weak === true])]))
      .digest('hex')
      .slice(0, 16);
    return { version, items };
  }

  /**
   * Examples without features: reviewed runs (and items whose file was parsed under these options) are
   * featurised here from their existing parse; the rest get a learning job, once per process.
   */
  private async fillMissing(
    scope: ExampleScope,
    key: string,
    byFile: Map<string, CandidateExample>,
    features: Map<string, StoredFeatures>,
  ) {
    const { deps } = this;
    const parseKey = parseConfigKey(
      resolvedParseConfig(scope.config.parseConfig as Record<string, unknown> | undefined),
    );
    let budget = INLINE_FEATURIZE_LIMIT;
    const toQueue: string[] = [];
    for (const [fileId, c] of byFile) {
      if (features.has(fileId)) continue;
      if (budget <= 0) break;
      budget--;
      const parse = await deps.db
        .selectFrom('parse_runs')
        .select(['output'])
        .where('file_id', '=', fileId)
        .where('config_key', '=', parseKey)
        .where('status', '=', 'PROCESSED')
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (parse) {
        const f = await storeFeatures(
          deps,
          { id: fileId, workspace_id: c.workspaceId },
          key,
          scope.config,
          pagesFromOutput(parse.output),
        );
        if (f) features.set(fileId, f);
      } else if (!this.requested.has(`${key}:${fileId}`)) {
        this.requested.add(`${key}:${fileId}`);
        toQueue.push(fileId);
      }
    }
    if (toQueue.length > 0) {
      await enqueueLearning(deps, deps.db, scope.workspaceId, scope.classifierId, toQueue);
      deps.notifier.jobQueued();
    }
  }
}

const stores = new WeakMap<CoreDeps, TrainingExampleStore>();

/** One example store (and cache) per set of dependencies, i.e. per process. */
export function trainingExamples(deps: CoreDeps): TrainingExampleStore {
  let store = stores.get(deps);
  if (!store) {
    store = new TrainingExampleStore(deps);
    stores.set(deps, store);
  }
  return store;
}
