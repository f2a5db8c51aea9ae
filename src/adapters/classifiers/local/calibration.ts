/**
 * Turns scores into probabilities with a softmax at a fitted temperature. The temperature and the "other"
 * baseline were fitted on the development sets by `bench/classifier-accuracy.ts` (it prints the best values;
 * minimising negative log-likelihood, which keeps expected calibration error low).
 */

export const softmax = (scores: readonly number[], temperature: number): number[] => {
  if (scores.length === 0) return [];
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp((s - max) / temperature));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
};

export interface CalibrationParameters {
  /** Softmax temperature for a one-word document. */
  temperature: number;
  /**
   * Longer documents carry more evidence, so the same score gap means more certainty: the temperature is
   * divided by wordCount ^ this exponent.
   */
  confidenceLengthExponent: number;
}

/** Probabilities for the classifications' scores, in the same order; they sum to 1. */
export const calibrate = (
  scores: readonly number[],
  wordCount: number,
  parameters: CalibrationParameters,
): number[] =>
  softmax(scores, parameters.temperature / Math.max(1, wordCount) ** parameters.confidenceLengthExponent);
