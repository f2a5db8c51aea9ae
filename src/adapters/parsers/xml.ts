/**
 * XML: the text content of elements, one element's text per line; attributes, comments, processing
 * instructions and the doctype are dropped, CDATA is kept verbatim. A linear scanner rather than regular
 * expressions, so malformed files (an unclosed `<` or comment) cannot cause catastrophic backtracking.
 */

import { readTextDocument } from './encoding.js';
import { noText } from './failures.js';
import type { FormatParser } from './format-parser.js';
import { plainPages } from './text-pages.js';

const PROLOG_PRESCAN_BYTES = 1024;

export const parseXml: FormatParser = async ({ bytes }) => {
  const xml = readTextDocument(bytes, declaredXmlEncoding(bytes));
  const pages = plainPages(xmlText(xml));
  if (pages.length === 0) throw noText('XML file');
  return pages;
};

export function xmlText(xml: string): string {
  const pieces: string[] = [];
  let i = 0;
  const skipPast = (terminator: string, from: number): number => {
    const end = xml.indexOf(terminator, from);
    return end === -1 ? xml.length : end + terminator.length;
  };
  while (i < xml.length) {
    if (xml[i] !== '<') {
      const end = xml.indexOf('<', i);
      const stop = end === -1 ? xml.length : end;
      pieces.push(decodeEntities(xml.slice(i, stop)));
      i = stop;
    } else if (xml.startsWith('<!--', i)) i = skipPast('-->', i + 4);
    else if (xml.startsWith('<![CDATA[', i)) {
      const end = skipPast(']]>', i + 9);
      pieces.push(xml.slice(i + 9, Math.max(i + 9, end - 3)));
      i = end;
    } else if (xml.startsWith('<?', i)) i = skipPast('?>', i + 2);
    else if (xml.startsWith('<!', i)) i = skipDeclaration(xml, i);
    else {
      // Element boundaries separate texts: <name>Ann</name><age>3</age> reads "Ann", "3".
      i = skipPast('>', i + 1);
      pieces.push('\n');
    }
  }
  return pieces.join('').replace(/\n\s*\n/g, '\n');
}

/** `<!DOCTYPE x [ <!ENTITY ...> ]>`: an internal subset may contain `>`, so skip the brackets first. */
function skipDeclaration(xml: string, start: number): number {
  const close = xml.indexOf('>', start);
  const bracket = xml.indexOf('[', start);
  if (bracket !== -1 && (close === -1 || bracket < close)) {
    const subsetEnd = xml.indexOf(']', bracket);
    if (subsetEnd === -1) return xml.length;
    const end = xml.indexOf('>', subsetEnd);
    return end === -1 ? xml.length : end + 1;
  }
  return close === -1 ? xml.length : close + 1;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five predefined entities and character references; entities a DTD defines are left as written. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name] ?? whole;
    const code =
      name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The `encoding` of `<?xml version="1.0" encoding="ISO-8859-1"?>`, for files without a BOM. */
export function declaredXmlEncoding(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PROLOG_PRESCAN_BYTES));
  const match = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head.toString('latin1'));
  return match?.[1] ?? null;
}
