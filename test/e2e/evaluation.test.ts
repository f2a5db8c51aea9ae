import { Extend } from 'extend-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { BASIC_CONFIG, startTestServer, type TestServer, waitFor } from '../support/test-server.js';
import { sdkError, textFile } from './sdk-support.js';

/**
 * Evaluation sets, items and runs through the official SDK, and learning: a classifier learns from its
 * evaluation sets' items, and from reviewed runs when memoryEnabled is set, but an evaluation run never
 * learns from the set it measures.
 */

// Two kinds of document the descriptions cannot tell apart: only examples can.
const CONFIG: Extend.ClassifyConfig = {
  classifications: [
    { id: 'kind_a', type: 'kind_a', description: 'Documents of the first kind.' },
    { id: 'kind_b', type: 'kind_b', description: 'Documents of the second kind.' },
    { id: 'other', type: 'other', description: 'Anything else.' },
  ],
};

const A_TEXTS = [
  'Torque calibration log for widget assembly line 4. Spindle torque 12 Nm, calibration passed, gauge serial 88.',
  'Widget assembly torque check: spindle 3 recalibrated, torque gauge drift corrected, assembly line resumed.',
  'Calibration of torque wrenches on the widget assembly line; spindle readings within tolerance after gauge reset.',
  'Assembly line torque audit: widget fasteners, spindle torque and gauge calibration records for the week.',
];
const B_TEXTS = [
  'Vessel berth schedule: container ship arrives at harbour berth 7, pilot boarding at dawn, cargo manifest attached.',
  'Harbour notice: berth 2 closed for dredging; container vessels redirected, pilot service continues.',
  'Container terminal update: vessel berthing delayed by tide, harbour pilot rescheduled, cargo cranes idle.',
  'Pilot request for vessel entering harbour; berth assignment 5, container discharge planned overnight.',
];

