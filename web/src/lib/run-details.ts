import type { DocsortApi } from '../api/client';
import type { ClassifyRun, ClassifyRunSummary } from '../api/types';

/**
 * Whole runs (output with its reasoning, config) for the views that show them beside a list: the review
 * queue and the evaluation's misclassified runs. Lists themselves read `outputType`/`outputConfidence`
 * from the list items. Terminal runs only change when reviewed, which moves `updatedAt`: a run is
 * fetched again only when its `updatedAt` changed.
 */
const cache = new Map<string, ClassifyRun>();

export function cachedRun(summary: ClassifyRunSummary): ClassifyRun | undefined {
  const hit = cache.get(summary.id);
  return hit && hit.updatedAt === summary.updatedAt ? hit : undefined;
}

export function rememberRun(run: ClassifyRun): void {
  cache.set(run.id, run);
}

const CONCURRENCY = 4;

/** Details of the terminal runs among `summaries`, a few requests at a time. */
export async function loadRunDetails(
  api: DocsortApi,
  summaries: ClassifyRunSummary[],
): Promise<Map<string, ClassifyRun>> {
  const out = new Map<string, ClassifyRun>();
  const todo: ClassifyRunSummary[] = [];
  for (const s of summaries) {
    if (s.status !== 'PROCESSED') continue;
    const hit = cachedRun(s);
    if (hit) out.set(s.id, hit);
    else todo.push(s);
  }
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const s = todo[next++]!;
      const run = await api.getRun(s.id);
      rememberRun(run);
      out.set(s.id, run);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker));
  return out;
}
