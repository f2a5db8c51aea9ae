import type { TrainingExamples } from '../../../ports/classifier.js';
import { calibratedLogits, softmax } from './calibration.js';
import type { DocumentFeatures, TermOccurrence } from './features.js';
import { blendLogits, type LearnedModel, leaveOneOutSimilarities, vectorOf } from './learned.js';
import type { CompiledModel } from './model.js';
import type { EngineParameters } from './parameters.js';
import { scoreDocument } from './scorer.js';

/**
 * Calibration on held-back data, per classifier. The global calibration is fitted on the development sets,
 * but how far a classifier's confidences can be trusted depends on its own classes: on news topics the
 * blended model is right more often than it claims, on office scans whose genres overlap it is right less
 * often. Each labelled example is held out in turn (`leaveOneOutSimilarities`: no retraining), classified by
 * the rest, and the one temperature that makes those predictions most likely (with a prior that keeps it
 * near 1 while there are few of them) then divides every logit the classifier produces.
 *
 * Measured with `bench/classifier-learning.ts` (pooled draws, examples never scored): see the figures there
 * and in docs/classification.md.
 */

/** At most this many examples are held out (in a fixed, class-balanced order), so fitting stays ~100 ms. */
const MAX_HELD_OUT = 300;
/** Standard deviation of the prior on ln(temperature): a handful of held-out examples barely move it. */
const PRIOR_SIGMA = 0.5;
const GRID = Array.from({ length: 33 }, (_, i) => Math.exp(Math.log(0.4) + (i / 32) * Math.log(2.5 / 0.4)));

/**
 * The description scorer's view of stored example features: their unigram stems, word pairs and layout cues
 * are the keys profiles look for (phrases with stopwords and OCR near-misses are not stored, so this is a
 * close approximation of scoring the pages themselves).
 */
export const featuresFromTerms = (terms: Record<string, number>, wordCount: number): DocumentFeatures => {
  const map = new Map<string, TermOccurrence>();
  for (const [key, count] of Object.entries(terms)) {
    if (count <= 0 || key.startsWith('~')) continue;
    map.set(key, { count, pageNumber: 1, surface: key, fuzzy: false });
  }
  return { terms: map, cues: new Map(), wordCount, pageTokens: [] };
};

/** Class-balanced, deterministic choice of the examples to hold out: round robin over classes in id order. */
const heldOutOrder = <T extends { classificationId: string; id: string }>(items: readonly T[]): T[] => {
  const byClass = new Map<string, T[]>();
  for (const item of [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const list = byClass.get(item.classificationId) ?? [];
    list.push(item);
    byClass.set(item.classificationId, list);
  }
  const out: T[] = [];
  for (let round = 0; out.length < Math.min(MAX_HELD_OUT, items.length); round++) {
    for (const list of byClass.values()) if (round < list.length) out.push(list[round]!);
  }
  return out.slice(0, MAX_HELD_OUT);
};

export interface HeldOutPrediction {
  logits: number[];
  truth: number;
}

/** Every person-labelled example (up to MAX_HELD_OUT) classified by the model without it. */
export const heldOutPredictions = (
  model: CompiledModel,
  learned: LearnedModel,
  examples: TrainingExamples,
  parameters: EngineParameters,
): HeldOutPrediction[] => {
  const indexOf = new Map(model.profiles.map((p, i) => [p.id, i]));
  const labelled = examples.items.filter((e) => !e.weak && indexOf.has(e.classificationId));
  const rows: HeldOutPrediction[] = [];
  for (const e of heldOutOrder(labelled)) {
    const classIndex = indexOf.get(e.classificationId) ?? 0;
    if ((learned.counts[classIndex] ?? 0) < 2) continue;
    const vector = vectorOf(e.terms, learned.idf, 0);
    const scores = scoreDocument(model, featuresFromTerms(e.terms, e.wordCount), parameters).map(
      (s) => s.score,
    );
    const description = calibratedLogits(scores, e.wordCount, parameters);
    const sims = leaveOneOutSimilarities(learned, { id: e.id, classIndex, vector }, parameters.nearestWeight);
    const counts = learned.counts.map((c, i) => (i === classIndex ? c - 1 : c));
    rows.push({ logits: blendLogits(description, sims, counts, parameters), truth: classIndex });
  }
  return rows;
};

/** The temperature that maximises the held-out likelihood times a log-normal prior centred on 1. */
export const temperatureFor = (rows: readonly HeldOutPrediction[]): number => {
  if (rows.length === 0 || new Set(rows.map((r) => r.truth)).size < 2) return 1;
  let best = 1;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const t of GRID) {
    let loss = Math.log(t) ** 2 / (2 * PRIOR_SIGMA ** 2);
    for (const row of rows) {
      const p = softmax(row.logits.map((l) => l / t))[row.truth] ?? 0;
      loss -= Math.log(Math.max(1e-12, p));
    }
    if (loss < bestLoss) {
      bestLoss = loss;
      best = t;
    }
  }
  return best;
};

export const fitTemperature = (
  model: CompiledModel,
  learned: LearnedModel,
  examples: TrainingExamples,
  parameters: EngineParameters,
): number => temperatureFor(heldOutPredictions(model, learned, examples, parameters));
