import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DOCUMENT_CLOSE,
  DOCUMENT_OPEN,
  EXAMPLE_CLOSE,
  exampleOpen,
} from '../../src/adapters/classifiers/llm/prompt.js';
import { backends } from '../support/backends.js';
import { chooses, type FakeLlmServer, startFakeLlmServer } from '../support/fake-llm-server.js';
import {
  BASIC_CONFIG,
  INVOICE_TEXT,
  startTestServer,
  type TestServer,
  waitFor,
} from '../support/test-server.js';
import { textFile } from './sdk-support.js';

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
  it('shows the model a reviewed run and an evaluation set item of the classifier as labelled examples', async () => {
    const created = await s.api('POST', '/classifiers', {
      name: 'Few-shot',
      config: { ...BASIC_CONFIG, advancedOptions: { memoryEnabled: true } },
    });
    expect(created.status).toBe(200);
    const classifier = { id: created.body.id, version: 'draft' };
    const classify = async (text: string, name: string) => {
      const run = await s.api('POST', '/classify_runs', { classifier, file: { text, name } });
      expect(run.status).toBe(200);
      return waitFor(
        async () => {
          const res = await s.api('GET', `/classify_runs/${run.body.id}`);
          return res.body.status === 'PROCESSED' || res.body.status === 'FAILED' ? res.body : undefined;
        },
        15_000,
        'the run to finish',
      );
    };

    // A person says the first document is a letter (the model had said invoice).
    const reviewedText =
      'Harbour Dues Notice\n\nVessel: MV Corriedale   Berth 7\nPilotage and berth dues for March are now payable.';
    const first = await classify(reviewedText, 'dues-march.txt');
    expect(first).toMatchObject({ status: 'PROCESSED', output: { id: 'invoice' } });
    const review = await s.api('POST', `/classify_runs/${first.id}/review`, { output: { id: 'letter' } });
    expect(review.status).toBe(200);

    // An evaluation set item: its file is learned in the background (a learn_example job).
    const itemText = 'INVOICE No. 77\nBill to: Harbour Authority\nBerth dues, pilotage\nTotal due: $4,100';
    const file = await s.client.files.upload(textFile('item.txt', itemText), {});
    const evaluationSet = await s.api('POST', '/evaluation_sets', {
      name: 'Training',
      entityId: classifier.id,
    });
    expect(evaluationSet.status).toBe(200);
    const items = await s.api('POST', `/evaluation_sets/${evaluationSet.body.id}/items`, {
      items: [{ fileId: file.id, expectedOutput: { id: 'invoice', type: 'invoice' } }],
    });
    expect(items.status).toBe(200);
    await waitFor(
      async () => {
        const row = await s.deps.db
          .selectFrom('training_features')
          .select('excerpt')
          .where('file_id', '=', file.id)
          .executeTakeFirst();
        return row?.excerpt ?? undefined;
      },
      15_000,
      'the evaluation set item to be learned',
    );

    fake.reset();
    fake.script(chooses('letter', 0.8, { reasoning: 'Like the reviewed dues notice.' }));
    const second = await classify(
      'Harbour Dues Notice\n\nVessel: MV Merino   Berth 3\nPilotage and berth dues for April are now payable.',
      'dues-april.txt',
    );
    expect(second).toMatchObject({ status: 'PROCESSED', output: { id: 'letter' } });
    expect(fake.requests).toHaveLength(1);
    const user: string = fake.requests[0]!.body.messages[1].content;
    const reviewedBlock = `${exampleOpen('letter')}\n${reviewedText.replace(/\s+/g, ' ')}\n${EXAMPLE_CLOSE}`;
    const itemBlock = `${exampleOpen('invoice')}\n${itemText.replace(/\s+/g, ' ')}\n${EXAMPLE_CLOSE}`;
    expect(user).toContain(reviewedBlock);
    expect(user).toContain(itemBlock);
    // The nearer one (the reviewed notice) first, both before the document.
    expect(user.indexOf(reviewedBlock)).toBeLessThan(user.indexOf(itemBlock));
    expect(user.indexOf(itemBlock)).toBeLessThan(user.indexOf(DOCUMENT_OPEN));
    expect(fake.requests[0]!.body.messages[0].content).toMatch(
      /labelled examples of this classifier's documents/,
    );
    expect(second.output.insights[0].content).toMatch(
      /^Like the reviewed dues notice\. \(Shown 2 labelled examples: (letter 1, invoice 1|invoice 1, letter 1)\.\)$/,
    );

    // Deleting the item's file deletes its stored features and excerpt: the model is not shown it again.
    const deleted = await s.api('DELETE', `/files/${file.id}`);
    expect(deleted.status).toBe(200);
    const left = await s.deps.db
      .selectFrom('training_features')
      .select('file_id')
      .where('file_id', '=', file.id)
      .execute();
    expect(left).toEqual([]);
    fake.reset();
    fake.script(chooses('letter', 0.8, { reasoning: 'Like the reviewed dues notice.' }));
    const third = await classify(
      'Harbour Dues Notice\n\nVessel: MV Texel   Berth 1\nPilotage and berth dues for May are now payable.',
      'dues-may.txt',
    );
    expect(third).toMatchObject({ status: 'PROCESSED', output: { id: 'letter' } });
    const after: string = fake.requests[0]!.body.messages[1].content;
    expect(after).toContain(reviewedBlock);
    expect(after).not.toContain(itemText.replace(/\s+/g, ' '));
  });
});
