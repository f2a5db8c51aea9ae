/**
 * HTTP and end-to-end throughput of a Docsort server, with a bare Fastify baseline measured in the
 * same run on the same machine.
 *
 *   npm run bench                                    SQLite only
 *   DATABASE_URL_TEST=postgres://... npm run bench   also PostgreSQL (in a throw-away schema)
 *
 * (a) GET /classify_runs/{id} against the real app (startServer: auth, SQLite, worker idle),
 * (b) the same load against a bare Fastify route returning the very same JSON object,
 * (c) end-to-end runs/second: K one-page text runs through POST /classify_runs until all are
 *     PROCESSED, worker concurrency 2 in the server process (the embedded default), with where a run's
 *     time goes (waiting for the worker, being processed) and the server process's CPU per run,
 * (d) (a) and (c) on PostgreSQL when DATABASE_URL_TEST is set.
 *
 * The GET targets are all up at once and measured in alternating rounds, so noise from other work on
 * the machine lands on each alike. The load generator, the end-to-end submitters included, is this same
 * file started as a separate process (`--loadgen`), so client and servers each get an event loop (and the
 * server's CPU figure is the server's alone); they still share the cores.
 * Prints figures to stdout only (a JSON file under bench/results/ would be gitignored but still
 * linted: biome.json includes bench/** and does not read .gitignore); never part of the test suite,
 * and never fails on the figures.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const SELF = fileURLToPath(import.meta.url);
const API_VERSION = '2026-02-09';

const CONNECTIONS = 32;
const ROUNDS = 5;
const ROUND_MS = 1_000;
const WARMUP_MS = 1_000;
const E2E_RUNS = 200;
const E2E_SUBMITTERS = 8;
const WORKER_CONCURRENCY = 2;
const BARE = 'bare Fastify route, same JSON object';

// ---------------------------------------------------------------------------------------------
// Load generator (runs in its own process)
// ---------------------------------------------------------------------------------------------

interface LoadTarget {
  name: string;
  origin: string;
  path: string;
  headers: Record<string, string>;
}

/**
 * Targets are measured in alternating rounds (a, b, c, a, b, c, ...) so that whatever else the
 * machine is doing falls on all of them alike rather than on whichever happened to run first.
 */
interface LoadSpec {
  targets: LoadTarget[];
  connections: number;
  rounds: number;
  roundMs: number;
  warmupMs: number;
}

interface LoadResult {
  requests: number;
  errors: number;
  non2xx: number;
  elapsedMs: number;
  rps: number;
  /** req/s of the slowest and fastest round: the spread the noise caused. */
  roundMin: number;
  roundMax: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  bodyBytes: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

interface TargetStats {
  latencies: number[];
  errors: number;
  non2xx: number;
  bodyBytes: number;
  elapsedMs: number;
  roundRps: number[];
}

/** `connections` keep-alive connections per target, one request in flight on each, for a fixed time. */
async function generateLoad(spec: LoadSpec): Promise<LoadResult[]> {
  const pools = spec.targets.map((t) => new Pool(t.origin, { connections: spec.connections, pipelining: 1 }));
  const stats: TargetStats[] = spec.targets.map(() => ({
    latencies: [],
    errors: 0,
    non2xx: 0,
    bodyBytes: 0,
    elapsedMs: 0,
    roundRps: [],
  }));
  const phase = async (i: number, ms: number, record: boolean) => {
    const target = spec.targets[i]!;
    const pool = pools[i]!;
    const st = stats[i]!;
    const before = st.latencies.length;
    const start = performance.now();
    const end = start + ms;
    await Promise.all(
      Array.from({ length: spec.connections }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          try {
            const res = await pool.request({ path: target.path, method: 'GET', headers: target.headers });
            const body = await res.body.arrayBuffer();
            if (!record) continue;
            st.latencies.push(performance.now() - t0);
            st.bodyBytes = body.byteLength;
            if (res.statusCode < 200 || res.statusCode > 299) st.non2xx += 1;
          } catch {
            if (record) st.errors += 1;
          }
        }
      }),
    );
    if (!record) return;
    const elapsed = performance.now() - start;
    st.elapsedMs += elapsed;
    st.roundRps.push((st.latencies.length - before) / (elapsed / 1000));
  };
  for (let i = 0; i < spec.targets.length; i++) await phase(i, spec.warmupMs, false);
  for (let r = 0; r < spec.rounds; r++) {
    for (let i = 0; i < spec.targets.length; i++) await phase(i, spec.roundMs, true);
  }
  await Promise.all(pools.map((p) => p.close()));
  return stats.map((st) => {
    const sorted = Float64Array.from(st.latencies).sort();
    return {
      requests: st.latencies.length,
      errors: st.errors,
      non2xx: st.non2xx,
      elapsedMs: st.elapsedMs,
      rps: st.latencies.length / (st.elapsedMs / 1000),
      roundMin: Math.min(...st.roundRps),
      roundMax: Math.max(...st.roundRps),
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? Number.NaN,
      bodyBytes: st.bodyBytes,
    };
  });
}

