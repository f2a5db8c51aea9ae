/**
 * Turns scores into probabilities. Evidence is compared in ratios (twice the evidence of the runner-up means
 * the same whether a document is short or long), so the logits are logarithms of the scores; longer documents
 * carry more evidence, so the same ratio is trusted more. The three parameters were fitted on the
 * development sets by `bench/classifier-accuracy.ts --fit` (minimising negative log-likelihood, which keeps
 * the expected calibration error low).
 */

export interface CalibrationParameters {
  /** Slope of the logits: higher means more confident. */
  confidenceScale: number;
  /** The slope grows with wordCount ^ this exponent. */
  confidenceLengthExponent: number;
  /** Added to every score before the logarithm, so that zero evidence is finite and small gaps stay small. */
  scoreFloor: number;
}

export const softmax = (logits: readonly number[]): number[] => {
  if (logits.length === 0) return [];
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
};

/** Logits for the classifications' scores, in the same order (softmax gives the probabilities). */
export const calibratedLogits = (
  scores: readonly number[],
  wordCount: number,
  parameters: CalibrationParameters,
): number[] => {
  const slope = parameters.confidenceScale * Math.max(1, wordCount) ** parameters.confidenceLengthExponent;
  return scores.map((s) => slope * Math.log(Math.max(0, s) + parameters.scoreFloor));
};

/** Probabilities for the classifications' scores, in the same order; they sum to 1. */
export const calibrate = (
  scores: readonly number[],
  wordCount: number,
  parameters: CalibrationParameters,
): number[] => softmax(calibratedLogits(scores, wordCount, parameters));
