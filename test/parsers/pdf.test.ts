import { describe, expect, it } from 'vitest';
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