/** K one-page text runs through POST /classify_runs, `submitters` at a time. */
interface SubmitSpec {
  submit: { origin: string; apiKey: string; runs: number; submitters: number };
}

interface SubmitResult {
  /** Date.now() when the first request went out, and when the last answer came back. */
  startedAt: number;
  submittedAt: number;
}

async function submitRuns({ submit }: SubmitSpec): Promise<SubmitResult> {
  const s = { origin: submit.origin, apiKey: submit.apiKey };
  const texts = Array.from({ length: submit.runs }, (_, i) => onePageText(i + 1));
  const startedAt = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: submit.submitters }, async () => {
      while (next < submit.runs) {
        const i = next++;
        await call(s, 'POST', '/classify_runs', { config: CLASSIFY_CONFIG, file: { text: texts[i] } });
      }
    }),
  );
  return { startedAt, submittedAt: Date.now() };
}

const RESULT_PREFIX = 'LOADGEN_RESULT ';

async function loadgenMain(): Promise<void> {
  const spec = JSON.parse(process.argv[3] ?? '{}') as LoadSpec | SubmitSpec;
  const results = 'submit' in spec ? await submitRuns(spec) : await generateLoad(spec);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(results)}\n`);
}

/** Start the load generator as a separate process and wait for its figures. */
function runLoad(spec: LoadSpec): Promise<LoadResult[]>;
function runLoad(spec: SubmitSpec): Promise<SubmitResult>;
function runLoad(spec: LoadSpec | SubmitSpec): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--loadgen', JSON.stringify(spec)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) reject(new Error(`load generator exited with ${code}: ${out}`));
      else resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as unknown);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Servers under test (in this process)
// ---------------------------------------------------------------------------------------------

const CLASSIFY_CONFIG = {
  classifications: [
    {
      id: 'invoice',
      type: 'invoice',
      description: 'A bill from a supplier listing items, amounts and the total due.',
    },
    {
      id: 'letter',
      type: 'letter',
      description: 'A business letter addressed to a person, with a greeting and a signature.',
    },
    { id: 'other', type: 'other', description: 'Anything else.' },
  ],
};

/** About one page of text (~2 KB), in three kinds, numbered so no two files are byte-identical. */
function onePageText(i: number): string {
  const kind = i % 3;
  const lines: string[] = [];
  if (kind === 0) {
    lines.push(`INVOICE No. 2024-${1000 + i}`, 'Bill to: Acme Corp, 12 Harbour Road, Springfield', '');
    for (let n = 1; n <= 24; n++)
      lines.push(`Item ${n}: consulting services, ${n} hours at $120 ........ $${n * 120}.00`);
    lines.push('', 'Subtotal $36,000.00', 'Tax $2,880.00', 'Total due: $38,880.00', 'Payment terms: net 30');
  } else if (kind === 1) {
    lines.push(`Ref. L-${i}`, '', 'Dear Ms. Smith,', '');
    for (let n = 0; n < 12; n++) {
      lines.push(
        'Thank you for your letter of 3 March. We are pleased to confirm our meeting next week and look forward to discussing the proposal with your team.',
      );
    }
    lines.push('', 'Sincerely,', 'John Doe', 'Director');
  } else {
    lines.push(`Meeting notes #${i}`, '');
    for (let n = 0; n < 14; n++) {
      lines.push(
        `Topic ${n + 1}: the committee reviewed the schedule for the garden renovation and agreed to revisit the planting plan.`,
      );
    }
  }
  return lines.join('\n');
}

