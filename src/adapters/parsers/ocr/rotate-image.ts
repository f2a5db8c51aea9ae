/**
 * Quarter turns of a grayscale page, in plain loops: a few milliseconds for a receipt scan, and no
 * decoder needed, so a rendered PDF page can be turned as cheaply as a decoded image.
 */

import type { GrayImage } from './gray-image.js';

export type Rotation = 0 | 90 | 180 | 270;

/** The page turned clockwise by `degrees`. */
export function rotateGray(image: GrayImage, degrees: Rotation): GrayImage {
  const { width, height, pixels } = image;
  if (degrees === 0) return image;
  if (degrees === 180) return { width, height, pixels: pixels.slice().reverse() };
  const out = new Uint8Array(pixels.length);
  // Turned a quarter, the old rows become columns: the new width is the old height.
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const target = degrees === 90 ? x * height + (height - 1 - y) : (width - 1 - x) * height + y;
      out[target] = pixels[row + x]!;
    }
  }
  return { width: height, height: width, pixels: out };
}
