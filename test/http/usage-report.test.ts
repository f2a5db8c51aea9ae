import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, ensureWorkspace } from '../../src/core/api-keys.js';
import { backends } from '../support/backends.js';
import {
  BASIC_CONFIG,
  INVOICE_TEXT,
  LETTER_TEXT,
  startTestServer,
  type TestServer,
  waitFor,
} from '../support/test-server.js';

/**
 * GET /usage/daily (Docsort extension): runs made through the API with `{text}` files and a real
 * worker, then the day's counts and credits, zeros for the other days, the classifier filter,
 * workspace isolation and validation.
 *
 * Every `{text}` run is one page: 1 classify credit plus 1 parse credit for the new parse it makes.
 */
interface Day {
  date: string;
  runs: number;
  processed: number;
  failed: number;
  pagesClassified: number;
  classifyCredits: number;
  parseCredits: number;
  credits: number;
  byClassifier: { classifierId: string | null; name: string | null; runs: number; credits: number }[];
}

const shiftDay = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe.each(backends())('GET /usage/daily (%s)', (backend) => {
  let s: TestServer;
  let a: string;
  let b: string;
  // The UTC day the runs were created on (read from the runs, so a run at midnight cannot flake the test).
  let today: string;

  async function finished(id: string, kind: 'classify_runs' | 'parse_runs') {
    return waitFor(
      async () => {
        const r = (await s.api('GET', `/${kind}/${id}`)).body;
        return r.status === 'PROCESSED' || r.status === 'FAILED' ? r : undefined;
      },
      30_000,
      `${kind} ${id}`,
    );
  }

  beforeAll(async () => {
    s = await startTestServer(backend);
    for (const name of ['Alpha', 'Beta']) {
      const c = await s.api('POST', '/classifiers', { name, config: BASIC_CONFIG });
      expect(c.status).toBe(200);
      expect(
        (await s.api('POST', `/classifiers/${c.body.id}/versions`, { releaseType: 'minor' })).status,
      ).toBe(200);
      if (name === 'Alpha') a = c.body.id;
      else b = c.body.id;
    }
    const made = [
      { classifier: { id: a }, file: { text: INVOICE_TEXT, name: 'a1.txt' } },
      { classifier: { id: a }, file: { text: LETTER_TEXT, name: 'a2.txt' } },
      { classifier: { id: b }, file: { text: `${INVOICE_TEXT}\nCopy for accounts`, name: 'b1.txt' } },
      // An inline config: no classifier.
      { config: BASIC_CONFIG, file: { text: `${LETTER_TEXT}\nP.S. see you soon`, name: 'inline.txt' } },
    ];
    const runs = [];
    for (const body of made) {
      const r = await s.api('POST', '/classify_runs', body);
      expect(r.status).toBe(200);
      runs.push(await finished(r.body.id, 'classify_runs'));
    }
    for (const r of runs) expect(r.status).toBe('PROCESSED');
    // A parse run made through the API is billed on its own; the ones the classify runs made are not
    // billed twice.
    const parse = await s.api('POST', '/parse_runs', { file: { id: runs[0].file.id } });
    expect(parse.status).toBe(200);
    expect((await finished(parse.body.id, 'parse_runs')).status).toBe('PROCESSED');
    today = runs[0].createdAt.slice(0, 10);
    expect(runs.every((r) => r.createdAt.slice(0, 10) === today)).toBe(true);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('counts the day’s runs and credits, with zeros for the other days', async () => {
    const from = shiftDay(today, -2);
    const to = shiftDay(today, 1);
    const res = await s.api('GET', `/usage/daily?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'usage', from, to });
    const days = res.body.days as Day[];
    expect(days.map((d) => d.date)).toEqual([from, shiftDay(today, -1), today, to]);
    for (const d of days.filter((d) => d.date !== today)) {
      expect(d).toEqual({
        date: d.date,
        runs: 0,
        processed: 0,
        failed: 0,
        pagesClassified: 0,
        classifyCredits: 0,
        parseCredits: 0,
        credits: 0,
        byClassifier: [],
      });
    }
    const day = days.find((d) => d.date === today);
    expect(day).toMatchObject({
      runs: 4,
      processed: 4,
      failed: 0,
      pagesClassified: 4,
      classifyCredits: 4,
      // 4 parses made by the classify runs, 1 by POST /parse_runs
      parseCredits: 5,
      credits: 9,
    });
    expect(day?.byClassifier).toEqual([
      { classifierId: a, name: 'Alpha', runs: 2, credits: 4 },
      { classifierId: null, name: null, runs: 1, credits: 2 },
      { classifierId: b, name: 'Beta', runs: 1, credits: 2 },
    ]);
  });

  it('defaults to the last 30 days up to today', async () => {
    const res = await s.api('GET', '/usage/daily');
    expect(res.status).toBe(200);
    expect(res.body.days).toHaveLength(30);
    expect(res.body.to).toBe(res.body.days[29].date);
    expect(res.body.from).toBe(res.body.days[0].date);
    const total = (res.body.days as Day[]).reduce((n, d) => n + d.credits, 0);
    expect(total).toBe(9);
  });

  it('filters by classifier, leaving out parse runs of the parse endpoints', async () => {
    const res = await s.api('GET', `/usage/daily?from=${today}&to=${today}&classifierId=${a}`);
    expect(res.status).toBe(200);
    expect(res.body.days).toEqual([
      {
        date: today,
        runs: 2,
        processed: 2,
        failed: 0,
        pagesClassified: 2,
        classifyCredits: 2,
        parseCredits: 2,
        credits: 4,
        byClassifier: [{ classifierId: a, name: 'Alpha', runs: 2, credits: 4 }],
      },
    ]);
  });

  it('shows another workspace nothing', async () => {
    const now = new Date();
    const other = await ensureWorkspace(s.deps.db, `usage-other-${Date.now()}`, now);
    const key = await createApiKey(s.deps.db, other.id, 'test', now);
    const asOther = { authorization: `Bearer ${key}` };
    for (const q of [`from=${today}&to=${today}`, `from=${today}&to=${today}&classifierId=${a}`]) {
      const res = await s.api('GET', `/usage/daily?${q}`, undefined, asOther);
      expect(res.status).toBe(200);
      expect(res.body.days).toHaveLength(1);
      expect(res.body.days[0]).toMatchObject({ runs: 0, credits: 0, parseCredits: 0, byClassifier: [] });
    }
  });

  it('refuses bad ranges with 400 naming the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['from=yesterday', /Path: from$/],
      ['to=2026-13-01', /Path: to$/],
      ['from=2026-03-02&to=2026-03-01', /^to must not be earlier than from; Path: to$/],
      ['from=2025-01-01&to=2026-01-02', /^the range may span at most 366 days; Path: from$/],
    ];
    for (const [q, message] of cases) {
      const res = await s.api('GET', `/usage/daily?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe('INVALID_REQUEST');
      expect(res.body.message).toMatch(message);
      expect(res.body.requestId).toMatch(/^req_/);
    }
    // 366 days is allowed (a leap year).
    expect((await s.api('GET', '/usage/daily?from=2024-01-01&to=2024-12-31')).body.days).toHaveLength(366);
  });

  it('needs an API key', async () => {
    const res = await s.api('GET', '/usage/daily', undefined, { authorization: undefined });
    expect(res.status).toBe(401);
  });
});
