/**
 * XLSX through exceljs: every visible sheet starts a new page with its name, then its non-empty rows as text
 * lines (cells joined by " | ") and as a Markdown table whose header is the sheet's first row. A sheet
 * longer than a page (about 3,000 characters) continues on further pages that repeat that header row.
 * Cells read as Excel shows them where that is knowable offline: formulas by their cached result, dates in
 * ISO 8601, percentages as percentages; merged areas once. Hidden and very hidden sheets are skipped.
 */

import ExcelJS from 'exceljs';
import { type ParsedPage, ParseFailure } from '../../ports/parser.js';
import { type Block, blockPages } from './block-pages.js';
import type { ContainerParser } from './container-parser.js';
import { noText, tooManyPages } from './failures.js';
import { markdownRow, markdownSeparator, padRows, rowText } from './markdown-table.js';
import { checkZipLimits } from './zip-limits.js';

export const parseXlsx: ContainerParser = async ({ bytes, limits, maxPages, signal }) => {
  await checkZipLimits(bytes, limits, 'Excel workbook');
  const workbook = await load(bytes);
  const pages: ParsedPage[] = [];
  for (const sheet of workbook.worksheets) {
    if (signal.aborted) throw new ParseFailure('INTERNAL_ERROR', 'Parsing was cancelled.');
    if (sheet.state !== 'visible') continue;
    for (const page of blockPages(sheetBlocks(sheet))) {
      pages.push({ ...page, pageNumber: pages.length + 1 });
    }
    // Stop early: the rest of a huge workbook need not be rendered to know it is over the limit.
    if (pages.length > maxPages)
      throw tooManyPages(pages.length, maxPages, 'pages of ~3,000 characters or more');
  }
  if (pages.length === 0) throw noText('Excel workbook');
  return { pages };
};

async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs types its input as its own `Buffer extends ArrayBuffer` and hands it to JSZip: an ArrayBuffer fits.
    await workbook.xlsx.load(bytes.slice().buffer);
  } catch (error) {
    // Encrypted workbooks never get here (they are OLE files, refused at detection); this is a broken one.
    throw new ParseFailure(
      'CORRUPT_FILE',
      `The Excel workbook could not be read: ${(error as Error).message}`,
    );
  }
  return workbook;
}

/** The sheet's name, then its rows as one table (one block group). */
function sheetBlocks(sheet: ExcelJS.Worksheet): Block[] {
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      cells[column - 1] = cellText(cell);
    });
    const filled = Array.from(cells, (cell) => cell ?? '');
    if (filled.some((cell) => cell.trim() !== '')) rows.push(filled);
  });
  if (rows.length === 0) return [];
  const table = dropEmptyColumns(padRows(rows));
  const header = `${markdownRow(table[0] ?? [])}\n${markdownSeparator(table[0]?.length ?? 0)}`;
  const name = sheet.name.trim() || `Sheet ${sheet.id}`;
  return [
    { text: name, markdown: `## ${name}` },
    ...table.map((row, i) => ({
      text: rowText(row),
      markdown: i === 0 ? header : markdownRow(row),
      group: 1,
      header,
    })),
  ];
}

/** Columns empty in every row are layout (a margin column, the rest of a merged title): dropped. */
function dropEmptyColumns(rows: string[][]): string[][] {
  const used = (rows[0] ?? []).map((_, column) => rows.some((row) => (row[column] ?? '').trim() !== ''));
  return rows.map((row) => row.filter((_, column) => used[column]));
}

function cellText(cell: ExcelJS.Cell): string {
  // A merged area shows its value once, in its top-left cell.
  if (cell.isMerged && cell.master.address !== cell.address) return '';
  return valueText(cell.value, cell.numFmt);
}

function valueText(value: ExcelJS.CellValue | undefined, numFmt: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return numberText(value, numFmt);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('error' in value) return String(value.error);
  if ('hyperlink' in value) {
    const text: unknown = value.text;
    return typeof text === 'string' ? text : valueText(text as ExcelJS.CellValue, numFmt);
  }
  // Formulas show their cached result; a workbook saved without one shows nothing, as Excel would before recalculating.
  if ('formula' in value || 'sharedFormula' in value) {
    return valueText(value.result as ExcelJS.CellValue | undefined, numFmt);
  }
  return '';
}

function numberText(value: number, numFmt: string | undefined): string {
  // 15 significant digits is what Excel displays: 0.1 + 0.2 shows as 0.3.
  const shown = (n: number): string => String(Number(n.toPrecision(15)));
  if (numFmt?.includes('%')) return `${shown(value * 100)}%`;
  return shown(value);
}

/** Excel dates have no time zone; exceljs hands them over as UTC. Times of day alone sit on 1899-12-30. */
function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  if (day === '1899-12-30' || day === '1899-12-31') return time;
  return time === '00:00:00' ? day : `${day}T${time}`;
}
