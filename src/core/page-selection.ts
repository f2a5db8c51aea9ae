import type { ClassifyConfig } from './schemas.js';

export interface PageText {
  pageNumber: number;
  text: string;
}

/** Character budget of `context: "default"` on top of its page budget (Decisions 4, docs/classification.md). */
export const DEFAULT_CONTEXT_CHARS = 40_000;

/**
 * Which pages the classifier reads: `pageRanges` first (1-based, inclusive), then `context`:
 * "max" keeps every selected page, "default" the first `defaultPages` pages within
 * DEFAULT_CONTEXT_CHARS characters.
 */
export function selectPages(pages: PageText[], config: ClassifyConfig, defaultPages: number): PageText[] {
  const ranges = config.advancedOptions?.pageRanges;
  let selected = ranges?.length
    ? pages.filter((p) => ranges.some((r) => p.pageNumber >= r.start && p.pageNumber <= r.end))
    : pages;
  if (config.advancedOptions?.context === 'max') return selected;
  selected = selected.slice(0, defaultPages);
  const out: PageText[] = [];
  let used = 0;
  for (const p of selected) {
    if (used >= DEFAULT_CONTEXT_CHARS) break;
    const text = p.text.slice(0, DEFAULT_CONTEXT_CHARS - used);
    out.push({ pageNumber: p.pageNumber, text });
    used += text.length;
  }
  return out;
}
