/**
 * Table rows as text and as Markdown, shared by the Office parsers (CSV has its own, paged by rows). Text
 * rows join cells with " | " like CSV's; Markdown needs a header row, so the first row serves as one.
 */

/** Trailing empty cells are layout, not content; inner ones keep the columns readable. */
export function rowText(cells: string[]): string {
  const trimmed = cells.map((cell) => cell.replace(/\s+/g, ' ').trim());
  while (trimmed.length > 1 && trimmed[trimmed.length - 1] === '') trimmed.pop();
  return trimmed.join(' | ');
}

export function markdownRow(cells: string[]): string {
  return `| ${cells.map(markdownCell).join(' | ')} |`;
}

export function markdownSeparator(width: number): string {
  return `| ${Array.from({ length: width }, () => '---').join(' | ')} |`;
}

export function markdownCell(cell: string): string {
  return cell
    .trim()
    .replace(/\r\n?|\n/g, '<br>')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/\|/g, '\\|');
}

/** Pads every row to the widest one, so each Markdown row has the header's number of cells. */
export function padRows(rows: string[][]): string[][] {
  const width = rows.reduce((widest, row) => Math.max(widest, row.length), 0);
  return rows.map((row) => [...row, ...Array<string>(width - row.length).fill('')]);
}
