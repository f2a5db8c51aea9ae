/**
 * CSV and TSV: rows as text lines (cells joined by " | ") and as a Markdown table. Pages hold whole rows up to
 * about PAGE_CHARS characters; every page's table repeats the first row as its header so it stands alone.
 */

import type { ParsedPage } from '../../ports/parser.js';
import { detectDelimiter, readCsvRecords } from './csv-records.js';
import { readTextDocument } from './encoding.js';
import { noText } from './failures.js';
import type { FormatParser } from './format-parser.js';
import { PAGE_CHARS } from './text-pages.js';

export const parseCsv: FormatParser = async ({ bytes, format }) => {
  const source = readTextDocument(bytes);
  const delimiter = detectDelimiter(source, format === 'tsv' ? '\t' : ',');
  const rows = readCsvRecords(source, delimiter)
    .map((record) => record.map((cell) => cell.trim()))
    .filter((record) => record.some((cell) => cell !== ''));
  if (rows.length === 0) throw noText('CSV file');
  // reduce, not Math.max(...rows): spreading a million-row file overflows the call stack.
  const width = rows.reduce((widest, row) => Math.max(widest, row.length), 0);
  const table = rows.map((row) => [...row, ...Array<string>(width - row.length).fill('')]);
  return tablePages(table);
};

function tablePages(rows: string[][]): ParsedPage[] {
  const header = rows[0]!;
  const pages: ParsedPage[] = [];
  let pageRows: string[][] = [];
  let pageLength = 0;
  const flush = (): void => {
    const body = pages.length === 0 ? pageRows.slice(1) : pageRows;
    const text = pageRows.map(rowText).join('\n');
    pages.push({ pageNumber: pages.length + 1, text, markdown: markdownTable(header, body) });
    pageRows = [];
    pageLength = 0;
  };
  for (const row of rows) {
    const length = rowText(row).length + 1;
    if (pageRows.length > 0 && pageLength + length > PAGE_CHARS) flush();
    pageRows.push(row);
    pageLength += length;
  }
  flush();
  return pages;
}

/** Trailing empty cells are layout, not content; inner ones keep the columns readable. */
function rowText(row: string[]): string {
  const cells = row.map((cell) => cell.replace(/\s+/g, ' '));
  while (cells.length > 1 && cells[cells.length - 1] === '') cells.pop();
  return cells.join(' | ');
}

function markdownTable(header: string[], body: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map(markdownCell).join(' | ')} |`;
  const separator = `| ${header.map(() => '---').join(' | ')} |`;
  return [line(header), separator, ...body.map(line)].join('\n');
}

function markdownCell(cell: string): string {
  return cell
    .replace(/\r\n?|\n/g, '<br>')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/\|/g, '\\|');
}
