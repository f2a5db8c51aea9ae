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
  selectors: [
    ...HIDDEN.map((selector) => ({ selector, format: 'skip' })),
    { selector: 'a', options: { ignoreHref: true } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    // Wide columns and no upper-casing: the table's words matter here, not its ASCII-art layout.
    { selector: 'table', options: { maxColumnWidth: 10_000, uppercaseHeaderCells: false } },
  ],
};

export const parseHtml: FormatParser = async ({ bytes }) => {
  const html = readTextDocument(bytes, declaredHtmlCharset(bytes));
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
