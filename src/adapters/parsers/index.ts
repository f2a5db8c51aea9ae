/**
 * The DocumentParser: detects the format from the bytes, hands the file to that format's parser under the
 * time budget, and enforces the page limit. Every failure leaves as a ParseFailure (spec §5.2).
 */

import {
  type DocumentParser,
  type ParsedDocument,
  ParseFailure,
  type ParseInput,
} from '../../ports/parser.js';
import type { AnyFormatParser } from './container-parser.js';
import { withDeadline } from './deadline.js';
import { type Format, sniffFile } from './detect.js';
import { asParseFailure, emptyFile, noText, timedOut, tooManyPages, unsupportedType } from './failures.js';
import { createOcrEngine } from './ocr/create-engine.js';
import type { OcrEngine } from './ocr/engine.js';
import { createPageOcr, type OcrSettings } from './ocr/page-ocr.js';
import type { PageShard, ShardReader } from './page-shard.js';
import {
  type ContainerLimits,
  type DocumentParserOptions,
  resolveContainerLimits,
  resolveOcrOptions,
  withContainerLimits,
} from './parser-options.js';

/**
 * Each format's parser, imported on the first file of that format: mammoth, mailparser, jszip, our XLSX reader and
 * html-to-text (pdf.js, sharp and tesseract.js load later still, in their parsers) would otherwise double a
 * parser process's start-up time and memory before it has seen a single file.
 */
const PARSERS: Record<Format, () => Promise<AnyFormatParser>> = {
  pdf: () => import('./pdf.js').then((m) => m.parsePdf),
  text: () => import('./text.js').then((m) => m.parseText),
  markdown: () => import('./text.js').then((m) => m.parseText),
  csv: () => import('./csv.js').then((m) => m.parseCsv),
  tsv: () => import('./csv.js').then((m) => m.parseCsv),
  html: () => import('./html.js').then((m) => m.parseHtml),
  xml: () => import('./xml.js').then((m) => m.parseXml),
  docx: () => import('./docx.js').then((m) => m.parseDocx),
  xlsx: () => import('./xlsx.js').then((m) => m.parseXlsx),
  pptx: () => import('./pptx.js').then((m) => m.parsePptx),
  eml: () => import('./eml.js').then((m) => m.parseEml),
  image: () => import('./image.js').then((m) => m.parseImage),
};

export type { DocumentParserOptions } from './parser-options.js';

/** The in-process parser; parser processes also read shards of a PDF split across them (page-shard.ts). */
export function createDocumentParser(options: DocumentParserOptions = {}): DocumentParser & ShardReader {
  const ocr = resolveOcrOptions(options);
  const containerLimits = resolveContainerLimits(options);
  // Creating the engine starts nothing: its workers start with the first page that needs OCR.
  const engine = createOcrEngine(ocr.engine);
  return {
    detect(bytes, fileName, mimeType) {
      const sniffed = sniffFile(bytes, fileName, mimeType);
      return sniffed.supported ? sniffed.type : null;
    },
    // The port promises ParseFailure only: whatever else escapes (a bug, a library surprise) is wrapped.
    parse: (input) =>
      parseDocument(input, engine, ocr.settings, containerLimits, null).catch((error: unknown) => {
        throw asParseFailure(error);
      }),
    parseShard: (input, shard) =>
      parseDocument(input, engine, ocr.settings, containerLimits, shard).catch((error: unknown) => {
        throw asParseFailure(error);
      }),
    close: () => engine.close(),
  };
}

async function parseDocument(
  input: ParseInput,
  engine: OcrEngine,
  settings: OcrSettings,
  containerLimits: ContainerLimits,
  shard: PageShard | null,
): Promise<ParsedDocument> {
  const { bytes, fileName } = input;
  const limits = withContainerLimits(input.limits, containerLimits);
  if (bytes.length === 0) throw emptyFile();
  const sniffed = sniffFile(bytes, fileName, input.mimeType);
  if (!sniffed.supported && !sniffed.encrypted) {
    throw sniffed.failure?.(fileName) ?? unsupportedType(sniffed.label, fileName);
  }
  if (shard && (!sniffed.supported || sniffed.format !== 'pdf')) {
    const what = sniffed.supported ? sniffed.format : sniffed.label;
    throw new ParseFailure('INTERNAL_ERROR', `Only PDFs are split across parser processes, not ${what}.`);
  }
  const ocr = createPageOcr(engine, settings, limits);
  const password = input.password ?? null;
  const { output, format, type } = await withDeadline(
    limits.timeoutMs,
    () => timedOut(limits.timeoutMs),
    async (signal) => {
      // An encrypted DOCX, XLSX or PPTX is decrypted here, under the time budget, and read like any other.
      const opened = sniffed.supported
        ? { bytes, format: sniffed.format, type: sniffed.type }
        : await import('./office-crypto/open-encrypted.js').then((m) =>
            m.openEncryptedOffice(bytes, fileName, password, limits, signal),
          );
      const parseFormat = await PARSERS[opened.format]();
      const parsed = await parseFormat({
        bytes: opened.bytes,
        format: opened.format,
        password,
        maxPages: limits.maxPages,
        limits,
        signal,
        ocr,
        ...(shard ? { shard } : {}),
      });
      return { output: parsed, format: opened.format, type: opened.type };
    },
  );
  const { pages, ...extras } = Array.isArray(output) ? { pages: output } : output;
  // A shard of a short PDF may hold no page at all; the merged document is checked instead.
  if (pages.length === 0 && !shard) throw noText('file');
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
