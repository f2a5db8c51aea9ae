import type { RunListQuery } from '../api/client';
import { RUN_STATUSES, type RunStatus } from '../api/types';

/**
 * The runs list's filters as they live in the URL (`/runs?status=FAILED&conf=60&from=2026-03-01`), and
 * their translation into GET /classify_runs's query. A value the URL cannot mean (a hand-edited
 * `conf=abc`) is dropped rather than sent, so a bad link shows the unfiltered list instead of an error.
 */
export interface RunFilters {
  status?: RunStatus;
  classifierId?: string;
  type?: string;
  reviewed?: 'true' | 'false';
  /** Confidence at most this many percent. */
  maxConfidencePct?: number;
  /** Local calendar days, `YYYY-MM-DD`, both inclusive. */
  from?: string;
  to?: string;
  fileName?: string;
}

/** URL parameter of each filter. */
export const FILTER_PARAMS = {
  status: 'status',
  classifierId: 'classifier',
  type: 'type',
  reviewed: 'reviewed',
  maxConfidencePct: 'conf',
  from: 'from',
  to: 'to',
  fileName: 'q',
} as const satisfies Record<keyof RunFilters, string>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function localMidnight(day: string, plusDays = 0): Date | null {
  if (!DAY.test(day)) return null;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d + plusDays);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function readFilters(search: URLSearchParams): RunFilters {
  const get = (key: keyof RunFilters) => search.get(FILTER_PARAMS[key])?.trim() || undefined;
  const f: RunFilters = {};
  const status = get('status');
  if (status && (RUN_STATUSES as string[]).includes(status)) f.status = status as RunStatus;
  const classifierId = get('classifierId');
  if (classifierId) f.classifierId = classifierId;
  const type = get('type');
  if (type) f.type = type;
  const reviewed = get('reviewed');
  if (reviewed === 'true' || reviewed === 'false') f.reviewed = reviewed;
  const conf = get('maxConfidencePct');
  if (conf !== undefined && /^\d+(\.\d+)?$/.test(conf) && Number(conf) <= 100)
    f.maxConfidencePct = Number(conf);
  const from = get('from');
  if (from && localMidnight(from)) f.from = from;
  const to = get('to');
  if (to && localMidnight(to)) f.to = to;
  const fileName = get('fileName');
  if (fileName) f.fileName = fileName;
  return f;
}

export function isFiltered(f: RunFilters): boolean {
  return Object.values(f).some((v) => v !== undefined);
}

/** The list query for these filters; the date range covers whole local days. */
export function filtersToQuery(f: RunFilters): RunListQuery {
  return {
    status: f.status,
    classifierId: f.classifierId,
    type: f.type,
    reviewed: f.reviewed,
    maxConfidence: f.maxConfidencePct === undefined ? undefined : f.maxConfidencePct / 100,
    createdAfter: f.from ? localMidnight(f.from)?.toISOString() : undefined,
    createdBefore: f.to ? localMidnight(f.to, 1)?.toISOString() : undefined,
    fileNameContains: f.fileName,
  };
}

/** The `/runs` URL with one filter set (or cleared when `value` is empty). */
export function runsUrlWith(
  search: URLSearchParams,
  key: keyof RunFilters,
  value: string | null | undefined,
) {
  const next = new URLSearchParams(search);
  if (value) next.set(FILTER_PARAMS[key], value);
  else next.delete(FILTER_PARAMS[key]);
  const qs = next.toString();
  return `/runs${qs ? `?${qs}` : ''}`;
}
