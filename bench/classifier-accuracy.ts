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
import { type CompiledModel, compileModel } from '../src/adapters/classifiers/local/model.js';
import { DEFAULT_PARAMETERS, type EngineParameters } from '../src/adapters/classifiers/local/parameters.js';
import { scoreDocument } from '../src/adapters/classifiers/local/scorer.js';
import { contentTermsOf } from '../src/adapters/classifiers/local/tokenizer.js';
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

const OTHER: ClassificationDefinition = {
  id: 'other',
  type: 'other',
  description: 'Anything that does not fit the other classifications.',
};

// Written the way a user would write them: one sentence each, no knowledge of the corpus.
const bbc = (): Dataset => ({
  name: 'BBC News',
  documents: loadFolders(join(dataDir, 'bbc-news')),
  classifications: [
    {
      id: 'business',
      type: 'business',
      description: 'Business and economy news: companies, markets, trade, finance and the economy.',
    },
    {
      id: 'entertainment',
      type: 'entertainment',
      description: 'Entertainment news: films, music, television, celebrities and awards.',
    },
    {
      id: 'politics',
      type: 'politics',
      description: 'Political news: government, elections, political parties, parliament and policy.',
    },
    {
      id: 'sport',
      type: 'sport',
      description: 'News articles about sports: matches, players, teams, tournaments and results.',
    },
    {
      id: 'tech',
      type: 'technology',
      description: 'Technology news: computers, the internet, mobile phones, software and gadgets.',
    },
    OTHER,
  ],
  labelToId: { business: 'business', entertainment: 'entertainment', politics: 'politics', sport: 'sport', tech: 'tech' },
});

const tobacco = (): Dataset => ({
  name: 'Tobacco (OCR)',
  documents: loadFolders(join(dataDir, 'tobacco')),
  classifications: [
    { id: 'advertisement', type: 'advertisement', description: 'Advertisements and promotional material for products.' },
    { id: 'email', type: 'email', description: 'E-mail messages.' },
    { id: 'form', type: 'form', description: 'Forms with fields to fill in.' },
    { id: 'letter', type: 'letter', description: 'Letters sent to a person or an organisation.' },
    { id: 'memo', type: 'memo', description: 'Internal memos.' },
    { id: 'news', type: 'news_article', description: 'Newspaper or magazine articles.' },
    { id: 'note', type: 'note', description: 'Short handwritten or typed notes.' },
    { id: 'report', type: 'report', description: 'Reports on a project, study or meeting.' },
    { id: 'resume', type: 'resume', description: "Résumés and CVs describing a person's education and career." },
    { id: 'scientific', type: 'scientific_paper', description: 'Scientific papers and research documents.' },
    OTHER,
  ],
  labelToId: {
    ADVE: 'advertisement',
    Email: 'email',
    Form: 'form',
    Letter: 'letter',
    Memo: 'memo',
    News: 'news',
    Note: 'note',
    Report: 'report',
    Resume: 'resume',
    Scientific: 'scientific',
  },
});

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
  return bins.reduce((sum, b) => (b.n === 0 ? sum : sum + (b.n / ps.length) * Math.abs(b.correct / b.n - b.confidence / b.n)), 0);
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
    .map((b, i) => (b.n === 0 ? null : `${i / 10}-${(i + 1) / 10}: n=${b.n} conf ${(b.confidence / b.n).toFixed(2)} acc ${(b.correct / b.n).toFixed(2)}`))
    .filter((x) => x !== null)
    .join(' | ');
};

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

// ---------------------------------------------------------------- baseline: TF-IDF cosine to descriptions

