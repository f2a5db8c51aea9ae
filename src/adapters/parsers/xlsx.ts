/**
 * XLSX through our own streaming reader (xlsx/): every visible sheet starts a new page with its name, then
 * its non-empty rows as text lines (cells joined by " | ") and as a Markdown table whose header is the
 * sheet's first row. A sheet longer than a page (about 3,000 characters) continues on further pages that
 * repeat that header row. Cells read as Excel shows them where that is knowable offline: formulas by their
 * cached result, dates in ISO 8601, percentages as percentages; merged areas once. Hidden and very hidden
 * sheets are skipped.
 *
 * Memory: the shared strings and the rows of the sheet being read are held (about the size of the text
 * they render to, which the page limit bounds); the sheet's XML streams through and no cell model is built.
 * exceljs's in-memory model took 1.2 GB for a 200,000-row sheet (bench/xlsx-memory.ts); its streaming
 * reader loses error values, booleans and date formats.
 */

import { type ParsedPage, ParseFailure } from '../../ports/parser.js';
import { blockPages } from './block-pages.js';
import type { ContainerParser } from './container-parser.js';
import { noText, tooManyPages } from './failures.js';
import { PAGE_CHARS } from './text-pages.js';
import { readMergedAreas } from './xlsx/merged-areas.js';
import { PackageParts } from './xlsx/package-parts.js';
import { readSharedStrings } from './xlsx/shared-strings-part.js';
import { NotAWorksheet, SheetCellsSink, type SheetContext } from './xlsx/sheet-cells.js';
import { SheetTable } from './xlsx/sheet-table.js';
import { readCellKinds } from './xlsx/styles-part.js';
import { readWorkbook, type SheetEntry } from './xlsx/workbook-part.js';
import { checkZipLimits } from './zip-limits.js';

const PAGE_UNIT = 'pages of ~3,000 characters or more';
/** Parts with a root element of these names are sheets without cells. */
const CELLLESS_SHEETS = new Set(['chartsheet', 'dialogsheet', 'macrosheet']);

export const parseXlsx: ContainerParser = async ({ bytes, limits, maxPages, signal }) => {
  const parts = new PackageParts(bytes, await checkZipLimits(bytes, limits, 'Excel workbook'));
  const cancelled = (): void => {
    if (signal.aborted) throw new ParseFailure('INTERNAL_ERROR', 'Parsing was cancelled.');
  };
  const workbook = await readWorkbook(parts);
  const strings = await readSharedStrings(parts, workbook.sharedStringsPart, cancelled);
  const kinds = await readCellKinds(parts, workbook.stylesPart);
  const pages: ParsedPage[] = [];
  for (const sheet of workbook.sheets) {
    cancelled();
    if (sheet.state !== 'visible') continue;
    const context = {
      strings,
      kinds,
      date1904: workbook.date1904,
      merged: await readMergedAreas(parts, sheet.part),
    };
    // Stop early: the rest of a huge sheet need not be read to know it is over the limit.
    const table = await readSheet(parts, sheet, context, (read) => {
      cancelled();
      const atLeast = pages.length + Math.ceil(read.provenChars / PAGE_CHARS);
      if (atLeast > maxPages) throw tooManyPages(atLeast, maxPages, PAGE_UNIT);
    });
    const name = sheet.name.trim() || `Sheet ${sheet.id}`;
    for (const page of blockPages(table.blocks(name))) {
      pages.push({ ...page, pageNumber: pages.length + 1 });
    }
    if (pages.length > maxPages) throw tooManyPages(pages.length, maxPages, PAGE_UNIT);
  }
  if (pages.length === 0) throw noText('Excel workbook');
  return { pages };
};

async function readSheet(
  parts: PackageParts,
  sheet: SheetEntry,
  context: SheetContext,
  check: (table: SheetTable) => void,
): Promise<SheetTable> {
  const table = new SheetTable();
  const sink = new SheetCellsSink(context, (row, columns, texts) => table.add(row, columns, texts));
  try {
    await parts.scan(sheet.part, sink, () => check(table));
  } catch (error) {
    if (!(error instanceof NotAWorksheet)) throw error;
    if (CELLLESS_SHEETS.has(error.message)) return table;
    throw corrupt(`${sheet.part} is a ${error.message}, not a worksheet`);
  }
  if (!sink.sawRoot) throw corrupt(`${sheet.part} is not XML`);
  return table;
}

const corrupt = (detail: string): ParseFailure =>
  new ParseFailure('CORRUPT_FILE', `The Excel workbook could not be read: ${detail}.`);
