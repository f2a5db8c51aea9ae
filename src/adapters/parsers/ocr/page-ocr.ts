/**
 * What the image and PDF parsers use to read a page: the shared OCR engine behind the per-page time limit,
 * with failures worded as Extend's OCR_ERROR and the text normalised like every other format's. A page that
 * reads as garbage is read again turned (orientation.ts), within the same page time limit.
 */

import { type ParsedPage, ParseFailure, type ParseLimits } from '../../../ports/parser.js';
import { normaliseText } from '../text-pages.js';
import type { OcrEngine } from './engine.js';
import { type GrayImage, isBlank } from './gray-image.js';
import { readInBestOrientation } from './orientation.js';

export interface OcrSettings {
  /** OCR of one page; beyond it the page fails with OCR_ERROR. */
  pageTimeoutMs: number;
  /** Width x height allowed in one image or page render; beyond it FILE_SIZE_TOO_LARGE. */
  maxImagePixels: number;
  /** Resolution scanned PDF pages are rendered at. */
  renderDpi: number;
}

export const DEFAULT_OCR_SETTINGS: OcrSettings = {
  pageTimeoutMs: 60_000,
  maxImagePixels: 40_000_000,
  renderDpi: 200,
};

/** Room asked of the page's remaining time before a retry, as a multiple of the first pass's duration. */
const RETRY_TIME_MARGIN = 1.5;

export interface PageOcr extends OcrSettings {
  /** Reads one page image; a blank page skips the engine. Throws ParseFailure. */
  readPage(image: GrayImage, pageNumber: number, signal: AbortSignal): Promise<ParsedPage>;
}

/** The parser's settings, with the per-file limits (ParseLimits) taking precedence. */
export function createPageOcr(engine: OcrEngine, defaults: OcrSettings, limits: ParseLimits): PageOcr {
  const settings: OcrSettings = {
    ...defaults,
    pageTimeoutMs: limits.pageTimeoutMs ?? defaults.pageTimeoutMs,
    maxImagePixels: limits.maxImagePixels ?? defaults.maxImagePixels,
  };
  return {
    ...settings,
    async readPage(image, pageNumber, signal) {
      if (isBlank(image)) return { pageNumber, text: '', markdown: '' };
      const pageTimer = AbortSignal.timeout(settings.pageTimeoutMs);
      const pageSignal = AbortSignal.any([signal, pageTimer]);
      const started = performance.now();
      let firstPassMs = 0;
      const read = async (page: GrayImage) => {
        const result = await engine.recognize(page, pageSignal);
        firstPassMs = performance.now() - started;
        return result;
      };
      // A retry is only started when another pass as long as the first fits in the page's time: one cut
      // short by the timer would throw its work away (and cost tesseract.js its worker).
      const retry = async (page: GrayImage) => {
        const left = settings.pageTimeoutMs - (performance.now() - started);
        if (left < firstPassMs * RETRY_TIME_MARGIN) return null;
        try {
          return await engine.recognize(page, pageSignal);
        } catch (error) {
          if (pageTimer.aborted && !signal.aborted) return null;
          throw error;
        }
      };
      try {
        const result = await readInBestOrientation(image, read, retry);
        const text = normaliseText(result.text);
        return {
          pageNumber,
          text,
          markdown: text,
          ocrConfidence: round(result.confidence / 100),
          ...(result.rotation !== 0 ? { ocrRotation: result.rotation } : {}),
        };
      } catch (error) {
        // The file's own deadline (or cancellation) has its own error; let it through unchanged.
        if (signal.aborted) throw signal.reason;
        if (pageTimer.aborted) {
          throw new ParseFailure(
            'OCR_ERROR',
            `OCR of page ${pageNumber} timed out after ${settings.pageTimeoutMs} ms.`,
          );
        }
        const detail = error instanceof Error ? error.message : String(error);
        throw new ParseFailure('OCR_ERROR', `OCR failed on page ${pageNumber}: ${detail}`);
      }
    },
  };
}

/** Every page came out empty, OCR included: blank scans, or no legible text. */
export const nothingLegible = (what: string): ParseFailure =>
  new ParseFailure(
    'OCR_ERROR',
    `No text could be read from the ${what}, even by OCR: its pages are blank or illegible.`,
  );

function round(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}
