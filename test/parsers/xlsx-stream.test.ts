import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { formatKind } from '../../src/adapters/parsers/xlsx/number-formats.js';
import { XmlScanner, type XmlSink, type XmlTag } from '../../src/adapters/parsers/xlsx/xml-scanner.js';
import { expectFailure, parse, texts } from '../fixtures/parse.js';

/**
 * The streaming XLSX reader on what exceljs cannot write (inline strings, shared formulas, prefixed
 * elements, rows without numbers, values left in merged cells), on broken packages, and on a sheet of
 * 200,000 rows. xlsx.test.ts covers the everyday workbooks exceljs writes.
 */

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

interface RawSheet {
  name: string;
  /** Inside <sheetData>, or the whole part when `part` is set. */
  data?: string;
  part?: string;
  after?: string;
  state?: string;
  file?: string;
  type?: string;
}

/** A workbook package written by hand, part by part. */
async function rawWorkbook(
  sheets: RawSheet[],
  extra: { strings?: string; styles?: string; workbookPr?: string } = {},
): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file(
    '_rels/.rels',
    `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  const file = (sheet: RawSheet, i: number): string => sheet.file ?? `worksheets/sheet${i + 1}.xml`;
  zip.file(
    'xl/workbook.xml',
    `<workbook xmlns="${MAIN}" xmlns:r="${REL}">${extra.workbookPr ?? ''}<sheets>${sheets
      .map(
        (sheet, i) =>
          `<sheet name="${sheet.name}" sheetId="${i + 1}"${sheet.state ? ` state="${sheet.state}"` : ''} r:id="rId${i + 1}"/>`,
      )
      .join('')}</sheets></workbook>`,
  );
  zip.file(
    'xl/_rels/workbook.xml.rels',
    `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
      .map(
        (sheet, i) =>
          `<Relationship Id="rId${i + 1}" Type="${REL}/${sheet.type ?? 'worksheet'}" Target="${file(sheet, i)}"/>`,
      )
      .join(
        '',
      )}<Relationship Id="rIdS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rIdT" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
  );
  for (const [i, sheet] of sheets.entries()) {
    const data = `<worksheet xmlns="${MAIN}"><sheetData>${sheet.data ?? ''}</sheetData>${sheet.after ?? ''}</worksheet>`;
    zip.file(`xl/${file(sheet, i)}`, sheet.part ?? data);
  }
  if (extra.strings) zip.file('xl/sharedStrings.xml', `<sst xmlns="${MAIN}">${extra.strings}</sst>`);
  if (extra.styles) zip.file('xl/styles.xml', `<styleSheet xmlns="${MAIN}">${extra.styles}</styleSheet>`);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

const lines = (text: string | undefined): string[] => (text ?? '').split('\n').slice(2);

