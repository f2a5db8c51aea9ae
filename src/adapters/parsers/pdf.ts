/**
 * PDF text layers through pdf.js (legacy build, the one meant for Node): one ParsedPage per PDF page. Pages
 * without a usable text layer (scans, junk encodings) are rendered and read by OCR (pdf-ocr.ts); a document
 * in which even OCR finds nothing fails with OCR_ERROR.
 */

import { createRequire } from 'node:module';
import path from 'node:path';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { type ParsedPage, ParseFailure } from '../../ports/parser.js';
import { tooManyPages } from './failures.js';
import type { FormatParser } from './format-parser.js';
import { nothingLegible } from './ocr/page-ocr.js';
import { type CanvasFactory, readPdfPage } from './pdf-ocr.js';
import { isTextItem, joinTextItems } from './pdf-text.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjs: Promise<PdfJs> | undefined;

/** Loaded on first use: 2 MB of pdf.js has no business in processes that never see a PDF. */
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs').then((module) => {
    // Node has no Worker here: pdf.js runs its worker code in this thread (its "fake worker"), importing it
    // from workerSrc. Pin that to the package's own file so a bundler or another cwd cannot break the default.
    module.GlobalWorkerOptions.workerSrc = pathToFileURL(packageFile('legacy/build/pdf.worker.mjs')).href;
    return module;
  });
  return pdfjs;
}

function packageFile(relative: string): string {
  const packageJson = createRequire(import.meta.url).resolve('pdfjs-dist/package.json');
  return path.join(path.dirname(packageJson), relative);
}

/** pdf.js wants directories as strings ending in "/" (it reads them with fs in Node). */
const packageDir = (relative: string): string => packageFile(relative).split(path.sep).join('/') + '/';

export const parsePdf: FormatParser = async ({ bytes, password, maxPages, signal, ocr }) => {
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
    if (pages.every((page) => page.text === '')) throw nothingLegible('PDF');
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
