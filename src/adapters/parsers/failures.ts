/** The ParseFailures more than one parser raises, worded once so messages stay consistent. */

import { ParseFailure } from '../../ports/parser.js';

export const emptyFile = (): ParseFailure => new ParseFailure('CORRUPT_FILE', 'The file is empty.');

export const noText = (what: string): ParseFailure =>
  new ParseFailure('CORRUPT_FILE', `The ${what} contains no text.`);

export const unsupportedType = (label: string, fileName: string): ParseFailure =>
  new ParseFailure(
    'FILE_TYPE_NOT_SUPPORTED',
    `Unsupported file type: ${label}${fileName ? ` (${fileName})` : ''}. Supported: PDF, text, Markdown, CSV, TSV, HTML, XML, DOCX, XLSX, PPTX, EML, images (PNG, JPEG, TIFF, WebP, BMP, GIF).`,
  );

export const tooManyPages = (pages: number, maxPages: number, unit = 'pages'): ParseFailure =>
  new ParseFailure('FILE_SIZE_TOO_LARGE', `The file has ${pages} ${unit}; the limit is ${maxPages}.`);

export const timedOut = (timeoutMs: number): ParseFailure =>
  new ParseFailure('INTERNAL_ERROR', `Parsing timed out after ${timeoutMs} ms.`);

/** Anything a parser did not foresee: never let a plain Error escape the port. */
export function asParseFailure(error: unknown): ParseFailure {
  if (error instanceof ParseFailure) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ParseFailure('INTERNAL_ERROR', `The file could not be parsed: ${detail}`);
}
