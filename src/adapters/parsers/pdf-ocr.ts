/**
 * The OCR fallback for PDF pages without a usable text layer: a scan has none, and some producers write
 * one that decodes to junk (fonts without a Unicode map give replacement or private-use characters). Such
 * pages are rendered with pdf.js on @napi-rs/canvas and read by OCR, one at a time. A page whose layer has
 * only a few characters (a stamped page number on a scan) is OCR'd when it draws images, and the longer
 * reading is kept.
 */

import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { type ParsedPage, ParseFailure } from '../../ports/parser.js';
import type { GrayImage } from './ocr/gray-image.js';
import type { PageOcr } from './ocr/page-ocr.js';

/** A layer shorter than this (letters and digits) may be a stamp on a scanned page. */
const SHORT_LAYER = 20;
/** More than this share of unreadable characters (U+FFFD, private use, unassigned, controls) is junk. */
const MAX_JUNK_SHARE = 0.1;
/**
 * Less than this share of letters and digits among the other characters is junk too. Punctuation is left
 * out of the count: a table of contents is mostly dot leaders and is perfectly good text.
 */
const MIN_WORD_SHARE = 0.5;
/** Renders stop growing here whatever the DPI (16 MP: a Letter page at 400 dpi), bounding canvas memory. */
const MAX_RENDER_PIXELS = 16_000_000;

/** pdf.js's operator codes that paint images (its OPS table, which is not typed by name). */
const IMAGE_OPERATORS = new Set([83, 84, 85, 86, 87, 88, 89]);

interface CanvasEntry {
  canvas: { width: number; height: number };
  context: { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

/** pdf.js's canvas factory (NodeCanvasFactory over @napi-rs/canvas in Node); typed as Object by pdf.js. */
export interface CanvasFactory {
  create(width: number, height: number): CanvasEntry;
  destroy(entry: CanvasEntry): void;
}

export type LayerQuality = 'usable' | 'short' | 'junk' | 'empty';

export function judgeTextLayer(text: string): LayerQuality {
  let total = 0;
  let words = 0;
  let junk = 0;
  let punctuation = 0;
  for (const char of text) {
    const kind = charKind(char);
    if (kind === SPACE) continue;
    total++;
    if (kind === WORD) words++;
    else if (kind === JUNK) junk++;
    else if (kind === PUNCTUATION) punctuation++;
  }
  if (total === 0) return 'empty';
  if (junk > total * MAX_JUNK_SHARE) return 'junk';
  if (words < (total - punctuation) * MIN_WORD_SHARE) return 'junk';
  return words < SHORT_LAYER ? 'short' : 'usable';
}

const SPACE = 1;
const WORD = 2;
const JUNK = 3;
const PUNCTUATION = 4;
const OTHER = 5;

/** Kinds of the Basic Multilingual Plane's characters, filled in as they are met (0: not yet known). */
const bmpKinds = new Uint8Array(0x10000);

/** Every character of every page is judged: the Unicode-class regexes run once per distinct character. */
function charKind(char: string): number {
  const code = char.length === 1 ? char.charCodeAt(0) : -1;
  const known = code >= 0 ? bmpKinds[code]! : 0;
  if (known !== 0) return known;
  const kind = /\s/u.test(char)
    ? SPACE
    : /[\p{L}\p{N}]/u.test(char)
      ? WORD
      : /[\uFFFD\p{Co}\p{Cn}\p{Cc}]/u.test(char)
        ? JUNK
        : /\p{P}/u.test(char)
          ? PUNCTUATION
          : OTHER;
  if (code >= 0) bmpKinds[code] = kind;
  return kind;
}

export interface PdfPageOcrInput {
  page: PDFPageProxy;
  pageNumber: number;
  /** The text layer as extracted. */
  text: string;
  canvasFactory: CanvasFactory;
  ocr: PageOcr;
  signal: AbortSignal;
}

/** The page as parsed: its text layer when usable, otherwise what OCR reads. */
export async function readPdfPage(input: PdfPageOcrInput): Promise<ParsedPage> {
  const { page, pageNumber, text, ocr, signal } = input;
  const layer: ParsedPage = { pageNumber, text, markdown: text };
  const quality = judgeTextLayer(text);
  if (quality === 'usable') return layer;
  if (quality === 'short' && !(await drawsImages(page))) return layer;
  let image: GrayImage;
  try {
    image = await renderPage(page, input.canvasFactory, ocr.renderDpi, ocr.maxImagePixels, signal);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const detail = error instanceof Error ? error.message : String(error);
    throw new ParseFailure('OCR_ERROR', `Page ${pageNumber} could not be rendered for OCR: ${detail}`);
  }
  const read = await ocr.readPage(image, pageNumber, signal);
  if (quality === 'short' && wordCount(read.text) <= wordCount(text)) return layer;
  return read;
}

async function drawsImages(page: PDFPageProxy): Promise<boolean> {
  const { fnArray } = await page.getOperatorList();
  return fnArray.some((op) => IMAGE_OPERATORS.has(op));
}

function wordCount(text: string): number {
  return text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
}

/** Renders at `dpi`, reduced to stay within the pixel caps, on white, and converts to grayscale. */
export async function renderPage(
  page: PDFPageProxy,
  canvasFactory: CanvasFactory,
  dpi: number,
  maxPixels: number,
  signal: AbortSignal,
): Promise<GrayImage> {
  const unit = page.getViewport({ scale: 1 });
  let scale = dpi / 72;
  const cap = Math.min(maxPixels, MAX_RENDER_PIXELS);
  const pixels = unit.width * unit.height * scale * scale;
  if (pixels > cap) scale *= Math.sqrt(cap / pixels);
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.floor(viewport.width));
  const height = Math.max(1, Math.floor(viewport.height));
  const entry = canvasFactory.create(width, height);
  try {
    const task = page.render({
      // pdf.js types these as DOM canvas objects; in Node they are @napi-rs/canvas ones.
      canvasContext: entry.context as never,
      canvas: entry.canvas as never,
      viewport,
      background: 'white',
    });
    const cancel = (): void => task.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      await task.promise;
    } finally {
      signal.removeEventListener('abort', cancel);
    }
    const rgba = entry.context.getImageData(0, 0, width, height).data;
    const gray = new Uint8Array(width * height);
    for (let i = 0, j = 0; i < gray.length; i++, j += 4) {
      // ITU-R BT.601 luma, in integers.
      gray[i] = (rgba[j]! * 299 + rgba[j + 1]! * 587 + rgba[j + 2]! * 114) / 1000;
    }
    return { width, height, pixels: gray };
  } finally {
    canvasFactory.destroy(entry);
  }
}
