/** How the DocumentParser reads page images. Plain data: it is also sent to isolated parser processes. */

import { availableParallelism } from 'node:os';
import { DEFAULT_PAGE_SEGMENTATION_MODE, type OcrEngineChoice, type OcrOptions } from './ocr/engine.js';
import { DEFAULT_OCR_SETTINGS, type OcrSettings } from './ocr/page-ocr.js';

export interface DocumentParserOptions extends Partial<OcrSettings> {
  /** `auto` (the default) uses the native tesseract command when it is on PATH, else tesseract.js. */
  ocrEngine?: OcrEngineChoice;
  /** OCR engine instances; at most the number of cores (the default). */
  ocrWorkers?: number;
  /** Tesseract's page segmentation mode (3, automatic, by default). */
  pageSegmentationMode?: number;
}

export function resolveOcrOptions(options: DocumentParserOptions): {
  engine: OcrOptions;
  settings: OcrSettings;
} {
  return {
    engine: {
      engine: options.ocrEngine ?? 'auto',
      workers: options.ocrWorkers ?? availableParallelism(),
      pageSegmentationMode: options.pageSegmentationMode ?? DEFAULT_PAGE_SEGMENTATION_MODE,
    },
    settings: {
      pageTimeoutMs: options.pageTimeoutMs ?? DEFAULT_OCR_SETTINGS.pageTimeoutMs,
      maxImagePixels: options.maxImagePixels ?? DEFAULT_OCR_SETTINGS.maxImagePixels,
      renderDpi: options.renderDpi ?? DEFAULT_OCR_SETTINGS.renderDpi,
    },
  };
}
