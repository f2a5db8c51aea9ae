import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { corpusFile } from '../fixtures/corpus.js';
import { expectFailure, parse, parser } from '../fixtures/parse.js';

async function workbookBytes(build: (workbook: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe('XLSX', () => {
  it('gives each visible sheet its own page: name, then rows as text and as a Markdown table', async () => {
    const xlsx = await workbookBytes((workbook) => {
      const sales = workbook.addWorksheet('Sales');
      // Column A stays empty and row 2 is blank: both are layout.
      sales.getCell('B1').value = 'Region';
      sales.getCell('C1').value = 'Amount';
      sales.getCell('D1').value = 'Share';
      sales.getCell('B3').value = 'North';
      sales.getCell('C3').value = 0.1 + 0.2;
      sales.getCell('D3').value = 0.25;
      sales.getCell('D3').numFmt = '0%';
      sales.getCell('B4').value = { richText: [{ text: 'So' }, { text: 'uth', font: { bold: true } }] };
      sales.getCell('C4').value = { formula: 'C3*2', result: 0.6 };
      sales.getCell('D4').value = { error: '#DIV/0!' };
      const secret = workbook.addWorksheet('Secret', { state: 'hidden' });
      secret.getCell('A1').value = 'hidden salary data';
      const deep = workbook.addWorksheet('Deep', { state: 'veryHidden' });
      deep.getCell('A1').value = 'very hidden';
      const log = workbook.addWorksheet('Log');
      log.getCell('A1').value = 'When';
      log.getCell('B1').value = 'Done';
      log.getCell('C1').value = 'Link';
      log.getCell('A2').value = new Date(Date.UTC(2024, 0, 31));
      log.getCell('B2').value = true;
      log.getCell('C2').value = { text: 'the site', hyperlink: 'https://example.com' };
      log.getCell('A3').value = new Date(Date.UTC(2024, 1, 1, 13, 45, 0));
      log.getCell('A3').numFmt = 'yyyy-mm-dd hh:mm';
      log.getCell('A4').value = 'Merged note';
      log.mergeCells('A4:C4');
    });
    const doc = await parse(xlsx, 'book.xlsx');
    expect(doc.fileType).toBe('EXCEL');
    expect(doc.mimeType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(doc.pages).toEqual([
      {
        pageNumber: 1,
        text: 'Sales\n\nRegion | Amount | Share\nNorth | 0.3 | 25%\nSouth | 0.6 | #DIV/0!',
        markdown:
          '## Sales\n\n| Region | Amount | Share |\n| --- | --- | --- |\n| North | 0.3 | 25% |\n| South | 0.6 | #DIV/0! |',
      },
      {
        pageNumber: 2,
        text: 'Log\n\nWhen | Done | Link\n2024-01-31 | TRUE | the site\n2024-02-01T13:45:00\nMerged note',
        markdown:
          '## Log\n\n| When | Done | Link |\n| --- | --- | --- |\n| 2024-01-31 | TRUE | the site |\n' +
          '| 2024-02-01T13:45:00 |  |  |\n| Merged note |  |  |',
      },
    ]);
  });

  it('shows formulas whose cached result is 0 or FALSE, and dates of 1904-system workbooks', async () => {
    const xlsx = await workbookBytes((workbook) => {
      workbook.properties.date1904 = true;
      const sheet = workbook.addWorksheet('Totals');
      sheet.addRow(['sum', { formula: 'A1-A1', result: 0 }, { formula: '1=2', result: false }]);
      sheet.addRow(['day', new Date(Date.UTC(2024, 0, 31)), new Date(Date.UTC(1899, 11, 30, 6, 30))]);
      sheet.getCell('C2').numFmt = 'hh:mm';
    });
    const doc = await parse(xlsx, 'totals.xlsx');
    expect(doc.pages[0]?.text).toBe('Totals\n\nsum | 0 | FALSE\nday | 2024-01-31 | 06:30:00');
    // exceljs dropped such results (a total of 0 showed as an empty cell); the corpus has one.
    const segments = await parse(corpusFile('2023-half-year-analyses-by-segment.xlsx'), 'segments.xlsx');
    expect(segments.pages.map((page) => page.text).join('\n')).toContain('Total | -16 | -55 | 0 | -599');
  });

  it('continues a long sheet on further pages that repeat its header row', async () => {
    const xlsx = await workbookBytes((workbook) => {
      const sheet = workbook.addWorksheet('Orders');
      sheet.addRow(['id', 'customer', 'total']);
      for (let i = 0; i < 300; i++) sheet.addRow([i, `customer number ${i}`, i * 3]);
      workbook.addWorksheet('Summary').addRow(['orders', 300]);
    });
    const doc = await parse(xlsx, 'orders.xlsx');
    expect(doc.pages.length).toBeGreaterThan(3);
    const orders = doc.pages.slice(0, -1);
    for (const page of orders.slice(1)) {
      expect(page.markdown.startsWith('| id | customer | total |\n| --- | --- | --- |\n')).toBe(true);
    }
    const rows = orders.flatMap((page) => page.text.split('\n')).filter((line) => /^\d+ \|/.test(line));
    expect(rows).toHaveLength(300);
    expect(doc.pages.at(-1)?.text).toBe('Summary\n\norders | 300');
  });

  it('stops at maxPages with FILE_SIZE_TOO_LARGE', async () => {
    const xlsx = await workbookBytes((workbook) => {
      for (let s = 0; s < 5; s++) workbook.addWorksheet(`Sheet ${s}`).addRow(['value', s]);
    });
    const failure = await expectFailure(
      parse(xlsx, 'many.xlsx', { limits: { maxPages: 3, timeoutMs: 30_000 } }),
      'FILE_SIZE_TOO_LARGE',
    );
    expect(failure.message).toMatch(/limit is 3/);
  });

  it('fails with PASSWORD_PROTECTED_FILE for an encrypted workbook, whatever its name', async () => {
    const encrypted = corpusFile('password_protected.xlsx');
    for (const name of ['password_protected.xlsx', 'upload.bin']) {
      const failure = await expectFailure(parse(encrypted, name), 'PASSWORD_PROTECTED_FILE');
      expect(failure.message).toMatch(/encrypted with a password/);
    }
    expect(parser.detect(encrypted, 'password_protected.xlsx')).toBeNull();
  });

  it('fails with CORRUPT_FILE for a workbook without any values', async () => {
    const xlsx = await workbookBytes((workbook) => {
      workbook.addWorksheet('Empty');
      workbook.addWorksheet('Hidden', { state: 'hidden' }).addRow(['only here']);
    });
    await expectFailure(parse(xlsx, 'empty.xlsx'), 'CORRUPT_FILE');
    await expectFailure(parse(corpusFile('empty.xlsx'), 'empty.xlsx'), 'CORRUPT_FILE');
  });

  it('reads the corpus workbooks as displayed', async () => {
    const doc = await parse(corpusFile('stanley-cups.xlsx'), 'stanley-cups.xlsx');
    expect(doc.pages.map((page) => page.text.split('\n')[0])).toEqual([
      'Stanley Cups',
      'Stanley Cups Since 67',
    ]);
    expect(doc.pages[0]?.text).toContain('Maple Leafs | TOR | 13');
    expect(doc.pages[0]?.markdown).toContain('| Team | Location | Stanley Cups |');
    const emoji = await parse(corpusFile('emoji.xlsx'), 'emoji.xlsx');
    expect(emoji.pages[0]?.text).toContain('🤠😅');
  });
});
