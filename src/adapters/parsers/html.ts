/**
 * HTML through html-to-text: visible text only (no script, style or link targets), no word wrapping, headings
 * in their own case. The charset comes from a BOM, else from <meta charset>, else UTF-8 with a
 * Windows-1252 fallback.
 */

import { convert, type HtmlToTextOptions } from 'html-to-text';
import { readTextDocument } from './encoding.js';
import { noText } from './failures.js';
import type { FormatParser } from './format-parser.js';
import { plainPages } from './text-pages.js';
import { declaredXmlEncoding } from './xml.js';

/** Browsers look for the charset declaration in the first 1024 bytes; some pages put it a little later. */
const META_PRESCAN_BYTES = 4096;

/** Elements no reader sees; inline XBRL filings (10-K) hide pages of tagged data with display:none. */
const HIDDEN = [
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'img',
  'svg',
  'object',
  'iframe',
  '[hidden]',
  '[style*="display:none"]',
  '[style*="display: none"]',
];

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  formatters: {
    // A cell's text followed by a word break, so adjacent cells never run together ("Mo0.39").
    tableCell: (elem, walk, builder) => {
      walk(elem.children, builder);
      builder.addInline(' ');
    },
  },
  selectors: [
    ...HIDDEN.map((selector) => ({ selector, format: 'skip' })),
    { selector: 'hr', format: 'skip' },
    { selector: 'a', options: { ignoreHref: true } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    // Tables as rows of words, not html-to-text's column layout: it glues the cells of tables it does not
    // consider data tables, and malformed nesting (tables in tables without cells) is common in the wild.
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'td', format: 'tableCell' },
    { selector: 'th', format: 'tableCell' },
  ],
};

export const parseHtml: FormatParser = async ({ bytes }) => {
  // XHTML may declare its encoding only in the XML prolog.
  const html = readTextDocument(bytes, declaredHtmlCharset(bytes) ?? declaredXmlEncoding(bytes));
  const pages = plainPages(convert(html, OPTIONS));
  if (pages.length === 0) throw noText('HTML file');
  return pages;
};

/** The charset named by `<meta charset=x>` or `<meta http-equiv="Content-Type" content="...; charset=x">`. */
export function declaredHtmlCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, META_PRESCAN_BYTES));
  const match = /<meta\s[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head.toString('latin1'));
  return match?.[1] ?? null;
}
