/**
 * The order J/K walk in on a run page: the ids of the list the person came from (the runs page they
 * were looking at). Kept in sessionStorage so a reload keeps it.
 */
const KEY = 'docsort.runSequence';

export function setRunSequence(ids: string[]): void {
  window.sessionStorage.setItem(KEY, JSON.stringify(ids));
}

export function runSequence(): string[] {
  try {
    const v: unknown = JSON.parse(window.sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function neighbours(ids: string[], id: string): { prev: string | null; next: string | null } {
  const i = ids.indexOf(id);
  if (i < 0) return { prev: null, next: null };
  return { prev: ids[i - 1] ?? null, next: ids[i + 1] ?? null };
}
