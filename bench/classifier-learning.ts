/**
 * How much the local engine gains from labelled examples: accuracy, macro-F1 and calibration error with
 * 0, 2, 5, 10 and 20 examples per class, on the development sets, averaged over random draws of the
 * examples (the scored documents never include the examples).
 *
 *   npx tsx bench/classifier-learning.ts          figures with the shipped parameters
 *   npx tsx bench/classifier-learning.ts --fit    also grid-search the learning parameters (fit on even-numbered
 *                                                 documents, reported on odd-numbered ones)
 *
 * Configs: bench/configs/{bbc-news,tobacco}.json (the classifications as a user would write them).
 * Prints figures only; it never fails on them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibratedLogits, softmax } from '../src/adapters/classifiers/local/calibration.js';
import { extractFeatures } from '../src/adapters/classifiers/local/features.js';
import {
  blendLogits,
  type Featurized,
  featurize,
  type LearningParameters,
  similarities,
  trainLearnedModel,
} from '../src/adapters/classifiers/local/learned.js';
import { compileModel } from '../src/adapters/classifiers/local/model.js';
import { DEFAULT_PARAMETERS } from '../src/adapters/classifiers/local/parameters.js';
import { scoreDocument } from '../src/adapters/classifiers/local/scorer.js';
import { fitTemperature } from '../src/adapters/classifiers/local/self-calibration.js';
import { seededShuffle } from '../src/lib/shuffle.js';
import type { ClassificationDefinition, TrainingExample } from '../src/ports/classifier.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const dataDir = process.env['DOCSORT_DATA_DIR'] ?? resolve(here, '../../shared/data');

interface BenchConfig {
  labels: Record<string, string>;
  config: { classifications: ClassificationDefinition[] };
}

interface Doc {
  index: number;
  truth: number;
  logits: number[];
  features: Featurized;
}

const load = (name: string) => {
  const { labels, config } = JSON.parse(
    readFileSync(join(here, 'configs', `${name}.json`), 'utf8'),
  ) as BenchConfig;
  const classes = config.classifications;
  const model = compileModel(classes, null);
  const docs: Doc[] = [];
  const root = join(dataDir, name);
  for (const folder of readdirSync(root, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    const truth = classes.findIndex((c) => c.id === labels[folder.name]);
    for (const file of readdirSync(join(root, folder.name)).sort()) {
      const pages = [{ pageNumber: 1, text: readFileSync(join(root, folder.name, file), 'utf8') }];
      const f = extractFeatures(model, pages);
      const scores = scoreDocument(model, f, DEFAULT_PARAMETERS).map((s) => s.score);
      docs.push({
        index: docs.length,
        truth,
        logits: calibratedLogits(scores, f.wordCount, DEFAULT_PARAMETERS),
        features: featurize(pages),
      });
    }
  }
  return { name, classes, model, docs };
};

type Dataset = ReturnType<typeof load>;

interface Trial {
  docs: Doc[];
  /** The self-calibration temperature each document is scored with (1 without examples). */
  temperatures: number[];
  /** Similarities by nearest-example weight. */
  sims: Map<number, (number | null)[][]>;
  counts: number[];
}

const NEAREST_WEIGHTS = [0, 0.25, 0.5, 0.75, 1];

/** Draw k examples per class from `pool`; score `targets` minus the examples. */
const trial = (d: Dataset, pool: Doc[], targets: Doc[], k: number, seed: number): Trial => {
  const examples: Doc[] = [];
  for (let c = 0; c < d.classes.length; c++) {
    examples.push(
      ...seededShuffle(
        pool.filter((x) => x.truth === c),
        seed + c,
      ).slice(0, k),
    );
  }
  const used = new Set(examples.map((e) => e.index));
  const docs = targets.filter((x) => !used.has(x.index));
  if (k === 0) {
    const none = docs.map(() => d.classes.map(() => null));
    return {
      docs,
      temperatures: docs.map(() => 1),
      sims: new Map(NEAREST_WEIGHTS.map((w) => [w, none])),
      counts: d.classes.map(() => 0),
    };
  }
  const items: TrainingExample[] = examples.map((e) => ({
    id: String(e.index),
    classificationId: d.classes[e.truth]!.id,
    terms: e.features.terms,
    wordCount: e.features.wordCount,
  }));
  const learned = trainLearnedModel(d.model.profiles, { version: `${seed}`, items });
  const sims = new Map(
    NEAREST_WEIGHTS.map((w) => [w, docs.map((x) => similarities(learned, x.features, w))]),
  );
  const t = fitTemperature(d.model, learned, { version: `${seed}`, items }, DEFAULT_PARAMETERS);
  return { docs, temperatures: docs.map(() => t), sims, counts: learned.counts };
};