function withSearchPath(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

interface DocsortUnderTest {
  origin: string;
  apiKey: string;
  stop(): Promise<void>;
  countTerminal(): Promise<{ processed: number; failed: number }>;
  /** Created, started and finished times (ms) of the terminal runs created at or after `since`. */
  runTimes(since: number): Promise<{ created: number; started: number; finished: number }[]>;
}

async function startDocsort(
  database: 'sqlite' | { pgUrl: string; schema: string },
): Promise<DocsortUnderTest> {
  const { loadConfig } = await import('../src/config/config.js');
  const { startServer } = await import('../src/main/serve.js');
  const { newApiKeySecret } = await import('../src/lib/ids.js');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-bench-'));
  const apiKey = newApiKeySecret();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DOCSORT_DATA_DIR: dataDir,
    DOCSORT_API_KEY: apiKey,
    DOCSORT_LOG_LEVEL: 'silent',
    DOCSORT_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
    // The schema rides on the connection string: node-postgres sends `options` as a startup option.
    ...(database === 'sqlite' ? {} : { DATABASE_URL: withSearchPath(database.pgUrl, database.schema) }),
  });
  const server = await startServer(config);
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const db = server.container.deps.db;
  return {
    origin: `http://127.0.0.1:${port}`,
    apiKey,
    async stop() {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    async countTerminal() {
      const rows = await db
        .selectFrom('classify_runs')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['PROCESSED', 'FAILED'])
        .groupBy('status')
        .execute();
      const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
      return { processed: n('PROCESSED'), failed: n('FAILED') };
    },
    async runTimes(since) {
      const rows = await db
        .selectFrom('classify_runs')
        .select(['created_at', 'started_at', 'updated_at'])
        .where('status', 'in', ['PROCESSED', 'FAILED'])
        .where('created_at', '>=', new Date(since).toISOString())
        .execute();
      // A run is finished at its last update (no review happens during the bench).
      return rows.map((r) => ({
        created: Date.parse(r.created_at),
        started: Date.parse(r.started_at ?? r.created_at),
        finished: Date.parse(r.updated_at),
      }));
    },
  };
}

function apiHeaders(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, 'x-extend-api-version': API_VERSION };
}

