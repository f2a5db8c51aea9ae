import type { Classification, ClassifyConfig } from '../api/types';
import { sameJson } from './same-json';

export type Change = 'added' | 'removed' | 'changed' | 'same';

export interface ClassificationDiff {
  id: string;
  left: Classification | null;
  right: Classification | null;
  change: Change;
}

/** Classifications matched by id, in the right-hand order with removed ones where they were. */
export function diffClassifications(left: ClassifyConfig, right: ClassifyConfig): ClassificationDiff[] {
  const l = new Map(left.classifications.map((c) => [c.id, c]));
  const r = new Map(right.classifications.map((c) => [c.id, c]));
  const ids: string[] = [];
  for (const c of right.classifications) ids.push(c.id);
  for (const [i, c] of left.classifications.entries()) {
    if (!r.has(c.id)) ids.splice(Math.min(i, ids.length), 0, c.id);
  }
  return ids.map((id) => {
    const a = l.get(id) ?? null;
    const b = r.get(id) ?? null;
    const change: Change = !a ? 'added' : !b ? 'removed' : sameJson(a, b) ? 'same' : 'changed';
    return { id, left: a, right: b, change };
  });
}

/** Everything but the classifications, for a side-by-side look at rules and options. */
export function otherSettings(c: ClassifyConfig): Record<string, unknown> {
  const { classifications: _c, ...rest } = c;
  return rest;
}
