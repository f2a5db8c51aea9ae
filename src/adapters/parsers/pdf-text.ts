/**
 * Joins pdf.js text items into lines. Items come in content-stream order, which is the reading order of
 * almost every producer (and keeps columns together, where sorting by position would interleave them); a
 * new line starts where the baseline moves, a space goes where a horizontal gap separates two runs.
 */

import { normaliseText } from './text-pages.js';

/** The fields of pdf.js's TextItem we use (its marked-content entries have no `str`). */
export interface PdfTextItem {
  str: string;
  /** [a, b, c, d, e, f]: direction in a/b, position in e/f, in page space. */
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

/** A baseline shift above this fraction of the font size is a new line; below it, sub/superscript jitter. */
const LINE_SHIFT = 0.5;
/** A gap wider than this fraction of the font size between two runs on a line is a word break. */
const WORD_GAP = 0.15;

export function isTextItem<T extends object>(item: T): item is T & PdfTextItem {
  return typeof (item as { str?: unknown }).str === 'string';
}

export function joinTextItems(items: readonly PdfTextItem[]): string {
  let out = '';
  let previous: { baseline: number; end: number; size: number } | null = null;
  for (const item of items) {
    const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = item.transform;
    // Measure along the text's own direction so rotated pages and vertical runs split into lines too.
    const angle = Math.atan2(b, a);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const baseline = f * cos - e * sin;
    const start = e * cos + f * sin;
    const size = item.height || Math.hypot(c, d) || 1;
    if (item.str !== '') {
      if (previous) {
        const sameLine = Math.abs(baseline - previous.baseline) <= LINE_SHIFT * Math.max(size, previous.size);
        if (!sameLine) out += out.endsWith('\n') ? '' : '\n';
        else if (start - previous.end > WORD_GAP * size && !isSpace(out.at(-1)) && !isSpace(item.str[0])) {
          out += ' ';
        }
      }
      out += item.str;
      previous = { baseline, end: start + item.width, size };
    }
    if (item.hasEOL && !out.endsWith('\n')) out += '\n';
  }
  return normaliseText(out);
}

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\n' || char === '\t' || char === '\u00a0';
}
