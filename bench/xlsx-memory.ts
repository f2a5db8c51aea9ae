/**
 * XLSX memory and speed: the streaming reader (src/adapters/parsers/xlsx/) beside the exceljs in-memory
 * reader it replaced, measured in the same run on the same generated workbook.
 *
 *   npx tsx bench/xlsx-memory.ts                 200,000 rows x 6 columns
 *   npx tsx bench/xlsx-memory.ts --rows 50000    another size
 *
 * The workbook is written once per size by exceljs's streaming writer (shared strings, numbers, dates,
 * percentages, booleans, formulas with cached results) into the temp folder. Each reading runs in its own
 * process, so one's garbage cannot inflate the other's figure: peak memory is that process's high-water
 * resident set (VmHWM, whole process, Node itself included), beside its resident set once everything was
 * loaded and before the file was read. "All pages" renders the whole sheet (maxPages 100,000); "limit 2,000"
 * is the server's default page limit, which a sheet this long exceeds (FILE_SIZE_TOO_LARGE): the streaming
 * reader stops as soon as the rows read prove it, exceljs had to load the whole workbook first.
 * Prints figures only; never fails on them.
 */

import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import type { ParsedPage } from '../src/ports/parser.js';
import { residentMb, runMeasured } from './measure.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};

interface ChildResult {
  outcome: string;
  pages: number;
  ms: number;
  loadedMb: number;
}

if (args[0] === '--child') await child(args[1] ?? 'new', args[2] ?? '', Number(args[3]));
else await main();

async function main(): Promise<void> {
  const rows = Number(option('--rows') ?? 200_000);
  const file = await workbookFile(rows);
  console.log(
    `${rows.toLocaleString('en')} rows x 6 columns, ${(readFileSync(file).length / 1e6).toFixed(1)} MB: ${file}\n`,
  );
  console.log('reader                      pages     time    rows/s   peak RSS   RSS before reading');
  for (const [reader, maxPages, label] of [
    ['old', 100_000, 'exceljs, all pages'],
    ['new', 100_000, 'streaming, all pages'],
    ['old', 2_000, 'exceljs, limit 2,000'],
    ['new', 2_000, 'streaming, limit 2,000'],
  ] as const) {
    const run = await runMeasured(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', reader, file, String(maxPages)],
      process.env,
    );
    const result = JSON.parse(run.stdout) as ChildResult;
    const perSecond = Math.round(rows / (result.ms / 1000)).toLocaleString('en');
    console.log(
      `${label.padEnd(26)} ${(result.outcome === 'ok' ? String(result.pages) : result.outcome).padStart(6)}` +
        ` ${`${(result.ms / 1000).toFixed(1)} s`.padStart(8)} ${perSecond.padStart(9)}` +
        ` ${`${Math.round(run.peakMb)} MB`.padStart(10)} ${`${Math.round(result.loadedMb)} MB`.padStart(12)}`,
    );
  }
  console.log(
    '\n(rows/s over the whole parse; with the limit, the streaming reader reads only the rows it needs.)',
  );
}

/** One reading in this process; prints its result as JSON for the parent. */
async function child(reader: string, file: string, maxPages: number): Promise<void> {
  const { createDocumentParser } = await import('../src/adapters/parsers/index.js');
  const parser = createDocumentParser();
  const bytes = new Uint8Array(readFileSync(file));
  const loadedMb = residentMb(process.pid);
  const started = performance.now();
  const outcome = await (reader === 'old'
    ? parseWithExceljs(bytes, maxPages)
    : parser
        .parse({ bytes, fileName: 'big.xlsx', limits: { maxPages, timeoutMs: 600_000 } })
        .then((doc) => doc.pages)
  ).then(
    (pages) => ({ outcome: 'ok', pages: pages.length }),
    (error: { reason?: string }) => ({ outcome: error.reason ?? 'error', pages: 0 }),
  );
  const result: ChildResult = { ...outcome, ms: performance.now() - started, loadedMb };
  await parser.close?.();
  process.stdout.write(JSON.stringify(result));
}

/** The reader before the streaming one (xlsx.ts until this change), reduced to what costs time and memory. */
async function parseWithExceljs(bytes: Uint8Array, maxPages: number): Promise<ParsedPage[]> {
  const { blockPages } = await import('../src/adapters/parsers/block-pages.js');
  const { markdownRow, markdownSeparator, padRows, rowText } = await import(
    '../src/adapters/parsers/markdown-table.js'
  );
  const { tooManyPages } = await import('../src/adapters/parsers/failures.js');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes.slice().buffer);
  const pages: ParsedPage[] = [];
  for (const sheet of workbook.worksheets) {
    if (sheet.state !== 'visible') continue;
    const rows: string[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: false }, (cell, column) => {
        cells[column - 1] = cellText(cell.value, cell.numFmt);
      });
      const filled = Array.from(cells, (cell) => cell ?? '');
      if (filled.some((cell) => cell.trim() !== '')) rows.push(filled);
    });
    const table = padRows(rows);
    const header = `${markdownRow(table[0] ?? [])}\n${markdownSeparator(table[0]?.length ?? 0)}`;
    const blocks = [
      { text: sheet.name, markdown: `## ${sheet.name}` },
      ...table.map((row, i) => ({
        text: rowText(row),
        markdown: i === 0 ? header : markdownRow(row),
        group: 1,
        header,
      })),
    ];
    for (const page of blockPages(blocks)) pages.push({ ...page, pageNumber: pages.length + 1 });
    if (pages.length > maxPages) throw tooManyPages(pages.length, maxPages);
  }
  return pages;
}

/** The old reader's cell text (merged areas aside): formulas by result, dates ISO, percentages. */
function cellText(value: ExcelJS.CellValue | undefined, numFmt: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    const shown = (n: number): string => String(Number(n.toPrecision(15)));
    return numFmt?.includes('%') ? `${shown(value * 100)}%` : shown(value);
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.slice(11, 19) === '00:00:00' ? iso.slice(0, 10) : iso.slice(0, 19);
  }
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('error' in value) return String(value.error);
  if ('formula' in value) return cellText(value.result as ExcelJS.CellValue | undefined, numFmt);
  return '';
}

/** The generated workbook, written once per size (exceljs's streaming writer keeps its own memory flat). */
async function workbookFile(rows: number): Promise<string> {
  const file = path.join(tmpdir(), `docsort-bench-xlsx-${rows}.xlsx`);
  if (existsSync(file)) return file;
  const partial = `${file}.partial`;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: partial, useSharedStrings: true });
  const sheet = workbook.addWorksheet('Orders');
  sheet.addRow(['id', 'customer', 'ordered', 'discount', 'paid', 'total']).commit();
  for (let i = 1; i <= rows; i++) {
    const row = sheet.addRow([
      i,
      `customer ${i % 5000}`,
      new Date(Date.UTC(2020, 0, 1 + (i % 1500))),
      (i % 20) / 100,
      i % 3 === 0,
      { formula: `A${i + 1}*3`, result: i * 3 },
    ]);
    row.getCell(4).numFmt = '0%';
    row.commit();
  }
  sheet.commit();
  await workbook.commit();
  renameSync(partial, file);
  return file;
}
