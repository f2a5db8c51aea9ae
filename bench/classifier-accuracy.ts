/**
 * Accuracy, calibration and speed of the local lexical classifier on the development sets, with the
 * description-only TF-IDF cosine baseline computed in the same run on the same documents.
 *
 *   npx tsx bench/classifier-accuracy.ts          figures with the shipped parameters
 *   npx tsx bench/classifier-accuracy.ts --fit    also search the scoring parameters on even-numbered documents
 *                                                 and report them on the odd-numbered ones
 *   ... --fit --calibration-only                  keep the ranking parameters, fit only the confidence
 *
 * Data: ../shared/data/{bbc-news,tobacco} relative to the repository (override with DOCSORT_DATA_DIR).
 * Prints figures only; it never fails on them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrate } from '../src/adapters/classifiers/local/calibration.js';
import { type DocumentFeatures, extractFeatures } from '../src/adapters/classifiers/local/features.js';
import { createLocalClassifier, LOCAL_ENGINE } from '../src/adapters/classifiers/local/index.js';
import {
  type CompiledEntry,
  knowledgeBase,
  TOPIC_IDS,
} from '../src/adapters/classifiers/local/knowledge/index.js';
import { type CompiledModel, compileModel } from '../src/adapters/classifiers/local/model.js';
import { DEFAULT_PARAMETERS, type EngineParameters } from '../src/adapters/classifiers/local/parameters.js';
import { scoreDocument } from '../src/adapters/classifiers/local/scorer.js';
import { STOPWORDS } from '../src/adapters/classifiers/local/stopwords.js';
import { contentTermsOf, wordsOf } from '../src/adapters/classifiers/local/tokenizer.js';
import type { ClassificationDefinition } from '../src/ports/classifier.js';

interface LabelledDocument {
  label: string;
  name: string;
  text: string;
}

interface Dataset {
  name: string;
  documents: LabelledDocument[];
  classifications: ClassificationDefinition[];
  /** Folder name -> classification id. */
  labelToId: Record<string, string>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const dataDir = process.env['DOCSORT_DATA_DIR'] ?? resolve(here, '../../shared/data');

const loadFolders = (root: string): LabelledDocument[] => {
  const documents: LabelledDocument[] = [];
  for (const label of readdirSync(root, { withFileTypes: true })) {
    if (!label.isDirectory()) continue;
    for (const name of readdirSync(join(root, label.name)).sort()) {
      documents.push({ label: label.name, name, text: readFileSync(join(root, label.name, name), 'utf8') });
    }
  }
  return documents;
};

/** The configs `docsort eval` and the learning bench use too (bench/configs/), written as a user would. */
const fromConfig = (name: string, folder: string): Dataset => {
  const { labels, config } = JSON.parse(readFileSync(join(here, 'configs', `${folder}.json`), 'utf8')) as {
    labels: Record<string, string>;
    config: { classifications: ClassificationDefinition[] };
  };
  return {
    name,
    documents: loadFolders(join(dataDir, folder)),
    classifications: config.classifications,
    labelToId: labels,
  };
};

const bbc = (): Dataset => fromConfig('BBC News', 'bbc-news');
const tobacco = (): Dataset => fromConfig('Tobacco (OCR)', 'tobacco');

// ---------------------------------------------------------------- metrics

interface Prediction {
  truth: string;
  predicted: string;
  confidence: number;
}

const accuracy = (ps: readonly Prediction[]): number =>
  ps.length === 0 ? 0 : ps.filter((p) => p.truth === p.predicted).length / ps.length;

const macroF1 = (ps: readonly Prediction[]): number => {
  const labels = [...new Set(ps.map((p) => p.truth))];
  let total = 0;
  for (const label of labels) {
    const tp = ps.filter((p) => p.truth === label && p.predicted === label).length;
    const fp = ps.filter((p) => p.truth !== label && p.predicted === label).length;
    const fn = ps.filter((p) => p.truth === label && p.predicted !== label).length;
    total += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return labels.length === 0 ? 0 : total / labels.length;
};

/** Expected calibration error over 10 equal-width confidence bins. */
const ece = (ps: readonly Prediction[]): number => {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, correct: 0, confidence: 0 }));
  for (const p of ps) {
    const bin = bins[Math.min(9, Math.floor(p.confidence * 10))]!;
    bin.n++;
    bin.confidence += p.confidence;
    if (p.truth === p.predicted) bin.correct++;
  }
  return bins.reduce(
    (sum, b) => (b.n === 0 ? sum : sum + (b.n / ps.length) * Math.abs(b.correct / b.n - b.confidence / b.n)),
    0,
  );
};

