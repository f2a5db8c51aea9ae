import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentParser } from '../../src/adapters/parsers/index.js';
import { decodeBmp } from '../../src/adapters/parsers/ocr/bmp.js';
import type { ParseLimits } from '../../src/ports/parser.js';
import { bmp24, multiPageTiff, textImage } from '../fixtures/ocr-images.js';
import { expectFailure } from '../fixtures/parse.js';

const parser = createDocumentParser({ ocrEngine: 'tesseract.js', ocrWorkers: 1 });
afterAll(() => parser.close?.());

const parse = (bytes: Uint8Array, fileName: string, limits: Partial<ParseLimits> = {}) =>
  parser.parse({ bytes, fileName, limits: { maxPages: 20, timeoutMs: 60_000, ...limits } });

describe('images', () => {
  it.each([
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
    ['bmp', 'image/bmp'],
  ] as const)('reads a %s through OCR', async (format, mimeType) => {
    const png = await textImage(['Delivery note 5521']);
    const bytes = format === 'bmp' ? await bmp24(png) : await sharp(png).toFormat(format).toBuffer();
    // The name says PNG: the bytes decide.
    const doc = await parse(bytes, 'scan.png');
    expect(doc).toMatchObject({ fileType: 'IMG', mimeType });
    expect(doc.pages[0]?.text).toContain('Delivery note 5521');
  });

  it('gives one page per page of a multi-page TIFF', async () => {
    const tiff = await multiPageTiff([
      await textImage(['First page of the fax']),
      await textImage(['Second page of the fax']),
    ]);
    const doc = await parse(tiff, 'fax.tiff');
    expect(doc.mimeType).toBe('image/tiff');
    expect(doc.pages.map((page) => page.pageNumber)).toEqual([1, 2]);
    expect(doc.pages[0]?.text).toContain('First page of the fax');
    expect(doc.pages[1]?.text).toContain('Second page of the fax');
  });

  it('refuses a TIFF with more pages than maxPages before reading any', async () => {
    const page = await textImage(['x']);
    const tiff = await multiPageTiff([page, page, page]);
    const failure = await expectFailure(parse(tiff, 'fax.tiff', { maxPages: 2 }), 'FILE_SIZE_TOO_LARGE');
    expect(failure.message).toBe('The file has 3 pages; the limit is 2.');
  });

  it('refuses images over the pixel limit from their header, with FILE_SIZE_TOO_LARGE', async () => {
    const big = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const failure = await expectFailure(
      parse(big, 'big.png', { maxImagePixels: 5_000_000 }),
      'FILE_SIZE_TOO_LARGE',
    );
    expect(failure.message).toBe(
      'The image is 3000 x 2000 pixels (6 megapixels); the limit is 5 megapixels.',
    );
    const bmp = await bmp24(
      await sharp({ create: { width: 400, height: 300, channels: 3, background: '#fff' } })
        .png()
        .toBuffer(),
    );
    await expectFailure(parse(bmp, 'big.bmp', { maxImagePixels: 100_000 }), 'FILE_SIZE_TOO_LARGE');
  });

  it('fails with CORRUPT_FILE for damaged images', async () => {
    const png = await textImage(['Truncated']);
    const cut = await expectFailure(parse(png.subarray(0, png.length / 2), 'cut.png'), 'CORRUPT_FILE');
    expect(cut.message).toMatch(/^The image could not be read: /);
    const header = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44,
    ]);
    await expectFailure(parse(header, 'header-only.png'), 'CORRUPT_FILE');
    const jpeg = await sharp(png).jpeg().toBuffer();
    await expectFailure(parse(jpeg.subarray(0, 200), 'cut.jpg'), 'CORRUPT_FILE');
    const bmp = await bmp24(png);
    await expectFailure(parse(bmp.subarray(0, 1000), 'cut.bmp'), 'CORRUPT_FILE');
  });

  it('fails with OCR_ERROR for a picture without text', async () => {
    const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const failure = await expectFailure(parse(photo, 'white.png'), 'OCR_ERROR');
    expect(failure.message).toMatch(/No text could be read from the image/);
  });

  it('detects every supported image kind from its bytes', async () => {
    const png = await textImage(['x'], { width: 60 });
    for (const [format, mimeType] of [
      ['png', 'image/png'],
      ['jpeg', 'image/jpeg'],
      ['webp', 'image/webp'],
      ['gif', 'image/gif'],
      ['tiff', 'image/tiff'],
    ] as const) {
      expect(parser.detect(await sharp(png).toFormat(format).toBuffer(), 'upload.bin')).toEqual({
        fileType: 'IMG',
        mimeType,
      });
    }
    expect(parser.detect(await bmp24(png), 'upload')).toEqual({ fileType: 'IMG', mimeType: 'image/bmp' });
  });
});

