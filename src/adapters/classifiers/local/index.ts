import type {
  ClassificationScore,
  ClassifyInput,
  ClassifyResult,
  DocumentClassifier,
} from '../../../ports/classifier.js';
import { calibrate } from './calibration.js';
import { extractFeatures } from './features.js';
import type { CompiledModel } from './model.js';
import { createModelCache } from './model-cache.js';
import { DEFAULT_PARAMETERS, type EngineParameters } from './parameters.js';
import { buildReasoning, type RankedClass } from './reasoning.js';
import { scoreDocument } from './scorer.js';

/**
 * The local lexical engine: scores a document against profiles built from each classification's type,
 * description and the config's rules, widened by a built-in knowledge base of document kinds and topics.
 * No training data, no network; a few pages take a few milliseconds.
 */

export const LOCAL_ENGINE = 'local-lexical@1';

export interface LocalClassifierOptions {
  /** Overrides of the fitted parameters (the benchmark uses this to fit them). */
  parameters?: Partial<EngineParameters>;
  /** How many distinct configs keep their compiled model. */
  cacheSize?: number;
}

const DEFAULT_CACHE_SIZE = 64;

/** Classifies with an already compiled model; synchronous and deterministic. */
export const classifyWithModel = (
  model: CompiledModel,
  input: Pick<ClassifyInput, 'pages' | 'fileName'>,
  parameters: EngineParameters,
): ClassifyResult => {
  const features = extractFeatures(model, input.pages, input.fileName);
  const scores = scoreDocument(model, features, parameters);
  const probabilities = calibrate(
    scores.map((s) => s.score),
    features.wordCount,
    parameters,
  );
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
  return {
    id: best.profile.id,
    type: best.profile.type,
    confidence: best.probability,
    reasoning: buildReasoning(ranked, model.profiles, cueSamples),
    scores: scoreList,
    engine: LOCAL_ENGINE,
  };
};

export const createLocalClassifier = (options: LocalClassifierOptions = {}): DocumentClassifier => {
  const parameters: EngineParameters = { ...DEFAULT_PARAMETERS, ...options.parameters };
  const cache = createModelCache(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  return {
    async classify(input: ClassifyInput): Promise<ClassifyResult> {
      if (input.classifications.length === 0) {
        throw new Error('At least one classification is required.');
      }
      const model = cache.get(input.classifications, input.rules);
      return classifyWithModel(model, input, parameters);
    },
  };
};
