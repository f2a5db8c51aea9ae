import type { ClassifierPage, TrainingExamples } from '../../../ports/classifier.js';
import type { CueHit } from './cue-definitions.js';
import { layoutTerms } from './layout-features.js';
import type { ClassProfile } from './profile.js';
import { STOPWORDS } from './stopwords.js';
import { detectCues } from './structural-cues.js';
import { tokenizePages, type WordToken } from './tokenizer.js';

/**
 * Learning from labelled documents: a TF-IDF centroid per classification (Rocchio), built from the stored
 * features of the examples. Centroids need no iterations, are stable with two examples per class, and
 * retrain in milliseconds for thousands of examples; their cosine similarities are blended with the
 * description-based logits (see `blendLogits`), so examples add to what the descriptions already know.
 */

/** Bump when `featurize` changes: stored features of another version are recomputed. */
export const FEATURES_VERSION = 'lex-2';
/** The most frequent terms kept per document: bounds storage and scoring time. */
const MAX_TERMS = 600;
const TITLE_WEIGHT = 2;

export interface Featurized {
  terms: Record<string, number>;
  wordCount: number;
}

/**
 * Stemmed content words (title words counted double), adjacent-word pairs, function words ("~dear", "~we":
 * they tell a letter from a report even where the topic words are the same), layout cues and the page shape
 * (`layoutTerms`).
 */
export const featurize = (pages: readonly ClassifierPage[]): Featurized => {
  const tokens = tokenizePages(pages);
  const wordCount = tokens.reduce((n, t) => (t.isFiller ? n : n + 1), 0);
  return featurizeTokens(tokens, detectCues(pages, wordCount), pages);
};

/** The same from tokens and cues already computed (the description scorer computes them too). */
export const featurizeTokens = (
  tokens: readonly WordToken[],
  cues: ReadonlyMap<string, CueHit>,
  pages: readonly ClassifierPage[],
): Featurized => {
  const counts = new Map<string, number>();
  const bump = (key: string, by: number) => counts.set(key, (counts.get(key) ?? 0) + by);
  let wordCount = 0;
  let previous: WordToken | null = null;
  for (const token of tokens) {
    if (token.isFiller) {
      if (STOPWORDS.has(token.surface)) bump(`~${token.surface}`, 1);
      previous = null;
      continue;
    }
    wordCount++;
    bump(token.term, token.inTitle ? TITLE_WEIGHT : 1);
    if (previous && previous.pageNumber === token.pageNumber) bump(`${previous.term} ${token.term}`, 0.5);
    previous = token;
  }
  for (const [key, hit] of cues) bump(key, Math.min(3, hit.count));
  layoutTerms(pages, wordCount, bump);
  const kept = [...counts].filter(([key, n]) => n >= 1 || !key.includes(' '));
  const top =
    kept.length > MAX_TERMS
      ? kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_TERMS)
      : kept;
  const terms: Record<string, number> = {};
  for (const [k, n] of top) terms[k] = Math.round(n * 10) / 10;
  return { terms, wordCount };
};

export interface LearnedModel {
  version: string;
  idf: Map<string, number>;
  /** Unit-length centroid per classification index; null for classifications without examples. */
  centroids: (Map<string, number> | null)[];
  /** Length of each classification's sum of example vectors before it was made unit length (0 without examples). */
  sumNorms: number[];
  /** Examples per classification index. */
  counts: number[];
  /** How many of the examples are weak (labelled by the engine, not a person). */
  weak: number;
  /** Every example's unit vector with its classification index, for the nearest-example similarity. */
  vectors: ExampleVector[];
  total: number;
  /**
   * Divides the blended logits: above 1 where the examples show the model is overconfident, below 1 where it
   * is too timid (`fitTemperature`, from the examples held out one at a time). 1 until it is fitted.
   */
  temperature: number;
}

export interface ExampleVector {
  id: string;
  classIndex: number;
  vector: Map<string, number>;
}

