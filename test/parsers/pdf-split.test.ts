import { afterAll, describe, expect, it } from 'vitest';
import { createIsolatedParser } from '../../src/adapters/parsers/isolation/isolated-parser.js';
import { inShard, mergeShards } from '../../src/adapters/parsers/page-shard.js';
import { type ParsedDocument, ParseFailure, type ParseLimits } from '../../src/ports/parser.js';
import { corpusFile } from '../fixtures/corpus.js';
import { makePdf } from '../fixtures/make-pdf.js';
import { expectFailure, parse, texts } from '../fixtures/parse.js';
import { utf8 } from '../fixtures/text-bytes.js';

const LIMITS: ParseLimits = { maxPages: 100, timeoutMs: 60_000 };

const page = (pageNumber: number, text: string) => ({ pageNumber, text, markdown: text });
const doc = (...pages: ReturnType<typeof page>[]): ParsedDocument => ({
  fileType: 'PDF',
  mimeType: 'application/pdf',
  pages,
});

describe('PDF shards', () => {
  it('interleave the pages, so every shard gets its share of any run of pages', () => {
    const shard = (index: number) => [1, 2, 3, 4, 5, 6, 7].filter((n) => inShard(n, { index, count: 3 }));
    expect([shard(0), shard(1), shard(2)]).toEqual([
      [1, 4, 7],
      [2, 5],
      [3, 6],
    ]);
  });

  it('merge back in page order; the first shard to fail fails the document; all blank is OCR_ERROR', () => {
    const merged = mergeShards([
      { status: 'fulfilled', value: doc(page(1, 'one'), page(3, 'three')) },
      { status: 'fulfilled', value: doc(page(2, 'two')) },
    ]);
    expect(merged.pages.map((p) => p.pageNumber)).toEqual([1, 2, 3]);
    const first = new ParseFailure('PASSWORD_PROTECTED_FILE', 'first');
    expect(() =>
      mergeShards([
        { status: 'fulfilled', value: doc(page(1, 'one')) },
        { status: 'rejected', reason: first },
        { status: 'rejected', reason: new ParseFailure('INTERNAL_ERROR', 'second') },
      ]),
    ).toThrow(first);
    const blank = () => mergeShards([{ status: 'fulfilled', value: doc(page(1, '')) }]);
    expect(blank).toThrow(ParseFailure);
    expect(blank).toThrow(/No text could be read from the PDF/);
  });
});

describe('when a PDF is split', () => {
  // The stand-in parser serves whole files only: a shard request comes back as a failure, which shows it was sent.
  const standIn = (processes: number, splitPdfMinBytes?: number) =>
    createIsolatedParser({
      entry: new URL('../fixtures/misbehaving-parser-child.ts', import.meta.url),
      processes,
      ...(splitPdfMinBytes === undefined ? {} : { splitPdfMinBytes }),
    });
  const pdf = makePdf(['One', 'Two']);
  const outcome = async (parser: ReturnType<typeof standIn>, bytes: Uint8Array, fileName: string) => {
    try {
      return await parser.parse({ bytes, fileName, limits: LIMITS }).then(() => 'whole');
    } catch (error) {
      return (error as ParseFailure).message;
    } finally {
      await parser.close?.();
    }
  };
  const SPLIT = 'This parser process cannot read part of a file.';

  it('only when another process is free, the file is a PDF, and it is large enough', async () => {
    expect(await outcome(standIn(2, 1), pdf, 'two.pdf')).toBe(SPLIT);
    expect(await outcome(standIn(1, 1), pdf, 'two.pdf')).toBe('whole');
    expect(await outcome(standIn(2, 1), utf8('text'), 'note.txt')).toBe('whole');
    // Default threshold 64 KB: a small PDF stays whole.
    expect(await outcome(standIn(2), pdf, 'two.pdf')).toBe('whole');
    expect(await outcome(standIn(2, 0), pdf, 'two.pdf')).toBe('whole');
  }, 60_000);
});

describe('a PDF split across parser processes', () => {
  // Every PDF is split here (the default leaves PDFs under 64 KB whole).
  const parser = createIsolatedParser({ processes: 2, splitPdfMinBytes: 1, ocrEngine: 'tesseract.js' });
  afterAll(() => parser.close?.());
  const parseSplit = (bytes: Uint8Array, fileName: string, password?: string) =>
    parser.parse({ bytes, fileName, limits: LIMITS, ...(password ? { password } : {}) });

  it('reads exactly what the unsplit parser reads', async () => {
    const pdf = makePdf(['Cover letter', 'Page two\nsecond line', '', 'Appendix', 'Last page']);
    const split = await parseSplit(pdf, 'five.pdf');
    const whole = await parse(pdf, 'five.pdf');
    expect(split).toEqual(whole);
    expect(texts(split)).toEqual(['Cover letter', 'Page two\nsecond line', '', 'Appendix', 'Last page']);
    const real = corpusFile('pdf/interface-config-guide-p93.pdf');
    expect(await parseSplit(real, 'guide.pdf')).toEqual(await parse(real, 'guide.pdf'));
  }, 60_000);

  it('gives a one-page PDF back whole (the other shard has no page)', async () => {
    expect(texts(await parseSplit(makePdf(['Only page']), 'one.pdf'))).toEqual(['Only page']);
  });

  it('fails the whole file as the unsplit parser would', async () => {
    await expectFailure(
      parseSplit(corpusFile('pdf/password.pdf'), 'password.pdf'),
      'PASSWORD_PROTECTED_FILE',
    );
    expect(
      (await parseSplit(corpusFile('pdf/password.pdf'), 'password.pdf', 'password')).pages.length,
    ).toBeGreaterThan(0);
    const tooLong = parser.parse({
      bytes: makePdf(['1', '2', '3']),
      fileName: 'three.pdf',
      limits: { ...LIMITS, maxPages: 2 },
    });
    await expectFailure(tooLong, 'FILE_SIZE_TOO_LARGE');
    // Blank pages in both shards: OCR finds nothing anywhere, which only the merged document can tell.
    await expectFailure(parseSplit(makePdf(['', '']), 'blank.pdf'), 'OCR_ERROR');
  }, 60_000);

  it('lets a file that arrives meanwhile wait for a process, then parses it', async () => {
    const [pdf, note] = await Promise.all([
      parseSplit(makePdf(['First', 'Second', 'Third']), 'three.pdf'),
      parseSplit(utf8('A note queued behind the split PDF'), 'note.txt'),
    ]);
    expect(texts(pdf)).toEqual(['First', 'Second', 'Third']);
    expect(texts(note)).toEqual(['A note queued behind the split PDF']);
  });
});
