/**
 * The DocumentParser: detects the format from the bytes, hands the file to that format's parser under the
 * time budget, and enforces the page limit. Every failure leaves as a ParseFailure (spec §5.2).
 */

import type { DocumentParser, ParsedDocument, ParseInput } from '../../ports/parser.js';
import { parseCsv } from './csv.js';
import { withDeadline } from './deadline.js';
import { type Format, sniffFile } from './detect.js';
import { asParseFailure, emptyFile, noText, timedOut, tooManyPages, unsupportedType } from './failures.js';
import type { FormatParser } from './format-parser.js';
import { parseHtml } from './html.js';
import { parsePdf } from './pdf.js';
import { parseText } from './text.js';
import { parseXml } from './xml.js';

const PARSERS: Record<Format, FormatParser> = {
  pdf: parsePdf,
  text: parseText,
  markdown: parseText,
  csv: parseCsv,
  tsv: parseCsv,
  html: parseHtml,
  xml: parseXml,
};

export function createDocumentParser(): DocumentParser {
  return {
    detect(bytes, fileName, mimeType) {
      const sniffed = sniffFile(bytes, fileName, mimeType);
      return sniffed.supported ? sniffed.type : null;
    },
    // The port promises ParseFailure only: whatever else escapes (a bug, a library surprise) is wrapped.
    parse: (input) =>
      parseDocument(input).catch((error: unknown) => {
        throw asParseFailure(error);
      }),
  };
}

async function parseDocument(input: ParseInput): Promise<ParsedDocument> {
  const { bytes, fileName, limits } = input;
  if (bytes.length === 0) throw emptyFile();
  const sniffed = sniffFile(bytes, fileName, input.mimeType);
  if (!sniffed.supported) throw unsupportedType(sniffed.label, fileName);
  const { format, type } = sniffed;
  const pages = await withDeadline(
    limits.timeoutMs,
    () => timedOut(limits.timeoutMs),
    (signal) =>
      PARSERS[format]({ bytes, format, password: input.password ?? null, maxPages: limits.maxPages, signal }),
  );
  if (pages.length === 0) throw noText('file');
  // Formats without real pages are split into ~3,000-character pages, so the limit applies to those too.
  if (pages.length > limits.maxPages) {
    throw tooManyPages(
      pages.length,
      limits.maxPages,
      format === 'pdf' ? 'pages' : 'pages of ~3,000 characters',
    );
  }
  return { fileType: type.fileType, mimeType: type.mimeType, pages };
}
