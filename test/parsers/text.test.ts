import { describe, expect, it } from 'vitest';
import { PAGE_CHARS } from '../../src/adapters/parsers/text-pages.js';
import { corpusFile } from '../fixtures/corpus.js';
import { expectFailure, parse, texts } from '../fixtures/parse.js';
import { latin1, utf8, utf16be, utf16le } from '../fixtures/text-bytes.js';

const SAMPLE = 'Invoice №42 — total 12,50 €\nThank you, Zoë!';

describe('plain text', () => {
  it('decodes UTF-8, strips the BOM and normalises CRLF', async () => {
    const doc = await parse(utf8('\r\nHello\r\nWorld\r\n', true), 'hello.txt');
    expect(doc).toEqual({
      fileType: 'TXT',
      mimeType: 'text/plain',
      pages: [{ pageNumber: 1, text: 'Hello\nWorld', markdown: 'Hello\nWorld' }],
    });
  });

  it.each([
    ['UTF-16 LE with BOM', utf16le(SAMPLE)],
    ['UTF-16 BE with BOM', utf16be(SAMPLE)],
    ['UTF-16 LE without BOM', utf16le(SAMPLE, false)],
    ['UTF-16 BE without BOM', utf16be(SAMPLE, false)],
  ])('decodes %s', async (_, bytes) => {
    expect(texts(await parse(bytes, 'invoice.txt'))).toEqual([SAMPLE]);
  });

  it('falls back to Windows-1252 when the bytes are not valid UTF-8', async () => {
    expect(texts(await parse(latin1('Café crème, naïve façade'), 'menu.txt'))).toEqual([
      'Café crème, naïve façade',
    ]);
    // 0x80 is the euro sign in Windows-1252 (a C1 control in strict Latin-1).
    expect(texts(await parse(new Uint8Array([0x31, 0x30, 0x20, 0x80]), 'price.txt'))).toEqual(['10 €']);
  });

  it('reads UTF-32 and Latin-1 files from the corpus', async () => {
    const [utf32] = texts(await parse(corpusFile('fake-text-utf-32.txt'), 'fake-text-utf-32.txt'));
    expect(utf32).toContain('This is a test document to use for unit tests.');
    const [umlauts] = texts(await parse(corpusFile('umlauts-non-utf8.md'), 'umlauts-non-utf8.md'));
    expect(umlauts).toContain('können');
  });

  it('collapses spaces and tabs, trims lines and keeps at most two blank lines', async () => {
    const doc = await parse(utf8('  a \t  b  \n\n\n\n\n  c\t\n'), 'spaces.txt');
    expect(texts(doc)).toEqual(['a b\n\n\nc']);
  });

  it('splits long text into pages of about 3,000 characters at line boundaries', async () => {
    const line = 'The quick brown fox jumps over the lazy dog.';
    const body = Array.from({ length: 400 }, (_, i) => `${i} ${line}`).join('\n');
    const doc = await parse(utf8(body), 'long.txt');
    expect(doc.pages.length).toBeGreaterThan(5);
    expect(doc.pages.map((p) => p.pageNumber)).toEqual(doc.pages.map((_, i) => i + 1));
    for (const page of doc.pages) {
      expect(page.text.length).toBeLessThanOrEqual(PAGE_CHARS);
      expect(page.text.split('\n').every((l) => l.endsWith(line))).toBe(true);
    }
    expect(texts(doc).join('\n')).toBe(body);
  });

  it('cuts a single line longer than a page at a space', async () => {
    const words = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
    const doc = await parse(utf8(words), 'one-line.txt');
    expect(doc.pages.length).toBeGreaterThan(1);
    expect(texts(doc).join(' ')).toBe(words);
  });

  it('refuses more pages than maxPages', async () => {
    const body = 'x'.repeat(80).concat('\n').repeat(200);
    const failure = await expectFailure(
      parse(utf8(body), 'big.txt', { limits: { maxPages: 2, timeoutMs: 10_000 } }),
      'FILE_SIZE_TOO_LARGE',
    );
    expect(failure.message).toMatch(/limit is 2/);
  });
});

describe('Markdown', () => {
  it('keeps the Markdown source, indentation included, and normalises the text', async () => {
    const source = '# Title\n\n```\n  indented   code\n```\n\n- item\n  - nested';
    const doc = await parse(utf8(source), 'readme.md');
    expect(doc.mimeType).toBe('text/markdown');
    expect(doc.pages[0]?.markdown).toBe(source);
    expect(doc.pages[0]?.text).toBe('# Title\n\n```\nindented code\n```\n\n- item\n- nested');
  });
});

describe('empty text', () => {
  it.each([
    ['0 bytes', new Uint8Array()],
    ['only whitespace', utf8(' \n\t\r\n  ')],
    ['a BOM and spaces in UTF-16', utf16le('   \n ')],
  ])('fails with CORRUPT_FILE for %s', async (_, bytes) => {
    const failure = await expectFailure(parse(bytes, 'empty.txt'), 'CORRUPT_FILE');
    expect(failure.message).toBe('The file is empty.');
  });
});