const tfidfBaseline = (dataset: Dataset, documents: readonly LabelledDocument[]): Prediction[] => {
  const described = dataset.classifications.filter((c) => c.type !== 'other');
  const docTerms = documents.map((d) => contentTermsOf(d.text));
  const descTerms = described.map((c) => contentTermsOf(`${c.type} ${c.description}`));
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

const prepare = (dataset: Dataset, classifications: ClassificationDefinition[]): Prepared => {
  const model = compileModel(classifications, null);
  return {
    model,
    features: dataset.documents.map((d) => extractFeatures(model, [{ pageNumber: 1, text: d.text }], null)),
  };
};

/** One configuration to fit on: a dataset, possibly with a classification removed (its documents then belong to "other"). */
interface FitCase {
  dataset: Dataset;
  removedId: string | null;
  prepared: Prepared;
}

const truthOf = (c: FitCase, d: LabelledDocument): string => {
  const id = c.dataset.labelToId[d.label] ?? d.label;
  return id === c.removedId ? 'other' : id;
};

const predictCase = (c: FitCase, parameters: EngineParameters, indices: readonly number[]): Prediction[] =>
  indices.map((i) => {
    const scores = scoreDocument(c.prepared.model, c.prepared.features[i]!, parameters);
    const probabilities = calibrate(
      scores.map((s) => s.score),
      c.prepared.features[i]!.wordCount,
      parameters,
    );
    let best = 0;
    probabilities.forEach((p, j) => {
      if (p > (probabilities[best] ?? 0)) best = j;
    });
    return {
      truth: truthOf(c, c.dataset.documents[i]!),
      predicted: c.prepared.model.profiles[best]!.id,
      confidence: probabilities[best] ?? 0,
    };
  });

const negativeLogLikelihood = (c: FitCase, parameters: EngineParameters, indices: readonly number[]): number => {
  let total = 0;
  for (const i of indices) {
    const scores = scoreDocument(c.prepared.model, c.prepared.features[i]!, parameters);
    const probabilities = calibrate(
      scores.map((s) => s.score),
      c.prepared.features[i]!.wordCount,
      parameters,
    );
    const truth = truthOf(c, c.dataset.documents[i]!);
    const j = c.prepared.model.profiles.findIndex((p) => p.id === truth);
    total -= Math.log(Math.max(1e-9, probabilities[j] ?? 0));
  }
  return total / indices.length;
};

const evenIndices = (d: Dataset): number[] => d.documents.map((_, i) => i).filter((i) => i % 2 === 0);

const meanAccuracy = (cases: readonly FitCase[], parameters: EngineParameters): number =>
  cases.reduce((sum, c) => sum + accuracy(predictCase(c, parameters, evenIndices(c.dataset))), 0) / cases.length;

/**
 * Fits in three steps on the even-numbered documents: the ranking parameters on the full configs, then what
 * decides "other" on full and reduced configs, then the temperature by negative log-likelihood.
 */
const fit = (full: readonly FitCase[], reduced: readonly FitCase[], calibrationOnly: boolean): EngineParameters => {
  let best = { ...DEFAULT_PARAMETERS };
  let bestScore = -1;
  const all = [...full, ...reduced];
  if (calibrationOnly) return fitCalibration(all, best);
  const noOther = { otherBaseline: -1e9 };
  for (const massExponent of [0, 0.1, 0.2, 0.3, 0.4, 0.5]) {
    for (const saturation of [0.6, 0.9, 1.2, 1.6, 2.2]) {
      const candidate = { ...best, massExponent, saturation, ...noOther };
      const score = meanAccuracy(full, candidate);
      if (score > bestScore) {
        bestScore = score;
        best = { ...candidate, otherBaseline: DEFAULT_PARAMETERS.otherBaseline };
      }
    }
  }
  console.log(`ranking: mass ${best.massExponent}, saturation ${best.saturation}, mean accuracy ${pct(bestScore)}`);

  bestScore = -1;
  for (const lengthExponent of [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]) {
    for (const sharedEvidenceWeight of [0, 0.15, 0.3, 0.5, 1]) {
      // The baseline's scale follows the length exponent, so search it relative to a typical score.
      for (let otherBaseline = 0.002; otherBaseline < 3; otherBaseline *= 1.15) {
        const candidate = { ...best, lengthExponent, sharedEvidenceWeight, otherBaseline };
        const score = meanAccuracy(all, candidate);
        if (score > bestScore) {
          bestScore = score;
          best = candidate;
        }
      }
    }
  }
  console.log(
    `other: length ${best.lengthExponent}, shared ${best.sharedEvidenceWeight}, baseline ${best.otherBaseline.toFixed(4)}, ` +
      `mean accuracy ${pct(bestScore)}`,
  );

  return fitCalibration(all, best);
};

const fitCalibration = (all: readonly FitCase[], ranked: EngineParameters): EngineParameters => {
  let best = ranked;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const confidenceLengthExponent of [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8]) {
    for (let temperature = 0.002; temperature < 20; temperature *= 1.05) {
      const candidate = { ...ranked, temperature, confidenceLengthExponent };
      const loss = all.reduce((sum, c) => sum + negativeLogLikelihood(c, candidate, evenIndices(c.dataset)), 0);
      if (loss < bestLoss) {
        bestLoss = loss;
        best = candidate;
      }
    }
  }
  console.log(
    `calibration: temperature ${best.temperature.toFixed(4)}, length exponent ${best.confidenceLengthExponent}, ` +
      `mean NLL ${(bestLoss / all.length).toFixed(3)}`,
  );
  return best;
};