export const vectorOf = (terms: Record<string, number>, idf: Map<string, number>, fallbackIdf: number) => {
  const v = new Map<string, number>();
  let norm = 0;
  for (const [term, count] of Object.entries(terms)) {
    if (count <= 0) continue;
    const w = (1 + Math.log(count)) * (idf.get(term) ?? fallbackIdf);
    v.set(term, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [k, w] of v) v.set(k, w / norm);
  return v;
};

export const trainLearnedModel = (
  profiles: readonly ClassProfile[],
  examples: TrainingExamples,
  /** Keep each example's vector for the nearest-example similarity (memory grows with the examples). */
  keepVectors = true,
): LearnedModel => {
  const indexOf = new Map(profiles.map((p, i) => [p.id, i]));
  const usable = examples.items.filter((e) => indexOf.has(e.classificationId));
  const df = new Map<string, number>();
  for (const e of usable) for (const term of Object.keys(e.terms)) df.set(term, (df.get(term) ?? 0) + 1);
  const n = usable.length;
  const idf = new Map<string, number>();
  for (const [term, d] of df) idf.set(term, Math.log((n + 1) / (d + 1)) + 1);

  const sums: (Map<string, number> | null)[] = profiles.map(() => null);
  const counts = profiles.map(() => 0);
  const vectors: LearnedModel['vectors'] = [];
  for (const e of usable) {
    const i = indexOf.get(e.classificationId) ?? 0;
    const sum = sums[i] ?? new Map<string, number>();
    const vector = vectorOf(e.terms, idf, 0);
    if (keepVectors) vectors.push({ id: e.id, classIndex: i, vector });
    for (const [term, w] of vector) sum.set(term, (sum.get(term) ?? 0) + w);
    sums[i] = sum;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const sumNorms = profiles.map(() => 0);
  const centroids = sums.map((sum, i) => {
    if (!sum) return null;
    let norm = 0;
    for (const w of sum.values()) norm += w * w;
    norm = Math.sqrt(norm) || 1;
    sumNorms[i] = norm;
    const out = new Map<string, number>();
    for (const [term, w] of sum) out.set(term, w / norm);
    return out;
  });
  return {
    version: examples.version,
    idf,
    centroids,
    sumNorms,
    counts,
    weak: usable.filter((e) => e.weak).length,
    vectors,
    total: n,
    temperature: 1,
  };
};

const dot = (a: Map<string, number>, b: Map<string, number>): number => {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [term, w] of small) {
    const other = large.get(term);
    if (other !== undefined) sum += w * other;
  }
  return sum;
};

/**
 * How alike the document is to each classification's examples (null where it has none): a mix of the cosine
 * to the class centroid (what its examples share) and to its nearest example (classes such as forms vary a
 * lot, and a document may resemble one example closely and their average little).
 */
export const similarities = (
  model: LearnedModel,
  doc: Featurized,
  nearestWeight = 0.5,
): (number | null)[] => {
  // Words never seen in an example weigh like the rarest seen word: they cannot match a centroid but they
  // do make the document less like all of them.
  const v = vectorOf(doc.terms, model.idf, Math.log(model.total + 1) + 1);
  const nearest = model.centroids.map(() => 0);
  if (nearestWeight > 0) {
    for (const e of model.vectors)
      nearest[e.classIndex] = Math.max(nearest[e.classIndex] ?? 0, dot(v, e.vector));
  }
  return model.centroids.map((c, i) =>
    c ? (1 - nearestWeight) * dot(v, c) + nearestWeight * (nearest[i] ?? 0) : null,
  );
};

/**
 * `similarities` for one of the model's own examples as if it had not been among them: its class centroid
 * without its own vector (the sum minus it, renormalised), its nearest example other than itself. What the
 * model would have said about a document it never saw, without retraining; the idf keeps its full-data value.
 */
export const leaveOneOutSimilarities = (
  model: LearnedModel,
  example: ExampleVector,
  nearestWeight = 0.5,
): (number | null)[] => {
  const own = example.classIndex;
  const nearest = model.centroids.map(() => 0);
  if (nearestWeight > 0) {
    for (const e of model.vectors) {
      if (e.id === example.id) continue;
      nearest[e.classIndex] = Math.max(nearest[e.classIndex] ?? 0, dot(example.vector, e.vector));
    }
  }
  return model.centroids.map((c, i) => {
    if (!c) return null;
    let centroidSim = dot(example.vector, c);
    if (i === own) {
      if ((model.counts[i] ?? 0) <= 1) return null;
      // |S - v|^2 = |S|^2 - 2 S.v + |v|^2 with unit v and S = norm * c.
      const norm = model.sumNorms[i] ?? 0;
      const sDotV = norm * centroidSim;
      const rest = Math.sqrt(Math.max(1e-12, norm * norm - 2 * sDotV + 1));
      centroidSim = (sDotV - 1) / rest;
    }
    return (1 - nearestWeight) * centroidSim + nearestWeight * (nearest[i] ?? 0);
  });
};

export interface LearningParameters {
  /** Logit gained per unit of cosine similarity once examples dominate. */
  learnedScale: number;
  /** Examples per classification at which the learned part has half its weight. */
  learnedHalfWeight: number;
  /** How much the description logits fade as examples accumulate (0 = never, 1 = fully). */
  descriptionFade: number;
  /** Share of the similarity that comes from the nearest example rather than the centroid. */
  nearestWeight: number;
}

/**
 * Description logits plus the learned similarities. Classifications without examples get the mean
 * similarity of those with examples, so having no examples is neutral rather than a penalty.
 */
export const blendLogits = (
  descriptionLogits: readonly number[],
  sims: readonly (number | null)[],
  counts: readonly number[],
  p: LearningParameters,
): number[] => {
  const known = sims.filter((s): s is number => s !== null);
  if (known.length === 0) return [...descriptionLogits];
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  const withExamples = counts.filter((c) => c > 0);
  const perClass = withExamples.reduce((a, b) => a + b, 0) / withExamples.length;
  const lambda = perClass / (perClass + p.learnedHalfWeight);
  const fade = 1 - p.descriptionFade * lambda;
  return descriptionLogits.map((l, i) => fade * l + lambda * p.learnedScale * (sims[i] ?? mean));
};
