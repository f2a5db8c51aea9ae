/**
 * Merged areas show their value once, in their top-left cell: the others are blank even when the file
 * still holds values for them (LibreOffice can keep them). The list (<mergeCells>) comes after the cells
 * in the sheet's XML, so it is found first by a native byte search over one more inflation of the part,
 * which costs a fraction of parsing it; the cells are then read in one streaming pass.
 */

import type { PackageParts } from './package-parts.js';
import { XmlScanner, type XmlSink, type XmlTag } from './xml-scanner.js';

interface Area {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export class MergedAreas {
  static readonly NONE = new MergedAreas([]);
  /** Areas by top row; `active` holds those spanning the current row. */
  private readonly areas: Area[];
  private next = 0;
  private row = 0;
  private active: Area[] = [];

  constructor(areas: Area[]) {
    this.areas = areas.filter((a) => a.bottom > a.top || a.right > a.left).sort((a, b) => a.top - b.top);
  }

  /** Whether (row, column) is covered by an area without being its top-left cell. */
  hides(row: number, column: number): boolean {
    if (this.areas.length === 0) return false;
    if (row !== this.row) this.moveTo(row);
    for (const area of this.active) {
      if (column >= area.left && column <= area.right && (row !== area.top || column !== area.left))
        return true;
    }
    return false;
  }

  /** Rows come in ascending order, so a sweep keeps this linear; a row out of order starts it over. */
  private moveTo(row: number): void {
    if (row < this.row) {
      this.next = 0;
      this.active = [];
    }
    this.row = row;
    this.active = this.active.filter((area) => area.bottom >= row);
    while (this.next < this.areas.length && (this.areas[this.next]?.top ?? 0) <= row) {
      const area = this.areas[this.next++];
      if (area && area.bottom >= row) this.active.push(area);
    }
  }
}

export async function readMergedAreas(parts: PackageParts, part: string): Promise<MergedAreas> {
  const sink = new MergeCellsSink();
  let scanner: XmlScanner | null = null;
  let tail = Buffer.alloc(0);
  for await (const chunk of parts.chunks(part)) {
    if (scanner) {
      scanner.write(chunk);
      if (sink.stopped) break;
      continue;
    }
    const buf = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
    const start = mergeCellsStart(buf);
    if (start >= 0) {
      scanner = new XmlScanner(sink);
      scanner.write(buf.subarray(start));
      if (sink.stopped) break;
    } else {
      // Enough to hold `<prefix:mergeCells` cut by the chunk boundary.
      tail = Buffer.from(buf.subarray(Math.max(0, buf.length - 64)));
    }
  }
  return sink.areas.length > 0 ? new MergedAreas(sink.areas) : MergedAreas.NONE;
}

/** Where `<mergeCells` (any prefix) starts: a raw `<` cannot occur in text, so this is the tag. */
function mergeCellsStart(buf: Buffer): number {
  let at = buf.indexOf('mergeCells');
  while (at >= 0) {
    const before = at - 1;
    if (buf[before] === 0x3c) return before;
    if (buf[before] === 0x3a) {
      let k = before - 1;
      while (k >= 0 && isNameByte(buf[k])) k--;
      if (k >= 0 && k < before - 1 && buf[k] === 0x3c) return k;
    }
    at = buf.indexOf('mergeCells', at + 10);
  }
  return -1;
}

function isNameByte(byte: number | undefined): boolean {
  return byte !== undefined && /[\w.-]/.test(String.fromCharCode(byte));
}

class MergeCellsSink implements XmlSink {
  readonly areas: Area[] = [];
  readonly capturing = false;
  stopped = false;

  open(tag: XmlTag): void {
    if (!tag.is('mergeCell')) return;
    const area = parseRange(tag.attribute('ref') ?? '');
    if (area) this.areas.push(area);
  }

  close(tag: XmlTag): void {
    if (tag.is('mergeCells')) this.stopped = true;
  }

  text(): void {}
}

function parseRange(ref: string): Area | null {
  const [from, to = from] = ref.split(':');
  const a = parseAddress(from ?? '');
  const b = parseAddress(to ?? '');
  if (!a || !b) return null;
  return {
    top: Math.min(a.row, b.row),
    left: Math.min(a.column, b.column),
    bottom: Math.max(a.row, b.row),
    right: Math.max(a.column, b.column),
  };
}

function parseAddress(address: string): { row: number; column: number } | null {
  const match = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(address.trim());
  if (!match) return null;
  return { column: columnNumber(match[1] ?? ''), row: Number(match[2]) };
}

/** `A` is 1, `Z` 26, `AA` 27. */
export function columnNumber(letters: string): number {
  let column = 0;
  for (const letter of letters.toUpperCase()) column = column * 26 + (letter.charCodeAt(0) - 64);
  return column;
}
