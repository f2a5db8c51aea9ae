import type {
  ClassificationScore,
  ClassifyInput,
  ClassifyResult,
  DocumentClassifier,
  TrainingExamples,
} from '../../../ports/classifier.js';
import { calibratedLogits, softmax } from './calibration.js';
import { extractFeatures } from './features.js';
import type { CompiledEntry } from './knowledge/index.js';
import {
  blendLogits,
  FEATURES_VERSION,
  featurize,
  featurizeTokens,
  type LearnedModel,
  similarities,
  trainLearnedModel,
} from './learned.js';
import type { CompiledModel } from './model.js';
import { configKey, createModelCache } from './model-cache.js';
import { DEFAULT_PARAMETERS, type EngineParameters } from './parameters.js';
import { buildReasoning, learnedReasoning, type RankedClass } from './reasoning.js';
import { scoreDocument } from './scorer.js';
import { fitTemperature } from './self-calibration.js';

/**
 * The local lexical engine: scores a document against profiles built from each classification's type,
 * description and the config's rules, widened by a built-in knowledge base of document kinds and topics,
 * and, when the classifier has labelled examples, against what it learned from them. No network; a few
 * pages take a few milliseconds.
 */

export const LOCAL_ENGINE = 'local-lexical@1';

export interface LocalClassifierOptions {
  /** Overrides of the fitted parameters (the benchmark uses this to fit them). */
  parameters?: Partial<EngineParameters>;
  /** How many distinct configs keep their compiled model. */
  cacheSize?: number;
  /** The knowledge base to draw on (default: all of it; the benchmark leaves parts out). */
  knowledge?: readonly CompiledEntry[];
}

const DEFAULT_CACHE_SIZE = 64;

/** Classifies with an already compiled model; synchronous and deterministic. */
export const classifyWithModel = (
  model: CompiledModel,
  input: Pick<ClassifyInput, 'pages' | 'fileName'>,
  parameters: EngineParameters,
  learned: LearnedModel | null = null,
): ClassifyResult => {
  const features = extractFeatures(model, input.pages, input.fileName);
  const scores = scoreDocument(model, features, parameters);
  let logits = calibratedLogits(
    scores.map((s) => s.score),
    features.wordCount,
    parameters,
  );
  let sims: (number | null)[] | null = null;
  if (learned) {
    sims = similarities(
      learned,
      featurizeTokens(features.pageTokens, features.cues, input.pages),
      parameters.nearestWeight,
    );
    const t = learned.temperature;
    logits = blendLogits(logits, sims, learned.counts, parameters).map((l) => l / t);
  }
  const probabilities = softmax(logits);
  const ranked: RankedClass[] = model.profiles
    .map((profile, i) => ({ profile, score: scores[i]!, probability: probabilities[i] ?? 0 }))
    // Ties keep the config's order, so the same input always gives the same answer.
    .sort((a, b) => b.probability - a.probability || a.score.classIndex - b.score.classIndex);

  const best = ranked[0]!;
  const cueSamples = new Map([...features.cues].map(([term, hit]) => [term, hit.sample]));
  const scoreList: ClassificationScore[] = ranked.map((r) => ({
    id: r.profile.id,
    type: r.profile.type,
    probability: r.probability,
  }));
  let reasoning = buildReasoning(ranked, model.profiles, cueSamples);
  if (learned && sims) reasoning += ` ${learnedReasoning(ranked, model.profiles, learned, sims)}`;
  return {
    id: best.profile.id,
    type: best.profile.type,
    confidence: best.probability,
    reasoning,
    scores: scoreList,
    engine: LOCAL_ENGINE,
  };
};

const LEARNED_CACHE_SIZE = 32;

export const createLocalClassifier = (options: LocalClassifierOptions = {}): DocumentClassifier => {
  const parameters: EngineParameters = { ...DEFAULT_PARAMETERS, ...options.parameters };
  const cache = createModelCache(
    options.cacheSize ?? DEFAULT_CACHE_SIZE,
    options.knowledge ? { knowledge: options.knowledge } : {},
  );
  const learnedCache = new Map<string, LearnedModel>();
  const learnedFor = (model: CompiledModel, key: string, examples: TrainingExamples): LearnedModel => {
    const cacheKey = `${key}:${examples.version}`;
    let learned = learnedCache.get(cacheKey);
    if (!learned) {
      learned = trainLearnedModel(model.profiles, examples, parameters.nearestWeight > 0);
      learned.temperature = fitTemperature(model, learned, examples, parameters);
      learnedCache.set(cacheKey, learned);
      if (learnedCache.size > LEARNED_CACHE_SIZE) learnedCache.delete(learnedCache.keys().next().value ?? '');
    }
    return learned;
  };
  return {
    featuresVersion: FEATURES_VERSION,
    featurize,
    async classify(input: ClassifyInput): Promise<ClassifyResult> {
      if (input.classifications.length === 0) {
        throw new Error('At least one classification is required.');
      }
      const model = cache.get(input.classifications, input.rules);
      const examples = input.examples;
      const learned =
        examples && examples.items.length > 0
          ? learnedFor(model, configKey(input.classifications, input.rules), examples)
          : null;
      return classifyWithModel(model, input, parameters, learned && learned.total > 0 ? learned : null);
    },
  };
};
