/**
 * One worksheet's cells, streamed: a sink for the sheet's XML that turns each <row> into its non-blank
 * cells' texts and hands them on as soon as the row closes. It keeps no cell model: only the row being read.
 * Rows and cells without an `r` attribute follow the previous one, as the format allows.
 */

import { type CellType, cellText, xstring } from './cell-text.js';
import type { MergedAreas } from './merged-areas.js';
import type { CellKinds } from './styles-part.js';
import { decodeXmlText, type XmlSink, type XmlTag } from './xml-scanner.js';

export interface SheetContext {
  strings: string[];
  kinds: CellKinds;
  date1904: boolean;
  merged: MergedAreas;
}

/** Receives a row's non-blank cells, columns ascending; the arrays are reused for the next row. */
export type RowHandler = (row: number, columns: number[], texts: string[]) => void;

export class NotAWorksheet extends Error {}

export class SheetCellsSink implements XmlSink {
  capturing = false;
  stopped = false;
  private seenRoot = false;
  private inSheetData = false;
  private row = 0;
  private column = 0;
  private readonly columns: number[] = [];
  private readonly texts: string[] = [];
  // The cell being read.
  private type: CellType = 'n';
  private style = 0;
  private raw: string | undefined;
  private inInline = false;
  private phonetic = 0;

  constructor(
    private readonly context: SheetContext,
    private readonly onRow: RowHandler,
  ) {}

  open(tag: XmlTag): void {
    if (!this.seenRoot) {
      this.seenRoot = true;
      if (!tag.is('worksheet')) throw new NotAWorksheet(tag.name);
      return;
    }
    if (!this.inSheetData) {
      if (tag.is('sheetData')) this.inSheetData = true;
      return;
    }
    if (tag.is('c')) this.startCell(tag);
    else if (tag.is('v')) this.capturing = !this.inInline;
    else if (tag.is('t')) this.capturing = this.inInline && this.phonetic === 0;
    else if (tag.is('row')) this.startRow(tag);
    else if (tag.is('is')) this.inInline = true;
    else if (tag.is('rPh')) this.phonetic++;
  }

  close(tag: XmlTag): void {
    if (!this.inSheetData) return;
    if (tag.is('v') || tag.is('t')) this.capturing = false;
    else if (tag.is('c')) this.endCell();
    else if (tag.is('row')) this.endRow();
    else if (tag.is('is')) this.inInline = false;
    else if (tag.is('rPh')) this.phonetic = Math.max(0, this.phonetic - 1);
    // The merged areas were read beforehand: nothing after the cells matters.
    else if (tag.is('sheetData')) this.stopped = true;
  }

  text(raw: string): void {
    this.raw = this.raw === undefined ? raw : this.raw + raw;
  }

  /** Whether the part had a root element at all (a part of garbage bytes has none). */
  get sawRoot(): boolean {
    return this.seenRoot;
  }

  private startRow(tag: XmlTag): void {
    this.row = tag.find('r') ? digits(tag) || this.row + 1 : this.row + 1;
    this.column = 0;
    this.columns.length = 0;
    this.texts.length = 0;
  }

  private endRow(): void {
    if (this.columns.length > 0) this.onRow(this.row, this.columns, this.texts);
    this.columns.length = 0;
    this.texts.length = 0;
  }

  private startCell(tag: XmlTag): void {
    this.column = (tag.find('r') && letters(tag)) || this.column + 1;
    this.type = tag.find('t') ? cellType(tag) : 'n';
    this.style = tag.find('s') ? digits(tag) : 0;
    this.raw = undefined;
    this.inInline = false;
    this.phonetic = 0;
  }

  private endCell(): void {
    const { context } = this;
    const raw = this.raw === undefined ? undefined : decodeXmlText(this.raw);
    const text =
      this.type === 'inlineStr'
        ? xstring(raw ?? '')
        : cellText(
            this.type,
            raw,
            { kind: context.kinds[this.style] ?? 'number', date1904: context.date1904 },
            context.strings,
          );
    this.raw = undefined;
    if (context.merged.hides(this.row, this.column)) return;
    this.put(this.column, text);
  }

  /** Cells come in column order; a repeated or out-of-order column (never written by Excel) is sorted in. */
  private put(column: number, text: string): void {
    const blank = text.trim() === '';
    const last = this.columns[this.columns.length - 1];
    if (last === undefined || column > last) {
      if (!blank) {
        this.columns.push(column);
        this.texts.push(text);
      }
      return;
    }
    const at = this.columns.findIndex((c) => c >= column);
    if (this.columns[at] === column) {
      // The later cell replaces the earlier one.
      if (blank) {
        this.columns.splice(at, 1);
        this.texts.splice(at, 1);
      } else this.texts[at] = text;
    } else if (!blank) {
      this.columns.splice(at, 0, column);
      this.texts.splice(at, 0, text);
    }
  }
}

/** The attribute value found last, as a decimal number (0 when it is none). */
function digits(tag: XmlTag): number {
  let value = 0;
  for (let i = tag.valueStart; i < tag.valueEnd; i++) {
    const digit = (tag.buf[i] ?? 0) - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

/** The column of a cell reference (`B7` is 2, `AA1` is 27); 0 when it has no letters. */
function letters(tag: XmlTag): number {
  let column = 0;
  for (let i = tag.valueStart; i < tag.valueEnd; i++) {
    const byte = (tag.buf[i] ?? 0) & ~0x20; // upper case
    if (byte < 0x41 || byte > 0x5a) {
      if (tag.buf[i] === 0x24 && column === 0) continue; // `$A$1`
      break;
    }
    column = column * 26 + (byte - 0x40);
  }
  return column;
}

function cellType(tag: XmlTag): CellType {
  const length = tag.valueEnd - tag.valueStart;
  const first = tag.buf[tag.valueStart];
  if (length === 1) {
    if (first === 0x73) return 's';
    if (first === 0x62) return 'b';
    if (first === 0x65) return 'e';
    if (first === 0x64) return 'd';
    return 'n';
  }
  if (length === 3 && first === 0x73) return 'str';
  if (length === 9 && first === 0x69) return 'inlineStr';
  return 'n';
}
