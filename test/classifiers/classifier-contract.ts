import { describe, expect, it } from 'vitest';
import type { ClassifyInput, DocumentClassifier } from '../../src/ports/classifier.js';

/**
 * What every DocumentClassifier must do, whatever its engine: run by each adapter's test file.
 */
export const describeClassifierContract = (name: string, create: () => DocumentClassifier): void => {
  const input: ClassifyInput = {
    classifications: [
      { id: 'invoice', type: 'invoice', description: 'Invoices from suppliers asking for payment.' },
      { id: 'letter', type: 'letter', description: 'Letters.' },
      { id: 'other', type: 'other', description: 'Anything else.' },
    ],
    pages: [
      { pageNumber: 1, text: 'INVOICE\nInvoice number: 1042\nBill to: Acme Ltd\nTotal due: $1,200.00' },
      { pageNumber: 2, text: 'Payment terms: net 30 days.' },
    ],
  };

  describe(`${name} (DocumentClassifier contract)`, () => {
    it('chooses one of the configured classifications and reports its engine', async () => {
      const result = await create().classify(input);
      const chosen = input.classifications.find((c) => c.id === result.id);
      expect(chosen).toBeDefined();
      expect(result.type).toBe(chosen?.type);
      expect(result.engine.length).toBeGreaterThan(0);
      expect(result.reasoning.length).toBeGreaterThan(0);
    });

    it('lists every classification once, best first, with probabilities in 0..1 summing to 1', async () => {
      const result = await create().classify(input);
      expect(result.scores.map((s) => s.id).sort()).toEqual(input.classifications.map((c) => c.id).sort());
      for (const s of result.scores) {
        expect(s.probability).toBeGreaterThanOrEqual(0);
        expect(s.probability).toBeLessThanOrEqual(1);
      }
      const probabilities = result.scores.map((s) => s.probability);
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect([...probabilities].sort((a, b) => b - a)).toEqual(probabilities);
      expect(result.scores[0]?.id).toBe(result.id);
      expect(result.confidence).toBe(result.scores[0]?.probability);
    });

    it('gives the same answer for the same input', async () => {
      const first = await create().classify(input);
      const again = await create().classify(structuredClone(input));
      expect(again).toEqual(first);
    });

    it('copes with a document without text', async () => {
      const result = await create().classify({ ...input, pages: [{ pageNumber: 1, text: '' }] });
      expect(input.classifications.map((c) => c.id)).toContain(result.id);
      expect(result.scores.reduce((a, s) => a + s.probability, 0)).toBeCloseTo(1, 9);
    });
  });
};
