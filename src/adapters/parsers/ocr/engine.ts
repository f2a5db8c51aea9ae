/**
 * An OCR engine reads one page image at a time. Two implementations give the same output (text with lines
 * and paragraphs as Tesseract lays them out, and the mean word confidence): tesseract.js, always available,
 * and the native `tesseract` command where it is installed. Native Tesseract computes a page two to three
 * times faster, but as a command it loads its model for every page; against warm tesseract.js workers the
 * two come out even (bench/ocr.ts), and the command holds half the memory.
 */

import type { GrayImage } from './gray-image.js';

export type OcrEngineChoice = 'auto' | 'tesseract.js' | 'native';

export interface OcrResult {
  text: string;
  /** Mean word confidence, 0-100 as Tesseract reports it; 0 when no word was found. */
  confidence: number;
}

export interface OcrEngine {
  readonly name: 'tesseract.js' | 'native';
  /**
   * Reads one page. When `signal` aborts, the page's engine is stopped (a worker terminated, a process
   * killed) and the promise rejects with the signal's reason.
   */
  recognize(image: GrayImage, signal: AbortSignal): Promise<OcrResult>;
  /** Stops every engine instance; a later recognize starts new ones. */
  close(): Promise<void>;
}

export interface OcrOptions {
  engine: OcrEngineChoice;
  /** Engine instances (workers or processes) running at once; each is single-threaded. */
  workers: number;
  /**
   * Tesseract's page segmentation mode: 3 finds columns and blocks (its default for documents), 6 reads
   * the page as one block (slightly better on receipts, worse on multi-column pages).
   */
  pageSegmentationMode?: number;
}

export const DEFAULT_PAGE_SEGMENTATION_MODE = 3;
