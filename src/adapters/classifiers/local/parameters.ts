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
  saturation: 0.9,
  lengthExponent: 1,
  lengthOffset: 50,
  massExponent: 0.2,
  otherBaseline: 0.0144,
  sharedEvidenceWeight: 0.15,
  confidenceScale: 1.051,
  confidenceLengthExponent: 0.3,
  scoreFloor: 0.02,
  // Fitted with `npx tsx bench/classifier-learning.ts --fit` (2 to 20 examples per class, both sets weighing the same).
  learnedScale: 40,
  learnedHalfWeight: 4,
  descriptionFade: 0.5,
  nearestWeight: 0,
};
