/**
 * The runs list at 100,000 runs: GET /classify_runs with the dashboard's filters, through the API and in
 * a real browser, on SQLite and (when DATABASE_URL_TEST is set) PostgreSQL.
 *
 *   npm run bench:runlist                                            SQLite only
 *   DATABASE_URL_TEST=postgres://... npm run bench:runlist           also PostgreSQL (a throw-away schema)
 *   RUNLIST_RUNS=20000 npm run bench:runlist                         another number of runs
 *
 * For each database: start the real server (startServer, worker and all), create 8 classifiers through the
 * API, seed the runs straight into the database (bench/run-list-seed.ts), restart the server as an operator
 * would (SQLite refreshes its planner statistics on opening; on PostgreSQL ANALYZE stands in for autovacuum),
 * then measure
 *   (a) single requests, one at a time on one keep-alive connection: the first page with no filter and with
 *       each filter, and next pages through their token; median and p95 over rounds that alternate between
 *       the cases, beside a bare Fastify route answering the same JSON body (the floor of HTTP in Node here);
 *   (b) in Chromium (playwright-core, /usr/bin/chromium), signed in: from navigating to /runs until the first
 *       row is visible, and from clicking "Next page" until the next page's first row is visible.
 * The client runs in this process beside the server, and Chromium and PostgreSQL share the same cores:
 * every figure is an upper bound for the server alone. Prints figures; never fails on them.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { Pool } from 'undici';
import { type SeedClassifier, type SeedResult, seedClassifierConfigs, seedRuns } from './run-list-seed.js';

const API_VERSION = '2026-02-09';
const RUNS = Number(process.env['RUNLIST_RUNS'] ?? 100_000);
const ROUNDS = 8;
const PER_ROUND = 5;
const WARMUP = 5;
const BROWSER_LOADS = 8;
const BROWSER_PAGES = 10;
const DASHBOARD = 'sortBy=createdAt&sortDir=desc&maxPageSize=25';

const say = (s = '') => process.stdout.write(`${s}\n`);
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return { median: at(0.5) ?? Number.NaN, p95: at(0.95) ?? Number.NaN, n: sorted.length };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The server under test
// ---------------------------------------------------------------------------------------------

type Backend = { name: 'SQLite' } | { name: 'PostgreSQL'; pgUrl: string; schema: string };

interface Running {
  origin: string;
  db: import('../src/store/database.js').Db;
  stop(): Promise<void>;
}

function withSearchPath(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

async function startDocsort(backend: Backend, dataDir: string, apiKey: string, dashboardDir: string) {
  const { loadConfig } = await import('../src/config/config.js');
  const { startServer } = await import('../src/main/serve.js');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DOCSORT_DATA_DIR: dataDir,
    DOCSORT_API_KEY: apiKey,
    DOCSORT_LOG_LEVEL: 'silent',
    ...(backend.name === 'PostgreSQL' ? { DATABASE_URL: withSearchPath(backend.pgUrl, backend.schema) } : {}),
  });
  const server = await startServer(config, { dashboardDir });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, db: server.container.deps.db, stop: () => server.stop() };
}

const headers = (apiKey: string) => ({
  authorization: `Bearer ${apiKey}`,
  'x-extend-api-version': API_VERSION,
});

async function call(origin: string, apiKey: string, method: string, p: string, body?: unknown) {
  const res = await fetch(origin + p, {
    method,
    headers: { ...headers(apiKey), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Classifiers through the API (so their drafts and versions are real), each with a published 0.1. */
