/**
 * Accuracy, calibration and speed of the local lexical classifier on the development sets, with the
 * description-only TF-IDF cosine baseline computed in the same run on the same documents.
 *
 *   npx tsx bench/classifier-accuracy.ts          figures with the shipped parameters
 *   npx tsx bench/classifier-accuracy.ts --fit    also search the scoring parameters on even-numbered documents
 *                                                 and report them on the odd-numbered ones
 *
 * Data: ../shared/data/{bbc-news,tobacco} relative to the repository (override with DOCSORT_DATA_DIR).
 * Prints figures only; it never fails on them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { softmax } from '../src/adapters/classifiers/local/calibration.js';
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

const predictPrepared = (
  dataset: Dataset,
  prepared: Prepared,
  parameters: EngineParameters,
  indices: readonly number[],
): Prediction[] =>
  indices.map((i) => {
    const scores = scoreDocument(prepared.model, prepared.features[i]!, parameters);
    const probabilities = softmax(
      scores.map((s) => s.score),
      parameters.temperature,
    );
    let best = 0;
    probabilities.forEach((p, j) => {
      if (p > (probabilities[best] ?? 0)) best = j;
    });
    const d = dataset.documents[i]!;
    return {
      truth: dataset.labelToId[d.label] ?? d.label,
      predicted: prepared.model.profiles[best]!.id,
      confidence: probabilities[best] ?? 0,
    };
  });

const nll = (dataset: Dataset, prepared: Prepared, parameters: EngineParameters, indices: readonly number[]) => {
  let total = 0;
  for (const i of indices) {
    const scores = scoreDocument(prepared.model, prepared.features[i]!, parameters);
    const probabilities = softmax(
      scores.map((s) => s.score),
      parameters.temperature,
    );
    const truth = dataset.labelToId[dataset.documents[i]!.label];
    const j = prepared.model.profiles.findIndex((p) => p.id === truth);
    total -= Math.log(Math.max(1e-9, probabilities[j] ?? 0));
  }
  return total / indices.length;
};

/** Best temperature by negative log-likelihood, for the other parameters fixed. */
const fitTemperature = (dataset: Dataset, prepared: Prepared, parameters: EngineParameters, indices: number[]) => {
  let best = parameters.temperature;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (let t = 0.005; t <= 1; t *= 1.1) {
    const loss = nll(dataset, prepared, { ...parameters, temperature: t }, indices);
    if (loss < bestLoss) {
      bestLoss = loss;
      best = t;
    }
  }
  return best;
};

const fit = (sets: { dataset: Dataset; prepared: Prepared; indices: number[]; weight: number }[]) => {
  let best: { parameters: EngineParameters; objective: number } | null = null;
  for (const lengthExponent of [0.3, 0.4, 0.5, 0.6, 0.7]) {
    for (const massExponent of [0, 0.1, 0.2, 0.3, 0.4, 0.5]) {
      for (const saturation of [0.8, 1.2, 2]) {
        const base = { ...DEFAULT_PARAMETERS, lengthExponent, massExponent, saturation, otherBaseline: -1 };
        let objective = 0;
        for (const s of sets) objective += s.weight * accuracy(predictPrepared(s.dataset, s.prepared, base, s.indices));
        if (best === null || objective > best.objective) best = { parameters: base, objective };
      }
    }
  }
  return best!.parameters;
};

const runEngine = async (dataset: Dataset, classifications: ClassificationDefinition[]) => {
  const classifier = createLocalClassifier();
  const predictions: Prediction[] = [];
  const started = performance.now();
  for (const d of dataset.documents) {
    const result = await classifier.classify({ classifications, pages: [{ pageNumber: 1, text: d.text }] });
    predictions.push({ truth: dataset.labelToId[d.label] ?? d.label, predicted: result.id, confidence: result.confidence });
  }
  const msPerDoc = (performance.now() - started) / dataset.documents.length;
  return { predictions, msPerDoc };
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

const report = async (dataset: Dataset) => {
  const { predictions, msPerDoc } = await runEngine(dataset, dataset.classifications);
  const baseline = tfidfBaseline(dataset, dataset.documents);
  console.log(`\n== ${dataset.name}: ${dataset.documents.length} documents, ${dataset.classifications.length} classifications`);
  console.log(
    `${LOCAL_ENGINE}: accuracy ${pct(accuracy(predictions))}, macro-F1 ${pct(macroF1(predictions))}, ` +
      `ECE ${ece(predictions).toFixed(3)}, ${msPerDoc.toFixed(2)} ms/doc, ` +
      `to "other" ${predictions.filter((p) => p.predicted === 'other').length}`,
  );
  console.log(
    `baseline TF-IDF cosine to descriptions: accuracy ${pct(accuracy(baseline))}, macro-F1 ${pct(macroF1(baseline))}`,
  );
  const odd = predictions.filter((_, i) => i % 2 === 1);
  console.log(`odd-numbered half (held out when fitting with --fit): accuracy ${pct(accuracy(odd))}, ECE ${ece(odd).toFixed(3)}`);
  console.log(confusion(predictions));
};

/** Removes one classification and counts where its documents go; "other" is the right answer for them. */
const reportOther = async (dataset: Dataset, removedId: string) => {
  const classifications = dataset.classifications.filter((c) => c.id !== removedId);
  const { predictions } = await runEngine(dataset, classifications);
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
  const sets = [bbc(), tobacco()];
  if (process.argv.includes('--fit')) {
    const prepared = sets.map((d) => prepare(d, d.classifications));
    const even = (d: Dataset) => d.documents.map((_, i) => i).filter((i) => i % 2 === 0);
    const fitted = fit(sets.map((d, k) => ({ dataset: d, prepared: prepared[k]!, indices: even(d), weight: 1 })));
    console.log('fitted ranking parameters (even-numbered documents):', fitted);
  }
  for (const dataset of sets) await report(dataset);
  await reportOther(sets[0]!, 'sport');
  await reportOther(sets[0]!, 'tech');
  await reportOther(sets[1]!, 'resume');
};

await main();
