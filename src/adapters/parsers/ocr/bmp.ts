/**
 * A BMP reader, because the libvips inside sharp has no BMP loader. Covers what scanners and Windows write:
 * 1, 4, 8, 16, 24 and 32 bits per pixel, palettes, bit-field masks, RLE8/RLE4, top-down and bottom-up rows.
 * Produces RGB pixels for sharp's raw input. Alpha is dropped: most 32-bit BMPs leave it zero, which would
 * read as fully transparent.
 */

import { ParseFailure } from '../../../ports/parser.js';

export interface RgbImage {
  width: number;
  height: number;
  /** width x height x 3 bytes. */
  pixels: Uint8Array;
  /** Pixels per inch, when the file says. */
  density?: number;
}

export interface BmpHeader {
  width: number;
  height: number;
}

const corrupt = (why: string): ParseFailure =>
  new ParseFailure('CORRUPT_FILE', `The BMP image is damaged: ${why}.`);

interface Layout {
  width: number;
  height: number;
  topDown: boolean;
  bitsPerPixel: number;
  compression: number;
  pixelOffset: number;
  palette: Uint8Array[];
  masks: [number, number, number];
  density?: number;
}

/** Width and height from the header alone, for the pixel limit before anything is allocated. */
export function readBmpHeader(bytes: Uint8Array): BmpHeader {
  const { width, height } = readLayout(bytes);
  return { width, height };
}

export function decodeBmp(bytes: Uint8Array): RgbImage {
  const layout = readLayout(bytes);
  const { width, height } = layout;
  const pixels = new Uint8Array(width * height * 3);
  if (layout.compression === 1 || layout.compression === 2) decodeRle(bytes, layout, pixels);
  else decodeRows(bytes, layout, pixels);
  return { width, height, pixels, density: layout.density };
}

