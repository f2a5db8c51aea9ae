import type {
  ClassificationScore,
  ClassifierPage,
  ClassifyInput,
  ClassifyResult,
  DocumentClassifier,
} from '../../../ports/classifier.js';
import { type ChatClientOptions, createChatClient } from './client.js';
import { type SelectedExample, selectExamples } from './example-selection.js';
import { composePrompt } from './prompt.js';
import { type ModelAnswer, parseAnswer, responseFormat } from './response-schema.js';

/**
 * The language-model engine: any OpenAI-compatible chat-completions endpoint (Ollama, vLLM, llama.cpp's
 * server, OpenAI) asked for one classification as structured output. An answer that still does not parse
 * after the retries throws ClassifierOutputError (the run fails with PARSING_ERROR); an endpoint that cannot
 * be reached throws a plain Error. The classifier's labelled examples most like the document are shown to the
 * model as few-shot demonstrations, and the reasoning says which were.
 */

export { createEngineRouter, type EngineRouterOptions, type LlmMode } from './engine-router.js';

export interface LlmClassifierOptions extends ChatClientOptions {
  /** Budget for the whole prompt, in estimated tokens (characters / 4). */
  maxInputTokens: number;
  /**
   * The document's terms in the format of the stored examples' (the local engine's `featurize`), to find the
   * examples most like it; without it the model is shown no examples.
   */
  featurize?: (pages: readonly ClassifierPage[]) => { terms: Record<string, number> };
}

/** A stated confidence is kept away from 0 and 1: a model's own certainty is not calibrated. */
const MIN_CONFIDENCE = 0.01;
const MAX_CONFIDENCE = 0.99;
const MAX_EVIDENCE = 5;
const MAX_QUOTE_CHARS = 160;

const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** E.g. "(Shown 3 labelled examples: invoice 2, letter 1.)", so a reviewer knows what the model saw. */
const examplesNote = (shown: readonly SelectedExample[]): string | null => {
  if (shown.length === 0) return null;
  const counts = new Map<string, number>();
  for (const e of shown) counts.set(e.classificationId, (counts.get(e.classificationId) ?? 0) + 1);
  const perClass = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => `${id} ${n}`)
    .join(', ');
  return `(Shown ${shown.length} labelled example${shown.length === 1 ? '' : 's'}: ${perClass}.)`;
};

const reasoningOf = (answer: ModelAnswer, shown: readonly SelectedExample[]): string => {
  const parts = [answer.reasoning.trim() || 'The model gave no reasoning.'];
  const evidence = answer.evidence
    .filter((e) => e.quote.trim().length > 0)
    .slice(0, MAX_EVIDENCE)
    .map((e) => `"${truncate(e.quote.replace(/\s+/g, ' ').trim(), MAX_QUOTE_CHARS)}" (p.${e.page})`);
  if (evidence.length > 0) parts.push(`Evidence: ${evidence.join('; ')}.`);
  const note = examplesNote(shown);
  if (note) parts.push(note);
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
      const { featurize } = options;
      const demonstrations = featurize
        ? selectExamples({
            examples: input.examples,
            classificationIds: ids,
            documentTerms: () => featurize(input.pages).terms,
          })
        : [];
      const prompt = composePrompt({ ...input, demonstrations }, { maxInputTokens: options.maxInputTokens });
      const answer = await client.complete({
        messages: prompt.messages,
        responseFormat: responseFormat(ids),
        parse: (text) => parseAnswer(text, ids),
      });
      const chosen = input.classifications.find((c) => c.id === answer.classificationId)!;
      const { confidence, scores } = scoresOf(input, chosen.id, answer.confidence);
      return {
        id: chosen.id,
        type: chosen.type,
        confidence,
        reasoning: reasoningOf(answer, prompt.shown),
        scores,
        engine,
      };
    },
  };
};
