import type { CalibrationParameters } from './calibration.js';
import type { ScoringParameters } from './scorer.js';

export interface EngineParameters extends ScoringParameters, CalibrationParameters {}

/** Fitted on the development sets (BBC News, Tobacco) with bench/classifier-accuracy.ts. */
export const DEFAULT_PARAMETERS: EngineParameters = {
  saturation: 2.2,
  lengthExponent: 0.8,
  massExponent: 0,
  otherBaseline: 0.115,
  sharedEvidenceWeight: 0,
  temperature: 0.14,
  confidenceLengthExponent: 0,
};
