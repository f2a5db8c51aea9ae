/**
 * A cell's text as Excel shows it, where that is knowable offline: numbers to 15 significant digits, dates
 * and times in ISO 8601 (from the serial number and the workbook's date system), percentages as
 * percentages, booleans as TRUE/FALSE, error values as written (#DIV/0!), strings as they are. A formula
 * shows its cached result: the reader sees only the <v> Excel saved beside it.
 */

import type { NumberKind } from './number-formats.js';

/** The cell's t attribute. */
export type CellType = 'n' | 's' | 'str' | 'inlineStr' | 'b' | 'e' | 'd';

export interface CellFormat {
  kind: NumberKind;
  date1904: boolean;
}

/** `raw` is the <v> text, entities decoded; undefined when the cell has none (a formula never calculated). */
export function cellText(
  type: CellType,
  raw: string | undefined,
  format: CellFormat,
  strings: string[],
): string {
  if (raw === undefined) return '';
  switch (type) {
    case 's':
      return strings[Number.parseInt(raw, 10)] ?? '';
    case 'str':
    case 'inlineStr':
    case 'e':
      return raw;
    case 'b':
      return Number.parseInt(raw, 10) !== 0 ? 'TRUE' : 'FALSE';
    case 'd':
      return isoCellText(raw);
    case 'n':
      return numberText(Number.parseFloat(raw), format);
  }
}

export function numberText(value: number, format: CellFormat): string {
  // A time of day alone (a serial below 1) shows as a time in either date system.
  if (format.kind === 'date')
    return dateText(serialToDate(value, format.date1904 && !(value >= 0 && value < 1)));
  if (format.kind === 'percent') return `${shown(value * 100)}%`;
  return shown(value);
}

/** 15 significant digits is what Excel displays: 0.1 + 0.2 shows as 0.3. */
function shown(value: number): string {
  return String(Number(value.toPrecision(15)));
}

/**
 * Serial days since 1899-12-30 (1900 system) or 1904-01-01, as a UTC instant: Excel dates have no time zone.
 * Serials before 1900-03-01 are a day early, as they always were here (Excel's fictitious 1900-02-29).
 */
function serialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** Times of day alone sit on day 0 (1899-12-30): they show as a time. */
function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  if (day === '1899-12-30' || day === '1899-12-31') return time;
  return time === '00:00:00' ? day : `${day}T${time}`;
}

/** t="d" cells (ISO 8601 in the file, written by some tools in place of a serial). */
function isoCellText(raw: string): string {
  const value = raw.trim();
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(value) || !value.includes('T') ? value : `${value}Z`;
  const date = new Date(/^\d\d:\d\d/.test(value) ? `1899-12-30T${value}Z` : zoned);
  return Number.isNaN(date.getTime()) ? value : dateText(date);
}

/** ST_Xstring escapes: `_x000D_` is a carriage return, `_x005F_` an underscore that starts no escape. */
export function xstring(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}