/** Accuracy against mean confidence per bin, for the bins that have documents. */
const reliability = (ps: readonly Prediction[]): string => {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, correct: 0, confidence: 0 }));
  for (const p of ps) {
    const bin = bins[Math.min(9, Math.floor(p.confidence * 10))]!;
    bin.n++;
    bin.confidence += p.confidence;
    if (p.truth === p.predicted) bin.correct++;
  }
  return bins
    .map((b, i) =>
      b.n === 0
        ? null
        : `${i / 10}-${(i + 1) / 10}: n=${b.n} conf ${(b.confidence / b.n).toFixed(2)} acc ${(b.correct / b.n).toFixed(2)}`,
    )
    .filter((x) => x !== null)
    .join(' | ');
};

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

// ---------------------------------------------------------------- baseline: TF-IDF cosine to descriptions

interface BaselineVariant {
  /** Put the classification's type in front of its description. */
  withType: boolean;
  /** Stem words (the engine's stemmer) or compare them as written. */
  stemmed: boolean;
}

const plainTermsOf = (text: string): string[] =>
  wordsOf(text).filter((w) => w.length > 1 && !STOPWORDS.has(w) && /[a-z]/.test(w));

const tfidfBaseline = (
  dataset: Dataset,
  documents: readonly LabelledDocument[],
  variant: BaselineVariant,
): Prediction[] => {
  const termsOf = variant.stemmed ? contentTermsOf : plainTermsOf;
  const described = dataset.classifications.filter((c) => c.type !== 'other');
  const docTerms = documents.map((d) => termsOf(d.text));
  const descTerms = described.map((c) =>
    termsOf(variant.withType ? `${c.type} ${c.description}` : c.description),
  );
  const df = new Map<string, number>();
  const all = [...docTerms, ...descTerms];
  for (const terms of all) for (const t of new Set(terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const vector = (terms: string[]): Map<string, number> => {
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    let norm = 0;
    for (const [t, n] of tf) {
      const w = n * Math.log(all.length / (df.get(t) ?? 1));
      tf.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of tf) tf.set(t, w / norm);
    return tf;
  };
  const descVectors = descTerms.map(vector);
  return documents.map((d, i) => {
    const v = vector(docTerms[i]!);
    let best = 0;
    let bestScore = -1;
    descVectors.forEach((dv, j) => {
      let dot = 0;
      for (const [t, w] of dv) dot += w * (v.get(t) ?? 0);
      if (dot > bestScore) {
        bestScore = dot;
        best = j;
      }
    });
    return { truth: dataset.labelToId[d.label] ?? d.label, predicted: described[best]!.id, confidence: 1 };
  });
};

// ---------------------------------------------------------------- the engine

interface Prepared {
  model: CompiledModel;
  features: DocumentFeatures[];
}

const prepare = (dataset: Dataset, classifications: readonly ClassificationDefinition[]): Prepared => {
  const model = compileModel(classifications, null);
  return {
    model,
    features: dataset.documents.map((d) => extractFeatures(model, [{ pageNumber: 1, text: d.text }], null)),
  };
};

/** One configuration to fit on: a dataset, possibly with a classification removed (its documents then belong to "other"). */
interface FitCase {
  dataset: Dataset;
  prepared: Prepared;
  truth: (d: LabelledDocument) => string;
  /** How much the case counts in the fit. */
  weight: number;
}

const truthOf = (c: FitCase, d: LabelledDocument): string => c.truth(d);

const evenIndices = (d: Dataset): number[] => d.documents.map((_, i) => i).filter((i) => i % 2 === 0);

/**
 * A document's scores split into what the parameters after ranking act on, so a grid over them is arithmetic:
 * score = (shared-weight mix of the two evidence sums) / (words + offset) ^ exponent, plus the baseline for "other".
 */
interface DecomposedRow {
  withShared: number[];
  withoutShared: number[];
  isOther: boolean[];
  wordCount: number;
  truth: number;
}

const decompose = (c: FitCase, ranking: EngineParameters): DecomposedRow[] => {
  const plain = { ...ranking, lengthExponent: 0, lengthOffset: 0, otherBaseline: 0 };
  return evenIndices(c.dataset).map((i) => {
    const features = c.prepared.features[i]!;
    const truth = truthOf(c, c.dataset.documents[i]!);
    return {
      withShared: scoreDocument(c.prepared.model, features, { ...plain, sharedEvidenceWeight: 1 }).map(
        (s) => s.score,
      ),
      withoutShared: scoreDocument(c.prepared.model, features, { ...plain, sharedEvidenceWeight: 0 }).map(
        (s) => s.score,
      ),
      isOther: c.prepared.model.profiles.map((p) => p.isOther),
      wordCount: features.wordCount,
      truth: c.prepared.model.profiles.findIndex((p) => p.id === truth),
    };
  });
};

const rowScores = (row: DecomposedRow, p: EngineParameters): number[] => {
  const norm = Math.max(1, row.wordCount + p.lengthOffset) ** p.lengthExponent;
  return row.withShared.map((a, j) => {
    const evidence =
      (p.sharedEvidenceWeight * a + (1 - p.sharedEvidenceWeight) * row.withoutShared[j]!) / norm;
    return row.isOther[j] ? p.otherBaseline + evidence : evidence;
  });
};

const rowProbabilities = (row: DecomposedRow, p: EngineParameters): number[] =>
  calibrate(rowScores(row, p), row.wordCount, p);

const argmax = (xs: readonly number[]): number =>
  xs.reduce((best, x, i) => (x > (xs[best] ?? -Infinity) ? i : best), 0);

const rowsAccuracy = (rows: readonly DecomposedRow[], p: EngineParameters): number =>
  rows.filter((r) => argmax(rowScores(r, p)) === r.truth).length / rows.length;

const rowsLoss = (rows: readonly DecomposedRow[], p: EngineParameters): number =>
  rows.reduce((sum, r) => sum - Math.log(Math.max(1e-9, rowProbabilities(r, p)[r.truth] ?? 0)), 0) /
  rows.length;

const weightedMean = (
  cases: readonly FitCase[],
  rows: readonly DecomposedRow[][],
  measure: (rows: readonly DecomposedRow[]) => number,
): number => {
  let total = 0;
  let weights = 0;
  rows.forEach((r, i) => {
    const weight = cases[i]?.weight ?? 1;
    total += weight * measure(r);
    weights += weight;
  });
  return total / weights;
};

/**
 * Fits in three steps on the even-numbered documents: the ranking parameters on the full configs, then what
 * decides "other" on full and reduced configs (each config weighs the same), then the confidence by
 * negative log-likelihood.
 */
const fitParameters = (
  full: readonly FitCase[],
  reduced: readonly FitCase[],
  calibrationOnly: boolean,
): EngineParameters => {
  let best: EngineParameters = { ...DEFAULT_PARAMETERS };
  const all = [...full, ...reduced];
  if (!calibrationOnly) {
    let bestScore = -1;
    for (const massExponent of [0, 0.1, 0.2, 0.3, 0.4, 0.5]) {
      for (const saturation of [0.6, 0.9, 1.2, 1.6, 2.2, 3]) {
        const candidate = { ...best, massExponent, saturation };
        const rows = full.map((c) => decompose(c, candidate));
        // Ranking only: "other" never wins here.
        const ranking = { ...candidate, otherBaseline: -1e9 };
        const score = weightedMean(full, rows, (r) => rowsAccuracy(r, ranking));
        if (score > bestScore) {
          bestScore = score;
          best = candidate;
        }
      }
    }
    console.log(
      `ranking: mass ${best.massExponent}, saturation ${best.saturation}, mean accuracy ${pct(bestScore)}`,
    );
  }

  const rows = all.map((c) => decompose(c, best));
  if (!calibrationOnly) {
    let bestScore = -1;
    for (const lengthExponent of [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2]) {
      for (const lengthOffset of [0, 10, 25, 50, 100]) {
        for (const sharedEvidenceWeight of [0, 0.15, 0.3, 0.5, 1]) {
          for (let otherBaseline = 0.001; otherBaseline < 5; otherBaseline *= 1.1) {
            const candidate = { ...best, lengthExponent, lengthOffset, sharedEvidenceWeight, otherBaseline };
            const score = weightedMean(all, rows, (r) => rowsAccuracy(r, candidate));
            if (score > bestScore) {
              bestScore = score;
              best = candidate;
            }
          }
        }
      }
    }
    console.log(
      `other: length exponent ${best.lengthExponent}, offset ${best.lengthOffset}, shared ${best.sharedEvidenceWeight}, ` +
        `baseline ${best.otherBaseline.toFixed(4)}, mean accuracy ${pct(bestScore)}`,
    );
  }

  let bestLoss = Number.POSITIVE_INFINITY;
  const ranked = best;
  for (const confidenceLengthExponent of [0, 0.1, 0.2, 0.3, 0.4]) {
    for (const scoreFloor of [0.02, 0.05, 0.1, 0.2, 0.3, 0.5]) {
      for (let confidenceScale = 0.2; confidenceScale < 20; confidenceScale *= 1.05) {
        const candidate = { ...ranked, confidenceScale, confidenceLengthExponent, scoreFloor };
        const loss = weightedMean(all, rows, (r) => rowsLoss(r, candidate));
        if (loss < bestLoss) {
          bestLoss = loss;
          best = candidate;
        }
      }
    }
  }
  console.log(
    `calibration: scale ${best.confidenceScale.toFixed(3)}, length exponent ${best.confidenceLengthExponent}, ` +
      `floor ${best.scoreFloor}, mean NLL ${bestLoss.toFixed(3)}`,
  );
  return best;
};

const runEngine = async (
  dataset: Dataset,
  classifications: ClassificationDefinition[],
  parameters: Partial<EngineParameters> = {},
  knowledge?: readonly CompiledEntry[],
) => {
  const classifier = createLocalClassifier({ parameters, ...(knowledge ? { knowledge } : {}) });
  // Warm up: the first call compiles the config's profiles, which later calls reuse.
  const compileStarted = performance.now();
  await classifier.classify({ classifications, pages: [{ pageNumber: 1, text: 'warm up' }] });
  const compileMs = performance.now() - compileStarted;
  const predictions: Prediction[] = [];
  const started = performance.now();
  for (const d of dataset.documents) {
    const result = await classifier.classify({ classifications, pages: [{ pageNumber: 1, text: d.text }] });
    predictions.push({
      truth: dataset.labelToId[d.label] ?? d.label,
      predicted: result.id,
      confidence: result.confidence,
    });
  }
  const msPerDoc = (performance.now() - started) / dataset.documents.length;
  return { predictions, msPerDoc, compileMs };
};

const confusion = (ps: readonly Prediction[]): string => {
  const labels = [...new Set([...ps.map((p) => p.truth), ...ps.map((p) => p.predicted)])].sort();
  const width = Math.max(...labels.map((l) => l.length), 6);
  const lines = [
    `${'truth \\ predicted'.padEnd(width + 2)}${labels.map((l) => l.slice(0, 6).padStart(7)).join('')}`,
  ];
  for (const truth of labels) {
    if (!ps.some((p) => p.truth === truth)) continue;
    const row = labels.map((pred) =>
      String(ps.filter((p) => p.truth === truth && p.predicted === pred).length).padStart(7),
    );
    lines.push(`${truth.padEnd(width + 2)}${row.join('')}`);
  }
  return lines.join('\n');
};

const report = async (dataset: Dataset, parameters: Partial<EngineParameters>) => {
  const { predictions, msPerDoc, compileMs } = await runEngine(dataset, dataset.classifications, parameters);
  const baseline = tfidfBaseline(dataset, dataset.documents, { withType: false, stemmed: false });
  const strongerBaseline = tfidfBaseline(dataset, dataset.documents, { withType: true, stemmed: true });
  console.log(
    `\n== ${dataset.name}: ${dataset.documents.length} documents, ${dataset.classifications.length} classifications`,
  );
  console.log(
    `${LOCAL_ENGINE}: accuracy ${pct(accuracy(predictions))}, macro-F1 ${pct(macroF1(predictions))}, ` +
      `ECE ${ece(predictions).toFixed(3)}, ${msPerDoc.toFixed(2)} ms/doc (first call, compiling the config: ${compileMs.toFixed(1)} ms), ` +
      `to "other" ${predictions.filter((p) => p.predicted === 'other').length}`,
  );
  console.log(
    `baseline TF-IDF cosine to descriptions (as written): accuracy ${pct(accuracy(baseline))}, ` +
      `macro-F1 ${pct(macroF1(baseline))}; with type names and stemming: accuracy ${pct(accuracy(strongerBaseline))}, ` +
      `macro-F1 ${pct(macroF1(strongerBaseline))}`,
  );
  const odd = predictions.filter((_, i) => i % 2 === 1);
  console.log(
    `odd-numbered half (held out when fitting with --fit): accuracy ${pct(accuracy(odd))}, ECE ${ece(odd).toFixed(3)}`,
  );
  console.log(`reliability: ${reliability(predictions)}`);
  console.log(confusion(predictions));
};

/** Removes one classification and counts where its documents go; "other" is the right answer for them. */
const reportOther = async (dataset: Dataset, removedId: string, parameters: Partial<EngineParameters>) => {
  const classifications = dataset.classifications.filter((c) => c.id !== removedId);
  const { predictions } = await runEngine(dataset, classifications, parameters);
  const removed = predictions.filter((p) => p.truth === removedId);
  const rest = predictions.filter((p) => p.truth !== removedId);
  const toOther = removed.filter((p) => p.predicted === 'other').length;
  const wrongOther = rest.filter((p) => p.predicted === 'other').length;
  const restAccuracy = accuracy(rest);
  console.log(
    `\n== ${dataset.name} without "${removedId}": ${toOther}/${removed.length} (${pct(toOther / removed.length)}) ` +
      `of its documents go to "other"; ${wrongOther}/${rest.length} (${pct(wrongOther / rest.length)}) of the rest ` +
      `wrongly go to "other"; accuracy on the rest ${pct(restAccuracy)}`,
  );
  const where = new Map<string, number>();
  for (const p of removed) where.set(p.predicted, (where.get(p.predicted) ?? 0) + 1);
  console.log(`   where its documents went: ${[...where].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  // Expected labels for calibration: a removed class's documents are correct when they go to "other".
  const relabelled = predictions.map((p) => (p.truth === removedId ? { ...p, truth: 'other' } : p));
  console.log(
    `   accuracy counting "other" as right for them ${pct(accuracy(relabelled))}, ECE ${ece(relabelled).toFixed(3)}`,
  );
};

/** Documents of another corpus under a config that does not describe them: all should go to "other". */
const reportUnrelated = async (
  dataset: Dataset,
  classifications: ClassificationDefinition[],
  parameters: Partial<EngineParameters>,
) => {
  const { predictions } = await runEngine(dataset, classifications, parameters);
  const toOther = predictions.filter((p) => p.predicted === 'other').length;
  const where = new Map<string, number>();
  for (const p of predictions) where.set(p.predicted, (where.get(p.predicted) ?? 0) + 1);
  console.log(
    `\n== ${dataset.name} documents under the BBC topics config: ${toOther}/${predictions.length} ` +
      `(${pct(toOther / predictions.length)}) go to "other" (${[...where].map(([k, v]) => `${k} ${v}`).join(', ')})`,
  );
};

/**
 * Descriptions the knowledge base does not know: BBC News with its topic entries left out, then with no
 * knowledge at all, so the profiles come from the descriptions and their WordNet relatives alone. What a user
 * with their own kinds of documents gets.
 */
const reportOutsideKnowledge = async (dataset: Dataset, parameters: Partial<EngineParameters>) => {
  for (const [label, knowledge] of [
    ['without the topic knowledge', knowledgeBase().filter((e) => !TOPIC_IDS.has(e.id))],
    ['without any knowledge', []],
  ] as const) {
    const { predictions } = await runEngine(dataset, dataset.classifications, parameters, knowledge);
    const odd = predictions.filter((_, i) => i % 2 === 1);
    const removedId = 'sport';
    const reduced = await runEngine(
      dataset,
      dataset.classifications.filter((c) => c.id !== removedId),
      parameters,
      knowledge,
    );
    const removed = reduced.predictions.filter((p) => p.truth === removedId);
    const rest = reduced.predictions.filter((p) => p.truth !== removedId);
    console.log(
      `\n== ${dataset.name} ${label}: accuracy ${pct(accuracy(predictions))} (odd half ${pct(accuracy(odd))}), ` +
        `macro-F1 ${pct(macroF1(predictions))}, ECE ${ece(predictions).toFixed(3)}, to "other" ` +
        `${predictions.filter((p) => p.predicted === 'other').length}; without "${removedId}": ` +
        `${pct(removed.filter((p) => p.predicted === 'other').length / removed.length)} of its documents go to "other", ` +
        `${pct(rest.filter((p) => p.predicted === 'other').length / rest.length)} of the rest wrongly do`,
    );
  }
};

/**
 * "Is it one of these, or anything else?": one or two classifications against "other", as many users
 * configure. Recall of the described kinds and the share of the rest that is wrongly taken for them.
 */
const reportOneAgainstOther = async (datasets: readonly Dataset[], parameters: Partial<EngineParameters>) => {
  const other: ClassificationDefinition = { id: 'other', type: 'other', description: 'Anything else.' };
  const cases: [Dataset, ClassificationDefinition[], string[]][] = [
    [datasets[0]!, [{ id: 'sport', type: 'sport', description: 'Sports news.' }], ['sport']],
    [datasets[0]!, [{ id: 'tech', type: 'technology', description: 'Technology news.' }], ['tech']],
    [datasets[1]!, [{ id: 'letter', type: 'letter', description: 'Letters.' }], ['letter']],
    [datasets[1]!, [{ id: 'resume', type: 'resume', description: 'Résumés and CVs.' }], ['resume']],
    [
      datasets[1]!,
      [
        { id: 'email', type: 'email', description: 'E-mails.' },
        { id: 'memo', type: 'memo', description: 'Memos.' },
      ],
      ['email', 'memo'],
    ],
  ];
  console.log('\n== one or two classifications against "other"');
  for (const [dataset, classifications, positives] of cases) {
    const { predictions } = await runEngine(dataset, [...classifications, other], parameters);
    const pos = predictions.filter((p) => positives.includes(p.truth));
    const neg = predictions.filter((p) => !positives.includes(p.truth));
    console.log(
      `   ${dataset.name}, ${positives.join(' + ')} vs other: recall ${pct(pos.filter((p) => p.predicted === p.truth).length / pos.length)}, ` +
        `${pct(neg.filter((p) => p.predicted !== 'other').length / neg.length)} of the rest taken for them`,
    );
  }
};

/** Time for one document of several pages (five articles as five pages), the size the service usually sees. */
const reportMultiPageSpeed = async (dataset: Dataset) => {
  const classifier = createLocalClassifier();
  const documents = Array.from({ length: 100 }, (_, k) =>
    Array.from({ length: 5 }, (_, p) => ({
      pageNumber: p + 1,
      text: dataset.documents[(k * 5 + p) % dataset.documents.length]!.text,
    })),
  );
  await classifier.classify({ classifications: dataset.classifications, pages: documents[0]! });
  const started = performance.now();
  for (const pages of documents)
    await classifier.classify({ classifications: dataset.classifications, pages });
  const words = documents.flat().reduce((sum, p) => sum + p.text.split(/\s+/).length, 0) / documents.length;
  console.log(
    `\n== speed: ${((performance.now() - started) / documents.length).toFixed(2)} ms per 5-page document ` +
      `(about ${Math.round(words)} words), warm cache`,
  );
};

const main = async () => {
  const [news, scans] = [bbc(), tobacco()];
  let parameters: Partial<EngineParameters> = {};
  if (process.argv.includes('--fit')) {
    // Full configs count triple: most documents a user sends belong to one of their classifications.
    const fitCase = (dataset: Dataset, removedId: string | null): FitCase => ({
      dataset,
      weight: removedId === null ? 3 : 1,
      prepared: prepare(
        dataset,
        dataset.classifications.filter((c) => c.id !== removedId),
      ),
      truth: (d) => {
        const id = dataset.labelToId[d.label] ?? d.label;
        return id === removedId ? 'other' : id;
      },
    });
    // Office scans are none of the news topics: under the BBC config they all belong to "other".
    const unrelated: FitCase = {
      dataset: scans,
      prepared: prepare(scans, news.classifications),
      truth: () => 'other',
      weight: 1,
    };
    const full = [fitCase(news, null), fitCase(scans, null)];
    const reduced = [
      fitCase(news, 'sport'),
      fitCase(news, 'politics'),
      fitCase(scans, 'resume'),
      fitCase(scans, 'email'),
      unrelated,
    ];
    parameters = fitParameters(full, reduced, process.argv.includes('--calibration-only'));
    console.log(
      'fitted parameters (even-numbered documents; the odd-numbered half below is held out):',
      parameters,
    );
  }
  for (const dataset of [news, scans]) await report(dataset, parameters);
  await reportOther(news, 'sport', parameters);
  await reportOther(news, 'tech', parameters);
  await reportOther(scans, 'resume', parameters);
  await reportUnrelated(scans, news.classifications, parameters);
  await reportOutsideKnowledge(news, parameters);
  await reportOneAgainstOther([news, scans], parameters);
  await reportMultiPageSpeed(news);
};

await main();
