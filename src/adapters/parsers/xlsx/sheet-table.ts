/**
 * A sheet's non-empty rows, held as flat arrays of (column, text) until the sheet ends, then rendered as
 * the sheet's blocks: a title, then one table whose header is the first row. The whole sheet must be seen
 * first because its columns are known only then: a column blank in every row is layout (a margin, the rest
 * of a merged title) and is dropped. What is held is about the size of the text the sheet renders to, which
 * the page limit bounds: `provenChars` lets the caller stop as soon as the limit is certainly exceeded.
 */

import type { Block } from '../block-pages.js';
import { markdownRow, markdownSeparator, rowText } from '../markdown-table.js';
import { PAGE_CHARS } from '../text-pages.js';

export class SheetTable {
  private readonly cellColumns: number[] = [];
  private readonly cellTexts: string[] = [];
  /** Per row, the index in the cell arrays where it ends. */
  private readonly rowEnds: number[] = [];
  private readonly rowNumbers: number[] = [];
  private ascending = true;
  private chars = 0;

  get rowCount(): number {
    return this.rowNumbers.length;
  }

  add(row: number, columns: number[], texts: string[]): void {
    const previous = this.rowNumbers[this.rowNumbers.length - 1];
    if (previous !== undefined && row <= previous) this.ascending = false;
    for (let i = 0; i < columns.length; i++) {
      this.cellColumns.push(columns[i] ?? 0);
      this.cellTexts.push(texts[i] ?? '');
    }
    this.rowEnds.push(this.cellColumns.length);
    this.rowNumbers.push(row);
    this.chars += minRowChars(texts);
  }

  /**
   * Characters of text the rendered rows will have at least. A page holds at most PAGE_CHARS, so the rows
   * need at least provenChars / PAGE_CHARS pages. Zero once rows repeat (a later row replaces an earlier).
   */
  get provenChars(): number {
    return this.ascending ? this.chars : 0;
  }

  /** The title block, then the rows; nothing when no row has text. */
  blocks(title: string): Block[] {
    const order = this.rowOrder();
    if (order.length === 0) return [];
    const used = [...new Set(this.cellColumns)].sort((a, b) => a - b);
    const position = new Map(used.map((column, i) => [column, i]));
    const rows = order.map((row) => {
      const cells = Array<string>(used.length).fill('');
      for (let i = row === 0 ? 0 : (this.rowEnds[row - 1] ?? 0); i < (this.rowEnds[row] ?? 0); i++) {
        cells[position.get(this.cellColumns[i] ?? 0) ?? 0] = this.cellTexts[i] ?? '';
      }
      return cells;
    });
    const header = `${markdownRow(rows[0] ?? [])}\n${markdownSeparator(used.length)}`;
    return [
      { text: title, markdown: `## ${title}` },
      ...rows.map((cells, i) => ({
        text: rowText(cells),
        markdown: i === 0 ? header : markdownRow(cells),
        group: 1,
        header,
      })),
    ];
  }

  /** Rows by row number; of rows that repeat a number, the last one written (as Excel would read it). */
  private rowOrder(): number[] {
    const order = this.rowNumbers.map((_, i) => i);
    if (this.ascending) return order;
    const last = new Map<number, number>();
    for (const i of order) last.set(this.rowNumbers[i] ?? 0, i);
    return [...last.values()].sort((a, b) => (this.rowNumbers[a] ?? 0) - (this.rowNumbers[b] ?? 0));
  }
}

/**
 * A lower bound on the row's text line: its cells with whitespace collapsed, and " | " between them. A
 * line longer than a page is cut at spaces at least half a page apart, losing one space per cut.
 */
function minRowChars(texts: string[]): number {
  let chars = 3 * (texts.length - 1);
  for (const text of texts) chars += /\s/.test(text) ? text.replace(/\s+/g, ' ').trim().length : text.length;
  return chars > PAGE_CHARS ? chars - Math.ceil(chars / (PAGE_CHARS / 2)) : chars;
}
