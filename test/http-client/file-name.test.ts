import { describe, expect, it } from 'vitest';
import { downloadFileName, fileNameFromContentDisposition } from '../../src/adapters/http/file-name.js';

const url = (href: string) => new URL(href);

describe('fileNameFromContentDisposition', () => {
  it.each([
    ['attachment; filename="report.pdf"', 'report.pdf'],
    ['attachment; filename=report.pdf', 'report.pdf'],
    ['attachment;filename="with \\"quotes\\".pdf"', 'with "quotes".pdf'],
    ['inline; FILENAME="upper.PDF"', 'upper.PDF'],
    ['attachment; filename="fallback.pdf"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.pdf', 'résumé.pdf'],
    ["attachment; filename*=utf-8'en'%E2%82%AC%20rates.pdf", '€ rates.pdf'],
    ["attachment; filename*=iso-8859-1''caf%E9.txt", 'café.txt'],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment; filename="C:\\\\temp\\\\evil.exe"', 'evil.exe'],
    // Raw UTF-8 bytes in `filename`, which Node hands over as Latin-1.
    [`attachment; filename="${Buffer.from('naïve.pdf').toString('latin1')}"`, 'naïve.pdf'],
  ])('%s -> %s', (header, expected) => {
    expect(fileNameFromContentDisposition(header)).toBe(expected);
  });

  it.each([
    'attachment',
    'attachment; filename=""',
    'attachment; filename=".."',
    "attachment; filename*=UTF-8''%E0%A4%A",
  ])('%s has no usable name', (header) => {
    expect(fileNameFromContentDisposition(header)).toBeNull();
  });

  it('falls back to filename when filename* cannot be decoded', () => {
    expect(fileNameFromContentDisposition('attachment; filename*=koi8-r\'\'x; filename="plain.pdf"')).toBe(
      'plain.pdf',
    );
  });
});

describe('downloadFileName', () => {
  it('prefers the header, then the last path segment, then "download"', () => {
    expect(downloadFileName('attachment; filename="a.pdf"', url('http://x/b.pdf'))).toBe('a.pdf');
    expect(downloadFileName(null, url('http://x/files/Invoice%20March.pdf?sig=1'))).toBe('Invoice March.pdf');
    expect(downloadFileName('inline', url('http://x/files/scan.png'))).toBe('scan.png');
    expect(downloadFileName(null, url('http://x/files/'))).toBe('download');
    expect(downloadFileName(null, url('http://x/'))).toBe('download');
    expect(downloadFileName(null, url('http://x/%E0%A4%A'))).toBe('%E0%A4%A');
    expect(downloadFileName(null, url('http://x/a%2F..%2Fb.pdf'))).toBe('b.pdf');
  });
});
