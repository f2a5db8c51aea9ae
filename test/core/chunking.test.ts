import { describe, expect, it } from 'vitest';
import { chunkPages } from '../../src/core/chunking.js';
import type { ParsedPage } from '../../src/ports/parser.js';

const page = (pageNumber: number, extra: Partial<ParsedPage> = {}): ParsedPage => ({
  pageNumber,
  text: `page ${pageNumber}`,
  markdown: `page ${pageNumber}`,
  ...extra,
});

describe('chunk metadata', () => {
  it('carries OCR confidence and the pages OCR read turned', () => {
    const [doc] = chunkPages(
      [page(1, { ocrConfidence: 0.9 }), page(2, { ocrConfidence: 0.7, ocrRotation: 180 })],
      { type: 'document', target: 'markdown' },
    );
    expect(doc?.metadata).toMatchObject({
      pageRange: { start: 1, end: 2 },
      minOcrConfidence: 0.7,
      ocrRotations: [{ pageNumber: 2, degrees: 180 }],
    });
    expect(doc?.metadata['avgOcrConfidence']).toBeCloseTo(0.8);
  });

  it('says nothing about OCR for pages that had a text layer, nor about rotation when none was turned', () => {
    const [text, scanned] = chunkPages([page(1), page(2, { ocrConfidence: 0.8 })], {
      type: 'page',
      target: 'markdown',
    });
    expect(text?.metadata).toEqual({ pageRange: { start: 1, end: 1 } });
    expect(scanned?.metadata).not.toHaveProperty('ocrRotations');
  });
});
