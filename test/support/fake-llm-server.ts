import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible chat-completions server on loopback, scripted per test: it can answer correctly,
 * answer malformed output, answer slowly, or fail with a status. Every request is recorded.
 */

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: the request body is whatever JSON the client sent
  body: any;
}

export type Behaviour =
  /** A well-formed completion whose message content is this object as JSON (or computed from the request). */
  | { answer: Record<string, unknown> | ((req: RecordedRequest) => Record<string, unknown>) }
  /** A well-formed completion whose message content is this text, as is. */
  | { content: string }
  /** Wait, then behave as `then` (default: the first classification). */
  | { delayMs: number; then?: Behaviour }
  | { status: number; body?: string; headers?: Record<string, string> };

/** Chooses the first id of the schema's enum, with a confidence and evidence. */
export const FIRST_CLASS: Behaviour = {
  answer: (req) => ({
    classificationId: req.body.response_format.json_schema.schema.properties.classificationId.enum[0],
    confidence: 0.8,
    reasoning: 'It is the first one.',
    evidence: [{ quote: 'first', page: 1 }],
  }),
};

export const chooses = (classificationId: string, confidence = 0.9, extra: Record<string, unknown> = {}) => ({
  answer: {
    classificationId,
    confidence,
    reasoning: `It reads like a ${classificationId}.`,
    evidence: [],
    ...extra,
  },
});

export interface FakeLlmServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Answer the next requests with these behaviours, in order, then with the default. */
  script(...behaviours: Behaviour[]): void;
  setDefault(behaviour: Behaviour): void;
  reset(): void;
  close(): Promise<void>;
}

const completion = (content: string, model: string) =>
  JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });

export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  const requests: RecordedRequest[] = [];
  let queue: Behaviour[] = [];
  let fallback: Behaviour = FIRST_CLASS;
  const timers = new Set<NodeJS.Timeout>();

  const respond = (req: RecordedRequest, res: http.ServerResponse, behaviour: Behaviour): void => {
    if ('delayMs' in behaviour) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) respond(req, res, behaviour.then ?? FIRST_CLASS);
      }, behaviour.delayMs);
      timers.add(timer);
      return;
    }
    if ('status' in behaviour) {
      res.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
      res.end(behaviour.body ?? JSON.stringify({ error: { message: `status ${behaviour.status}` } }));
      return;
    }
    const content =
      'content' in behaviour
        ? behaviour.content
        : JSON.stringify(typeof behaviour.answer === 'function' ? behaviour.answer(req) : behaviour.answer);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(completion(content, String(req.body?.model)));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
      };
      requests.push(recorded);
      respond(recorded, res, queue.shift() ?? fallback);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script(...behaviours) {
      queue = [...behaviours];
    },
    setDefault(behaviour) {
      fallback = behaviour;
    },
    reset() {
      requests.length = 0;
      queue = [];
      fallback = FIRST_CLASS;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