describe.each(backends())('evaluation sets and learning (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(async () => {
    await s?.stop();
  });

  async function upload(name: string, text: string): Promise<string> {
    return (await s.client.files.upload(textFile(name, text), {})).id;
  }

  async function classifierWith(config: Extend.ClassifyConfig, name: string) {
    return s.client.classifiers.create({ name, config });
  }

  it('creates, lists and validates evaluation sets and items', async () => {
    const classifier = await classifierWith(CONFIG, 'eval crud');
    const set = await s.client.evaluationSets.create({
      name: 'Holdout',
      description: 'for scoring',
      entityId: classifier.id,
    });
    expect(set).toMatchObject({
      object: 'evaluation_set',
      name: 'Holdout',
      description: 'for scoring',
      entity: { object: 'classifier', id: classifier.id, name: 'eval crud' },
      createdBy: { type: 'api_key' },
    });
    expect(set.id).toMatch(/^ev_/);
    expect((await s.client.evaluationSets.retrieve(set.id)).id).toBe(set.id);
    const listed = await s.client.evaluationSets.list({ entityId: classifier.id });
    expect(listed.data.map((x) => x.id)).toEqual([set.id]);

    await sdkError(
      s.client.evaluationSets.create({ name: 'x', entityId: 'cl_doesnotexist' }),
      Extend.NotFoundError,
      404,
    );
    const wrongEntity = await sdkError(
      s.client.evaluationSets.create({ name: 'x', entityId: 'ex_123' }),
      Extend.BadRequestError,
      400,
    );
    expect(wrongEntity.body.message).toContain('Path: entityId');

    const fileId = await upload('a.txt', A_TEXTS[0]!);
    const created = await s.client.evaluationSetItems.create(set.id, {
      items: [{ fileId, expectedOutput: { id: 'kind_a', type: 'kind_a' } }],
    });
    const item = created.evaluationSetItems[0]!;
    expect(item).toMatchObject({
      object: 'evaluation_set_item',
      evaluationSetId: set.id,
      file: { object: 'file', id: fileId },
      expectedOutput: { id: 'kind_a', type: 'kind_a' },
    });
    expect(item.id).toMatch(/^evi_/);

    // An unknown classification, a type that does not match and a missing file are refused, nothing stored.
    const unknown = await sdkError(
      s.client.evaluationSetItems.create(set.id, {
        items: [
          { fileId, expectedOutput: { id: 'kind_a', type: 'kind_a' } },
          { fileId, expectedOutput: { id: 'invoice', type: 'invoice' } },
        ],
      }),
      Extend.BadRequestError,
      400,
    );
    expect(unknown.body.message).toContain('Path: items.1.expectedOutput.id');
    const mismatch = await sdkError(
      s.client.evaluationSetItems.create(set.id, {
        items: [{ fileId, expectedOutput: { id: 'kind_a', type: 'kind_b' } }],
      }),
      Extend.BadRequestError,
      400,
    );
    expect(mismatch.body.message).toContain('Path: items.0.expectedOutput.type');
    await sdkError(
      s.client.evaluationSetItems.create(set.id, {
        items: [{ fileId: 'file_missing', expectedOutput: { id: 'kind_a', type: 'kind_a' } }],
      }),
      Extend.BadRequestError,
      400,
    );
    expect((await s.client.evaluationSetItems.list(set.id)).data.map((x) => x.id)).toEqual([item.id]);

    const updated = await s.client.evaluationSetItems.update(set.id, item.id, {
      expectedOutput: { id: 'kind_b', type: 'kind_b' },
    });
    expect(updated.expectedOutput).toEqual({ id: 'kind_b', type: 'kind_b' });
    expect((await s.client.evaluationSetItems.retrieve(set.id, item.id)).expectedOutput).toEqual({
      id: 'kind_b',
      type: 'kind_b',
    });
    expect(await s.client.evaluationSetItems.delete(set.id, item.id)).toEqual({ id: item.id });
    await sdkError(s.client.evaluationSetItems.retrieve(set.id, item.id), Extend.NotFoundError, 404);

    // An empty set cannot be run.
    const empty = await sdkError(
      s.client.evaluationSetRuns.create({ evaluationSetId: set.id }),
      Extend.BadRequestError,
      400,
    );
    expect(empty.body.message).toContain('has no items');
  });

  it('runs an evaluation set and reports accuracy, per-class metrics, a confusion matrix and calibration', async () => {
    const classifier = await classifierWith(CONFIG, 'eval metrics');
    const training = await s.client.evaluationSets.create({ name: 'Training', entityId: classifier.id });
    const holdout = await s.client.evaluationSets.create({ name: 'Holdout', entityId: classifier.id });
    const items = async (setId: string, texts: string[], label: 'kind_a' | 'kind_b') =>
      s.client.evaluationSetItems.create(setId, {
        items: await Promise.all(
          texts.map(async (t, i) => ({
            fileId: await upload(`${label}-${setId}-${i}.txt`, t),
            expectedOutput: { id: label, type: label },
          })),
        ),
      });
    await items(training.id, A_TEXTS.slice(0, 3), 'kind_a');
    await items(training.id, B_TEXTS.slice(0, 3), 'kind_b');
    await items(holdout.id, A_TEXTS.slice(3), 'kind_a');
    await items(holdout.id, B_TEXTS.slice(3), 'kind_b');

    // The training items are parsed and learned in the background.
    await waitFor(
      async () => {
        const r = await s.deps.db
          .selectFrom('training_features')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst();
        return Number(r?.n) >= 8 || undefined;
      },
      20_000,
      'training features',
    );

    const started = await s.client.evaluationSetRuns.create({ evaluationSetId: holdout.id });
    expect(started).toMatchObject({
      object: 'evaluation_set_run',
      evaluationSetId: holdout.id,
      entity: { object: 'classifier', id: classifier.id },
      entityVersion: { object: 'classifier_version', version: 'draft' },
      metrics: { type: 'CLASSIFY', numFilesTotal: 2 },
    });
    expect(started.id).toMatch(/^bpr_/);
    const done = await waitFor(
      async () => {
        const r = await s.client.evaluationSetRuns.retrieve(started.id);
        return r.status === 'PROCESSED' ? r : undefined;
      },
      30_000,
      'evaluation run',
    );
    const m = done.metrics as Extend.EvaluationSetRunMetrics.Classify & {
      confusionMatrix: { labels: string[]; counts: number[][] };
      expectedCalibrationError: number;
      macroF1: number;
    };
    expect(m).toMatchObject({ type: 'CLASSIFY', numFilesTotal: 2, numFilesProcessed: 2, numPages: 2 });
    // Learned from the training set (three of each kind), it gets both holdout documents right.
    expect(m.accuracy).toBe(1);
    expect(m.classificationMetrics?.kind_a).toMatchObject({
      countExpected: 1,
      countPredicted: 1,
      countCorrect: 1,
    });
    expect(m.classificationMetrics?.kind_b).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(m.macroF1).toBe(1);
    expect(m.confusionMatrix.labels).toEqual(['kind_a', 'kind_b', 'other']);
    expect(m.confusionMatrix.counts).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
    expect(m.expectedCalibrationError).toBeGreaterThanOrEqual(0);
    expect(m.p50LatencyMs).toBeGreaterThanOrEqual(0);

    // The evaluation's classify runs are ordinary runs, found by their source.
    const runs = await s.client.classifyRuns.list({ sourceId: done.id });
    expect(runs.data).toHaveLength(2);
    const detail = await s.client.classifyRuns.retrieve(runs.data[0]!.id);
    expect(detail.output?.insights?.[0]?.content).toContain('Learned from 6 labelled documents');

    // The training set scored on itself learns only from the holdout set (2 documents), never from itself.
    const self = await s.client.evaluationSetRuns.create({ evaluationSetId: training.id });
    const selfDone = await waitFor(
      async () => {
        const r = await s.client.evaluationSetRuns.retrieve(self.id);
        return r.status === 'PROCESSED' ? r : undefined;
      },
      30_000,
      'self evaluation',
    );
    const selfRuns = await s.client.classifyRuns.list({ sourceId: selfDone.id, maxPageSize: 10 });
    for (const r of selfRuns.data) {
      const full = await s.client.classifyRuns.retrieve(r.id);
      expect(full.output?.insights?.[0]?.content).toContain('Learned from 2 labelled documents');
    }

    // Each file with the answer it was scored against and the machine's answer, a page at a time.
    const first = await s.api('GET', `/evaluation_set_runs/${done.id}/items?maxPageSize=1`);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.data[0]).toMatchObject({
      object: 'evaluation_set_run_item',
      status: 'PROCESSED',
      correct: true,
      file: { id: expect.stringMatching(/^file_/) },
    });
    expect(first.body.data[0].output.type).toBe(first.body.data[0].expectedOutput.type);
    const second = await s.api(
      'GET',
      `/evaluation_set_runs/${done.id}/items?maxPageSize=1&nextPageToken=${first.body.nextPageToken}`,
    );
    expect(second.body.data).toHaveLength(1);
    expect(second.body.data[0].classifyRunId).not.toBe(first.body.data[0].classifyRunId);
    expect(second.body.nextPageToken).toBeUndefined();
    const wrong = await s.api('GET', `/evaluation_set_runs/${done.id}/items?incorrect=true`);
    expect(wrong.body.data).toEqual([]);
    const mixed = await s.api(
      'GET',
      `/evaluation_set_runs/${done.id}/items?incorrect=true&nextPageToken=${first.body.nextPageToken}`,
    );
    expect(mixed.status).toBe(400);

    const listed = await s.api('GET', `/evaluation_set_runs?evaluationSetId=${holdout.id}`);
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([done.id]);
    await sdkError(s.client.evaluationSetRuns.retrieve('bpr_missing'), Extend.NotFoundError, 404);
  });

  it('learns from reviewed runs only when memoryEnabled is set', async () => {
    const withMemory = await classifierWith(
      { ...CONFIG, advancedOptions: { memoryEnabled: true } },
      'memory on',
    );
    const withoutMemory = await classifierWith(CONFIG, 'memory off');
    const classify = async (classifierId: string, text: string) =>
      s.client.classifyRuns.createAndPoll(
        { classifier: { id: classifierId, version: 'draft' }, file: { text } },
        { maxWaitMs: 20_000 },
      );
    for (const id of [withMemory.id, withoutMemory.id]) {
      for (const [texts, label] of [
        [A_TEXTS.slice(0, 3), 'kind_a'],
        [B_TEXTS.slice(0, 3), 'kind_b'],
      ] as const) {
        for (const text of texts) {
          const run = await classify(id, text);
          expect(run.status).toBe('PROCESSED');
          const reviewed = await s.api('POST', `/classify_runs/${run.id}/review`, { output: { id: label } });
          expect(reviewed.status).toBe(200);
        }
      }
    }
    const a = await classify(withMemory.id, A_TEXTS[3]!);
    const b = await classify(withMemory.id, B_TEXTS[3]!);
    expect(a.output?.id).toBe('kind_a');
    expect(b.output?.id).toBe('kind_b');
    expect(a.output?.insights?.[0]?.content).toContain('Learned from 6 labelled documents');

    const off = await classify(withoutMemory.id, A_TEXTS[3]!);
    expect(off.output?.insights?.[0]?.content).not.toContain('Learned from');
  });

  it('learns from confidently classified runs of its own stream (weak supervision), below reviewed labels', async () => {
    const classifier = await classifierWith(BASIC_CONFIG, 'weak');
    const invoices = [0, 1, 2, 3, 4, 5].map(
      (i) =>
        `INVOICE No. ${100 + i}\nBill to: Customer ${i}\nAmount due: $${20 * (i + 1)}.00\nTotal due: $${20 * (i + 1)}.00\nPayment terms: net 30`,
    );
    const letters = [0, 1, 2, 3, 4, 5].map(
      (i) =>
        `Dear Mr. Jones ${i},\n\nThank you for your letter. I am writing to confirm our meeting.\n\nSincerely,\nMary Smith ${i}`,
    );
    const runs = [];
    for (const text of [...invoices, ...letters]) {
      runs.push(
        await s.client.classifyRuns.createAndPoll(
          { classifier: { id: classifier.id, version: 'draft' }, file: { text } },
          { maxWaitMs: 20_000 },
        ),
      );
    }
    expect(runs.filter((r) => (r.output?.confidence ?? 0) >= 0.8).length).toBeGreaterThanOrEqual(10);
    const next = await s.client.classifyRuns.createAndPoll(
      {
        classifier: { id: classifier.id, version: 'draft' },
        file: { text: invoices[0]!.replace('100', '200') },
      },
      { maxWaitMs: 20_000 },
    );
    expect(next.output?.id).toBe('invoice');
    expect(next.output?.insights?.[0]?.content).toMatch(
      /Learned from 0 labelled documents and \d+ confidently classified ones/,
    );
  });
});

describe('weak supervision can be switched off', () => {
  it('DOCSORT_LEARN_FROM_CONFIDENT_RUNS=false learns nothing from unreviewed runs', async () => {
    const s = await startTestServer('sqlite', { env: { DOCSORT_LEARN_FROM_CONFIDENT_RUNS: 'false' } });
    try {
      const classifier = await s.client.classifiers.create({ name: 'no weak', config: BASIC_CONFIG });
      let last: Extend.ClassifyRun | null = null;
      for (let i = 0; i < 12; i++) {
        const text =
          i % 2
            ? `INVOICE ${i}. Total due $${i}0.00. Bill to: X.`
            : `Dear Ann ${i},\nThank you for your letter.\nSincerely,\nBob`;
        last = await s.client.classifyRuns.createAndPoll(
          { classifier: { id: classifier.id, version: 'draft' }, file: { text } },
          { maxWaitMs: 20_000 },
        );
      }
      expect(last?.output?.insights?.[0]?.content).not.toContain('Learned from');
    } finally {
      await s.stop();
    }
  });
});