describe('BMP decoding', () => {
  /** A 3 x 2 BMP with the given bits per pixel and palette, rows bottom-up, each padded to 4 bytes. */
  function paletteBmp(bitsPerPixel: 1 | 4 | 8, palette: number[][], rows: number[][]): Uint8Array {
    const width = rows[0]!.length;
    const stride = Math.ceil((width * bitsPerPixel) / 32) * 4;
    const offset = 54 + palette.length * 4;
    const out = Buffer.alloc(offset + stride * rows.length);
    out.write('BM', 0, 'latin1');
    out.writeUInt32LE(out.length, 2);
    out.writeUInt32LE(offset, 10);
    out.writeUInt32LE(40, 14);
    out.writeInt32LE(width, 18);
    out.writeInt32LE(rows.length, 22);
    out.writeUInt16LE(1, 26);
    out.writeUInt16LE(bitsPerPixel, 28);
    out.writeUInt32LE(palette.length, 46);
    for (const [i, [r, g, b]] of palette.entries()) out.set([b!, g!, r!, 0], 54 + i * 4);
    rows.forEach((row, y) => {
      const start = offset + (rows.length - 1 - y) * stride;
      row.forEach((index, x) => {
        const bit = x * bitsPerPixel;
        out[start + (bit >> 3)]! |= index << (8 - bitsPerPixel - (bit & 7));
      });
    });
    return new Uint8Array(out);
  }

  const RED = [255, 0, 0];
  const WHITE = [255, 255, 255];
  const BLACK = [0, 0, 0];

  it.each([1, 4, 8] as const)('reads %i-bit palette images the right way up', (bits) => {
    const bmp = paletteBmp(bits, bits === 1 ? [WHITE, BLACK] : [WHITE, BLACK, RED], [
      [1, 0, bits === 1 ? 1 : 2],
      [0, 1, 0],
    ]);
    const image = decodeBmp(bmp);
    expect([image.width, image.height]).toEqual([3, 2]);
    expect(Array.from(image.pixels)).toEqual([
      ...BLACK,
      ...WHITE,
      ...(bits === 1 ? BLACK : RED),
      ...WHITE,
      ...BLACK,
      ...WHITE,
    ]);
  });

  it('reads RLE8 runs, literals and end-of-line escapes', () => {
    const palette = [WHITE, BLACK, RED];
    // Bottom row: a run of 2 x index 1, then a literal [2]; end of line. Top row: a run of 3 x index 2. End.
    const rle = [2, 1, 0, 3, 2, 0, 0, 0, 0, 0, 3, 2, 0, 1];
    const header = Buffer.from(
      paletteBmp(8, palette, [
        [0, 0, 0],
        [0, 0, 0],
      ]).subarray(0, 54 + 12),
    );
    header.writeUInt32LE(1, 30);
    const bmp = new Uint8Array(Buffer.concat([header, Buffer.from(rle)]));
    expect(Array.from(decodeBmp(bmp).pixels)).toEqual([...RED, ...RED, ...RED, ...BLACK, ...BLACK, ...RED]);
  });
});
