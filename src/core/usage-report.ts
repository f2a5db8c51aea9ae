import { type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import { invalid } from '../lib/errors.js';
import type { Actor, CoreDeps } from './context.js';
import { CLASSIFY_CREDITS_PER_PAGE } from './usage.js';

/**
 * `GET /usage/daily` (Docsort extension, docs/api.md): credits and runs per UTC day, by classifier.
 * Counts and sums are done by the database, grouped by day and classifier, so the answer costs a few
 * hundred rows of transfer whatever the number of runs.
 */

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;
const DEFAULT_DAYS = 30;

export const UsageDailyQuerySchema = z.object({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  classifierId: z.string().min(1).max(255).optional(),
});
export type UsageDailyQuery = z.infer<typeof UsageDailyQuerySchema>;

export interface UsageByClassifier {
  /** null for runs made with an inline `config` rather than a classifier. */
  classifierId: string | null;
  name: string | null;
  runs: number;
  credits: number;
}

export interface UsageDay {
  date: string;
  runs: number;
  processed: number;
  failed: number;
  pagesClassified: number;
  classifyCredits: number;
  parseCredits: number;
  credits: number;
  byClassifier: UsageByClassifier[];
}

export interface UsageReport {
  object: 'usage';
  from: string;
  to: string;
  days: UsageDay[];
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (date: string) => Date.parse(`${date}T00:00:00.000Z`);

/** The range asked for, with the defaults (the last 30 days up to today, UTC) and its limits. */
export function usageRange(q: UsageDailyQuery, now: Date): { from: string; to: string; days: number } {
  const to = q.to ?? (q.from ? isoDay(Math.max(dayMs(q.from), now.getTime())) : isoDay(now.getTime()));
  const from = q.from ?? isoDay(dayMs(to) - (DEFAULT_DAYS - 1) * DAY_MS);
  const days = Math.round((dayMs(to) - dayMs(from)) / DAY_MS) + 1;
  if (days < 1) throw invalid('to must not be earlier than from', 'to');
  if (days > MAX_DAYS) throw invalid(`the range may span at most ${MAX_DAYS} days`, 'from');
  return { from, to, days };
}

/**
 * A number out of a usage JSON text column, null when absent. Only reading a JSON field is not portable,
 * so this is the one dialect switch (the same pair of functions migration 0003 uses).
 */
function usageField(dialect: CoreDeps['dialect'], field: 'credits' | 'totalCredits') {
  return dialect === 'postgres'
    ? sql<number | null>`(${sql.ref('usage')}::json ->> ${sql.lit(field)})::numeric`
    : sql<number | null>`json_extract(${sql.ref('usage')}, ${sql.lit(`$.${field}`)})`;
}

// PostgreSQL returns count/sum as bigint/numeric strings; both databases give numbers after this.
const num = (v: unknown) => Number(v ?? 0);

export async function usageDaily(deps: CoreDeps, actor: Actor, q: UsageDailyQuery): Promise<UsageReport> {
  const { from, to, days } = usageRange(q, deps.clock.now());
  const start = `${from}T00:00:00.000Z`;
  const end = `${isoDay(dayMs(to) + DAY_MS)}T00:00:00.000Z`;
  // Timestamps are RFC 3339 UTC text, so their first 10 characters are the UTC day on both databases.
  const day: RawBuilder<string> = sql<string>`substr(created_at, 1, 10)`;
  const credits = usageField(deps.dialect, 'credits');
  // A classify run's totalCredits already holds the parse it made (usage.ts); without it, credits.
  const total = usageField(deps.dialect, 'totalCredits');

  let runs = deps.db
    .selectFrom('classify_runs')
    .select([
      day.as('day'),
      'classifier_id',
      sql<number>`count(*)`.as('runs'),
      sql<number>`sum(case when status = 'PROCESSED' then 1 else 0 end)`.as('processed'),
      sql<number>`sum(case when status = 'FAILED' then 1 else 0 end)`.as('failed'),
      sql<number>`sum(coalesce(${credits}, 0))`.as('classify_credits'),
      sql<number>`sum(coalesce(${total}, ${credits}, 0))`.as('total_credits'),
    ])
    .where('workspace_id', '=', actor.workspaceId)
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .groupBy([day, 'classifier_id']);
  if (q.classifierId) runs = runs.where('classifier_id', '=', q.classifierId);

  // Parse runs made by a classify run are billed inside that run's totalCredits: count only the others
  // (POST /parse_runs, /parse and parse batches). They belong to no classifier.
  const parses = q.classifierId
    ? Promise.resolve([])
    : deps.db
        .selectFrom('parse_runs')
        .select([day.as('day'), sql<number>`sum(coalesce(${credits}, 0))`.as('credits')])
        .where('workspace_id', '=', actor.workspaceId)
        .where('created_at', '>=', start)
        .where('created_at', '<', end)
        .where('source', '<>', 'DOCUMENT_PROCESSOR_RUN')
        .groupBy(day)
        .execute();

  const [runRows, parseRows] = await Promise.all([runs.execute(), parses]);

  const ids = [...new Set(runRows.map((r) => r.classifier_id).filter((id): id is string => id !== null))];
  // Deleted classifiers keep their name here: their runs were billed.
  const names = new Map(
    ids.length
      ? (
          await deps.db
            .selectFrom('classifiers')
            .select(['id', 'name'])
            .where('workspace_id', '=', actor.workspaceId)
            .where('id', 'in', ids)
            .execute()
        ).map((c) => [c.id, c.name] as const)
      : [],
  );

  const byDate = new Map<string, UsageDay>();
  for (let i = 0; i < days; i++) {
    const date = isoDay(dayMs(from) + i * DAY_MS);
    byDate.set(date, {
      date,
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
  for (const r of runRows) {
    const d = byDate.get(r.day);
    if (!d) continue;
    const classify = num(r.classify_credits);
    const totalCredits = num(r.total_credits);
    d.runs += num(r.runs);
    d.processed += num(r.processed);
    d.failed += num(r.failed);
    d.classifyCredits += classify;
    // Credits are per page, so the pages classified follow from them (usage.ts).
    d.pagesClassified += classify / CLASSIFY_CREDITS_PER_PAGE;
    d.parseCredits += totalCredits - classify;
    d.credits += totalCredits;
    d.byClassifier.push({
      classifierId: r.classifier_id,
      name: r.classifier_id ? (names.get(r.classifier_id) ?? null) : null,
      runs: num(r.runs),
      credits: totalCredits,
    });
  }
  for (const p of parseRows) {
    const d = byDate.get(p.day);
    if (!d) continue;
    d.parseCredits += num(p.credits);
    d.credits += num(p.credits);
  }
  for (const d of byDate.values()) {
    d.byClassifier.sort(
      (a, b) =>
        b.credits - a.credits ||
        b.runs - a.runs ||
        (a.classifierId ?? '').localeCompare(b.classifierId ?? ''),
    );
  }
  return { object: 'usage', from, to, days: [...byDate.values()] };
}
