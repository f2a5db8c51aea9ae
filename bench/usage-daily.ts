/**
 * GET /usage/daily over 100,000 classify runs (and 10,000 API parse runs) spread over the last 90 days:
 * the answer for 30, 90 and 366 days, through HTTP, on SQLite and (when DATABASE_URL_TEST is set)
 * PostgreSQL. Rows are inserted straight into the database; the classifiers are made through the API.
 *
 *   npx tsx bench/usage-daily.ts
 *   DATABASE_URL_TEST=postgres://postgres@127.0.0.1:5432/test npx tsx bench/usage-daily.ts
 *
 * Prints figures; never fails on them.
 */
import { sql } from 'kysely';
import { BASIC_CONFIG, startTestServer } from '../test/support/test-server.js';

const RUNS = Number(process.env.USAGE_RUNS ?? 100_000);
const PARSES = Math.round(RUNS / 10);
const SPAN_MS = 90 * 86_400_000;
const say = (s: string) => process.stdout.write(`${s}\n`);

async function bench(backend: 'sqlite' | 'postgres') {
  const s = await startTestServer(backend, { worker: false, dispatcher: false });
  try {
    const classifiers: string[] = [];
    for (let i = 0; i < 8; i++) {
      classifiers.push(
        (await s.api('POST', '/classifiers', { name: `C${i}`, config: BASIC_CONFIG })).body.id,
      );
    }
    const ws = await s.deps.db
      .selectFrom('classifiers')
      .select('workspace_id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const now = Date.now();
    const t0 = performance.now();
    await s.deps.db.transaction().execute(async (trx) => {
      for (let from = 0; from < RUNS; from += 500) {
        const rows = [];
        for (let i = from; i < Math.min(RUNS, from + 500); i++) {
          const created = new Date(now - SPAN_MS + (i * SPAN_MS) / RUNS).toISOString();
          const pages = 1 + (i % 4);
          const parse = i % 3 === 0 ? pages : 0;
          const failed = i % 20 === 0;
          rows.push({
            id: `clr_bench${i}`,
            workspace_id: ws.workspace_id,
            status: failed ? 'FAILED' : 'PROCESSED',
            classifier_id: classifiers[i % classifiers.length] ?? null,
            classifier_version_id: null,
            config: '{}',
            file_id: null,
            file_input: null,
            file_name: `f${i}.pdf`,
            parse_run_id: null,
            output: null,
            output_type: null,
            output_confidence: null,
            initial_output: null,
            reviewed_output: null,
            reviewed: 0,
            edited: 0,
            failure_reason: null,
            failure_message: null,
            metadata: null,
            usage: failed
              ? null
              : JSON.stringify({
                  credits: pages,
                  totalCredits: pages + parse,
                  breakdown: [
                    {
                      object: 'classify_run',
                      id: `clr_bench${i}`,
                      credits: pages,
                      engine: 'local-lexical@1',
                      charges: [
                        {
                          product: 'classification',
                          unit: 'page',
                          quantity: pages,
                          credits: pages,
                          pages: Array.from({ length: pages }, (_, k) => k + 1),
                        },
                      ],
                    },
                  ],
                }),
            batch_id: null,
            source: 'API',
            source_id: null,
            priority: 50,
            started_at: created,
            created_at: created,
            updated_at: created,
          });
        }
        await trx.insertInto('classify_runs').values(rows).execute();
      }
      for (let from = 0; from < PARSES; from += 500) {
        const rows = [];
        for (let i = from; i < Math.min(PARSES, from + 500); i++) {
          const created = new Date(now - SPAN_MS + (i * SPAN_MS) / PARSES).toISOString();
          rows.push({
            id: `pr_bench${i}`,
            workspace_id: ws.workspace_id,
            file_id: `file_bench${i}`,
            status: 'PROCESSED',
            failure_reason: null,
            failure_message: null,
            config: '{}',
            config_key: 'x',
            output: null,
            page_count: 2,
            processing_time_ms: 10,
            usage: JSON.stringify({ credits: 2, totalCredits: 2 }),
            metadata: null,
            source: i % 2 ? 'API' : 'DOCUMENT_PROCESSOR_RUN',
            source_id: null,
            batch_id: null,
            created_at: created,
            updated_at: created,
          });
        }
        await trx.insertInto('parse_runs').values(rows).execute();
      }
    });
    if (backend === 'postgres') await sql`analyze`.execute(s.deps.db);
    say(
      `${backend}: seeded ${RUNS} classify runs and ${PARSES} parse runs in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const today = new Date(now).toISOString().slice(0, 10);
    const back = (days: number) => new Date(now - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    for (const [label, q] of [
      ['30 days', `from=${back(30)}&to=${today}`],
      ['90 days', `from=${back(90)}&to=${today}`],
      ['366 days', `from=${back(366)}&to=${today}`],
      ['90 days, one classifier', `from=${back(90)}&to=${today}&classifierId=${classifiers[0]}`],
    ] as const) {
      const times: number[] = [];
      let credits = 0;
      for (let k = 0; k < 7; k++) {
        const t = performance.now();
        const res = await s.api('GET', `/usage/daily?${q}`);
        times.push(performance.now() - t);
        credits = (res.body.days as { credits: number }[]).reduce((n, d) => n + d.credits, 0);
      }
      times.sort((a, b) => a - b);
      say(
        `  ${label.padEnd(24)} median ${times[3]?.toFixed(0)} ms, worst ${times[6]?.toFixed(0)} ms (${credits} credits)`,
      );
    }
  } finally {
    await s.stop();
  }
}

await bench('sqlite');
if (process.env.DATABASE_URL_TEST) await bench('postgres');
