import { describe, expect, it } from 'vitest';
import { makePdf } from '../fixtures/make-pdf.js';
import { parser } from '../fixtures/parse.js';
import { junkBytes, utf8, utf16le } from '../fixtures/text-bytes.js';

const PNG_HEADER = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44,
]);
const ZIP_HEADER = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0]);

describe('detect', () => {
  it('trusts magic bytes over the name and declared type', () => {
    expect(parser.detect(makePdf(['x']), 'report.txt', 'text/plain')).toEqual({
      fileType: 'PDF',
      mimeType: 'application/pdf',
    });
  });

  it('uses the extension, then the declared MIME type, to choose among text formats', () => {
    const rows = utf8('a,b\n1,2\n');
    expect(parser.detect(rows, 'data.csv')).toEqual({ fileType: 'CSV', mimeType: 'text/csv' });
    expect(parser.detect(rows, 'data.tsv')?.mimeType).toBe('text/tab-separated-values');
    expect(parser.detect(rows, 'upload', 'text/csv; charset=utf-8')?.fileType).toBe('CSV');
    expect(parser.detect(rows, 'notes.md')).toEqual({ fileType: 'TXT', mimeType: 'text/markdown' });
    expect(parser.detect(rows, 'notes.txt')).toEqual({ fileType: 'TXT', mimeType: 'text/plain' });
    expect(parser.detect(rows, 'no-extension')).toEqual({ fileType: 'TXT', mimeType: 'text/plain' });
  });

  it('recognises unmistakable markup whatever the name', () => {
    expect(parser.detect(utf8('<!DOCTYPE html><html><body>Hi</body></html>'), 'page.txt')?.fileType).toBe(
      'HTML',
    );
    expect(parser.detect(utf8('<?xml version="1.0"?><root>x</root>'), 'data.txt')?.fileType).toBe('XML');
    expect(parser.detect(utf8('<?xml version="1.0"?><html><body>x</body></html>'), 'a.xml')?.fileType).toBe(
      'HTML',
    );
    expect(parser.detect(utf16le('<html><body>Hi</body></html>'), 'page')?.fileType).toBe('HTML');
  });

  it('stays fast on pathological openings (runs of processing instructions or unclosed comments)', () => {
    const started = performance.now();
    expect(parser.detect(utf8('<?a?>'.repeat(2000)), 'odd.txt')?.fileType).toBe('TXT');
    expect(parser.detect(utf8('<!--'.repeat(5000)), 'odd.txt')?.fileType).toBe('TXT');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('returns null for archives and binary junk', () => {
    expect(parser.detect(ZIP_HEADER, 'archive.zip')).toBeNull();
    expect(parser.detect(junkBytes(4096), 'random.txt')).toBeNull();
  });

  it('detects images from their bytes, whatever the name (image.test.ts covers every kind)', () => {
    expect(parser.detect(PNG_HEADER, 'scan.png')).toEqual({ fileType: 'IMG', mimeType: 'image/png' });
    expect(parser.detect(PNG_HEADER, 'scan.txt')).toEqual({ fileType: 'IMG', mimeType: 'image/png' });
  });

  it('takes an unreadable ZIP named like an Office file for a broken one of those (its parser says why)', () => {
    expect(parser.detect(ZIP_HEADER, 'report.docx')?.fileType).toBe('DOCX');
    expect(parser.detect(ZIP_HEADER, 'sheet.xlsx')?.fileType).toBe('EXCEL');
  });

  it('returns null for text formats that are not supported yet', () => {
    expect(parser.detect(utf8('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 'logo.svg')).toBeNull();
  });
});
