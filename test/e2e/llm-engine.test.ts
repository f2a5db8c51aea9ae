import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DOCUMENT_CLOSE, DOCUMENT_OPEN } from '../../src/adapters/classifiers/llm/prompt.js';
import { backends } from '../support/backends.js';
import { chooses, type FakeLlmServer, startFakeLlmServer } from '../support/fake-llm-server.js';
import {
  BASIC_CONFIG,
  INVOICE_TEXT,
  startTestServer,
  type TestServer,
  waitFor,
} from '../support/test-server.js';

/** Classify runs through the real server with the language-model engine pointed at a fake OpenAI-compatible server. */

describe.each(backends())('language-model engine end to end (%s)', (backend) => {
  let s: TestServer;
  let fake: FakeLlmServer;
  beforeAll(async () => {
    fake = await startFakeLlmServer();
    s = await startTestServer(backend, {
      env: {
        DOCSORT_LLM_BASE_URL: fake.baseUrl,
        DOCSORT_LLM_MODEL: 'fake-model',
        DOCSORT_LLM_API_KEY: 'sk-fake',
        DOCSORT_LLM_MODE: 'always',
        DOCSORT_LLM_MAX_RETRIES: '1',
        DOCSORT_LLM_TIMEOUT_MS: '2000',
      },
    });
  });
  afterAll(async () => {
    await s?.stop();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  const runToEnd = async (config: Record<string, unknown>, timeoutMs = 15_000) => {
    const created = await s.api('POST', '/classify_runs', {
      config,
      file: { text: INVOICE_TEXT, name: 'invoice.txt' },
    });
    expect(created.status).toBe(200);
    return waitFor(
      async () => {
        const res = await s.api('GET', `/classify_runs/${created.body.id}`);
        return res.body.status === 'PROCESSED' || res.body.status === 'FAILED' ? res.body : undefined;
      },
      timeoutMs,
      'the run to finish',
    );
  };

  it('processes a run with the model choice and records the engine in usage', async () => {
    // The local engine would say invoice: the model's different answer shows who decided.
    fake.script(
      chooses('letter', 0.83, {
        reasoning: 'Addressed like a letter.',
        evidence: [{ quote: 'Bill to: Acme Corp', page: 1 }],
      }),
    );
    const run = await runToEnd(BASIC_CONFIG);
    expect(run).toMatchObject({ status: 'PROCESSED', failureReason: null });
    expect(run.output).toEqual({
      id: 'letter',
      type: 'letter',
      confidence: 0.83,
      insights: [
        { type: 'reasoning', content: 'Addressed like a letter. Evidence: "Bill to: Acme Corp" (p.1).' },
      ],
    });
    expect(run.usage.breakdown[0]).toMatchObject({ object: 'classify_run', engine: 'llm:fake-model' });
    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(request.headers.authorization).toBe('Bearer sk-fake');
    const user: string = request.body.messages[1].content;
    expect(user).toContain(
      `${DOCUMENT_OPEN}\nFile name: "invoice.txt"\n--- page 1 ---\nINVOICE No. 2024-117`,
    );
    expect(user).toContain(`Payment terms: net 30\n${DOCUMENT_CLOSE}`);
  });

  it('fails the run with PARSING_ERROR when the model answers garbage, without retrying the job', async () => {
    fake.setDefault({ content: 'I think this is probably an invoice, but who knows' });
    const run = await runToEnd(BASIC_CONFIG);
    expect(run).toMatchObject({
      status: 'FAILED',
      failureReason: 'PARSING_ERROR',
      output: null,
      usage: null,
    });
    expect(run.failureMessage).toMatch(
      /^The model "fake-model" gave no usable answer after 2 attempts: the answer is not valid JSON \(.+\)\. It answered: "I think this is probably an invoice, but who knows"$/,
    );
    // The client's two attempts, and no job retry on top of them.
    expect(fake.requests).toHaveLength(2);
  });

  it('uses the local engine for classification_light and says so in usage', async () => {
    const run = await runToEnd({ ...BASIC_CONFIG, baseProcessor: 'classification_light' });
    expect(run).toMatchObject({ status: 'PROCESSED', output: { id: 'invoice' } });
    expect(run.usage.breakdown[0].engine).toBe('local-lexical@1');
    expect(fake.requests).toHaveLength(0);
  });

  it('gives up on a model that stays unreachable after the job attempts (INTERNAL_ERROR)', async () => {
    fake.setDefault({ status: 503, body: 'overloaded' });
    const run = await runToEnd(BASIC_CONFIG, 30_000);
    expect(run).toMatchObject({ status: 'FAILED', failureReason: 'INTERNAL_ERROR' });
    expect(run.failureMessage).toMatch(
      /^Internal error while processing: The model endpoint http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions could not be reached after 2 attempts: HTTP 503 "overloaded"$/,
    );
    // Three job attempts of two requests each, then no more.
    expect(fake.requests).toHaveLength(6);
  });
});
