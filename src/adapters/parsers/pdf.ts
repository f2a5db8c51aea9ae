/**
 * PDF text layers through pdf.js (legacy build, the one meant for Node): one ParsedPage per PDF page. Pages
 * without a usable text layer (scans, junk encodings) are rendered and read by OCR (pdf-ocr.ts); a document
 * in which even OCR finds nothing fails with OCR_ERROR.
 */

import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { type ParsedPage, ParseFailure } from '../../ports/parser.js';
import { tooManyPages } from './failures.js';
import type { FormatParser } from './format-parser.js';
import { nothingLegible } from './ocr/page-ocr.js';
import { inShard } from './page-shard.js';
import { type CanvasFactory, readPdfPage } from './pdf-ocr.js';
import { isTextItem, joinTextItems } from './pdf-text.js';
import { loadPdfJs, packageDir } from './pdfjs.js';

export const parsePdf: FormatParser = async ({ bytes, password, maxPages, signal, ocr, shard }) => {
  const { getDocument, VerbosityLevel } = await loadPdfJs();
  const task = getDocument({
    // A copy: pdf.js transfers the buffer to its worker side (detaching the caller's bytes) and refuses Buffers.
    data: new Uint8Array(bytes),
    password: password ?? undefined,
    // Without the standard fonts pdf.js warns and mis-measures the 14 base fonts; CMaps decode CJK text.
    standardFontDataUrl: packageDir('standard_fonts'),
    cMapUrl: packageDir('cmaps'),
    cMapPacked: true,
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: VerbosityLevel.ERRORS,
  });
  const abort = (): void => void task.destroy();
  signal.addEventListener('abort', abort, { once: true });
  try {
    const document = await task.promise;
    if (document.numPages === 0) throw new ParseFailure('CORRUPT_FILE', 'The PDF has no pages.');
    if (document.numPages > maxPages) throw tooManyPages(document.numPages, maxPages);
    const pages: ParsedPage[] = [];
    for (let pageNumber = 1; pageNumber <= document.numPages; pageNumber++) {
      if (shard && !inShard(pageNumber, shard)) continue;
      // pdf.js's in-thread worker talks through microtasks only; yielding a macrotask lets the deadline
      // timer (and the rest of the process) run between pages.
      await nextMacrotask();
      if (signal.aborted) throw new ParseFailure('INTERNAL_ERROR', 'Parsing was cancelled.');
      const page = await document.getPage(pageNumber);
      const content = await page.getTextContent();
      const text = joinTextItems(content.items.filter(isTextItem));
      const canvasFactory = document.canvasFactory as CanvasFactory;
      pages.push(await readPdfPage({ page, pageNumber, text, canvasFactory, ocr, signal }));
      page.cleanup();
    }
    if (!shard && pages.every((page) => page.text === '')) throw nothingLegible('PDF');
    return pages;
  } catch (error) {
    throw pdfFailure(error);
  } finally {
    signal.removeEventListener('abort', abort);
    await task.destroy();
  }
};

/** pdf.js's exceptions cross its worker boundary as copies, so they are told apart by name, not class. */
function pdfFailure(error: unknown): ParseFailure {
  if (error instanceof ParseFailure) return error;
  const { name, message, code } = error as { name?: string; message?: string; code?: number };
  if (name === 'PasswordException') {
    // PasswordResponses: 1 = a password is needed, 2 = the one given is wrong.
    return new ParseFailure(
      'PASSWORD_PROTECTED_FILE',
      code === 2
        ? 'The password for this PDF is incorrect.'
        : 'The PDF is password-protected; supply its password.',
    );
  }
  return new ParseFailure('CORRUPT_FILE', `The PDF could not be read: ${message ?? String(error)}`);
}
