/**
 * The one picture format the OCR engines are given: 8-bit grayscale pixels, row by row. Both engines read it
 * as a binary PGM, which Leptonica decodes without a codec (a PNG would be compressed here and inflated again
 * inside the engine for nothing).
 */

export interface GrayImage {
  width: number;
  height: number;
  /** width x height bytes, 0 = black, 255 = white. */
  pixels: Uint8Array;
}

export function toPgm(image: GrayImage): Buffer {
  const header = Buffer.from(`P5\n${image.width} ${image.height}\n255\n`, 'ascii');
  return Buffer.concat([header, image.pixels]);
}

/**
 * A pixel this far from the page's typical level (its median: the paper, on any page that is mostly
 * paper) counts as ink. Relative, not absolute: faded thermal receipts print in light gray.
 */
const INK_CONTRAST = 48;
/** A page with less ink than this share of its pixels is blank (scanner dust, a stray dot). */
const BLANK_INK_SHARE = 0.0002;

/** True for pages with nothing to read, so they skip the engine (a second or more per page). */
export function isBlank(image: GrayImage): boolean {
  const histogram = new Uint32Array(256);
  for (const value of image.pixels) histogram[value]!++;
  let median = 0;
  for (let seen = 0; median < 255; median++) {
    seen += histogram[median]!;
    if (seen * 2 >= image.pixels.length) break;
  }
  let ink = 0;
  for (let level = 0; level < 256; level++) {
    if (Math.abs(level - median) > INK_CONTRAST) ink += histogram[level]!;
  }
  return ink <= image.pixels.length * BLANK_INK_SHARE;
}