interface Scored {
  accuracy: number;
  macroF1: number;
  ece: number;
  nll: number;
}

const score = (t: Trial, p: LearningParameters, classCount: number, selfCalibrated = true): Scored => {
  let correct = 0;
  let nll = 0;
  const tp = new Array(classCount).fill(0);
  const fp = new Array(classCount).fill(0);
  const fn = new Array(classCount).fill(0);
  const bins = Array.from({ length: 10 }, () => ({ n: 0, ok: 0, conf: 0 }));
  t.docs.forEach((doc, i) => {
    const sims = t.sims.get(p.nearestWeight) ?? [];
    const temperature = selfCalibrated ? (t.temperatures[i] ?? 1) : 1;
    const probs = softmax(blendLogits(doc.logits, sims[i]!, t.counts, p).map((l) => l / temperature));
    let best = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c]! > probs[best]!) best = c;
    const ok = best === doc.truth;
    if (ok) {
      correct++;
      tp[best]++;
    } else {
      fp[best]++;
      fn[doc.truth]++;
    }
    nll -= Math.log(Math.max(1e-9, probs[doc.truth] ?? 0));
    const bin = bins[Math.min(9, Math.floor(probs[best]! * 10))]!;
    bin.n++;
    bin.conf += probs[best]!;
    if (ok) bin.ok++;
  });
  const f1s: number[] = [];
  for (let c = 0; c < classCount; c++) {
    if (tp[c] + fn[c] === 0) continue;
    const prec = tp[c] + fp[c] ? tp[c] / (tp[c] + fp[c]) : 0;
    const rec = tp[c] / (tp[c] + fn[c]);
    f1s.push(prec + rec ? (2 * prec * rec) / (prec + rec) : 0);
  }
  const n = t.docs.length || 1;
  return {
    accuracy: correct / n,
    macroF1: f1s.reduce((a, b) => a + b, 0) / (f1s.length || 1),
    ece: bins.reduce((a, b) => a + (b.n ? (b.n / n) * Math.abs(b.ok / b.n - b.conf / b.n) : 0), 0),
    nll: nll / n,
  };
};

const mean = (xs: Scored[]): Scored => ({
  accuracy: xs.reduce((a, x) => a + x.accuracy, 0) / xs.length,
  macroF1: xs.reduce((a, x) => a + x.macroF1, 0) / xs.length,
  ece: xs.reduce((a, x) => a + x.ece, 0) / xs.length,
  nll: xs.reduce((a, x) => a + x.nll, 0) / xs.length,
});

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const SHOTS = [0, 2, 5, 10, 20];
const SEEDS = [1, 2, 3, 4, 5];
/** Small sets leave few documents to score per draw: more draws, pooled, keep the figures from being noise. */
const SMALL_SET_SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const seedsFor = (d: Dataset) => (d.docs.length < 500 ? SMALL_SET_SEEDS : SEEDS);

/** The draws' predictions as one set (they share the examples-per-class counts), so ECE is not per 20 documents. */
const pooled = (trials: Trial[]): Trial => ({
  docs: trials.flatMap((t) => t.docs),
  temperatures: trials.flatMap((t) => t.temperatures),
  sims: new Map(NEAREST_WEIGHTS.map((w) => [w, trials.flatMap((t) => t.sims.get(w) ?? [])])),
  counts: trials[0]?.counts ?? [],
});

const trialsFor = (d: Dataset, split: 'fit' | 'report', k: number): Trial[] => {
  const even = d.docs.filter((x) => x.index % 2 === 0);
  const odd = d.docs.filter((x) => x.index % 2 === 1);
  return seedsFor(d)
    .map((seed) =>
      // Fitting draws examples from and scores the even documents; reporting draws from all, scores the rest.
      split === 'fit' ? trial(d, even, even, k, seed) : trial(d, d.docs, k === 0 ? odd : d.docs, k, seed),
    )
    .filter((t) => t.docs.length > 0);
};

