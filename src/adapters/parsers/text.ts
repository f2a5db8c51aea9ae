/** Plain text and Markdown: decode, normalise, cut into pages of about PAGE_CHARS characters. */

import type { ParsedPage } from '../../ports/parser.js';
import { readTextDocument } from './encoding.js';
import type { FormatParser } from './format-parser.js';
import { normaliseText, plainPages, splitIntoPageTexts, tidyMarkdown } from './text-pages.js';

export const parseText: FormatParser = async ({ bytes, format }) => {
  const text = readTextDocument(bytes);
  return format === 'markdown' ? markdownPages(text) : plainPages(text);
};

/** Markdown keeps its indentation (code blocks, nested lists); the plain text of each page is normalised. */
function markdownPages(source: string): ParsedPage[] {
  return splitIntoPageTexts(tidyMarkdown(source)).map((markdown, i) => ({
    pageNumber: i + 1,
    text: normaliseText(markdown),
    markdown,
  }));
}