function readLayout(bytes: Uint8Array): Layout {
  if (bytes.length < 26 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw corrupt('no BMP header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  let width: number;
  let rawHeight: number;
  let bitsPerPixel: number;
  let compression = 0;
  let colours = 0;
  let density: number | undefined;
  if (headerSize === 12) {
    width = view.getUint16(18, true);
    rawHeight = view.getInt16(20, true);
    bitsPerPixel = view.getUint16(24, true);
  } else if (headerSize >= 40 && bytes.length >= 14 + 40) {
    width = view.getInt32(18, true);
    rawHeight = view.getInt32(22, true);
    bitsPerPixel = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    const pixelsPerMetre = view.getInt32(38, true);
    if (pixelsPerMetre > 0) density = Math.round(pixelsPerMetre * 0.0254);
    colours = view.getUint32(46, true);
  } else throw corrupt(`unknown header size ${headerSize}`);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw corrupt(`impossible size ${width} x ${rawHeight}`);
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) throw corrupt(`${bitsPerPixel} bits per pixel`);
  if (![0, 1, 2, 3, 6].includes(compression)) {
    // 4 and 5 embed a JPEG or PNG, which no scanner writes; say so rather than guess.
    throw new ParseFailure('FILE_TYPE_NOT_SUPPORTED', `BMP compression ${compression} is not supported.`);
  }
  const masksAt = 14 + 40;
  let masks: [number, number, number] =
    bitsPerPixel === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  if (compression === 3 || compression === 6) {
    if (bytes.length < masksAt + 12) throw corrupt('bit-field masks missing');
    masks = [
      view.getUint32(masksAt, true),
      view.getUint32(masksAt + 4, true),
      view.getUint32(masksAt + 8, true),
    ];
  }
  const palette: Uint8Array[] = [];
  if (bitsPerPixel <= 8) {
    const entrySize = headerSize === 12 ? 3 : 4;
    let at =
      14 +
      headerSize +
      (headerSize === 40 && compression === 3 ? 12 : headerSize === 40 && compression === 6 ? 16 : 0);
    const count = colours || 2 ** bitsPerPixel;
    for (let i = 0; i < count && at + 3 <= bytes.length; i++, at += entrySize) {
      palette.push(Uint8Array.of(bytes[at + 2]!, bytes[at + 1]!, bytes[at]!));
    }
    if (palette.length === 0) throw corrupt('palette missing');
  }
  return {
    width,
    height,
    topDown: rawHeight < 0,
    bitsPerPixel,
    compression,
    pixelOffset,
    palette,
    masks,
    density,
  };
}

function decodeRows(bytes: Uint8Array, layout: Layout, pixels: Uint8Array): void {
  const { width, height, bitsPerPixel, palette, pixelOffset } = layout;
  const stride = Math.ceil((width * bitsPerPixel) / 32) * 4;
  if (pixelOffset + stride * height > bytes.length) throw corrupt('the pixel data is cut short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [red, green, blue] = layout.masks.map(maskShape) as [MaskShape, MaskShape, MaskShape];
  for (let row = 0; row < height; row++) {
    const start = pixelOffset + row * stride;
    let out = (layout.topDown ? row : height - 1 - row) * width * 3;
    for (let x = 0; x < width; x++, out += 3) {
      if (bitsPerPixel === 24) {
        const at = start + x * 3;
        pixels[out] = bytes[at + 2]!;
        pixels[out + 1] = bytes[at + 1]!;
        pixels[out + 2] = bytes[at]!;
      } else if (bitsPerPixel <= 8) {
        const bit = x * bitsPerPixel;
        const index =
          (bytes[start + (bit >> 3)]! >> (8 - bitsPerPixel - (bit & 7))) & ((1 << bitsPerPixel) - 1);
        pixels.set(palette[index] ?? BLACK, out);
      } else {
        const value =
          bitsPerPixel === 16 ? view.getUint16(start + x * 2, true) : view.getUint32(start + x * 4, true);
        pixels[out] = scaleChannel(value, red);
        pixels[out + 1] = scaleChannel(value, green);
        pixels[out + 2] = scaleChannel(value, blue);
      }
    }
  }
}

const BLACK = Uint8Array.of(0, 0, 0);

interface MaskShape {
  mask: number;
  shift: number;
  max: number;
}

function scaleChannel(value: number, { mask, shift, max }: MaskShape): number {
  return max === 0 ? 0 : Math.round((((value & mask) >>> shift) * 255) / max);
}

function maskShape(mask: number): MaskShape {
  if (mask === 0) return { mask, shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { mask, shift, max: mask >>> shift };
}

/** RLE8 and RLE4: runs and literal stretches, with end-of-line, end-of-bitmap and delta escapes. */
function decodeRle(bytes: Uint8Array, layout: Layout, pixels: Uint8Array): void {
  const { width, height, palette } = layout;
  const four = layout.compression === 2;
  // Bottom-up rows (RLE bitmaps cannot be top-down); a delta may skip pixels, which stay black.
  const put = (x: number, row: number, index: number): void => {
    pixels.set(palette[index] ?? BLACK, ((height - 1 - row) * width + x) * 3);
  };
  let at = layout.pixelOffset;
  let x = 0;
  let row = 0;
  const next = (): number => {
    if (at >= bytes.length) throw corrupt('the compressed pixel data is cut short');
    return bytes[at++]!;
  };
  while (row < height) {
    const count = next();
    const value = next();
    if (count > 0) {
      for (let i = 0; i < count && x < width; i++, x++) {
        put(x, row, four ? (i % 2 === 0 ? value >> 4 : value & 15) : value);
      }
    } else if (value === 0) {
      x = 0;
      row++;
    } else if (value === 1) {
      return;
    } else if (value === 2) {
      x += next();
      row += next();
    } else {
      const literal = value;
      const literalBytes = four ? Math.ceil(literal / 2) : literal;
      for (let i = 0; i < literal; i++) {
        const byte = bytes[at + (four ? i >> 1 : i)];
        if (byte === undefined) throw corrupt('the compressed pixel data is cut short');
        if (x < width && row < height) put(x, row, four ? (i % 2 === 0 ? byte >> 4 : byte & 15) : byte);
        x++;
      }
      // Literal stretches are padded to a 16-bit boundary.
      at += literalBytes + (literalBytes % 2);
    }
  }
}
