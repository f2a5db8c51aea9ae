/**
 * Whitespace normalisation shared by every format, and the page splitting of formats that have no pages.
 * Text, CSV, HTML and XML have no pages of their own, so we make pages of about PAGE_CHARS characters at line
 * boundaries: page-based limits (maxPages) and pageRanges then mean the same thing for every file type.
 */

import type { ParsedPage } from '../../ports/parser.js';

export const PAGE_CHARS = 3000;

/** Keeps the blank lines that separate paragraphs, but never more than this many in a row. */
const MAX_BLANK_LINES = 2;

/** Collapses spaces and tabs, trims lines, keeps line breaks, caps runs of blank lines, trims the ends. */
export function normaliseText(raw: string): string {
  const lines = raw
    .replace(/\r\n?/g, '\n')
    // Control characters other than line breaks carry no text; form feeds and vertical tabs act as spaces.
    .replace(/[^\P{Cc}\t\n\v\f\r]/gu, '')
    .split('\n')
    .map((line) => line.replace(/[^\S\n]+/g, ' ').trim());
  return capBlankLines(lines).join('\n').trim();
}

/** For Markdown sources: line endings and blank lines only, so indentation (code, nested lists) survives. */
export function tidyMarkdown(raw: string): string {
  const lines = raw
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd());
  return capBlankLines(lines)
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

function capBlankLines(lines: string[]): string[] {
  const kept: string[] = [];
  let blanks = 0;
  for (const line of lines) {
    blanks = line.trim() === '' ? blanks + 1 : 0;
    if (blanks <= MAX_BLANK_LINES) kept.push(line);
  }
  return kept;
}

/** Splits text into chunks of at most about `size` characters, preferring line ends, then spaces. */
export function splitIntoPageTexts(text: string, size = PAGE_CHARS): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let currentLength = 0;
  const flush = (): void => {
    const chunk = current.join('\n').replace(/^\n+|\n+$/g, '');
    if (chunk.trim() !== '') chunks.push(chunk);
    current = [];
    currentLength = 0;
  };
  for (const line of text.split('\n')) {
    for (const piece of splitLongLine(line, size)) {
      if (currentLength > 0 && currentLength + piece.length + 1 > size) flush();
      current.push(piece);
      currentLength += piece.length + 1;
    }
  }
  flush();
  return chunks;
}

function splitLongLine(line: string, size: number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > size) {
    const space = rest.lastIndexOf(' ', size);
    // A line with no space near the limit (a base64 blob, a long URL) is cut hard.
    const cut = space > size / 2 ? space : size;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  pieces.push(rest);
  return pieces;
}

/** Pages for formats whose Markdown is their text. */
export function plainPages(text: string): ParsedPage[] {
  return splitIntoPageTexts(normaliseText(text)).map((pageText, i) => ({
    pageNumber: i + 1,
    text: pageText,
    markdown: pageText,
  }));
}
