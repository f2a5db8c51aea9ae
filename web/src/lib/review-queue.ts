import type { DocsortApi } from '../api/client';
import type { ClassifyRun } from '../api/types';
import { loadRunDetails } from './run-details';

/** Confidence thresholds per classifier (and a default), kept in this browser. */
export interface Thresholds {
  default: number;
  byClassifier: Record<string, number>;
}

const KEY = 'docsort.reviewThresholds';

export function loadThresholds(): Thresholds {
  try {
    const v = JSON.parse(window.localStorage.getItem(KEY) ?? 'null') as Thresholds | null;
    if (v && typeof v.default === 'number' && typeof v.byClassifier === 'object') return v;
  } catch {
    // fall through to the default
  }
  return { default: 0.8, byClassifier: {} };
}

export function saveThresholds(t: Thresholds): void {
  window.localStorage.setItem(KEY, JSON.stringify(t));
}

export function thresholdFor(t: Thresholds, classifierId: string | undefined): number {
  return (classifierId !== undefined ? t.byClassifier[classifierId] : undefined) ?? t.default;
}

export const SCAN_LIMIT = 2000;

export interface QueueScan {
  runs: ClassifyRun[];
  scanned: number;
  /** The scan stopped at SCAN_LIMIT runs; more may need review. */
  truncated: boolean;
}

/**
 * The runs that need a person: PROCESSED, not reviewed, confidence below the threshold of their
 * classifier, oldest first. The API has no `reviewed` or confidence filter, so this walks the
 * PROCESSED runs page by page and filters here (confidence needs each run's detail, which is cached).
 * The walk stops after SCAN_LIMIT runs; a server-side filter would remove that limit.
 */
export async function scanReviewQueue(
  api: DocsortApi,
  thresholds: Thresholds,
  classifierId: string | undefined,
): Promise<QueueScan> {
  const runs: ClassifyRun[] = [];
  let scanned = 0;
  let token: string | undefined;
  do {
    const page = await api.listRuns({
      status: 'PROCESSED',
      classifierId,
      sortBy: 'createdAt',
      sortDir: 'asc',
      maxPageSize: 100,
      nextPageToken: token,
    });
    scanned += page.data.length;
    const unreviewed = page.data.filter((r) => !r.reviewed);
    const details = await loadRunDetails(api, unreviewed);
    for (const s of unreviewed) {
      const run = details.get(s.id);
      if (run?.output && run.output.confidence < thresholdFor(thresholds, run.classifier?.id)) runs.push(run);
    }
    token = page.nextPageToken;
  } while (token && scanned < SCAN_LIMIT);
  return { runs, scanned, truncated: Boolean(token) };
}
