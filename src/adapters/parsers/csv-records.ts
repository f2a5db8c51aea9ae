/**
 * RFC 4180 records, read leniently: quoted fields may hold delimiters, doubled quotes and line breaks; a quote
 * inside an unquoted field is an ordinary character; an unterminated quote runs to the end of the file.
 */

export type Delimiter = ',' | ';' | '\t' | '|';

const CANDIDATES: Delimiter[] = [',', ';', '\t', '|'];

/** Records looked at to choose the delimiter. */
const SAMPLE_RECORDS = 50;

/** A null delimiter reads one column per record (quotes and line breaks still apply). */
export function readCsvRecords(
  text: string,
  delimiter: Delimiter | null,
  limit = Number.POSITIVE_INFINITY,
): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStart = true;
  const endField = (): void => {
    record.push(field);
    field = '';
    fieldStart = true;
  };
  const endRecord = (): void => {
    endField();
    records.push(record);
    record = [];
  };
  for (let i = 0; i < text.length && records.length < limit; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (char === '"' && fieldStart) {
      // `a, "b,c"`: spaces before an opening quote are padding, not content.
      field = '';
      quoted = true;
      fieldStart = false;
    } else if (char === delimiter) endField();
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else {
      field += char;
      fieldStart = fieldStart && char === ' ';
    }
  }
  if ((field !== '' || record.length > 0) && records.length < limit) endRecord();
  return records;
}

/**
 * The delimiter that splits the sample into the most records of one consistent width (more than one
 * column); ties go to the wider table, then to the file's declared kind (a .tsv prefers tabs). Null when
 * no candidate gives most records two columns or more: a single-column file with the odd comma in a cell.
 */
export function detectDelimiter(text: string, preferred: Delimiter): Delimiter | null {
  let best: { delimiter: Delimiter; consistent: number; width: number } | null = null;
  const ordered = [preferred, ...CANDIDATES.filter((d) => d !== preferred)];
  for (const delimiter of ordered) {
    // Blank lines say nothing about the delimiter; rows of empty cells (",,") do.
    const widths = readCsvRecords(text, delimiter, SAMPLE_RECORDS)
      .filter((record) => record.length > 1 || record[0]?.trim() !== '')
      .map((record) => record.length);
    const width = modeOf(widths);
    if (width < 2) continue;
    const consistent = widths.filter((w) => w === width).length;
    if (!best || consistent > best.consistent || (consistent === best.consistent && width > best.width)) {
      best = { delimiter, consistent, width };
    }
  }
  return best?.delimiter ?? null;
}

function modeOf(values: number[]): number {
  const counts = new Map<number, number>();
  let mode = 0;
  let modeCount = 0;
  for (const value of values) {
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > modeCount || (count === modeCount && value > mode)) {
      mode = value;
      modeCount = count;
    }
  }
  return mode;
}
