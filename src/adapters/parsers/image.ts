/**
 * Images (PNG, JPEG, TIFF, WebP, BMP, GIF) through OCR: one page per image, or per page of a multi-page
 * TIFF; an animated GIF or WebP is read from its first frame. sharp decodes (BMP through bmp.ts, which
 * libvips lacks), the pixel limit is checked from the header before any pixel is decoded, and each page is
 * normalised (prepare-image.ts) and handed to the OCR engine.
 */

import type { Sharp, SharpOptions } from 'sharp';
import { ParseFailure } from '../../ports/parser.js';
import { tooManyPages } from './failures.js';
import type { FormatParser } from './format-parser.js';
import { sniffImage } from './image-format.js';
import { decodeBmp, readBmpHeader } from './ocr/bmp.js';
import { nothingLegible } from './ocr/page-ocr.js';
import { type ImageSize, prepareForOcr } from './ocr/prepare-image.js';

type SharpFactory = typeof import('sharp').default;

let sharpModule: Promise<SharpFactory> | undefined;

/** Loaded on first use, like pdf.js: libvips has no business in processes that never see an image. */
function loadSharp(): Promise<SharpFactory> {
  sharpModule ??= import('sharp').then((module) => module.default);
  return sharpModule;
}

export const parseImage: FormatParser = async ({ bytes, maxPages, signal, ocr }) => {
  const kind = sniffImage(bytes);
  if (!kind) throw new ParseFailure('CORRUPT_FILE', 'The image could not be read: unknown image format.');
  const sharp = await loadSharp();
  if (kind === 'bmp') {
    const header = readBmpHeader(bytes);
    checkPixels(header, ocr.maxImagePixels);
    const bitmap = decodeBmp(bytes);
    const raw = sharp(bitmap.pixels, { raw: { width: bitmap.width, height: bitmap.height, channels: 3 } });
    const page = await ocr.readPage(await decode(prepareForOcr(raw, bitmap)), 1, signal);
    if (page.text === '') throw nothingLegible('image');
    return [page];
  }
  const options: SharpOptions = { limitInputPixels: ocr.maxImagePixels, failOn: 'error' };
  // Reading the header decodes no pixels, so it goes without the limit: the check below names the size.
  const header = (page?: number) => sharp(bytes, { ...options, limitInputPixels: false, page }).metadata();
  const first = await decode(header());
  // Only TIFF pages are pages; GIF and WebP "pages" are animation frames.
  const pageCount = kind === 'tiff' ? (first.pages ?? 1) : 1;
  if (pageCount > maxPages) throw tooManyPages(pageCount, maxPages);
  const pages = [];
  for (let page = 0; page < pageCount; page++) {
    if (signal.aborted) throw new ParseFailure('INTERNAL_ERROR', 'Parsing was cancelled.');
    const source: Sharp = sharp(bytes, { ...options, page });
    const meta = page === 0 ? first : await decode(header(page));
    const size: ImageSize = {
      width: meta.width ?? 0,
      height: meta.height ?? 0,
      density: meta.density,
      orientation: meta.orientation,
    };
    checkPixels(size, ocr.maxImagePixels);
    pages.push(await ocr.readPage(await decode(prepareForOcr(source, size)), page + 1, signal));
  }
  if (pages.every((page) => page.text === '')) throw nothingLegible('image');
  return pages;
};

function checkPixels({ width, height }: { width: number; height: number }, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw new ParseFailure(
      'FILE_SIZE_TOO_LARGE',
      `The image is ${width} x ${height} pixels (${megapixels(width * height)}); the limit is ${megapixels(maxPixels)}.`,
    );
  }
}

const megapixels = (pixels: number): string => `${Math.round(pixels / 100_000) / 10} megapixels`;

/** sharp's errors are plain Errors; the pixel limit is the only one that is not damage. */
async function decode<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ParseFailure) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message)) {
      throw new ParseFailure('FILE_SIZE_TOO_LARGE', 'The image has more pixels than the limit allows.');
    }
    throw new ParseFailure('CORRUPT_FILE', `The image could not be read: ${message}`);
  }
}
