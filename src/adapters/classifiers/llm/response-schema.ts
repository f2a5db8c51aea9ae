import { z } from 'zod';

/**
 * The answer we ask the model for, as a JSON schema for structured output (OpenAI's `json_schema`
 * response format, which Ollama, vLLM and llama.cpp's server also accept), and the zod check of what comes
 * back: servers that ignore the schema, small models and truncated outputs all produce answers that do not
 * match it.
 */

export interface ModelAnswer {
  classificationId: string;
  confidence: number;
  reasoning: string;
  evidence: { quote: string; page: number }[];
}

export const RESPONSE_SCHEMA_NAME = 'document_classification';

export const responseFormat = (ids: readonly string[]) => ({
  type: 'json_schema' as const,
  json_schema: {
    name: RESPONSE_SCHEMA_NAME,
    strict: true,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['classificationId', 'confidence', 'reasoning', 'evidence'],
      properties: {
        classificationId: { type: 'string', enum: [...ids] },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
        reasoning: { type: 'string' },
        evidence: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['quote', 'page'],
            properties: { quote: { type: 'string' }, page: { type: 'integer' } },
          },
        },
      },
    },
  },
});

/** Why an answer could not be used; `raw` is the model's text, for the error message. */
export class InvalidAnswerError extends Error {
  constructor(
    message: string,
    readonly raw: string,
  ) {
    super(message);
  }
}

// The id and the confidence decide the result, so they are strict. Reasoning and evidence only explain it:
// a model that leaves them out still gave a usable answer, and rejecting it would only cost a retry.
const answerSchema = (ids: readonly string[]) =>
  z.object({
    classificationId: z.string().refine((id) => ids.includes(id), {
      error: (issue) =>
        `classificationId ${JSON.stringify(issue.input)} is not one of the classifications (${ids.join(', ')})`,
    }),
    confidence: z.number().min(0).max(1),
    reasoning: z.string().default(''),
    evidence: z
      .array(z.object({ quote: z.string(), page: z.number().int() }))
      .default([])
      .catch([]),
  });

// Servers without structured output sometimes wrap the JSON in a Markdown code fence.
const FENCE = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i;

/** The model's text as a checked answer; throws InvalidAnswerError naming what is wrong. */
export const parseAnswer = (text: string, ids: readonly string[]): ModelAnswer => {
  const unfenced = FENCE.exec(text)?.[1] ?? text;
  let json: unknown;
  try {
    json = JSON.parse(unfenced);
  } catch (err) {
    throw new InvalidAnswerError(`the answer is not valid JSON (${(err as Error).message})`, text);
  }
  const checked = answerSchema(ids).safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new InvalidAnswerError(
      `the answer does not match the schema (${where}${issue?.message ?? 'invalid'})`,
      text,
    );
  }
  return checked.data;
};