async function call(
  s: Pick<DocsortUnderTest, 'origin' | 'apiKey'>,
  method: string,
  p: string,
  body?: unknown,
) {
  const res = await fetch(s.origin + p, {
    method,
    headers: {
      ...apiHeaders(s.apiKey),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** One processed run to read back under load; returns its id and its JSON as served. */
async function processedRun(s: DocsortUnderTest): Promise<{ id: string; json: Record<string, unknown> }> {
  const created = await call(s, 'POST', '/classify_runs', {
    config: CLASSIFY_CONFIG,
    file: { text: onePageText(0) },
  });
  const id = String(created['id']);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const run = await call(s, 'GET', `/classify_runs/${id}`);
    if (run['status'] === 'PROCESSED') return { id, json: run };
    if (run['status'] === 'FAILED' || Date.now() > deadline)
      throw new Error(`sample run ended ${run['status']}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function getTarget(name: string, s: DocsortUnderTest, id: string): LoadTarget {
  return { name, origin: s.origin, path: `/classify_runs/${id}`, headers: apiHeaders(s.apiKey) };
}

/** The baseline: Fastify with no hooks, plugins or database, answering with the same JSON object. */
async function startBareFastify(
  json: Record<string, unknown>,
): Promise<{ target: LoadTarget; stop(): Promise<void> }> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  app.get('/classify_runs/:id', async () => json);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    target: {
      name: BARE,
      origin: `http://127.0.0.1:${port}`,
      path: `/classify_runs/${String(json['id'])}`,
      headers: apiHeaders('sk_unused_by_the_bare_route'),
    },
    stop: () => app.close(),
  };
}

interface E2eResult {
  runs: number;
  submitSeconds: number;
  submitPerSecond: number;
  totalSeconds: number;
  runsPerSecond: number;
  processed: number;
  failed: number;
  /** CPU of the server process (API, worker, SQLite, the pg client; not the parser processes) per run. */
  serverCpuMsPerRun: number;
  /** Share of the time the server's event loop was busy. */
  eventLoopUtilization: number;
  /** Per run, ms: created to started (waiting for the worker), started to finished, created to finished. */
  waitMs: { p50: number; p90: number };
  processMs: { p50: number; p90: number };
  latencyMs: { p50: number; p90: number };
}

function quantiles(xs: number[]): { p50: number; p90: number } {
  const sorted = Float64Array.from(xs).sort();
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

/**
 * K runs through POST /classify_runs by a few concurrent submitters (in the load generator process);
 * the clock starts with the first request and stops when all are terminal.
 */
async function benchEndToEnd(s: DocsortUnderTest, k: number): Promise<E2eResult> {
  const base = await s.countTerminal();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const submitting = runLoad({
    submit: { origin: s.origin, apiKey: s.apiKey, runs: k, submitters: E2E_SUBMITTERS },
  });
  let done = { processed: 0, failed: 0 };
  let finishedAt = 0;
  let failure: unknown = null;
  // The submitter fails alone (a 4xx, a crash): stop waiting for runs that will never come.
  submitting.catch((err: unknown) => {
    failure = err;
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (failure) throw failure;
    const now = await s.countTerminal();
    done = { processed: now.processed - base.processed, failed: now.failed - base.failed };
    if (done.processed + done.failed >= k) {
      finishedAt = Date.now();
      break;
    }
    if (Date.now() > deadline)
      throw new Error(`only ${done.processed + done.failed}/${k} runs finished in 90 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  const { startedAt, submittedAt } = await submitting;
  const times = await s.runTimes(startedAt);
  const total = (finishedAt - startedAt) / 1000;
  const submit = (submittedAt - startedAt) / 1000;
  return {
    runs: k,
    submitSeconds: submit,
    submitPerSecond: k / submit,
    totalSeconds: total,
    runsPerSecond: k / total,
    processed: done.processed,
    failed: done.failed,
    serverCpuMsPerRun: (cpu.user + cpu.system) / 1000 / k,
    eventLoopUtilization: elu.utilization,
    waitMs: quantiles(times.map((t) => t.started - t.created)),
    processMs: quantiles(times.map((t) => t.finished - t.started)),
    latencyMs: quantiles(times.map((t) => t.finished - t.created)),
  };
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

function loadRow(name: string, r: LoadResult, baseline: LoadResult | undefined): string[] {
  return [
    name,
    f0(r.rps),
    `${f0(r.roundMin)}–${f0(r.roundMax)}`,
    baseline && name !== BARE ? `${((r.rps / baseline.rps) * 100).toFixed(0)}%` : '100%',
    f2(r.p50),
    f2(r.p90),
    f2(r.p99),
    f1(r.max),
    f0(r.requests),
    String(r.errors + r.non2xx),
    String(r.bodyBytes),
  ];
}

async function pgSchemaDdl(url: string, statement: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const cpus = os.cpus();
  const pgUrl = process.env['DATABASE_URL_TEST'];
  const say = (s = '') => process.stdout.write(`${s}\n`);
  const load1 = () => (os.loadavg()[0] ?? Number.NaN).toFixed(1);
  say(`Docsort bench — ${new Date().toISOString()}`);
  say(
    `Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} CPU(s): ${cpus[0]?.model ?? 'unknown'}`,
  );
  say(`NOTE: the load generator (a separate Node process), the servers (this process, one event loop) and`);
  say(
    `      PostgreSQL all share these ${cpus.length} cores, so every figure is a floor for the server alone.`,
  );
  say(
    `      1-minute load average at start: ${load1()} (above ${cpus.length} means other processes compete too).`,
  );
  say('');

  const schema = pgUrl ? `bench_${randomBytes(6).toString('hex')}` : null;
  const stops: (() => Promise<void>)[] = [];
  const targets: LoadTarget[] = [];
  const e2e: { name: string; result: E2eResult; load: string }[] = [];
  let loads: LoadResult[] = [];
  try {
    // (a), (b) and (d)'s GET: every server up at once, measured in alternating rounds.
    say('Starting servers...');
    const sqlite = await startDocsort('sqlite');
    stops.push(() => sqlite.stop());
    const sample = await processedRun(sqlite);
    targets.push(getTarget('Docsort GET /classify_runs/{id}, SQLite', sqlite, sample.id));
    const bare = await startBareFastify(sample.json);
    stops.push(() => bare.stop());
    targets.push(bare.target);
    let pgServer: DocsortUnderTest | null = null;
    if (pgUrl && schema) {
      await pgSchemaDdl(pgUrl, `create schema if not exists "${schema}"`);
      pgServer = await startDocsort({ pgUrl, schema });
      const pgs = pgServer;
      stops.push(() => pgs.stop());
      const pgSample = await processedRun(pgServer);
      targets.push(getTarget('Docsort GET /classify_runs/{id}, PostgreSQL', pgServer, pgSample.id));
    }
    say(`Measuring GET throughput: ${targets.length} targets x ${ROUNDS} rounds of ${ROUND_MS / 1000} s...`);
    loads = await runLoad({
      targets,
      connections: CONNECTIONS,
      rounds: ROUNDS,
      roundMs: ROUND_MS,
      warmupMs: WARMUP_MS,
    });
    say(`  done (load average ${load1()})`);

    // (c) end to end on a fresh SQLite server, (d) on the PostgreSQL one.
    say(`Measuring end to end, ${E2E_RUNS} runs on SQLite...`);
    const sqliteE2e = await startDocsort('sqlite');
    stops.push(() => sqliteE2e.stop());
    await processedRun(sqliteE2e); // warm the classifier's caches and the JIT, as a live server would be
    e2e.push({ name: 'SQLite', result: await benchEndToEnd(sqliteE2e, E2E_RUNS), load: load1() });
    if (pgServer) {
      say(`Measuring end to end, ${E2E_RUNS} runs on PostgreSQL...`);
      e2e.push({ name: 'PostgreSQL', result: await benchEndToEnd(pgServer, E2E_RUNS), load: load1() });
    } else {
      say('PostgreSQL skipped: DATABASE_URL_TEST is not set.');
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
    if (pgUrl && schema) await pgSchemaDdl(pgUrl, `drop schema if exists "${schema}" cascade`);
  }

  const baseline = loads[targets.findIndex((t) => t.name === BARE)];
  say('');
  say(
    `GET, ${CONNECTIONS} keep-alive connections per target (undici Pool, one request in flight on each); ` +
      `${ROUNDS} rounds of ${ROUND_MS / 1000} s per target, targets alternating, after ${WARMUP_MS / 1000} s warm-up each`,
  );
  say(
    table(
      [
        'target',
        'req/s',
        'round min–max',
        'vs bare',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'requests',
        'errors',
        'body B',
      ],
      targets.map((t, i) => loadRow(t.name, loads[i]!, baseline)),
    ),
  );
  say('');
  say(
    `End to end: ${E2E_RUNS} one-page text runs (~2 KB) via POST /classify_runs, ${E2E_SUBMITTERS} concurrent submitters ` +
      `(in the load generator process); clock stops when all are PROCESSED or FAILED; API and worker (concurrency ${WORKER_CONCURRENCY}) in one process`,
  );
  say(
    table(
      [
        'backend',
        'runs',
        'submit s',
        'submit runs/s',
        'all done s',
        'runs/s end to end',
        'PROCESSED',
        'FAILED',
        'server CPU ms/run',
        'event loop busy',
        'load 1m',
      ],
      e2e.map(({ name, result: r, load }) => [
        name,
        String(r.runs),
        f2(r.submitSeconds),
        f0(r.submitPerSecond),
        f2(r.totalSeconds),
        f1(r.runsPerSecond),
        String(r.processed),
        String(r.failed),
        f2(r.serverCpuMsPerRun),
        `${(r.eventLoopUtilization * 100).toFixed(0)}%`,
        load,
      ]),
    ),
  );
  say('');
  say(
    "Where a run's time went, ms (from its created, started and last-updated times): waiting for a worker, " +
      'being processed (parse, classify, finish), and in all',
  );
  say(
    table(
      ['backend', 'wait p50', 'wait p90', 'processing p50', 'processing p90', 'total p50', 'total p90'],
      e2e.map(({ name, result: r }) => [
        name,
        f0(r.waitMs.p50),
        f0(r.waitMs.p90),
        f0(r.processMs.p50),
        f0(r.processMs.p90),
        f0(r.latencyMs.p50),
        f0(r.latencyMs.p90),
      ]),
    ),
  );
  say('');
  say(`Total bench time ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

try {
  if (process.argv[2] === '--loadgen') await loadgenMain();
  else await main();
  // Keep-alive sockets of fetch's global agent would otherwise hold the process for a few seconds.
  process.exit(0);
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
