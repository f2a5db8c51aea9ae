import type { UsageDay, UsageReport } from '../api/types';

/** What `/usage?from=&to=&classifierId=` asks for; absent values take the server's defaults. */
export interface UsageQuery {
  from?: string | undefined;
  to?: string | undefined;
  classifierId?: string | undefined;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
export const PRESETS = [7, 30, 90] as const;

export function readUsageQuery(search: URLSearchParams): UsageQuery {
  const date = (k: string) => {
    const v = search.get(k);
    return v && DATE.test(v) ? v : undefined;
  };
  return { from: date('from'), to: date('to'), classifierId: search.get('classifierId') || undefined };
}

export function usageUrl(q: UsageQuery): string {
  const s = new URLSearchParams();
  if (q.from) s.set('from', q.from);
  if (q.to) s.set('to', q.to);
  if (q.classifierId) s.set('classifierId', q.classifierId);
  const text = s.toString();
  return text ? `/usage?${text}` : '/usage';
}

/** Days are UTC, as the server counts them. */
export function todayUtc(now = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The last `days` days up to today. */
export function presetRange(days: number, now = Date.now()): { from: string; to: string } {
  const to = todayUtc(now);
  return { from: shiftDate(to, -(days - 1)), to };
}

/** The preset a range is, when it ends today; else null (a custom range). */
export function presetOf(report: Pick<UsageReport, 'from' | 'to' | 'days'>, now = Date.now()): number | null {
  if (report.to !== todayUtc(now)) return null;
  return PRESETS.find((p) => p === report.days.length) ?? null;
}

export interface UsageTotals {
  credits: number;
  runs: number;
  processed: number;
  failed: number;
  pages: number;
  classifyCredits: number;
  parseCredits: number;
}

export function usageTotals(days: UsageDay[]): UsageTotals {
  const t = { credits: 0, runs: 0, processed: 0, failed: 0, pages: 0, classifyCredits: 0, parseCredits: 0 };
  for (const d of days) {
    t.credits += d.credits;
    t.runs += d.runs;
    t.processed += d.processed;
    t.failed += d.failed;
    t.pages += d.pagesClassified;
    t.classifyCredits += d.classifyCredits;
    t.parseCredits += d.parseCredits;
  }
  return t;
}

/**
 * A stack of the chart and a row of the per-classifier table: a classifier, runs made with an inline
 * config, or the parse runs of the parse endpoints (credits that belong to no classifier).
 */
export interface UsageSeries {
  key: string;
  label: string;
  classifierId: string | null;
  color: string;
  runs: number;
  credits: number;
}

export const INLINE_KEY = 'inline';
export const PARSE_KEY = 'parse';
// Mantine's blue, teal, grape, orange, cyan, lime, pink, indigo, yellow, red (shade 6): distinct side by side.
const PALETTE = [
  '#228be6',
  '#12b886',
  '#be4bdb',
  '#fd7e14',
  '#15aabf',
  '#82c91e',
  '#e64980',
  '#4c6ef5',
  '#fab005',
  '#fa5252',
];
const INLINE_COLOR = '#868e96';
const PARSE_COLOR = '#ced4da';

/** Credits a day spent outside any classifier: parse runs made through the parse endpoints. */
export function parseOnlyCredits(d: UsageDay): number {
  return Math.max(0, d.credits - d.byClassifier.reduce((n, c) => n + c.credits, 0));
}

const seriesKey = (classifierId: string | null) => classifierId ?? INLINE_KEY;

/** The series of a report, largest first, each with a colour that stays the same across its days. */
export function usageSeries(days: UsageDay[]): UsageSeries[] {
  const byKey = new Map<string, UsageSeries>();
  for (const d of days) {
    for (const c of d.byClassifier) {
      const key = seriesKey(c.classifierId);
      const s = byKey.get(key) ?? {
        key,
        label: c.classifierId ? (c.name ?? c.classifierId) : 'Inline config',
        classifierId: c.classifierId,
        color: '',
        runs: 0,
        credits: 0,
      };
      s.runs += c.runs;
      s.credits += c.credits;
      byKey.set(key, s);
    }
    const parse = parseOnlyCredits(d);
    if (parse > 0) {
      const s = byKey.get(PARSE_KEY) ?? {
        key: PARSE_KEY,
        label: 'Parse runs (parse API)',
        classifierId: null,
        color: PARSE_COLOR,
        runs: 0,
        credits: 0,
      };
      s.credits += parse;
      byKey.set(PARSE_KEY, s);
    }
  }
  const list = [...byKey.values()].sort(
    (a, b) => b.credits - a.credits || b.runs - a.runs || a.label.localeCompare(b.label),
  );
  let next = 0;
  for (const s of list) {
    if (s.key === INLINE_KEY) s.color = INLINE_COLOR;
    else if (s.key !== PARSE_KEY) s.color = PALETTE[next++ % PALETTE.length] ?? INLINE_COLOR;
  }
  return list;
}

/** A day's credits per series, in the series' order (the stacking order of the chart). */
export function dayStack(d: UsageDay, series: UsageSeries[]): { series: UsageSeries; credits: number }[] {
  const credits = new Map<string, number>(d.byClassifier.map((c) => [seriesKey(c.classifierId), c.credits]));
  credits.set(PARSE_KEY, parseOnlyCredits(d));
  return series.map((s) => ({ series: s, credits: credits.get(s.key) ?? 0 })).filter((p) => p.credits > 0);
}

const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const longDayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

export function shortDay(date: string): string {
  return dayFormat.format(new Date(`${date}T00:00:00Z`));
}

const mediumDayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  timeZone: 'UTC',
});

/** For the per-day table, whose range shows the year above it. */
export function mediumDay(date: string): string {
  return mediumDayFormat.format(new Date(`${date}T00:00:00Z`));
}

export function longDay(date: string): string {
  return longDayFormat.format(new Date(`${date}T00:00:00Z`));
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString()} ${n === 1 ? one : many}`;
