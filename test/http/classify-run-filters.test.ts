import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failRun, finishRun } from '../../src/pipeline/finish-run.js';
import { backends } from '../support/backends.js';
import { BASIC_CONFIG, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * GET /classify_runs's Docsort filters (type, reviewed, min/maxConfidence, createdAfter/Before) and the
 * list items' outputType/outputConfidence. Runs are created through the API with the worker off and
 * finished through the pipeline's own finishRun/failRun, so the answers, times and reviews are exact
 * and the columns the filters read are written the way production writes them.
 */
const BASE = Date.parse('2026-03-01T10:00:00.000Z');
const DAY = 86_400_000;

interface Spec {
  classifier: 'A' | 'B';
  outcome: { id: string; confidence: number } | 'FAILED' | 'CANCELLED' | 'PROCESSING';
  review?: string;
}

// Day i of March 2026 creates run i. A's config is BASIC_CONFIG (invoice, letter, other); B's adds receipt.
const SPECS: Spec[] = [
  { classifier: 'A', outcome: { id: 'invoice', confidence: 0.91 } },
  { classifier: 'A', outcome: { id: 'letter', confidence: 0.42 } },
  { classifier: 'A', outcome: { id: 'invoice', confidence: 0.5 } },
  { classifier: 'A', outcome: { id: 'other', confidence: 0.2 } },
  { classifier: 'B', outcome: { id: 'receipt', confidence: 0.77 } },
  { classifier: 'B', outcome: { id: 'invoice', confidence: 0.33 } },
  { classifier: 'A', outcome: { id: 'letter', confidence: 0.95 }, review: 'letter' },
  { classifier: 'A', outcome: { id: 'invoice', confidence: 0.55 }, review: 'letter' },
  { classifier: 'B', outcome: 'FAILED' },
  { classifier: 'A', outcome: 'PROCESSING' },
  { classifier: 'B', outcome: 'CANCELLED' },
  { classifier: 'B', outcome: { id: 'receipt', confidence: 0.61 }, review: 'receipt' },
];

interface Expected {
  id: string;
  index: number;
  classifierId: string;
  status: string;
  type: string | null;
  confidence: number | null;
  reviewed: boolean;
  createdAt: string;
  name: string;
}

const B_CONFIG = {
  classifications: [
    ...BASIC_CONFIG.classifications,
    { id: 'receipt', type: 'receipt', description: 'A shop receipt with items paid for.' },
  ],
};

describe.each(backends())('GET /classify_runs filters (%s)', (backend) => {
  let s: TestServer;
  let now = BASE;
  const runs: Expected[] = [];
  const classifierIds: Record<'A' | 'B', string> = { A: '', B: '' };

  beforeAll(async () => {
    s = await startTestServer(backend, { worker: false, clock: { now: () => new Date(now) } });
    for (const [key, config] of [
      ['A', BASIC_CONFIG],
      ['B', B_CONFIG],
    ] as const) {
      const c = await s.api('POST', '/classifiers', { name: `Classifier ${key}`, config });
      classifierIds[key] = c.body.id;
      expect(
        (await s.api('POST', `/classifiers/${c.body.id}/versions`, { releaseType: 'minor' })).status,
      ).toBe(200);
    }
    for (const [index, spec] of SPECS.entries()) {
      now = BASE + index * DAY;
      const name = `run-${index}-${spec.classifier}.txt`;
      const created = await s.api('POST', '/classify_runs', {
        classifier: { id: classifierIds[spec.classifier] },
        file: { text: `Document number ${index}`, name },
      });
      expect(created.status).toBe(200);
      const id: string = created.body.id;
      now += 60_000;
      let status = 'PROCESSED';
      let type: string | null = null;
      let confidence: number | null = null;
      if (spec.outcome === 'FAILED') {
        status = 'FAILED';
        await failRun(s.deps, id, 'FAILED_TO_PROCESS_FILE', 'CORRUPT_FILE: unreadable');
      } else if (spec.outcome === 'CANCELLED') {
        status = 'CANCELLED';
        expect((await s.api('POST', `/classify_runs/${id}/cancel`, {})).status).toBe(200);
      } else if (spec.outcome === 'PROCESSING') {
        status = 'PROCESSING';
      } else {
        const { id: cls, confidence: conf } = spec.outcome;
        const output = {
          id: cls,
          type: cls,
          confidence: conf,
          insights: [{ type: 'reasoning', content: 'x' }],
        };
        expect(
          await finishRun(s.deps, id, {
            status: 'PROCESSED',
            output: JSON.stringify(output),
            usage: JSON.stringify({ credits: 1 }),
          }),
        ).toBe(true);
        type = cls;
        confidence = conf;
      }
      runs.push({
        id,
        index,
        classifierId: classifierIds[spec.classifier],
        status,
        type,
        confidence,
        reviewed: false,
        createdAt: new Date(BASE + index * DAY).toISOString(),
        name,
      });
    }
    // Reviews come a month later, so they move updatedAt but not createdAt.
    for (const [index, spec] of SPECS.entries()) {
      if (!spec.review) continue;
      now = BASE + 30 * DAY + index * 60_000;
      const reviewed = await s.api('POST', `/classify_runs/${runs[index]!.id}/review`, {
        output: { id: spec.review },
      });
      expect(reviewed.status).toBe(200);
      Object.assign(runs[index]!, { type: spec.review, confidence: 1, reviewed: true });
    }
  }, 60_000);

  afterAll(async () => {
    await s?.stop();
  });

  /** Every run the query lists, following the page tokens. */
  async function listAll(query: string, pageSize = 100) {
    // biome-ignore lint/suspicious/noExplicitAny: list items are read as JSON
    const items: any[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const tokenParam = token ? `&nextPageToken=${encodeURIComponent(token)}` : '';
      const res = await s.api('GET', `/classify_runs?maxPageSize=${pageSize}&${query}${tokenParam}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(pageSize);
      items.push(...res.body.data);
      token = res.body.nextPageToken;
      pages += 1;
    } while (token && pages < 50);
    return { items, pages };
  }

  async function expectIds(query: string, keep: (r: Expected) => boolean) {
    const { items } = await listAll(query);
    const got = items.map((r) => r.id as string).sort();
    const want = runs
      .filter(keep)
      .map((r) => r.id)
      .sort();
    expect(got, `${query} → indexes ${runs.filter(keep).map((r) => r.index)}`).toEqual(want);
    return items;
  }

  function expectEnvelope(body: Record<string, unknown>, messagePart: string) {
    expect(body).toEqual({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining(messagePart),
      retryable: false,
      requestId: expect.stringMatching(/^req_/),
    });
  }

  it('lists outputType and outputConfidence, null until a run has an output', async () => {
    const items = await expectIds('', () => true);
    for (const r of runs) {
      const item = items.find((i) => i.id === r.id);
      expect(item, `run ${r.index}`).toMatchObject({
        status: r.status,
        reviewed: r.reviewed,
        outputType: r.type,
        outputConfidence: r.confidence,
      });
      if (r.status === 'PROCESSED') {
        const full = await s.api('GET', `/classify_runs/${r.id}`);
        expect([full.body.output.type, full.body.output.confidence]).toEqual([r.type, r.confidence]);
      }
    }
  });

  it('filters by type; a reviewed run counts under its reviewed type', async () => {
    await expectIds('type=invoice', (r) => r.type === 'invoice');
    await expectIds('type=letter', (r) => r.type === 'letter');
    await expectIds('type=receipt', (r) => r.type === 'receipt');
    await expectIds('type=memo', () => false);
  });

  it('filters by reviewed', async () => {
    await expectIds('reviewed=true', (r) => r.reviewed);
    await expectIds('reviewed=false', (r) => !r.reviewed);
  });

  it('filters by confidence with inclusive bounds, leaving out runs without output', async () => {
    await expectIds('maxConfidence=0.5', (r) => r.confidence !== null && r.confidence <= 0.5);
    await expectIds('minConfidence=0.5', (r) => r.confidence !== null && r.confidence >= 0.5);
    await expectIds('minConfidence=0', (r) => r.confidence !== null);
    await expectIds('maxConfidence=1', (r) => r.confidence !== null);
    await expectIds('minConfidence=0.5&maxConfidence=0.5', (r) => r.confidence === 0.5);
    await expectIds(
      'minConfidence=0.4&maxConfidence=0.8',
      (r) => r.confidence !== null && r.confidence >= 0.4 && r.confidence <= 0.8,
    );
  });

  it('filters by creation time, half-open, in any offset', async () => {
    const at = (i: number) => runs[i]!.createdAt;
    await expectIds(`createdAfter=${at(4)}`, (r) => r.index >= 4);
    await expectIds(`createdBefore=${at(4)}`, (r) => r.index < 4);
    await expectIds(`createdAfter=${at(2)}&createdBefore=${at(5)}`, (r) => r.index >= 2 && r.index < 5);
    // 2026-03-03T10:00Z written as 12:00 at +02:00: the same instant.
    await expectIds(
      `createdAfter=${encodeURIComponent('2026-03-03T12:00:00+02:00')}`,
      (r) => r.createdAt >= '2026-03-03T10:00:00.000Z',
    );
    await expectIds('createdAfter=2027-01-01T00:00:00Z', () => false);
  });

  it('combines the filters with each other and with Extend’s', async () => {
    const A = classifierIds.A;
    const B = classifierIds.B;
    // The review queue: unreviewed, below a threshold, of one classifier.
    await expectIds(
      `classifierId=${A}&reviewed=false&maxConfidence=0.6`,
      (r) => r.classifierId === A && !r.reviewed && r.confidence !== null && r.confidence <= 0.6,
    );
    await expectIds('type=letter&reviewed=true', (r) => r.type === 'letter' && r.reviewed);
    await expectIds(`type=invoice&classifierId=${B}`, (r) => r.type === 'invoice' && r.classifierId === B);
    await expectIds(`type=receipt&classifierId=${A}`, () => false);
    await expectIds(
      `status=PROCESSED&createdAfter=${runs[3]!.createdAt}&minConfidence=0.6`,
      (r) => r.status === 'PROCESSED' && r.index >= 3 && (r.confidence ?? 0) >= 0.6,
    );
    await expectIds(
      'fileNameContains=-A.txt&type=invoice',
      (r) => r.name.endsWith('-A.txt') && r.type === 'invoice',
    );
    await expectIds(
      `status=PROCESSED&classifierId=${A}&type=letter&reviewed=true&minConfidence=1&maxConfidence=1&createdAfter=${runs[6]!.createdAt}&createdBefore=${runs[8]!.createdAt}&fileNameContains=run-`,
      (r) => r.index === 6 || r.index === 7,
    );
  });

  it('pages through filtered lists without losing or repeating a run, in both orders and sorts', async () => {
    const filters = [
      'reviewed=false',
      'maxConfidence=0.9',
      `createdAfter=${runs[1]!.createdAt}&createdBefore=${runs[11]!.createdAt}`,
      'type=invoice',
    ];
    for (const filter of filters) {
      for (const sort of ['', '&sortBy=createdAt', '&sortDir=asc', '&sortBy=createdAt&sortDir=asc']) {
        const query = `${filter}${sort}`;
        const whole = await listAll(query, 100);
        const paged = await listAll(query, 2);
        expect(whole.pages).toBe(1);
        expect(paged.pages, query).toBe(Math.max(1, Math.ceil(whole.items.length / 2)));
        expect(
          paged.items.map((r) => r.id),
          query,
        ).toEqual(whole.items.map((r) => r.id));
        const key = sort.includes('createdAt') ? 'createdAt' : 'updatedAt';
        const times = paged.items.map((r) => r[key] as string);
        const sorted = [...times].sort();
        expect(times, query).toEqual(sort.includes('asc') ? sorted : sorted.reverse());
      }
    }
    // The default filter query with the fewest matches still spans pages.
    const fewest = await listAll('type=invoice', 1);
    expect(fewest.items.length).toBeGreaterThan(1);
    expect(fewest.pages).toBe(fewest.items.length);
  });

  it('refuses a page token used with different filters, and accepts it with the same ones', async () => {
    const base =
      'type=invoice&reviewed=false&minConfidence=0.1&maxConfidence=0.95&createdAfter=2026-03-01T00:00:00Z&createdBefore=2026-04-01T00:00:00Z';
    const first = await s.api('GET', `/classify_runs?maxPageSize=1&${base}`);
    expect(first.status).toBe(200);
    const token = encodeURIComponent(first.body.nextPageToken);
    expect(first.body.nextPageToken).toEqual(expect.any(String));
    const same = await s.api('GET', `/classify_runs?maxPageSize=1&${base}&nextPageToken=${token}`);
    expect(same.status).toBe(200);
    expect(same.body.data[0].id).not.toBe(first.body.data[0].id);

    const changes: [string, string][] = [
      ['type=invoice', 'type=letter'],
      ['type=invoice&', ''],
      ['reviewed=false', 'reviewed=true'],
      ['minConfidence=0.1', 'minConfidence=0.2'],
      ['maxConfidence=0.95', 'maxConfidence=0.9'],
      ['createdAfter=2026-03-01T00:00:00Z', 'createdAfter=2026-03-02T00:00:00Z'],
      ['createdBefore=2026-04-01T00:00:00Z', 'createdBefore=2026-03-31T00:00:00Z'],
    ];
    for (const [from, to] of changes) {
      const changed = base.replace(from, to);
      expect(changed).not.toBe(base);
      const res = await s.api('GET', `/classify_runs?maxPageSize=1&${changed}&nextPageToken=${token}`);
      expect(res.status, changed).toBe(400);
      expectEnvelope(res.body, 'nextPageToken was issued for a different query');
    }
    // A filter added to a query that had none is a different query too.
    const plain = await s.api('GET', '/classify_runs?maxPageSize=1');
    const plainToken = encodeURIComponent(plain.body.nextPageToken);
    for (const added of [
      'type=invoice',
      'reviewed=false',
      'maxConfidence=1',
      'createdBefore=2027-01-01T00:00:00Z',
    ]) {
      const res = await s.api('GET', `/classify_runs?maxPageSize=1&${added}&nextPageToken=${plainToken}`);
      expect(res.status, added).toBe(400);
      expectEnvelope(res.body, 'nextPageToken');
    }
  });

  it('refuses bad filter values with the error envelope naming the parameter', async () => {
    const cases: [string, string][] = [
      ['reviewed=yes', 'reviewed'],
      ['reviewed=1', 'reviewed'],
      ['minConfidence=1.5', 'minConfidence'],
      ['maxConfidence=-0.1', 'maxConfidence'],
      ['minConfidence=high', 'minConfidence'],
      ['createdAfter=yesterday', 'createdAfter'],
      ['createdBefore=2026-03-01', 'createdBefore'],
      ['createdAfter=2026-03-01T10:00:00', 'createdAfter'],
      ['type=', 'type'],
      ['minConfidence=0.8&maxConfidence=0.2', 'minConfidence'],
      ['createdAfter=2026-03-05T00:00:00Z&createdBefore=2026-03-05T00:00:00Z', 'createdAfter'],
      ['createdAfter=2026-03-05T00:00:00Z&createdBefore=2026-03-01T00:00:00Z', 'createdAfter'],
    ];
    for (const [query, param] of cases) {
      const res = await s.api('GET', `/classify_runs?${query}`);
      expect(res.status, query).toBe(400);
      expectEnvelope(res.body, `Path: ${param}`);
    }
  });

  it('keeps the columns in step when a failed run is listed and when a review changes the answer', async () => {
    now = BASE + 40 * DAY;
    const created = await s.api('POST', '/classify_runs', {
      classifier: { id: classifierIds.A },
      file: { text: 'Another document', name: 'late.txt' },
    });
    const id: string = created.body.id;
    const output = {
      id: 'other',
      type: 'other',
      confidence: 0.3,
      insights: [{ type: 'reasoning', content: 'x' }],
    };
    await finishRun(s.deps, id, { status: 'PROCESSED', output: JSON.stringify(output) });
    const listed = async () =>
      (await s.api('GET', '/classify_runs?fileNameContains=late.txt')).body.data[0] as Record<
        string,
        unknown
      >;
    expect(await listed()).toMatchObject({ outputType: 'other', outputConfidence: 0.3, reviewed: false });
    await s.api('POST', `/classify_runs/${id}/review`, { output: { id: 'invoice' } });
    expect(await listed()).toMatchObject({
      outputType: 'invoice',
      outputConfidence: 1,
      reviewed: true,
      edited: true,
    });
    const byType = await s.api(
      'GET',
      '/classify_runs?fileNameContains=late.txt&type=invoice&minConfidence=1',
    );
    expect(byType.body.data.map((r: { id: string }) => r.id)).toEqual([id]);

    const failing = await s.api('POST', '/classify_runs', {
      classifier: { id: classifierIds.A },
      file: { text: 'Yet another', name: 'late-failed.txt' },
    });
    expect(await failRun(s.deps, failing.body.id, 'FAILED_TO_PROCESS_FILE', 'CORRUPT_FILE: x')).toBe(true);
    const failed = (await s.api('GET', '/classify_runs?fileNameContains=late-failed')).body.data[0];
    expect(failed).toMatchObject({ status: 'FAILED', outputType: null, outputConfidence: null });
    // Into the model, so that the other tests' expectations hold whichever order they run in.
    const createdAt = new Date(BASE + 40 * DAY).toISOString();
    const late = { classifierId: classifierIds.A, createdAt, index: runs.length };
    runs.push(
      { ...late, id, status: 'PROCESSED', type: 'invoice', confidence: 1, reviewed: true, name: 'late.txt' },
      {
        ...late,
        id: failing.body.id,
        index: late.index + 1,
        status: 'FAILED',
        type: null,
        confidence: null,
        reviewed: false,
        name: 'late-failed.txt',
      },
    );
  });
});
