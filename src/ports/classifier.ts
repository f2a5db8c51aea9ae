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
}
