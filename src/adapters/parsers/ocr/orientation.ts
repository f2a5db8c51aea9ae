/**
 * Pages scanned upside down or sideways. Our language data has no orientation model (OSD), so the page is
 * read as it comes and, only when that reading looks wrong, read again turned: 180° first (a sheet fed
 * upside down), then a quarter turn each way. The reading with the best evidence is kept.
 *
 * Measured on the 40 receipts (each read in all four turns; bench/ocr.ts --rotate gives the end result):
 * upright pages read at a mean word confidence of 50.7-87.4 (native) and 53-88 (tesseract.js); upside down
 * or turned 270° they read as garbage (line CER 64%) at 20-43 and 24-47, with about as many characters as
 * upright (median 95%), so the amount of text read tells little and the confidence tells most. Tesseract's
 * layout analysis reads a page turned 90° clockwise by itself (as vertical text lines, line CER 10.3%
 * against 9.2% upright), which is why a page turned 270° is rescued by the 180° retry.
 */

import type { OcrResult } from './engine.js';
import type { GrayImage } from './gray-image.js';
import { type Rotation, rotateGray } from './rotate-image.js';

/**
 * Below this mean word confidence a reading looks wrong and the page is read turned. Between the best
 * wrong orientation (47) and the worst upright receipt (50.7). A needless retry costs time, never text (the
 * upright reading is kept while it stays the best); at 45 one receipt turned 270° stayed garbage, at 55
 * two upright receipts took extra passes.
 */
export const MISREAD_BELOW_CONFIDENCE = 50;
/** The turns tried, in order, after a reading that looks wrong: at most three more passes. */
export const RETRY_ROTATIONS: readonly Rotation[] = [180, 90, 270];
/**
 * Readings with few characters lose evidence: a turned page can yield one confident blob of a word.
 * At 5, ten characters keep two thirds of their confidence and a receipt's 500 keep 99%.
 */
const FEW_CHARACTERS = 5;

export interface OrientedResult extends OcrResult {
  /** Degrees the page was turned clockwise before the reading was made. */
  rotation: Rotation;
}

export function looksMisread(result: OcrResult): boolean {
  return result.confidence < MISREAD_BELOW_CONFIDENCE;
}

/** How much a reading is to be believed: its confidence, discounted when it found almost nothing. */
export function evidence(result: OcrResult): number {
  const characters = result.text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  return (result.confidence * characters) / (characters + FEW_CHARACTERS);
}

/**
 * Reads `image` as it is and, if that looks wrong, turned, stopping at the first reading that looks
 * right. `retry` reads a turned page, or returns null when the page has no time left for another pass:
 * the best reading so far is then kept.
 */
export async function readInBestOrientation(
  image: GrayImage,
  read: (image: GrayImage) => Promise<OcrResult>,
  retry: (image: GrayImage) => Promise<OcrResult | null>,
): Promise<OrientedResult> {
  let best: OrientedResult = { ...(await read(image)), rotation: 0 };
  for (const rotation of RETRY_ROTATIONS) {
    if (!looksMisread(best)) break;
    const reading = await retry(rotateGray(image, rotation));
    if (reading === null) break;
    if (evidence(reading) > evidence(best)) best = { ...reading, rotation };
  }
  return best;
}