const runEngine = async (
  dataset: Dataset,
  classifications: ClassificationDefinition[],
  parameters: Partial<EngineParameters> = {},
) => {
  const classifier = createLocalClassifier({ parameters });
  // Warm up: the first call compiles the config's profiles, which later calls reuse.
  const compileStarted = performance.now();
  await classifier.classify({ classifications, pages: [{ pageNumber: 1, text: 'warm up' }] });
  const compileMs = performance.now() - compileStarted;
  const predictions: Prediction[] = [];
  const started = performance.now();
  for (const d of dataset.documents) {
    const result = await classifier.classify({ classifications, pages: [{ pageNumber: 1, text: d.text }] });
    predictions.push({ truth: dataset.labelToId[d.label] ?? d.label, predicted: result.id, confidence: result.confidence });
  }
  const msPerDoc = (performance.now() - started) / dataset.documents.length;
  return { predictions, msPerDoc, compileMs };
};

const confusion = (ps: readonly Prediction[]): string => {
  const labels = [...new Set([...ps.map((p) => p.truth), ...ps.map((p) => p.predicted)])].sort();
  const width = Math.max(...labels.map((l) => l.length), 6);
  const lines = [`${'truth \\ predicted'.padEnd(width + 2)}${labels.map((l) => l.slice(0, 6).padStart(7)).join('')}`];
  for (const truth of labels) {
    if (!ps.some((p) => p.truth === truth)) continue;
    const row = labels.map((pred) => String(ps.filter((p) => p.truth === truth && p.predicted === pred).length).padStart(7));
    lines.push(`${truth.padEnd(width + 2)}${row.join('')}`);
  }
  return lines.join('\n');
};

const report = async (dataset: Dataset, parameters: Partial<EngineParameters>) => {
  const { predictions, msPerDoc, compileMs } = await runEngine(dataset, dataset.classifications, parameters);
  const baseline = tfidfBaseline(dataset, dataset.documents);
  console.log(`\n== ${dataset.name}: ${dataset.documents.length} documents, ${dataset.classifications.length} classifications`);
  console.log(
    `${LOCAL_ENGINE}: accuracy ${pct(accuracy(predictions))}, macro-F1 ${pct(macroF1(predictions))}, ` +
      `ECE ${ece(predictions).toFixed(3)}, ${msPerDoc.toFixed(2)} ms/doc (first call, compiling the config: ${compileMs.toFixed(1)} ms), ` +
      `to "other" ${predictions.filter((p) => p.predicted === 'other').length}`,
  );
  console.log(
    `baseline TF-IDF cosine to descriptions: accuracy ${pct(accuracy(baseline))}, macro-F1 ${pct(macroF1(baseline))}`,
  );
  const odd = predictions.filter((_, i) => i % 2 === 1);
  console.log(`odd-numbered half (held out when fitting with --fit): accuracy ${pct(accuracy(odd))}, ECE ${ece(odd).toFixed(3)}`);
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
  console.log(`   accuracy counting "other" as right for them ${pct(accuracy(relabelled))}, ECE ${ece(relabelled).toFixed(3)}`);
};

const main = async () => {
  const [news, scans] = [bbc(), tobacco()];
  let parameters: Partial<EngineParameters> = {};
  if (process.argv.includes('--fit')) {
    const fitCase = (dataset: Dataset, removedId: string | null): FitCase => ({
      dataset,
      removedId,
      prepared: prepare(
        dataset,
        dataset.classifications.filter((c) => c.id !== removedId),
      ),
    });
    const full = [fitCase(news, null), fitCase(scans, null)];
    const reduced = [fitCase(news, 'sport'), fitCase(news, 'politics'), fitCase(scans, 'resume'), fitCase(scans, 'email')];
    parameters = fit(full, reduced, process.argv.includes('--calibration-only'));
    console.log('fitted parameters (even-numbered documents; the odd-numbered half below is held out):', parameters);
  }
  for (const dataset of [news, scans]) await report(dataset, parameters);
  await reportOther(news, 'sport', parameters);
  await reportOther(news, 'tech', parameters);
  await reportOther(scans, 'resume', parameters);
};

await main();
