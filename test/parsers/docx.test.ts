import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { corpusFile } from '../fixtures/corpus.js';
import { heading, listItem, makeDocx, makeZip, para, run, table } from '../fixtures/make-office.js';
import { expectFailure, parse, parser, texts } from '../fixtures/parse.js';

describe('DOCX', () => {
  it('gives text, and Markdown with headings, emphasis, lists and tables', async () => {
    const docx = await makeDocx(
      heading(1, 'Quarterly report') +
        para('Revenue grew ', run('strongly', '<w:b/>'), ' and ', run('steadily', '<w:i/>'), '.') +
        listItem('First point', 1) +
        listItem('Nested point', 1, 1) +
        listItem('Second point', 1) +
        listItem('Step one', 2) +
        listItem('Step two', 2) +
        table([
          ['Region', 'Sales'],
          ['North', '10'],
          ['South', '2|0'],
        ]),
    );
    const doc = await parse(docx, 'report.docx');
    expect(doc.fileType).toBe('DOCX');
    expect(doc.mimeType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(doc.pages).toEqual([
      {
        pageNumber: 1,
        text: [
          'Quarterly report',
          '',
          'Revenue grew strongly and steadily.',
          '',
          'First point\nNested point\nSecond point',
          '',
          'Step one\nStep two',
          '',
          'Region | Sales\nNorth | 10\nSouth | 2|0',
        ].join('\n'),
        markdown: [
          '# Quarterly report',
          '',
          'Revenue grew **strongly** and *steadily*.',
          '',
          '- First point\n  - Nested point\n- Second point',
          '',
          '1. Step one\n2. Step two',
          '',
          '| Region | Sales |\n| --- | --- |\n| North | 10 |\n| South | 2\\|0 |',
        ].join('\n'),
      },
    ]);
  });

  it('packs paragraphs into pages of about 3,000 characters, repeating a split table’s header row', async () => {
    const paragraphs = Array.from({ length: 40 }, (_, i) =>
      para(`Paragraph ${i} ${'lorem ipsum '.repeat(10)}`),
    );
    const rows = Array.from({ length: 200 }, (_, i) => [`item ${i}`, `${i * 7} EUR`]);
    const doc = await parse(
      await makeDocx(paragraphs.join('') + table([['Item', 'Price'], ...rows])),
      'long.docx',
    );
    expect(doc.pages.length).toBeGreaterThan(3);
    for (const page of doc.pages) expect(page.text.length).toBeLessThanOrEqual(3000);
    const tablePages = doc.pages.filter((page) => page.markdown.includes('| item '));
    expect(tablePages.length).toBeGreaterThan(1);
    for (const page of tablePages.slice(1)) {
      expect(page.markdown.startsWith('| Item | Price |\n| --- | --- |\n')).toBe(true);
    }
    // Nothing lost or repeated in the text: every row once, in order.
    const lines = texts(doc).join('\n').split('\n');
    expect(lines.filter((line) => line.startsWith('item '))).toEqual(rows.map(([a, b]) => `${a} | ${b}`));
  });

  it('recognises a DOCX by its content whatever its name (the corpus has one called .doc)', async () => {
    const docx = await makeDocx(para('Hello'));
    for (const name of ['report.doc', 'upload.bin', 'no-extension']) {
      expect(parser.detect(docx, name)?.fileType).toBe('DOCX');
    }
    const doc = await parse(corpusFile('language-docs/eng_spa_mult.doc'), 'eng_spa_mult.doc');
    expect(doc.fileType).toBe('DOCX');
    expect(doc.pages[0]?.text).toMatch(/\S/);
  });

  it('keeps pictures out of the Markdown (no base64 data URIs)', async () => {
    const doc = await parse(corpusFile('contains-pictures.docx'), 'contains-pictures.docx');
    for (const page of doc.pages) expect(page.markdown).not.toMatch(/data:|<img/);
  });

  it('writes links as Markdown links', async () => {
    const doc = await parse(corpusFile('hlink-meta.docx'), 'hlink-meta.docx');
    expect(doc.pages[0]?.markdown).toContain('Three with [link to foo.com](https://foo.com).');
    expect(doc.pages[0]?.text).toContain('Three with link to foo.com.');
  });

  it('fails with CORRUPT_FILE for a ZIP named .docx without a document in it', async () => {
    const zip = await makeZip({ 'readme.txt': 'not a document' });
    const failure = await expectFailure(parse(zip, 'contract.docx'), 'CORRUPT_FILE');
    expect(failure.message).toMatch(/DOCX document could not be read/);
  });

  it('fails with CORRUPT_FILE for a truncated DOCX', async () => {
    const docx = await makeDocx(para('Hello '.repeat(1000)));
    await expectFailure(parse(docx.subarray(0, Math.floor(docx.length / 2)), 'cut.docx'), 'CORRUPT_FILE');
  });

  it('fails with CORRUPT_FILE when the document part is not XML', async () => {
    const zip = await JSZip.loadAsync(await makeDocx(para('x')));
    zip.file('word/document.xml', '<w:document><w:body><w:p>unterminated');
    const broken = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
    await expectFailure(parse(broken, 'broken.docx'), 'CORRUPT_FILE');
  });

  it('fails with CORRUPT_FILE when the document has no text', async () => {
    const failure = await expectFailure(parse(await makeDocx(para('')), 'blank.docx'), 'CORRUPT_FILE');
    expect(failure.message).toBe('The DOCX document contains no text.');
  });
});
