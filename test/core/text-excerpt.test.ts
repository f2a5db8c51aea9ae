import { describe, expect, it } from 'vitest';
import { collapseWhitespace, cutAtWord } from '../../src/lib/text-excerpt.js';

describe('text excerpts', () => {
  it('collapses whitespace runs, line breaks and tabs included', () => {
    expect(collapseWhitespace('  INVOICE\n\nNo. 7\t\tBill to:\r\n Acme  ')).toBe(
      'INVOICE No. 7 Bill to: Acme',
    );
  });

  it('cuts at the last word boundary that fits, never past the limit', () => {
    expect(cutAtWord('alpha beta gamma', 100)).toBe('alpha beta gamma');
    expect(cutAtWord('alpha beta gamma', 16)).toBe('alpha beta gamma');
    expect(cutAtWord('alpha beta gamma', 15)).toBe('alpha beta');
    expect(cutAtWord('alpha beta gamma', 10)).toBe('alpha beta');
    expect(cutAtWord('alpha beta gamma', 9)).toBe('alpha');
  });

  it('cuts a first word longer than half the room mid-word instead of dropping it', () => {
    const url = 'https://example.com/a/very/long/path';
    expect(cutAtWord(`${url} tail`, 20)).toBe(url.slice(0, 20));
    expect(cutAtWord('abc', 0)).toBe('');
  });
});
