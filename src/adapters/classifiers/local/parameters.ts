import type { CalibrationParameters } from './calibration.js';
import type { LearningParameters } from './learned.js';
import type { ScoringParameters } from './scorer.js';

export interface EngineParameters extends ScoringParameters, CalibrationParameters, LearningParameters {}

/**
 * Fitted with `npx tsx bench/classifier-accuracy.ts --fit` on the even-numbered documents of BBC News and
 * Tobacco: full configs, configs with one classification removed (its documents then belong to "other"), and
 * office scans under the news config (all "other"). Refit after changing the knowledge base or the scorer.
 */
export const DEFAULT_PARAMETERS: EngineParameters = {
  saturation: 2.2,
  lengthExponent: 0.5,
  lengthOffset: 0,
  massExponent: 0.1,
  otherBaseline: 0.593,
  sharedEvidenceWeight: 0.5,
  confidenceScale: 1.552,
  confidenceLengthExponent: 0.2,
  scoreFloor: 0.5,
  // Fitted with `npx tsx bench/classifier-learning.ts --fit` (2 to 20 examples per class, both sets).
  learnedScale: 60,
  learnedHalfWeight: 4,
  descriptionFade: 0.75,
  nearestWeight: 0,
};
