/**
 * The DocumentParser: detects the format from the bytes, hands the file to that format's parser under the
 * time budget, and enforces the page limit. Every failure leaves as a ParseFailure (spec §5.2).
 */

import type { DocumentParser, ParsedDocument, ParseInput } from '../../ports/parser.js';
import type { AnyFormatParser } from './container-parser.js';
import { parseCsv } from './csv.js';
import { withDeadline } from './deadline.js';
import { type Format, sniffFile } from './detect.js';
import { parseDocx } from './docx.js';
import { parseEml } from './eml.js';
import { asParseFailure, emptyFile, noText, timedOut, tooManyPages, unsupportedType } from './failures.js';
import { parseHtml } from './html.js';
import { parseImage } from './image.js';
import { createOcrEngine } from './ocr/create-engine.js';
import type { OcrEngine } from './ocr/engine.js';
import { createPageOcr, type OcrSettings } from './ocr/page-ocr.js';
import { type DocumentParserOptions, resolveOcrOptions } from './parser-options.js';
import { parsePdf } from './pdf.js';
import { parsePptx } from './pptx.js';
import { parseText } from './text.js';
import { parseXlsx } from './xlsx.js';
import { parseXml } from './xml.js';

const PARSERS: Record<Format, AnyFormatParser> = {
  pdf: parsePdf,
  text: parseText,
  markdown: parseText,
  csv: parseCsv,
  tsv: parseCsv,
  html: parseHtml,
  xml: parseXml,
  docx: parseDocx,
  xlsx: parseXlsx,
  pptx: parsePptx,
  eml: parseEml,
  image: parseImage,
};

export type { DocumentParserOptions } from './parser-options.js';

export function createDocumentParser(options: DocumentParserOptions = {}): DocumentParser {
  const ocr = resolveOcrOptions(options);
  // Creating the engine starts nothing: its workers start with the first page that needs OCR.
  const engine = createOcrEngine(ocr.engine);
  return {
    detect(bytes, fileName, mimeType) {
      const sniffed = sniffFile(bytes, fileName, mimeType);
      return sniffed.supported ? sniffed.type : null;
    },
    // The port promises ParseFailure only: whatever else escapes (a bug, a library surprise) is wrapped.
    parse: (input) =>
      parseDocument(input, engine, ocr.settings).catch((error: unknown) => {
        throw asParseFailure(error);
      }),
    close: () => engine.close(),
  };
}

async function parseDocument(
  input: ParseInput,
  engine: OcrEngine,
  settings: OcrSettings,
): Promise<ParsedDocument> {
  const { bytes, fileName, limits } = input;
  if (bytes.length === 0) throw emptyFile();
  const sniffed = sniffFile(bytes, fileName, input.mimeType);
  if (!sniffed.supported) throw sniffed.failure?.(fileName) ?? unsupportedType(sniffed.label, fileName);
  const { format, type } = sniffed;
  const ocr = createPageOcr(engine, settings, limits);
  const output = await withDeadline(
    limits.timeoutMs,
    () => timedOut(limits.timeoutMs),
    (signal) =>
      PARSERS[format]({
        bytes,
        format,
        password: input.password ?? null,
        maxPages: limits.maxPages,
        limits,
        signal,
        ocr,
      }),
  );
  const { pages, ...extras } = Array.isArray(output) ? { pages: output } : output;
  if (pages.length === 0) throw noText('file');
  // Formats without real pages are split into ~3,000-character pages, so the limit applies to those too.
  if (pages.length > limits.maxPages) {
    throw tooManyPages(
      pages.length,
      limits.maxPages,
      format === 'pdf' ? 'pages' : format === 'pptx' ? 'slides' : 'pages of ~3,000 characters',
    );
  }
  return { fileType: type.fileType, mimeType: type.mimeType, pages, ...extras };
}
