/** Picks the OCR engine: `auto` takes the native command when it is on PATH, tesseract.js otherwise. */

import { availableParallelism } from 'node:os';
import { DEFAULT_PAGE_SEGMENTATION_MODE, type OcrEngine, type OcrOptions } from './engine.js';
import { createNativeEngine, findNativeTesseract } from './native-engine.js';
import { createTesseractJsEngine } from './tesseract-js-engine.js';

export function createOcrEngine(options: OcrOptions): OcrEngine {
  // Each engine instance is single-threaded, so more instances than cores only adds memory.
  const workers = Math.max(1, Math.min(availableParallelism(), options.workers));
  const mode = options.pageSegmentationMode ?? DEFAULT_PAGE_SEGMENTATION_MODE;
  if (options.engine === 'tesseract.js') return createTesseractJsEngine(workers, mode);
  const binary = findNativeTesseract();
  if (binary) return createNativeEngine(binary, workers, mode);
  if (options.engine === 'native') {
    throw new Error('DOCSORT_OCR_ENGINE is "native" but no tesseract command is on PATH');
  }
  return createTesseractJsEngine(workers, mode);
}
