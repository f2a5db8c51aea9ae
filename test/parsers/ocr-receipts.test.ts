import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentParser } from '../../src/adapters/parsers/index.js';
import { lineErrors, listReceipts, rate, sum } from '../fixtures/ocr-accuracy.js';

const parser = createDocumentParser({ ocrEngine: 'tesseract.js', ocrWorkers: 1 });
afterAll(() => parser.close?.());

// Real scanned receipts (SROIE 2019) against their ground truth; bench/ocr.ts measures all 40 of them.
describe('OCR accuracy on real receipts', () => {
  it('reads three receipts with a line character error rate under 20%', async () => {
    const counts = [];
    for (const receipt of listReceipts(3)) {
      const doc = await parser.parse({
        bytes: new Uint8Array(readFileSync(receipt.imagePath)),
        fileName: `${receipt.id}.jpg`,
        limits: { maxPages: 1, timeoutMs: 60_000 },
      });
      counts.push(lineErrors(doc.pages[0]?.text ?? '', receipt.truthLines));
    }
    // Measured about 9% (tesseract.js, automatic page segmentation); the bound leaves room for engines.
    expect(rate(sum(counts))).toBeLessThan(0.2);
  });
});
