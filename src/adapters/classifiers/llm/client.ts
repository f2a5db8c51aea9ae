import { setTimeout as delay } from 'node:timers/promises';
import { ClassifierOutputError } from '../../../ports/classifier.js';
import { parseRetryAfter } from '../../../webhooks/retry-schedule.js';
import type { ChatMessage } from './prompt.js';
import { InvalidAnswerError } from './response-schema.js';

/**
 * One structured chat completion against an OpenAI-compatible endpoint (`POST {baseUrl}/chat/completions`),
 * with a timeout per attempt and retries: with exponential backoff and jitter after timeouts, connection
 * errors, 429 (honouring Retry-After, capped) and 5xx; at once after an answer that does not parse or
 * validate. The endpoint is operator configuration (often localhost), so it is called directly and not
 * through the SSRF-guarded agent used for user-supplied URLs.
 */

export interface ChatClientOptions {
  /** E.g. `http://127.0.0.1:11434/v1` (Ollama) or `https://api.openai.com/v1`. */
  baseUrl: string;
  model: string;
  apiKey?: string | null;
  timeoutMs: number;
  /** Attempts after the first one. */
  maxRetries: number;
  /** First backoff delay; doubled at each retry, up to `backoffMaxMs`, with ±50 % jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A longer Retry-After is cut down to this. */
  maxRetryAfterMs?: number;
  /** Injected for tests: jitter source and the wait between attempts. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface StructuredRequest<T> {
  messages: ChatMessage[];
  responseFormat: unknown;
  /** Checks the model's text; throws InvalidAnswerError when it cannot be used. */
  parse: (text: string) => T;
}

const DEFAULT_BACKOFF_BASE_MS = 500;
const DEFAULT_BACKOFF_MAX_MS = 10_000;
const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;
/** How much of the model's text an error message quotes. */
const QUOTED_CHARS = 300;
/** How much of an error response body an error message quotes. */
const QUOTED_BODY_CHARS = 200;

type Failure =
  | { kind: 'transport'; why: string; retryAfterMs: number | null }
  | { kind: 'output'; why: string; raw: string };

/** A 4xx other than 429: the request itself is wrong (bad key, unknown model), so retrying cannot help. */
class RejectedRequestError extends Error {}

const quote = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length <= max ? flat : `${flat.slice(0, max)}…`);
};

const describeFetchError = (err: unknown, timeoutMs: number): string => {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause =
    err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
};

/** The assistant's text from a chat-completions response body; InvalidAnswerError when there is none. */
const messageText = (body: string): string => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InvalidAnswerError('the endpoint answered 200 with a body that is not JSON', body);
  }
  const choice = (json as { choices?: { message?: { content?: unknown; refusal?: unknown } }[] })
    .choices?.[0];
  const content = choice?.message?.content;
  if (typeof content === 'string' && content.length > 0) return content;
  if (typeof choice?.message?.refusal === 'string') {
    throw new InvalidAnswerError(`the model refused: ${choice.message.refusal}`, body);
  }
  throw new InvalidAnswerError('the response has no choices[0].message.content', body);
};

export const createChatClient = (options: ChatClientOptions) => {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const backoffBase = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const backoffMax = options.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS;
  const maxRetryAfter = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  const backoff = (retry: number): number => {
    const planned = Math.min(backoffMax, backoffBase * 2 ** retry);
    return Math.round(planned * (0.5 + random()));
  };

  /** One attempt: the parsed answer, or the failure to retry on. */
  const attempt = async <T>(
    request: StructuredRequest<T>,
    body: string,
  ): Promise<{ ok: true; value: T } | { ok: false; failure: Failure }> => {
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      // One signal bounds the whole attempt, reading the body included.
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (err) {
      const why = describeFetchError(err, options.timeoutMs);
      return { ok: false, failure: { kind: 'transport', why, retryAfterMs: null } };
    }
    if (status === 429 || status >= 500) {
      const retryAfterMs = status === 429 ? parseRetryAfter(retryAfter ?? undefined, new Date()) : null;
      return {
        ok: false,
        failure: {
          kind: 'transport',
          why: `HTTP ${status} ${quote(text, QUOTED_BODY_CHARS)}`,
          retryAfterMs: retryAfterMs === null ? null : Math.min(retryAfterMs, maxRetryAfter),
        },
      };
    }
    if (status < 200 || status >= 300) {
      throw new RejectedRequestError(
        `The model endpoint ${url} refused the request for model ${JSON.stringify(options.model)}: ` +
          `HTTP ${status} ${quote(text, QUOTED_BODY_CHARS)}`,
      );
    }
    try {
      return { ok: true, value: request.parse(messageText(text)) };
    } catch (err) {
      if (err instanceof InvalidAnswerError) {
        return { ok: false, failure: { kind: 'output', why: err.message, raw: err.raw } };
      }
      throw err;
    }
  };

  return {
    url,
    async complete<T>(request: StructuredRequest<T>): Promise<T> {
      const body = JSON.stringify({
        model: options.model,
        messages: request.messages,
        response_format: request.responseFormat,
        temperature: 0,
        stream: false,
      });
      const attempts = options.maxRetries + 1;
      let failure: Failure | null = null;
      for (let i = 0; i < attempts; i++) {
        if (failure?.kind === 'transport') {
          await sleep(failure.retryAfterMs ?? backoff(i - 1));
        }
        const result = await attempt(request, body);
        if (result.ok) return result.value;
        failure = result.failure;
      }
      const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
      if (failure?.kind === 'output') {
        throw new ClassifierOutputError(
          `The model ${JSON.stringify(options.model)} gave no usable answer after ${tries}: ${failure.why}. ` +
            `It answered: ${quote(failure.raw, QUOTED_CHARS)}`,
        );
      }
      throw new Error(
        `The model endpoint ${url} could not be reached after ${tries}: ${failure?.why ?? 'unknown error'}`,
      );
    },
  };
};

export type ChatClient = ReturnType<typeof createChatClient>;
