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
