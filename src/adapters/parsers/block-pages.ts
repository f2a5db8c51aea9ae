/**
 * Pages for documents without fixed pages (DOCX, e-mail bodies, long sheets): their blocks (paragraphs,
 * headings, list items, table rows) are packed into pages of about PAGE_CHARS characters of text, never
 * splitting a block, so each page's text and Markdown cover exactly the same content. A page that starts
 * inside a table repeats the table's header row, so its Markdown table stands alone.
 */

import type { ParsedPage } from '../../ports/parser.js';
import { PAGE_CHARS, splitIntoPageTexts } from './text-pages.js';

export interface Block {
  text: string;
  markdown: string;
  /** Consecutive blocks of one group (a list, a table) are joined by one line break, others by a blank line. */
  group?: number;
  /** Markdown to repeat when a page starts inside the group: a table's header row and separator. */
  header?: string;
}

export function blockPages(blocks: Block[], size = PAGE_CHARS): ParsedPage[] {
  const pages: ParsedPage[] = [];
  let texts: string[] = [];
  let markdowns: string[] = [];
  let length = 0;
  let previous: Block | undefined;
  const flush = (): void => {
    const text = texts.join('');
    if (text.trim() !== '') pages.push({ pageNumber: pages.length + 1, text, markdown: markdowns.join('') });
    texts = [];
    markdowns = [];
    length = 0;
  };
  for (const block of blocks.flatMap((b) => splitOversized(b, size))) {
    const joined = previous?.group !== undefined && previous.group === block.group;
    const separator = joined ? '\n' : '\n\n';
    if (length > 0 && length + separator.length + block.text.length > size) flush();
    if (texts.length === 0) {
      const repeatHeader = joined && block.header !== undefined && block.markdown !== block.header;
      texts.push(block.text);
      markdowns.push(repeatHeader ? `${block.header}\n${block.markdown}` : block.markdown);
      length = block.text.length;
    } else {
      texts.push(separator, block.text);
      markdowns.push(separator, block.markdown);
      length += separator.length + block.text.length;
    }
    previous = block;
  }
  flush();
  return pages;
}

/** A single block longer than a page (one huge paragraph) is cut like plain text; its pieces are plain. */
function splitOversized(block: Block, size: number): Block[] {
  if (block.text.length <= size) return [block];
  return splitIntoPageTexts(block.text, size).map((piece) => ({ text: piece, markdown: piece }));
}
