import type { ScoringParameters } from './scorer.js';

export interface EngineParameters extends ScoringParameters {
  /** Softmax temperature turning normalised scores into probabilities. */
  temperature: number;
}

/** Fitted on the development sets (BBC News, Tobacco) with bench/classifier-accuracy.ts. */
export const DEFAULT_PARAMETERS: EngineParameters = {
  saturation: 1.2,
  lengthExponent: 0.5,
  massExponent: 0.5,
  otherBaseline: 0.05,
  sharedEvidenceWeight: 0.3,
  temperature: 0.05,
};