describe('XLSX streaming reader', () => {
  it('reads inline strings, rich text, shared and string formulas, entities and escapes', async () => {
    const xlsx = await rawWorkbook(
      [
        {
          name: 'R&amp;D',
          data:
            '<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> a &amp; b &lt;c&gt; &#233;&#x1F600; </t></is></c>' +
            '<c r="B1" t="inlineStr"><is><r><t>ri</t></r><r><rPr><b/></rPr><t>ch</t></r><rPh><t>PHONETIC</t></rPh></is></c>' +
            '<c r="C1" t="s"><v>0</v></c><c r="D1" t="s"><v>1</v></c></row>' +
            '<row r="2"><c r="A2"><f>1+1</f><v>2</v></c><c r="B2"><f t="shared" ref="B2:B3" si="0">A2*2</f><v>4</v></c>' +
            '<c r="C2" t="str"><f>"x"</f><v>x&amp;y</v></c><c r="D2" t="b"><v>1</v></c><c r="E2" t="e"><v>#REF!</v></c></row>' +
            '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>6</v></c><c r="C3" t="str"><v><![CDATA[<raw> & more]]></v></c>' +
            '<c r="D3" t="b"><f>1=2</f><v>0</v></c><c r="E3"><f>A3-3</f><v>0</v></c><c r="F3"><f>NOW()</f></c></row>',
        },
      ],
      {
        strings:
          '<si><t>Tab_x0009_here</t></si><si><r><t>one </t></r><r><t>two</t></r><rPh><t>PH</t></rPh></si>',
      },
    );
    const doc = await parse(xlsx, 'raw.xlsx');
    expect(texts(doc)).toEqual([
      'R&D\n\na & b <c> é😀 | rich | Tab here | one two\n2 | 4 | x&y | TRUE | #REF!\n3 | 6 | <raw> & more | FALSE | 0',
    ]);
  });

  it('shows dates in both date systems, times, percentages and plain numbers by their number format', async () => {
    const styles =
      '<numFmts><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="0.0 &quot;days&quot;"/>' +
      '<numFmt numFmtId="166" formatCode="#,##0\\ \\h"/><numFmt numFmtId="167" formatCode="[$-409]h:mm AM/PM"/>' +
      '<numFmt numFmtId="168" formatCode="0.0&quot;%&quot;"/><numFmt numFmtId="169" formatCode="[h]:mm:ss"/></numFmts>' +
      // Conditional formats have numFmts of their own: they must not replace the cell formats'.
      '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/>' +
      '<xf numFmtId="167"/><xf numFmtId="9"/><xf numFmtId="10"/><xf numFmtId="168"/><xf numFmtId="169"/></cellXfs>' +
      '<dxfs><dxf><numFmt numFmtId="165" formatCode="yyyy"/></dxf></dxfs>';
    const row =
      '<row r="1"><c r="A1" s="1"><v>45322</v></c><c r="B1" s="2"><v>45323.5729166667</v></c><c r="C1" s="3"><v>2.5</v></c>' +
      '<c r="D1" s="4"><v>12</v></c><c r="E1" s="5"><v>0.5</v></c><c r="F1" s="6"><v>0.25</v></c><c r="G1" s="7"><v>0.125</v></c>' +
      '<c r="H1" s="8"><v>12.5</v></c><c r="I1" t="d"><v>2024-03-01T08:00:00</v></c><c r="J1"><v>0.30000000000000004</v></c></row>';
    for (const [workbookPr, first, second] of [
      ['', '2024-01-31', '2024-02-01T13:45:00'],
      ['<workbookPr date1904="1"/>', '2028-02-01', '2028-02-02T13:45:00'],
    ]) {
      const doc = await parse(
        await rawWorkbook([{ name: 'Dates', data: row }], { styles, workbookPr }),
        'd.xlsx',
      );
      expect(lines(doc.pages[0]?.text)).toEqual([
        `${first} | ${second} | 2.5 | 12 | 12:00:00 | 25% | 12.5% | 12.5 | 2024-03-01T08:00:00 | 0.3`,
      ]);
    }
    expect(['yyyy-mm-dd', 'd-mmm', 'h:mm', '[h]:mm:ss', 'DD.MM.YYYY', 'mmss.0'].map(formatKind)).toEqual(
      Array(6).fill('date'),
    );
    expect(['0.00 "days"', '#,##0\\ \\h', '_(* #,##0_)', 'General', '@', '0.0E+00'].map(formatKind)).toEqual(
      Array(6).fill('number'),
    );
    expect(['0%', '0.00%', '0.0"%"'].map(formatKind)).toEqual(['percent', 'percent', 'number']);
  });

  it('numbers rows and cells without r, reads prefixed elements, and sorts rows written out of order', async () => {
    const xlsx = await rawWorkbook([
      {
        name: 'Implicit',
        data: '<row><c><v>1</v></c><c><v>2</v></c><c r="E1"><v>5</v></c><c><v>6</v></c></row><row><c><v>7</v></c></row>',
      },
      {
        name: 'Prefixed',
        part: `<x:worksheet xmlns:x="${MAIN}"><x:sheetData><x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>second</x:t></x:is></x:c></x:row><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
      },
    ]);
    const doc = await parse(xlsx, 'implicit.xlsx');
    expect(texts(doc)).toEqual(['Implicit\n\n1 | 2 | 5 | 6\n7', 'Prefixed\n\n1\nsecond']);
  });

  it('shows a merged area once, even when the file kept values in its other cells', async () => {
    const xlsx = await rawWorkbook([
      {
        name: 'Merged',
        data:
          '<row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c><c r="B1" t="inlineStr"><is><t>kept by LibreOffice</t></is></c></row>' +
          '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c><c r="C2"><v>3</v></c></row>' +
          '<row r="3"><c r="A3"><v>4</v></c><c r="B3"><v>hidden</v></c></row>',
        after: '<mergeCells count="2"><mergeCell ref="A1:C1"/><mergeCell ref="$A$3:B3"/></mergeCells>',
      },
    ]);
    const doc = await parse(xlsx, 'merged.xlsx');
    expect(texts(doc)).toEqual(['Merged\n\nTitle\n1 | 2 | 3\n4']);
  });

  it('follows the workbook for sheet order, names, parts and visibility; chart sheets have no cells', async () => {
    const xlsx = await rawWorkbook([
      {
        name: 'Second file first',
        file: 'worksheets/zz.xml',
        data: '<row r="1"><c r="A1"><v>1</v></c></row>',
      },
      { name: 'Chart', file: 'chartsheets/sheet1.xml', type: 'chartsheet', part: '<chartsheet/>' },
      { name: 'Gone', state: 'hidden', data: '<row r="1"><c r="A1"><v>2</v></c></row>' },
      { name: 'Also gone', state: 'veryHidden', data: '<row r="1"><c r="A1"><v>3</v></c></row>' },
      { name: '  ', data: '<row r="1"><c r="A1"><v>4</v></c></row>' },
    ]);
    const doc = await parse(xlsx, 'order.xlsx');
    expect(texts(doc)).toEqual(['Second file first\n\n1', 'Sheet 5\n\n4']);
  });

  it('fails with CORRUPT_FILE for truncated, empty and broken packages', async () => {
    const good = await rawWorkbook([{ name: 'A', data: '<row r="1"><c r="A1"><v>1</v></c></row>' }]);
    await expectFailure(parse(good.slice(0, Math.floor(good.length / 2)), 'cut.xlsx'), 'CORRUPT_FILE');
    await expectFailure(parse(await rawWorkbook([{ name: 'A', data: '' }]), 'empty.xlsx'), 'CORRUPT_FILE');
    const garbage = await rawWorkbook([{ name: 'A', part: 'not xml at all' }]);
    expect((await expectFailure(parse(garbage, 'garbage.xlsx'), 'CORRUPT_FILE')).message).toMatch(/not XML/);
    const noWorkbook = new JSZip();
    noWorkbook.file('xl/worksheets/sheet1.xml', `<worksheet xmlns="${MAIN}"/>`);
    const bytes = await noWorkbook.generateAsync({ type: 'uint8array' });
    expect((await expectFailure(parse(bytes, 'nobook.xlsx'), 'CORRUPT_FILE')).message).toMatch(/no workbook/);
  });
});

describe('XML scanner', () => {
  it('gives the same tags and text whatever the chunk boundaries', () => {
    const xml = Buffer.from(
      '<?xml version="1.0"?><!-- a > comment --><a x="1 > 0" y=\'"q"\'><b>é😀&amp;</b><![CDATA[<c>&]]><d/><e:f>t</e:f></a>',
    );
    const events = (chunkSize: number): string[] => {
      const seen: string[] = [];
      let capturing = false;
      const sink: XmlSink = {
        get capturing() {
          return capturing;
        },
        stopped: false,
        open: (tag: XmlTag) => {
          seen.push(`<${tag.name} ${tag.attribute('x') ?? ''}${tag.attribute('y') ?? ''}>`);
          capturing = true;
        },
        close: (tag: XmlTag) => {
          seen.push(`</${tag.name}>`);
          capturing = false;
        },
        text: (raw) => seen.push(raw),
      };
      const scanner = new XmlScanner(sink);
      for (let at = 0; at < xml.length; at += chunkSize) scanner.write(xml.subarray(at, at + chunkSize));
      scanner.end();
      // Text may arrive in pieces: join neighbouring pieces before comparing.
      return seen.reduce<string[]>((joined, event) => {
        const last = joined[joined.length - 1];
        if (last !== undefined && !event.startsWith('<') && !last.startsWith('<'))
          joined[joined.length - 1] = last + event;
        else joined.push(event);
        return joined;
      }, []);
    };
    const whole = events(xml.length);
    expect(whole).toEqual([
      '<a 1 > 0"q">',
      '<b >',
      'é😀&amp;',
      '</b>',
      '<d >',
      '</d>',
      '<f >',
      't',
      '</f>',
      '</a>',
    ]);
    for (let size = 1; size < 12; size++) expect(events(size)).toEqual(whole);
  });
});

describe('XLSX memory', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docsort-xlsx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a 200,000-row sheet without building the workbook in memory', async () => {
    const file = path.join(dir, 'big.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
    const sheet = writer.addWorksheet('Orders');
    sheet.addRow(['id', 'customer', 'ordered', 'paid', 'total']).commit();
    for (let i = 1; i <= 200_000; i++) {
      sheet
        .addRow([i, `customer ${i % 5000}`, new Date(Date.UTC(2020, 0, 1 + (i % 1500))), i % 3 === 0, i * 3])
        .commit();
    }
    sheet.commit();
    await writer.commit();
    const bytes = new Uint8Array(readFileSync(file));

    // Sampled while the parse runs (the reader yields between chunks); exceljs's model peaked at 1.2 GB here.
    let peak = process.memoryUsage().rss;
    const before = peak;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      const doc = await parse(bytes, 'big.xlsx', { limits: { maxPages: 100_000, timeoutMs: 600_000 } });
      const rows = doc.pages
        .flatMap((page) => page.text.split('\n'))
        .filter((line) => /^\d+ \| customer/.test(line));
      expect(rows).toHaveLength(200_000);
      expect(rows[0]).toBe('1 | customer 1 | 2020-01-02 | FALSE | 3');
      // The server's default page limit: refused once the rows read prove it, long before the end.
      const failure = await expectFailure(
        parse(bytes, 'big.xlsx', { limits: { maxPages: 2000, timeoutMs: 600_000 } }),
        'FILE_SIZE_TOO_LARGE',
      );
      expect(failure.message).toMatch(/limit is 2000/);
    } finally {
      clearInterval(sampler);
    }
    // Generous: garbage collection timing varies; the point is hundreds of MB, not the old 1.2 GB.
    expect((peak - before) / 1024 / 1024).toBeLessThan(700);
  }, 600_000);
});
