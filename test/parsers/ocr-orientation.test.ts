import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentParser } from '../../src/adapters/parsers/index.js';
import { createOcrEngine } from '../../src/adapters/parsers/ocr/create-engine.js';
import type { OcrEngine, OcrResult } from '../../src/adapters/parsers/ocr/engine.js';
import type { GrayImage } from '../../src/adapters/parsers/ocr/gray-image.js';
import { findNativeTesseract } from '../../src/adapters/parsers/ocr/native-engine.js';
import { readInBestOrientation } from '../../src/adapters/parsers/ocr/orientation.js';
import { createPageOcr, DEFAULT_OCR_SETTINGS } from '../../src/adapters/parsers/ocr/page-ocr.js';
import { prepareForOcr } from '../../src/adapters/parsers/ocr/prepare-image.js';
import { rotateGray } from '../../src/adapters/parsers/ocr/rotate-image.js';
import { lineErrors, listReceipts, type Receipt, rate } from '../fixtures/ocr-accuracy.js';
import { pdfWithScans, scannedPage } from '../fixtures/ocr-images.js';

// Receipt 002: upright it reads at about 4% line CER with both engines, and at confidence ~80.
const receipt = listReceipts(3)[2]!;
const LIMITS = { maxPages: 5, timeoutMs: 120_000, pageTimeoutMs: 60_000 };
// tesseract.js always; the native command too where it is installed (it is on the CI image).
const engines = ['tesseract.js', ...(findNativeTesseract() ? ['native' as const] : [])] as const;

/** Lossless (PNG), so that the turned page holds exactly the pixels of the upright one. */
const turned = (degrees: number): Promise<Buffer> =>
  sharp(readFileSync(receipt.imagePath)).rotate(degrees).png().toBuffer();

const cer = (text: string, of: Receipt = receipt): number => rate(lineErrors(text, of.truthLines));

describe.each(engines)('orientation recovery (%s)', (engine) => {
  const parser = createDocumentParser({ ocrEngine: engine, ocrWorkers: 1 });
  afterAll(() => parser.close?.());
  const parse = async (bytes: Uint8Array, fileName: string) =>
    (await parser.parse({ bytes, fileName, limits: LIMITS })).pages;

  let upright = Number.NaN;

  it('reads an upright receipt as it is, reporting no rotation', async () => {
    const [page] = await parse(readFileSync(receipt.imagePath), 'upright.jpg');
    upright = cer(page?.text ?? '');
    expect(upright).toBeLessThan(0.15);
    expect(page?.ocrRotation).toBeUndefined();
  }, 120_000);

  it('turns a receipt scanned upside down and reads it as well as upright', async () => {
    const [page] = await parse(await turned(180), 'upside-down.png');
    expect(page?.ocrRotation).toBe(180);
    expect(cer(page?.text ?? '')).toBeLessThan((upright || 0.1) + 0.05);
    expect(page?.ocrConfidence).toBeGreaterThan(0.6);
  }, 120_000);

  it('reads a receipt turned a quarter either way close to upright', async () => {
    // Turned 90° clockwise, Tesseract's layout analysis finds the vertical lines itself; turned 270°,
    // the page reads as garbage until it is turned (180° makes it the first case).
    const [clockwise] = await parse(await turned(90), 'sideways-right.png');
    const [anticlockwise] = await parse(await turned(270), 'sideways-left.png');
    expect(cer(clockwise?.text ?? '')).toBeLessThan((upright || 0.1) + 0.1);
    expect(cer(anticlockwise?.text ?? '')).toBeLessThan((upright || 0.1) + 0.1);
    expect(anticlockwise?.ocrRotation).toBeDefined();
  }, 240_000);

  it('turns a scanned PDF page fed upside down', async () => {
    const scan = await scannedPage(['Scanned purchase order 8812', 'Deliver to Rotterdam harbour']);
    const pdf = pdfWithScans([{ scan: { ...scan, pixels: rotateGray(scan, 180).pixels } }]);
    const [page] = await parse(pdf, 'upside-down.pdf');
    expect(page?.ocrRotation).toBe(180);
    expect(page?.text).toContain('Scanned purchase order 8812');
    expect(page?.text).toContain('Deliver to Rotterdam harbour');
  }, 120_000);
});

