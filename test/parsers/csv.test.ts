import { describe, expect, it } from 'vitest';
import { corpusFile } from '../fixtures/corpus.js';
import { expectFailure, parse, texts } from '../fixtures/parse.js';
import { utf8 } from '../fixtures/text-bytes.js';

describe('CSV', () => {
  it('gives rows as text and a Markdown table', async () => {
    const doc = await parse(utf8('Name,Amount\r\nAlice,10\r\nBob,20\r\n'), 'amounts.csv');
    expect(doc.fileType).toBe('CSV');
    expect(doc.mimeType).toBe('text/csv');
    expect(doc.pages).toEqual([
      {
        pageNumber: 1,
        text: 'Name | Amount\nAlice | 10\nBob | 20',
        markdown: '| Name | Amount |\n| --- | --- |\n| Alice | 10 |\n| Bob | 20 |',
      },
    ]);
  });

  it('handles quoted fields with delimiters, doubled quotes and line breaks', async () => {
    const source = 'id,comment\n1,"Hello, world"\n2,"She said ""hi"""\n3,"two\nlines"\n4, "padded, quoted"\n';
    const doc = await parse(utf8(source), 'comments.csv');
    expect(texts(doc)).toEqual([
      'id | comment\n1 | Hello, world\n2 | She said "hi"\n3 | two lines\n4 | padded, quoted',
    ]);
    expect(doc.pages[0]?.markdown).toContain('| 3 | two<br>lines |');
  });

  it.each([
    ['semicolons', 'Year;Revenue;Costs\n2022;143,1;-814,38\n2023;215,32;-11,08\n', 'rev.csv'],
    ['tabs', 'Year\tRevenue\tCosts\n2022\t143,1\t-814,38\n2023\t215,32\t-11,08\n', 'rev.tsv'],
    ['tabs in a .csv', 'Year\tRevenue\tCosts\n2022\t143,1\t-814,38\n2023\t215,32\t-11,08\n', 'rev.csv'],
  ])('detects %s as the delimiter', async (_, source, name) => {
    expect(texts(await parse(utf8(source), name))).toEqual([
      'Year | Revenue | Costs\n2022 | 143,1 | -814,38\n2023 | 215,32 | -11,08',
    ]);
  });

  it('reads a single-column file with stray commas as one column', async () => {
    const doc = await parse(corpusFile('single-column.csv'), 'single-column.csv');
    expect(doc.pages[0]?.text.split('\n')[0]).toBe('Lorem, ipsum');
  });

  it('escapes pipes in Markdown cells and pads ragged rows', async () => {
    const doc = await parse(utf8('a,b,c\nx|y\n'), 'ragged.csv');
    expect(doc.pages[0]?.markdown).toBe('| a | b | c |\n| --- | --- | --- |\n| x\\|y |  |  |');
  });

  it('splits long tables into pages that repeat the header row', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `${i},customer number ${i},${i * 3}.00 EUR`);
    const doc = await parse(utf8(['id,name,total', ...rows].join('\n')), 'orders.csv');
    expect(doc.pages.length).toBeGreaterThan(1);
    for (const page of doc.pages) {
      expect(page.markdown.startsWith('| id | name | total |\n| --- | --- | --- |\n')).toBe(true);
      expect(page.text.length).toBeLessThanOrEqual(3000);
    }
    expect(doc.pages[1]?.text.startsWith('id')).toBe(false);
    expect(texts(doc).join('\n').split('\n')).toHaveLength(301);
  });

  it('decodes a UTF-16 CSV from the corpus', async () => {
    const doc = await parse(corpusFile('stanley-cups-utf-16.csv'), 'stanley-cups-utf-16.csv');
    expect(doc.pages[0]?.text).toContain('Maple Leafs | TOR | 13');
  });

  it('fails when the cells are all empty', async () => {
    await expectFailure(parse(utf8(',,\n,,\n'), 'blank.csv'), 'CORRUPT_FILE');
  });
});
