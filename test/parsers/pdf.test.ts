import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyPatch, loadPdfJs, WORKER_PATCHES } from '../../src/adapters/parsers/pdfjs.js';
import { corpusFile } from '../fixtures/corpus.js';
import { makePdf, truncatePdf } from '../fixtures/make-pdf.js';
import { expectFailure, parse, texts } from '../fixtures/parse.js';

describe('PDF', () => {
  it('gives one page per PDF page with line breaks where the baseline changes', async () => {
    const pdf = makePdf([
      'Invoice 42\nTotal due: 100 EUR (incl. VAT)\nCafé au lait',
      'Second page\nlast line',
    ]);
    const doc = await parse(pdf, 'invoice.pdf');
    expect(doc.fileType).toBe('PDF');
    expect(doc.mimeType).toBe('application/pdf');
    expect(doc.pages).toEqual([
      {
        pageNumber: 1,
        text: 'Invoice 42\nTotal due: 100 EUR (incl. VAT)\nCafé au lait',
        markdown: 'Invoice 42\nTotal due: 100 EUR (incl. VAT)\nCafé au lait',
      },
      { pageNumber: 2, text: 'Second page\nlast line', markdown: 'Second page\nlast line' },
    ]);
  });

  it('does not detach or change the caller’s bytes', async () => {
    const pdf = makePdf(['Hello']);
    const copy = pdf.slice();
    await parse(pdf, 'hello.pdf');
    expect(pdf).toEqual(copy);
  });

  it('returns blank pages as empty', async () => {
    const doc = await parse(makePdf(['Cover letter', '', 'Appendix']), 'mixed.pdf');
    expect(texts(doc)).toEqual(['Cover letter', '', 'Appendix']);
  });

  it('reads a scanned PDF by OCR, and fails with OCR_ERROR when even OCR finds no text', async () => {
    const scan = await parse(corpusFile('pdf/loremipsum-flat.pdf'), 'loremipsum-flat.pdf');
    expect(scan.pages[0]?.text).toMatch(/^Lorem ipsum dolor sit amet, consectetur adipiscing elit/);
    const failure = await expectFailure(parse(makePdf(['', '']), 'blank.pdf'), 'OCR_ERROR');
    expect(failure.message).toMatch(/^No text could be read from the PDF, even by OCR/);
  });

  it('fails with CORRUPT_FILE and pdf.js’s reason for a truncated PDF', async () => {
    const pdf = makePdf(['First page', 'Second page', 'Third page']);
    const failure = await expectFailure(parse(truncatePdf(pdf, 0.6), 'cut.pdf'), 'CORRUPT_FILE');
    expect(failure.message).toMatch(/^The PDF could not be read: .+/);
  });

  it('treats a headerless file named .pdf as a broken PDF', async () => {
    const garbage = new Uint8Array(2048).fill(0x07);
    await expectFailure(parse(garbage, 'statement.pdf'), 'CORRUPT_FILE');
  });

  it('refuses more pages than maxPages before extracting any', async () => {
    const pdf = makePdf(['1', '2', '3', '4', '5']);
    const failure = await expectFailure(
      parse(pdf, 'five.pdf', { limits: { maxPages: 3, timeoutMs: 10_000 } }),
      'FILE_SIZE_TOO_LARGE',
    );
    expect(failure.message).toBe('The file has 5 pages; the limit is 3.');
  });

  it('fails with INTERNAL_ERROR when the time budget runs out, then parses normally again', async () => {
    const pdf = makePdf(Array.from({ length: 300 }, (_, i) => `Page ${i + 1}`));
    const failure = await expectFailure(
      parse(pdf, 'slow.pdf', { limits: { maxPages: 1000, timeoutMs: 1 } }),
      'INTERNAL_ERROR',
    );
    expect(failure.message).toMatch(/timed out/);
    expect((await parse(pdf, 'slow.pdf')).pages).toHaveLength(300);
  });

  describe('password protection (corpus pdf/password.pdf, whose password is "password")', () => {
    const encrypted = (): Uint8Array => corpusFile('pdf/password.pdf');

    it('fails with PASSWORD_PROTECTED_FILE without a password', async () => {
      const failure = await expectFailure(parse(encrypted(), 'password.pdf'), 'PASSWORD_PROTECTED_FILE');
      expect(failure.message).toMatch(/password-protected/);
    });

    it('fails with PASSWORD_PROTECTED_FILE for a wrong password', async () => {
      const failure = await expectFailure(
        parse(encrypted(), 'password.pdf', { password: 'guess' }),
        'PASSWORD_PROTECTED_FILE',
      );
      expect(failure.message).toMatch(/incorrect/);
    });

    it('opens with the right password', async () => {
      expect(texts(await parse(encrypted(), 'password.pdf', { password: 'password' }))).toEqual([
        'File with password',
      ]);
    });
  });
});

// pdfjs.ts edits pdf.js's worker source where its text extraction is slow; these fail first after an upgrade.
describe('pdf.js worker edits', () => {
  it('all apply to the installed pdf.js (after an upgrade: re-measure, then update or drop them in pdfjs.ts)', async () => {
    const { version } = await loadPdfJs();
    expect(WORKER_PATCHES.length).toBeGreaterThan(0);
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('refuses an edit whose text is missing or appears more often than expected', () => {
    const edit = { why: 'test', find: 'a = 1;', replace: 'a = 2;' };
    expect(applyPatch('x; a = 1; y', edit, '0.0.0')).toBe('x; a = 2; y');
    expect(() => applyPatch('x; y', edit, '0.0.0')).toThrow(/"test" found 0 matches instead of 1/);
    expect(() => applyPatch('a = 1; a = 1;', edit, '0.0.0')).toThrow(/found 2 matches/);
    expect(applyPatch('a = 1; a = 1;', { ...edit, count: -1 }, '0.0.0')).toBe('a = 2; a = 2;');
  });

  // Text as extracted by the unedited pdf.js 5.6.205 (and this repository's line joining): the edits must
  // not change a character. A deliberate change to pdf-text.ts or a pdf.js upgrade changes these too: then
  // check the new text with WORKER_PATCHES emptied, and record the hashes again.
  it.each([
    ['pdf/DA-619p.pdf', 619, '0b3a27e4449d3009'],
    ['language-docs/fr_olap.pdf', 12, 'bed52ef9edf2307b'],
    ['pdf/korean-text-with-tables.pdf', 1, 'f00f07f4ad35575c'],
    ['pdf/multi-column.pdf', 13, 'd7cd8fdb2cdf167b'],
    ['pdf/negative-coords.pdf', 1, '79d64373c2a20fcf'],
    ['rotated-page-90.pdf', 1, 'c0f1b0eb6f8a6820'],
    ['pdf/embedded-cmap-cidfont.pdf', 1, 'a8fc6c5e52b4aa25'],
    ['pdf/failure-after-repair.pdf', 76, 'a4b4bd08314fab61'],
  ])(
    'extract %s exactly as pdf.js does unedited',
    async (file, pageCount, hash) => {
      const doc = await parse(corpusFile(file), file, { limits: { maxPages: 1000, timeoutMs: 120_000 } });
      expect(doc.pages).toHaveLength(pageCount);
      const text = doc.pages.map((page) => page.text).join('\f');
      expect(createHash('sha256').update(text).digest('hex').slice(0, 16)).toBe(hash);
    },
    180_000,
  );
});
