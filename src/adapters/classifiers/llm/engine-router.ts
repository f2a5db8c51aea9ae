import type { ClassifyInput, ClassifyResult, DocumentClassifier } from '../../../ports/classifier.js';

/**
 * Chooses the engine per document:
 * - `baseProcessor: classification_light` → the local engine, always;
 * - mode `off` → the local engine; mode `always` → the language model (its failures fail the run);
 * - mode `escalate` → the local engine first, and the model only when the local confidence is below
 *   `escalateBelow`.
 *
 * In `escalate` mode a model that fails (unreachable, or no usable answer after its retries) does not fail
 * the run: the local engine's answer is returned, with a note in its reasoning saying the model was asked
 * and why it failed. Escalation is an improvement on an answer we already have, so an outage of the model
 * degrades quality instead of stopping classification; `always` mode, where there is no other answer,
 * lets the failure through.
 */

export type LlmMode = 'off' | 'always' | 'escalate';

export interface EngineRouterOptions {
  local: DocumentClassifier;
  /** Null when no model is configured (then `mode` must be `off`). */
  llm: DocumentClassifier | null;
  mode: LlmMode;
  /** In `escalate` mode, the local confidence under which the model is asked. */
  escalateBelow: number;
}

const fixed2 = (p: number): string => p.toFixed(2);

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const createEngineRouter = (options: EngineRouterOptions): DocumentClassifier => {
  const { local, llm, mode, escalateBelow } = options;
  if (mode !== 'off' && !llm) throw new Error(`The language-model mode "${mode}" needs a model.`);

  const escalate = async (input: ClassifyInput, model: DocumentClassifier): Promise<ClassifyResult> => {
    const first = await local.classify(input);
    if (first.confidence >= escalateBelow) return first;
    const unsure =
      `The local engine was unsure (${first.type}, confidence ${fixed2(first.confidence)} ` +
      `< ${fixed2(escalateBelow)})`;
    try {
      const answer = await model.classify(input);
      return { ...answer, reasoning: `${answer.reasoning} (${unsure}, so the language model decided.)` };
    } catch (err) {
      return {
        ...first,
        reasoning: `${first.reasoning} (${unsure}; the language model was asked but failed: ${errorMessage(err)} This is the local engine's answer.)`,
      };
    }
  };

  return {
    classify(input) {
      if (input.baseProcessor === 'classification_light' || mode === 'off' || !llm) {
        return local.classify(input);
      }
      if (mode === 'always') return llm.classify(input);
      return escalate(input, llm);
    },
    // Learning stores the local engine's features, whichever engine answers.
    ...(local.featurize ? { featurize: local.featurize.bind(local) } : {}),
    ...(local.featuresVersion !== undefined ? { featuresVersion: local.featuresVersion } : {}),
  };
};