const fitLearning = (datasets: Dataset[]): LearningParameters => {
  // Each dataset weighs the same, however many draws it has.
  const perDataset = datasets.map((d) =>
    [2, 5, 10, 20].flatMap((k) => trialsFor(d, 'fit', k).map((t) => ({ t, classes: d.classes.length }))),
  );
  let best: LearningParameters = { ...DEFAULT_PARAMETERS };
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const nearestWeight of NEAREST_WEIGHTS) {
    for (const learnedScale of [10, 15, 20, 30, 40, 60, 80]) {
      for (const learnedHalfWeight of [0.25, 0.5, 1, 2, 4]) {
        for (const descriptionFade of [0, 0.25, 0.5, 0.75, 0.9]) {
          const p = { learnedScale, learnedHalfWeight, descriptionFade, nearestWeight };
          const loss =
            perDataset
              .map((trials) => mean(trials.map(({ t, classes }) => score(t, p, classes, false))).nll)
              .reduce((a, b) => a + b, 0) / perDataset.length;
          if (loss < bestLoss) {
            bestLoss = loss;
            best = p;
          }
        }
      }
    }
  }
  console.log(`fitted: ${JSON.stringify(best)} (mean NLL ${bestLoss.toFixed(3)} on the even documents)`);
  return best;
};

/** Training time for 1,000 examples, and classification speed of two-page documents with and without them. */
const reportSpeed = async (d: Dataset) => {
  const items: TrainingExample[] = d.docs.slice(0, 1000).map((x) => ({
    id: String(x.index),
    classificationId: d.classes[x.truth]!.id,
    terms: x.features.terms,
    wordCount: x.features.wordCount,
  }));
  const t0 = performance.now();
  const rounds = 5;
  let learned = trainLearnedModel(d.model.profiles, { version: 'speed', items });
  for (let i = 0; i < rounds; i++)
    learned = trainLearnedModel(d.model.profiles, { version: `speed${i}`, items });
  const trainMs = (performance.now() - t0) / rounds;
  const t1 = performance.now();
  for (let i = 0; i < rounds; i++)
    fitTemperature(d.model, learned, { version: 'speed', items }, DEFAULT_PARAMETERS);
  const calibrateMs = (performance.now() - t1) / rounds;
  const root = join(dataDir, d.name);
  const texts = readdirSync(root, { withFileTypes: true })
    .filter((f) => f.isDirectory())
    .flatMap((f) => readdirSync(join(root, f.name)).map((n) => readFileSync(join(root, f.name, n), 'utf8')));
  const docs = texts.slice(0, 400).map((t, i) => [
    { pageNumber: 1, text: t },
    { pageNumber: 2, text: texts[(i + 1) % texts.length]! },
  ]);
  const { createLocalClassifier } = await import('../src/adapters/classifiers/local/index.js');
  const speed = async (examples: { version: string; items: TrainingExample[] } | null) => {
    const classifier = createLocalClassifier();
    // One untimed pass warms the JIT and the model caches; the best of three timed passes is the steady
    // state (the slower ones measure whatever else the machine was doing).
    let best = 0;
    for (let round = 0; round < 4; round++) {
      const started = performance.now();
      for (const pages of docs) await classifier.classify({ classifications: d.classes, pages, examples });
      if (round > 0) best = Math.max(best, docs.length / ((performance.now() - started) / 1000));
    }
    return best;
  };
  const without = await speed(null);
  const withExamples = await speed({ version: 'speed', items });
  console.log(
    `\nspeed (${d.name}, one core): training on ${items.length} examples ${trainMs.toFixed(1)} ms, ` +
      `self-calibration (${Math.min(300, items.length)} held out) ${calibrateMs.toFixed(1)} ms; ` +
      `two-page documents ${without.toFixed(0)}/s from descriptions, ${withExamples.toFixed(0)}/s with ${items.length} examples`,
  );
};

/**
 * Weak supervision from the workspace's own stream: the even-numbered documents play the unreviewed stream;
 * those the engine classifies with confidence >= threshold become examples of the class it chose; the
 * odd-numbered documents are scored with and without them.
 */
const WEAK_MIN_PER_CLASS = 5;

