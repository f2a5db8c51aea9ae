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
  /** Candidates the server listed (unreviewed, at or below the highest threshold that applies). */
  scanned: number;
  /** The scan stopped at SCAN_LIMIT candidates; more may need review. */
  truncated: boolean;
}

/**
 * The runs that need a person: PROCESSED, not reviewed, confidence below the threshold of their
 * classifier, oldest first. The server lists the unreviewed runs at or below the highest threshold that
 * can apply; the strict "below this classifier's threshold" is checked here on each list item's
 * confidence, so only the queue's own runs are read in full (the review screen needs them whole).
 */
export async function scanReviewQueue(
  api: DocsortApi,
  thresholds: Thresholds,
  classifierId: string | undefined,
): Promise<QueueScan> {
  const ceiling =
    classifierId !== undefined
      ? thresholdFor(thresholds, classifierId)
      : Math.max(thresholds.default, ...Object.values(thresholds.byClassifier));
  const runs: ClassifyRun[] = [];
  let scanned = 0;
  let token: string | undefined;
  do {
    const page = await api.listRuns({
      status: 'PROCESSED',
      classifierId,
      reviewed: 'false',
      maxConfidence: Math.min(1, Math.max(0, ceiling)),
      sortBy: 'createdAt',
      sortDir: 'asc',
      maxPageSize: 100,
      nextPageToken: token,
    });
    scanned += page.data.length;
    const below = page.data.filter(
      (r) => r.outputConfidence !== null && r.outputConfidence < thresholdFor(thresholds, r.classifier?.id),
    );
    const details = await loadRunDetails(api, below);
    for (const s of below) {
      const run = details.get(s.id);
      if (run) runs.push(run);
    }
    token = page.nextPageToken;
  } while (token && scanned < SCAN_LIMIT);
  return { runs, scanned, truncated: Boolean(token) };
}
