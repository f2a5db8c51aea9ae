import type {
  ClassificationScore,
  ClassifyInput,
  ClassifyResult,
  DocumentClassifier,
} from '../../../ports/classifier.js';
import { type ChatClientOptions, createChatClient } from './client.js';
import { buildPrompt } from './prompt.js';
import { type ModelAnswer, parseAnswer, responseFormat } from './response-schema.js';

/**
 * The language-model engine: any OpenAI-compatible chat-completions endpoint (Ollama, vLLM, llama.cpp's
 * server, OpenAI) asked for one classification as structured output. An answer that still does not parse
 * after the retries throws ClassifierOutputError (the run fails with PARSING_ERROR); an endpoint that cannot
 * be reached throws a plain Error.
 */

export { createEngineRouter, type EngineRouterOptions, type LlmMode } from './engine-router.js';

export interface LlmClassifierOptions extends ChatClientOptions {
  /** Budget for the whole prompt, in estimated tokens (characters / 4). */
  maxInputTokens: number;
}

/** A stated confidence is kept away from 0 and 1: a model's own certainty is not calibrated. */
const MIN_CONFIDENCE = 0.01;
const MAX_CONFIDENCE = 0.99;
const MAX_EVIDENCE = 5;
const MAX_QUOTE_CHARS = 160;

const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

const reasoningOf = (answer: ModelAnswer): string => {
  const parts = [answer.reasoning.trim() || 'The model gave no reasoning.'];
  const evidence = answer.evidence
    .filter((e) => e.quote.trim().length > 0)
    .slice(0, MAX_EVIDENCE)
    .map((e) => `"${truncate(e.quote.replace(/\s+/g, ' ').trim(), MAX_QUOTE_CHARS)}" (p.${e.page})`);
  if (evidence.length > 0) parts.push(`Evidence: ${evidence.join('; ')}.`);
  return parts.join(' ');
};

/**
 * The chosen class gets the model's confidence and the others share the rest evenly. The confidence is
 * never below an even share (1/n): the model chose this class, so no other may look more likely.
 */
const scoresOf = (
  input: ClassifyInput,
  chosenId: string,
  stated: number,
): { confidence: number; scores: ClassificationScore[] } => {
  const n = input.classifications.length;
  const confidence = Math.max(Math.min(MAX_CONFIDENCE, Math.max(MIN_CONFIDENCE, stated)), n > 1 ? 1 / n : 1);
  const rest = n > 1 ? (1 - confidence) / (n - 1) : 0;
  const chosen = input.classifications.find((c) => c.id === chosenId);
  const others = input.classifications.filter((c) => c.id !== chosenId);
  const scores: ClassificationScore[] = [
    ...(chosen ? [{ id: chosen.id, type: chosen.type, probability: confidence }] : []),
    ...others.map((c) => ({ id: c.id, type: c.type, probability: rest })),
  ];
  return { confidence, scores };
};

export const createLlmClassifier = (options: LlmClassifierOptions): DocumentClassifier => {
  const client = createChatClient(options);
  const engine = `llm:${options.model}`;
  return {
    async classify(input: ClassifyInput): Promise<ClassifyResult> {
      if (input.classifications.length === 0) {
        throw new Error('At least one classification is required.');
      }
      const ids = input.classifications.map((c) => c.id);
      const answer = await client.complete({
        messages: buildPrompt(input, { maxInputTokens: options.maxInputTokens }),
        responseFormat: responseFormat(ids),
        parse: (text) => parseAnswer(text, ids),
      });
      const chosen = input.classifications.find((c) => c.id === answer.classificationId)!;
      const { confidence, scores } = scoresOf(input, chosen.id, answer.confidence);
      return {
        id: chosen.id,
        type: chosen.type,
        confidence,
        reasoning: reasoningOf(answer),
        scores,
        engine,
      };
    },
  };
};