const reportWeak = (d: Dataset, p: LearningParameters) => {
  const stream = d.docs.filter((x) => x.index % 2 === 0);
  const scoredDocs = d.docs.filter((x) => x.index % 2 === 1);
  const base = score(
    {
      docs: scoredDocs,
      temperatures: scoredDocs.map(() => 1),
      sims: new Map([[p.nearestWeight, scoredDocs.map(() => d.classes.map(() => null))]]),
      counts: d.classes.map(() => 0),
    },
    p,
    d.classes.length,
  );
  const parts = [`zero-shot ${pct(base.accuracy)} (ECE ${base.ece.toFixed(3)})`];
  for (const threshold of [0.6, 0.8, 0.9, 0.95]) {
    const items: TrainingExample[] = [];
    for (const x of stream) {
      const probs = softmax(x.logits);
      let best = 0;
      for (let c = 1; c < probs.length; c++) if (probs[c]! > probs[best]!) best = c;
      if (probs[best]! >= threshold && d.classes[best]!.type !== 'other') {
        items.push({
          id: String(x.index),
          classificationId: d.classes[best]!.id,
          terms: x.features.terms,
          wordCount: x.features.wordCount,
        });
      }
    }
    // A class needs a few confident documents before its weak centroid says anything.
    const perClass = new Map<string, number>();
    for (const e of items) perClass.set(e.classificationId, (perClass.get(e.classificationId) ?? 0) + 1);
    const kept = items.filter((e) => (perClass.get(e.classificationId) ?? 0) >= WEAK_MIN_PER_CLASS);
    items.length = 0;
    items.push(...kept);
    if (items.length === 0) {
      parts.push(`>=${threshold}: no class has ${WEAK_MIN_PER_CLASS} confident documents`);
      continue;
    }
    const learned = trainLearnedModel(d.model.profiles, { version: `weak${threshold}`, items });
    const sims = new Map([
      [p.nearestWeight, scoredDocs.map((x) => similarities(learned, x.features, p.nearestWeight))],
    ]);
    // Weak examples are never held out for self-calibration (their labels are the engine's own).
    const temperatures = scoredDocs.map(() => 1);
    const m = score({ docs: scoredDocs, temperatures, sims, counts: learned.counts }, p, d.classes.length);
    parts.push(`>=${threshold}: ${items.length} weak examples, ${pct(m.accuracy)} (ECE ${m.ece.toFixed(3)})`);
  }
  console.log(`weak supervision (${d.name}, stream = even documents, scored = odd): ${parts.join('; ')}`);
};

const main = async () => {
  const started = performance.now();
  const datasets = ['bbc-news', 'tobacco'].map(load);
  console.log(
    `loaded ${datasets.map((d) => `${d.name} ${d.docs.length}`).join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await reportSpeed(datasets[0]!);
  const params: LearningParameters = process.argv.includes('--fit')
    ? fitLearning(datasets)
    : DEFAULT_PARAMETERS;
  for (const d of datasets) reportWeak(d, params);
  for (const d of datasets) {
    console.log(
      `\n${d.name} (${d.classes.length} classifications incl. other; ${seedsFor(d).length} draws per setting, pooled)`,
    );
    console.log(
      'examples/class  scored  accuracy  macro-F1  ECE    (T=1: acc., ECE; mean T)  ms/draw (train, calibrate, score all)',
    );
    for (const k of SHOTS) {
      const t0 = performance.now();
      const trials = trialsFor(d, 'report', k);
      const drawMs = (performance.now() - t0) / Math.max(1, trials.length);
      if (
        trials.length === 0 ||
        (k > 0 && trials.some((t) => t.counts.some((c, i) => c < k && d.classes[i]?.type !== 'other')))
      ) {
        console.log(
          `${String(k).padStart(14)}  (not enough documents per class for ${k} examples plus a test set)`,
        );
        continue;
      }
      const all = pooled(trials);
      const m = score(all, params, d.classes.length);
      // The same draws without the per-classifier temperature, to show what self-calibration changes.
      const raw = score(all, params, d.classes.length, false);
      const meanT = all.temperatures.reduce((a, b) => a + b, 0) / Math.max(1, all.temperatures.length);
      console.log(
        `${String(k).padStart(14)}  ${String(trials[0]!.docs.length).padStart(6)}  ${pct(m.accuracy).padStart(8)}  ${pct(m.macroF1).padStart(8)}  ${m.ece.toFixed(3)}  (${pct(raw.accuracy)}, ${raw.ece.toFixed(3)}; ${meanT.toFixed(2)})`.padEnd(
          84,
        ) + drawMs.toFixed(1).padStart(8),
      );
    }
  }
};

await main();
