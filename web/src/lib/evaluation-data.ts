import type { DocsortApi } from '../api/client';
import type { EvaluationSetRun } from '../api/evaluation-types';
import type { ApiList } from '../api/types';

/** Loads for the evaluation views that span several API pages or several objects. */

/** Every page of a list, up to `limit` objects; `complete` is false when more were left. */
export async function allPages<T>(
  fetchPage: (token: string | undefined) => Promise<ApiList<T>>,
  limit: number,
): Promise<{ data: T[]; complete: boolean }> {
  const data: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    data.push(...page.data);
    token = page.nextPageToken;
  } while (token && data.length < limit);
  return { data: data.slice(0, limit), complete: !token && data.length <= limit };
}

export const MAX_ITEMS = 5000;

export function loadAllItems(api: DocsortApi, setId: string) {
  return allPages(
    (t) => api.listEvaluationSetItems(setId, { maxPageSize: 1000, nextPageToken: t }),
    MAX_ITEMS,
  );
}

/** What the sets list shows of each set: how many items (up to a cap) and its newest run. */
export interface SetSummary {
  items: number;
  moreItems: boolean;
  lastRun: EvaluationSetRun | null;
}

const COUNT_CAP = 100;

export async function loadSetSummary(api: DocsortApi, setId: string): Promise<SetSummary> {
  const [items, runs] = await Promise.all([
    api.listEvaluationSetItems(setId, { maxPageSize: COUNT_CAP }),
    api.listEvaluationRuns({ evaluationSetId: setId, maxPageSize: 1 }),
  ]);
  return { items: items.data.length, moreItems: Boolean(items.nextPageToken), lastRun: runs.data[0] ?? null };
}

/** Runs `work` over `inputs` a few at a time. */
export async function mapLimited<T, R>(
  inputs: readonly T[],
  concurrency: number,
  work: (input: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++;
      out[i] = await work(inputs[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
  return out;
}
