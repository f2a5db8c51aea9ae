/** Chooses one classification for a document's text. Engines are swappable behind this port. */

export interface ClassificationDefinition {
  id: string;
  type: string;
  description: string;
}

export interface ClassifierPage {
  pageNumber: number;
  text: string;
}

export interface ClassifyInput {
  classifications: ClassificationDefinition[];
  /** Free-text rules from the config (`classificationRules`). */
  rules?: string | null;
  /** The pages selected for classification (already filtered by pageRanges/context). */
  pages: ClassifierPage[];
  fileName?: string | null;
  /**
   * `classification_light` asks for the local engine only; `classification_performance` (the default) lets
   * the composition root use the strongest engine it has (e.g. a language model, or escalation to one).
   */
  baseProcessor?: 'classification_performance' | 'classification_light';
  /** Labelled documents this classifier has learned from (evaluation set items, reviewed runs). */
  examples?: TrainingExamples | null;
}

/** One labelled document, as the engine's features so that training never re-reads files. */
export interface TrainingExample {
  /** Stable id of the example (e.g. `evi_...` or `clr_...`), for versioning and leave-out. */
  id: string;
  /** The classification id the document belongs to. */
  classificationId: string;
  /** Term -> count, as produced by the engine's `featurize`. */
  terms: Record<string, number>;
  /** Content words in the document, for length normalisation. */
  wordCount: number;
  /** Labelled by the engine itself (a confidently classified, unreviewed run), not by a person. */
  weak?: boolean;
  /**
   * The start of the document's text (whitespace collapsed, about 1,200 characters), for engines that show
   * examples; absent for features stored before excerpts were.
   */
  excerpt?: string;
}

export interface TrainingExamples {
  /** Identifies this exact set of examples (changes whenever one is added, removed or relabelled). */
  version: string;
  items: readonly TrainingExample[];
}

export interface ClassificationScore {
  id: string;
  type: string;
  /** Probability in 0..1; scores over all classifications sum to 1. */
  probability: number;
}

export interface ClassifyResult {
  id: string;
  type: string;
  /** Calibrated probability in 0..1 that `id` is right. */
  confidence: number;
  /** Human-checkable reasoning: the evidence (words/structures with their page), the runner-up and the margin. */
  reasoning: string;
  /** Every classification's probability, best first. */
  scores: ClassificationScore[];
  /** Which engine decided, e.g. "local-lexical@1". */
  engine: string;
}

export interface DocumentClassifier {
  classify(input: ClassifyInput): Promise<ClassifyResult>;
  /**
   * The features a labelled document contributes to training; stored with the example so that retraining is
   * a sum over stored rows. `featuresVersion` changes when the engine's tokenisation does (stored features
   * of another version are recomputed).
   */
  featurize?(pages: readonly ClassifierPage[]): { terms: Record<string, number>; wordCount: number };
  readonly featuresVersion?: string;
}

/**
 * The engine answered but its answer could not be used (e.g. a language model's output that does not match
 * the schema after retries). The run fails with `PARSING_ERROR` (the SDK's failure reason for exactly this).
 */
export class ClassifierOutputError extends Error {
  override readonly name = 'ClassifierOutputError';
}