describe('orientation recovery cost', () => {
  const engine = createOcrEngine({ engine: 'tesseract.js', workers: 1 });
  afterAll(() => engine.close());
  const counted = (): OcrEngine & { calls: number } => {
    const wrapper = {
      name: engine.name,
      calls: 0,
      recognize: (image: GrayImage, signal: AbortSignal) => {
        wrapper.calls++;
        return engine.recognize(image, signal);
      },
      close: () => engine.close(),
    };
    return wrapper;
  };
  const receiptImage = async (degrees: number): Promise<GrayImage> => {
    const bytes = degrees === 0 ? readFileSync(receipt.imagePath) : await turned(degrees);
    const meta = await sharp(bytes).metadata();
    return prepareForOcr(sharp(bytes), { width: meta.width, height: meta.height, density: meta.density });
  };

  it('runs one engine pass on an upright page and two on one upside down', async () => {
    const uprightEngine = counted();
    const ocr = createPageOcr(uprightEngine, DEFAULT_OCR_SETTINGS, LIMITS);
    const page = await ocr.readPage(await receiptImage(0), 1, new AbortController().signal);
    expect(page.ocrRotation).toBeUndefined();
    expect(uprightEngine.calls).toBe(1);

    const upsideDownEngine = counted();
    const turnedOcr = createPageOcr(upsideDownEngine, DEFAULT_OCR_SETTINGS, LIMITS);
    const turnedPage = await turnedOcr.readPage(await receiptImage(180), 1, new AbortController().signal);
    expect(turnedPage.ocrRotation).toBe(180);
    expect(upsideDownEngine.calls).toBe(2);
    expect(turnedPage.text).toBe(page.text);
  }, 120_000);
});

describe('choosing the orientation', () => {
  const image: GrayImage = { width: 2, height: 3, pixels: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
  const reading = (confidence: number, text = 'a receipt with some words'): OcrResult => ({
    text,
    confidence,
  });
  /** Readings by the page's first pixel, which tells the turns apart on this tiny page. */
  const byTurn = (readings: Record<number, OcrResult>) => {
    const seen: number[] = [];
    const read = async (page: GrayImage): Promise<OcrResult> => {
      seen.push(page.pixels[0]!);
      const result = readings[page.pixels[0]!];
      if (!result) throw new Error(`no reading for ${page.pixels[0]}`);
      return result;
    };
    return { seen, read };
  };

  it('turns pixels a quarter at a time, four quarters giving the page back', () => {
    const right = rotateGray(image, 90);
    expect(right).toMatchObject({ width: 3, height: 2 });
    // Clockwise: the bottom-left pixel comes to the top left.
    expect([...right.pixels]).toEqual([5, 3, 1, 6, 4, 2]);
    expect([...rotateGray(image, 270).pixels]).toEqual([2, 4, 6, 1, 3, 5]);
    expect([...rotateGray(image, 180).pixels]).toEqual([6, 5, 4, 3, 2, 1]);
    expect(rotateGray(rotateGray(right, 180), 90)).toEqual(image);
  });

  it('keeps a confident first reading without another pass', async () => {
    const { seen, read } = byTurn({ 1: reading(75) });
    expect(await readInBestOrientation(image, read, read)).toMatchObject({ rotation: 0, confidence: 75 });
    expect(seen).toEqual([1]);
  });

  it('stops at the first turn that reads well', async () => {
    // First pixels: 1 as is, 6 turned 180°, 5 turned 90°, 2 turned 270°.
    const { seen, read } = byTurn({ 1: reading(30), 6: reading(35), 5: reading(70), 2: reading(90) });
    expect(await readInBestOrientation(image, read, read)).toMatchObject({ rotation: 90, confidence: 70 });
    expect(seen).toEqual([1, 6, 5]);
  });

  it('tries three turns at most and keeps the best, an upright poor scan staying upright', async () => {
    const { seen, read } = byTurn({ 1: reading(45), 6: reading(30), 5: reading(25), 2: reading(33) });
    expect(await readInBestOrientation(image, read, read)).toMatchObject({ rotation: 0, confidence: 45 });
    expect(seen).toEqual([1, 6, 5, 2]);
  });

  it('does not trust a turned reading that found almost nothing', async () => {
    const { read } = byTurn({ 1: reading(40), 6: reading(46, 'X'), 5: reading(20), 2: reading(20) });
    expect(await readInBestOrientation(image, read, read)).toMatchObject({ rotation: 0 });
  });

  it('keeps the best reading so far when the page has no time left for another pass', async () => {
    const { seen, read } = byTurn({ 1: reading(30), 6: reading(40) });
    let retries = 0;
    const retry = (page: GrayImage) => (retries++ === 0 ? read(page) : Promise.resolve(null));
    expect(await readInBestOrientation(image, read, retry)).toMatchObject({ rotation: 180, confidence: 40 });
    expect(seen).toEqual([1, 6]);
  });
});