async function createClassifiers(origin: string, apiKey: string): Promise<SeedClassifier[]> {
  const out: SeedClassifier[] = [];
  for (const [i, config] of seedClassifierConfigs(8).entries()) {
    const c = await call(origin, apiKey, 'POST', '/classifiers', { name: `Mailroom ${i + 1}`, config });
    const v = await call(origin, apiKey, 'POST', `/classifiers/${String(c['id'])}/versions`, {
      releaseType: 'minor',
    });
    out.push({ id: String(c['id']), versionId: String(v['id']), config });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// (a) API latency
// ---------------------------------------------------------------------------------------------

interface Case {
  name: string;
  origin: string;
  path: string;
  headers: Record<string, string>;
}

interface CaseResult {
  median: number;
  p95: number;
  n: number;
  rows: number;
  bytes: number;
}

/** Every case alike: rounds that visit each case in turn, so the machine's other work lands on all. */
async function measureCases(cases: Case[]): Promise<CaseResult[]> {
  const pools = new Map<string, Pool>();
  const pool = (origin: string) => {
    const known = pools.get(origin);
    if (known) return known;
    const p = new Pool(origin, { connections: 1, pipelining: 1 });
    pools.set(origin, p);
    return p;
  };
  const samples = cases.map(() => [] as number[]);
  const shape = cases.map(() => ({ rows: 0, bytes: 0 }));
  const once = async (c: Case, i: number, record: boolean) => {
    const t0 = performance.now();
    const res = await pool(c.origin).request({ method: 'GET', path: c.path, headers: c.headers });
    const text = await res.body.text();
    const ms = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(`${c.name}: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
    if (!record) return;
    samples[i]!.push(ms);
    shape[i] = { rows: (JSON.parse(text) as { data?: unknown[] }).data?.length ?? 0, bytes: text.length };
  };
  for (const [i, c] of cases.entries()) for (let k = 0; k < WARMUP; k++) await once(c, i, false);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, c] of cases.entries()) for (let k = 0; k < PER_ROUND; k++) await once(c, i, true);
  }
  await Promise.all([...pools.values()].map((p) => p.close()));
  return cases.map((_, i) => ({ ...stats(samples[i]!), ...shape[i]! }));
}

async function startBareFastify(json: unknown) {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  app.get('/classify_runs', async () => json);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, stop: () => app.close() };
}

function apiCases(origin: string, apiKey: string, classifiers: SeedClassifier[], seed: SeedResult) {
  const h = headers(apiKey);
  const newest = Date.parse(seed.newest);
  const weekFrom = new Date(newest - 60 * 86_400_000).toISOString();
  const weekTo = new Date(newest - 53 * 86_400_000).toISOString();
  const last = classifiers[classifiers.length - 1]!;
  // A classifier whose config has no "receipt": type + classifier that match nothing, the worst walk.
  const noReceipt = classifiers.find((c) => !c.config.classifications.some((k) => k.type === 'receipt'))!;
  const filters: [string, string][] = [
    ['first page, no filter', ''],
    ['status=FAILED', 'status=FAILED'],
    ['status=PROCESSING (rare)', 'status=PROCESSING'],
    ['classifierId (least used)', `classifierId=${last.id}`],
    ['type=invoice', 'type=invoice'],
    ['type=medical_report (rarer)', 'type=medical_report'],
    ['reviewed=true', 'reviewed=true'],
    ['reviewed=false', 'reviewed=false'],
    ['maxConfidence=0.5', 'maxConfidence=0.5'],
    ['minConfidence=0.95', 'minConfidence=0.95'],
    ['createdAfter/Before (one week)', `createdAfter=${weekFrom}&createdBefore=${weekTo}`],
    ['fileNameContains=invoice', 'fileNameContains=invoice'],
    ['fileNameContains (one match)', 'fileNameContains=-012345.'],
    [
      'review queue: PROCESSED+reviewed=false+maxConfidence=0.6+classifier',
      `status=PROCESSED&reviewed=false&maxConfidence=0.6&classifierId=${classifiers[0]!.id}`,
    ],
    ['no match: type+classifier', `type=receipt&classifierId=${noReceipt.id}`],
    ['no match: maxConfidence=0.01', 'maxConfidence=0.01'],
  ];
  const cases: Case[] = [
    { name: 'API defaults (10 per page, by updatedAt)', origin, path: '/classify_runs', headers: h },
    ...filters.map(([name, q]) => ({
      name,
      origin,
      path: `/classify_runs?${DASHBOARD}${q ? `&${q}` : ''}`,
      headers: h,
    })),
  ];
  const nextOf: [string, string][] = [
    ['next page, no filter', ''],
    ['next page, type=invoice', 'type=invoice'],
    ['next page, reviewed=false&maxConfidence=0.6', 'reviewed=false&maxConfidence=0.6'],
    ['next page, one week', `createdAfter=${weekFrom}&createdBefore=${weekTo}`],
  ];
  return { cases, nextOf };
}

/** The token of page `depth + 1` of a query, found by walking it. */
async function tokenAt(origin: string, apiKey: string, query: string, depth: number): Promise<string> {
  let token = '';
  for (let i = 0; i < depth; i++) {
    const page = await call(
      origin,
      apiKey,
      'GET',
      `/classify_runs?${query}${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`,
    );
    token = String(page['nextPageToken'] ?? '');
    if (!token) throw new Error(`${query} has fewer than ${depth + 1} pages`);
  }
  return token;
}

// ---------------------------------------------------------------------------------------------
// (b) In the browser
// ---------------------------------------------------------------------------------------------

interface BrowserResult {
  coldFirstRow: number;
  firstRow: ReturnType<typeof stats>;
  filteredFirstRow: ReturnType<typeof stats>;
  nextPage: ReturnType<typeof stats>;
  /** The same, timed from this process around Playwright's goto/click (adds its round trips). */
  wall: { firstRow: number; nextPage: number };
  /** Medians: a load's DOMContentLoaded and list response end (from navigation start); a next page's request and its paint after the response. */
  parts: { domReady: number; listEnd: number; request: number; painted: number };
}

/**
 * Timed by the page's own clock, so Playwright's round trips do not count: `firstRowAt` is the frame in which
 * the first row of the runs table exists, counted from the start of the navigation (performance.now()'s
 * origin); `nextAt - clickAt` runs from the click on "Next page" to the frame showing a different first row.
 */
const PAGE_PROBE = `(() => {
  const sel = 'table[aria-label="Classify runs"] tbody tr';
  const rl = { firstRowAt: null, clickAt: null, nextAt: null, listStart: null, listEnd: null };
  window.__runList = rl;
  new PerformanceObserver((l) => {
    for (const e of l.getEntries())
      if (e.name.includes('/classify_runs?')) { rl.listStart = e.startTime; rl.listEnd = e.responseEnd; }
  }).observe({ type: 'resource' });
  let before = null;
  document.addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest('button') : null;
    if (!b || !b.textContent.includes('Next page')) return;
    rl.clickAt = performance.now();
    rl.nextAt = null;
    before = document.querySelector(sel)?.getAttribute('data-run-id') ?? null;
  }, true);
  new MutationObserver(() => {
    const tr = document.querySelector(sel);
    if (!tr) return;
    const snap = () => ({
      at: performance.now(),
      listStart: rl.listStart,
      listEnd: rl.listEnd,
      domReady: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? null,
    });
    if (rl.firstRowAt === null) requestAnimationFrame(() => { rl.firstRowAt ??= snap(); });
    if (rl.clickAt !== null && rl.nextAt === null && tr.getAttribute('data-run-id') !== before)
      requestAnimationFrame(() => { rl.nextAt ??= snap(); });
  }).observe(document, { childList: true, subtree: true });
})()`;

async function measureBrowser(origin: string, apiKey: string): Promise<BrowserResult> {
  const { launchChromium } = await import('../test/e2e/dashboard-support.js');
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(PAGE_PROBE);
    const firstRow = page.locator('table[aria-label="Classify runs"] tbody tr').first();
    await page.goto(`${origin}/`);
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    const probe = (key: string) =>
      page.waitForFunction(`window.__runList && window.__runList.${key} !== null`, undefined, {
        timeout: 60_000,
      });
    type Snap = { at: number; listStart: number; listEnd: number; domReady: number };
    const read = async () =>
      (await page.evaluate('window.__runList')) as { firstRowAt: Snap; clickAt: number; nextAt: Snap };
    const parts = {
      domReady: [] as number[],
      listEnd: [] as number[],
      request: [] as number[],
      painted: [] as number[],
    };

    const wallLoads: number[] = [];
    const load = async (p: string) => {
      const t0 = performance.now();
      await page.goto(origin + p, { waitUntil: 'commit' });
      await firstRow.waitFor({ state: 'visible', timeout: 60_000 });
      wallLoads.push(performance.now() - t0);
      await probe('firstRowAt');
      const r = (await read()).firstRowAt;
      if (p === '/runs') {
        parts.domReady.push(r.domReady);
        parts.listEnd.push(r.listEnd);
      }
      return r.at;
    };
    const loads: number[] = [];
    for (let i = 0; i < BROWSER_LOADS; i++) loads.push(await load('/runs'));
    const filtered: number[] = [];
    for (let i = 0; i < BROWSER_LOADS; i++)
      filtered.push(await load('/runs?type=invoice&reviewed=false&conf=80'));

    await load('/runs');
    const next: number[] = [];
    const wallNext: number[] = [];
    for (let i = 0; i < BROWSER_PAGES; i++) {
      const before = await firstRow.getAttribute('data-run-id');
      const t0 = performance.now();
      await page.getByRole('button', { name: 'Next page' }).click();
      await page
        .locator(`table[aria-label="Classify runs"] tbody tr:first-child:not([data-run-id="${before}"])`)
        .waitFor({ state: 'visible', timeout: 60_000 });
      wallNext.push(performance.now() - t0);
      await probe('nextAt');
      const r = await read();
      next.push(r.nextAt.at - r.clickAt);
      parts.request.push(r.nextAt.listEnd - r.nextAt.listStart);
      parts.painted.push(r.nextAt.at - r.nextAt.listEnd);
    }
    const [cold, ...warm] = loads;
    return {
      coldFirstRow: cold ?? Number.NaN,
      firstRow: stats(warm),
      filteredFirstRow: stats(filtered),
      nextPage: stats(next),
      wall: { firstRow: stats(wallLoads.slice(1, BROWSER_LOADS)).median, nextPage: stats(wallNext).median },
      parts: {
        domReady: stats(parts.domReady).median,
        listEnd: stats(parts.listEnd).median,
        request: stats(parts.request).median,
        painted: stats(parts.painted).median,
      },
    };
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function pgDdl(url: string, statement: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function benchBackend(backend: Backend, dashboardDir: string | null, browserOk: boolean) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-bench-runlist-'));
  const apiKey = `sk_${randomBytes(24).toString('hex')}`;
  const stops: (() => Promise<void>)[] = [];
  try {
    let s: Running = await startDocsort(backend, dataDir, apiKey, dashboardDir ?? '');
    const classifiers = await createClassifiers(s.origin, apiKey);
    const ws = await s.db
      .selectFrom('classifiers')
      .select('workspace_id')
      .where('id', '=', classifiers[0]!.id)
      .executeTakeFirstOrThrow();
    say(`  seeding ${RUNS.toLocaleString('en-US')} runs and their files...`);
    const seed = await seedRuns(s.db, {
      workspaceId: ws.workspace_id,
      classifiers,
      runs: RUNS,
      now: new Date(),
    });
    say(
      `  seeded in ${seed.seconds.toFixed(1)} s (${Math.round(seed.runs / seed.seconds).toLocaleString('en-US')} runs/s)`,
    );
    if (backend.name === 'PostgreSQL') await sql`analyze`.execute(s.db);
    await s.stop();
    const t0 = performance.now();
    s = await startDocsort(backend, dataDir, apiKey, dashboardDir ?? '');
    stops.push(() => s.stop());
    say(`  restarted in ${((performance.now() - t0) / 1000).toFixed(2)} s`);

    const { cases, nextOf } = apiCases(s.origin, apiKey, classifiers, seed);
    for (const [name, q] of nextOf) {
      const query = `${DASHBOARD}${q ? `&${q}` : ''}`;
      const token = await tokenAt(s.origin, apiKey, query, 1);
      cases.push({
        name,
        origin: s.origin,
        path: `/classify_runs?${query}&nextPageToken=${encodeURIComponent(token)}`,
        headers: headers(apiKey),
      });
    }
    const deep = await tokenAt(s.origin, apiKey, DASHBOARD, 40);
    cases.push({
      name: 'page 41 (1,000 runs deep), no filter',
      origin: s.origin,
      path: `/classify_runs?${DASHBOARD}&nextPageToken=${encodeURIComponent(deep)}`,
      headers: headers(apiKey),
    });
    // The bare route answers the very body of the dashboard's first page.
    const body = await call(s.origin, apiKey, 'GET', `/classify_runs?${DASHBOARD}`);
    const bare = await startBareFastify(body);
    stops.push(() => bare.stop());
    cases.unshift({
      name: 'bare Fastify route, same JSON',
      origin: bare.origin,
      path: '/classify_runs',
      headers: {},
    });
    say(`  measuring ${cases.length} API cases, ${ROUNDS} rounds x ${PER_ROUND} requests each...`);
    const api = await measureCases(cases);
    let browser: BrowserResult | null = null;
    if (browserOk && dashboardDir) {
      say('  measuring in Chromium...');
      browser = await measureBrowser(s.origin, apiKey);
    }
    return { seed, cases, api, browser };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const cpus = os.cpus();
  say(`Docsort runs-list bench — ${new Date().toISOString()}`);
  say(
    `Node ${process.version}, ${cpus.length} CPU(s): ${cpus[0]?.model ?? 'unknown'}; load average ${os.loadavg()[0]?.toFixed(1)}`,
  );
  say(
    `${RUNS.toLocaleString('en-US')} runs per database; client, server, Chromium and PostgreSQL share these cores.`,
  );
  const { CHROMIUM, buildDashboard } = await import('../test/e2e/dashboard-support.js');
  const browserOk = fs.existsSync(CHROMIUM);
  if (!browserOk) say(`Chromium is missing at ${CHROMIUM}: the browser figures are skipped.`);
  const dashboardDir = browserOk ? await buildDashboard() : null;

  const pgUrl = process.env['DATABASE_URL_TEST'];
  const backends: Backend[] = [{ name: 'SQLite' }];
  if (pgUrl) backends.push({ name: 'PostgreSQL', pgUrl, schema: `bench_${randomBytes(6).toString('hex')}` });
  else say('PostgreSQL skipped: DATABASE_URL_TEST is not set.');

  for (const backend of backends) {
    say('');
    say(`${backend.name}:`);
    if (backend.name === 'PostgreSQL') await pgDdl(backend.pgUrl, `create schema "${backend.schema}"`);
    try {
      const r = await benchBackend(backend, dashboardDir, browserOk);
      say('');
      say(`GET /classify_runs on ${backend.name}, one request at a time on one keep-alive connection (ms)`);
      say(
        table(
          [
            'case (dashboard query: sortBy=createdAt, 25 per page, unless said)',
            'median',
            'p95',
            'n',
            'rows',
            'body B',
          ],
          r.cases.map((c, i) => {
            const a = r.api[i]!;
            return [c.name, f1(a.median), f1(a.p95), String(a.n), String(a.rows), String(a.bytes)];
          }),
        ),
      );
      if (r.browser) {
        const b = r.browser;
        say('');
        say(`Dashboard in Chromium on ${backend.name}, signed in (ms)`);
        say(
          table(
            ['measure', 'median', 'p95', 'n'],
            [
              ['navigate to /runs → first row visible (first, cold cache)', f1(b.coldFirstRow), '', '1'],
              [
                'navigate to /runs → first row visible',
                f1(b.firstRow.median),
                f1(b.firstRow.p95),
                String(b.firstRow.n),
              ],
              [
                'navigate to /runs?type=invoice&reviewed=false&conf=80 → first row',
                f1(b.filteredFirstRow.median),
                f1(b.filteredFirstRow.p95),
                String(b.filteredFirstRow.n),
              ],
              [
                'click Next page → next page first row visible',
                f1(b.nextPage.median),
                f1(b.nextPage.p95),
                String(b.nextPage.n),
              ],
            ],
          ),
        );
        say(
          `  (page clock: navigation start or click → the frame showing the row. Timed around Playwright's goto/click` +
            ` instead: ${f1(b.wall.firstRow)} ms and ${f1(b.wall.nextPage)} ms median.)`,
        );
        say(
          `  (medians of the parts: a load has run its scripts at ${f1(b.parts.domReady)} ms and has the list at` +
            ` ${f1(b.parts.listEnd)} ms; a next page's request takes ${f1(b.parts.request)} ms in the browser and its` +
            ` rows show ${f1(b.parts.painted)} ms after the response.)`,
        );
      }
    } finally {
      if (backend.name === 'PostgreSQL')
        await pgDdl(backend.pgUrl, `drop schema if exists "${backend.schema}" cascade`);
    }
  }
  say('');
  say(`Total bench time ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

try {
  await main();
  process.exit(0);
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
