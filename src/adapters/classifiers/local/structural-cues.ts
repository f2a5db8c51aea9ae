import { CUE_DEFINITIONS, type CueHit, cueTerm } from './cue-definitions.js';

/**
 * Runs the cue definitions (cue-definitions.ts) over a document's pages, plus the cues that need the whole
 * page: a fragmented layout, a short text, and the heading bonus of cues that open the first page.
 */

/** Below this many words a document counts as short (notes, adverts, cover slips). */
const SHORT_TEXT_WORDS = 60;
/** Forms, adverts and slips come out of OCR as many short lines; prose as long ones. */
const FRAGMENTED_MIN_LINES = 8;
const FRAGMENTED_SHORT_LINE_WORDS = 3;
const FRAGMENTED_SHARE = 0.65;

/** The first page's opening lines (OCR debris lines of one or two characters are not counted). */
const HEADING_LINES = 8;
const headingOf = (text: string): string => {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!/[A-Za-z]{3}/.test(line)) continue;
    lines.push(line);
    if (lines.length >= HEADING_LINES) break;
  }
  return lines.join('\n');
};

const fragmentedShare = (text: string): { lines: number; share: number } => {
  let lines = 0;
  let short = 0;
  for (const line of text.split(/\r?\n/)) {
    const words = line.match(/[A-Za-z]{2,}/g)?.length ?? 0;
    if (words === 0) continue;
    lines++;
    if (words <= FRAGMENTED_SHORT_LINE_WORDS) short++;
  }
  return { lines, share: lines === 0 ? 0 : short / lines };
};

/** Finds every cue, keeping the page where it is strongest. */
export const detectCues = (
  pages: readonly { pageNumber: number; text: string }[],
  wordCount: number,
): Map<string, CueHit> => {
  const hits = new Map<string, CueHit>();
  const heading = pages.length > 0 ? headingOf(pages[0]!.text) : '';
  for (const cue of CUE_DEFINITIONS) {
    for (const [pageIndex, page] of pages.entries()) {
      const found = cue.find(page.text);
      if (found.count < cue.minCount) continue;
      const { sample } = found;
      let { count } = found;
      if (cue.headingBonus && pageIndex === 0 && cue.find(heading).count >= cue.minCount)
        count += cue.headingBonus;
      const term = cueTerm(cue.id);
      const previous = hits.get(term);
      if (previous === undefined) {
        hits.set(term, { id: cue.id, label: cue.label, count, pageNumber: page.pageNumber, sample });
      } else {
        previous.count += count;
      }
    }
  }
  for (const page of pages) {
    const { lines, share } = fragmentedShare(page.text);
    if (lines < FRAGMENTED_MIN_LINES || share < FRAGMENTED_SHARE) continue;
    const term = cueTerm('fragmented-layout');
    if (!hits.has(term)) {
      hits.set(term, {
        id: 'fragmented-layout',
        label: `mostly short lines (${Math.round(share * 100)}%)`,
        count: 1,
        pageNumber: page.pageNumber,
        sample: null,
      });
    }
  }
  if (wordCount > 0 && wordCount < SHORT_TEXT_WORDS) {
    const firstPage = pages[0]?.pageNumber ?? 1;
    hits.set(cueTerm('short-text'), {
      id: 'short-text',
      label: `short text (${wordCount} words)`,
      count: 1,
      pageNumber: firstPage,
      sample: null,
    });
  }
  return hits;
};
