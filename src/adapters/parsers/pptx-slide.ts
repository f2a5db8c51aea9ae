/**
 * One slide's (or notes page's) XML as blocks: shapes in document order (PowerPoint's z-order, which is
 * mostly reading order), each shape's paragraphs from its a:t runs, titles as headings, tables as Markdown
 * tables, groups opened. Pictures, charts and SmartArt carry no a:t text in the slide and are skipped, as
 * are the slide-number and date placeholders that repeat on every slide.
 */

import type { Block } from './block-pages.js';
import { markdownRow, markdownSeparator, padRows, rowText } from './markdown-table.js';
import { elements, findAll, isElement, type XmlElement } from './xml-tree.js';

const SKIPPED_PLACEHOLDERS = new Set(['sldNum', 'dt', 'sldImg', 'hdr']);
const TITLE_PLACEHOLDERS = new Set(['title', 'ctrTitle']);

export function slideBlocks(root: XmlElement, options: { skipFooters?: boolean } = {}): Block[] {
  const blocks: Block[] = [];
  let groups = 0;
  const visit = (node: XmlElement): void => {
    if (node.name === 'sp') shapeBlocks(node, ++groups, options, blocks);
    else if (node.name === 'graphicFrame') {
      for (const table of findAll(node, 'tbl')) blocks.push(...tableBlocks(table, ++groups));
    } else if (node.name === 'AlternateContent') {
      // Choice and Fallback hold the same content twice; read one.
      const first = elements(node)[0];
      if (first) visit(first);
    } else if (node.name !== 'pic') elements(node).forEach(visit);
  };
  visit(root);
  return blocks;
}

function shapeBlocks(
  shape: XmlElement,
  group: number,
  options: { skipFooters?: boolean },
  blocks: Block[],
): void {
  const placeholder = findAll(shape, 'nvPr').flatMap((nvPr) => elements(nvPr, 'ph'))[0]?.attrs.type;
  if (placeholder && SKIPPED_PLACEHOLDERS.has(placeholder)) return;
  if (placeholder === 'ftr' && options.skipFooters) return;
  const title = placeholder !== undefined && TITLE_PLACEHOLDERS.has(placeholder);
  const body = elements(shape, 'txBody')[0];
  if (!body) return;
  const lines = elements(body, 'p')
    .map(paragraphText)
    .filter((line) => line !== '');
  if (title && lines.length > 0) {
    const text = lines.join(' ');
    blocks.push({ text, markdown: `# ${escapeMarkdown(text)}` });
    return;
  }
  for (const line of lines)
    blocks.push({ text: line, markdown: escapeMarkdown(line).replace(/\n/g, '  \n'), group });
}

/** Runs (a:r), fields (a:fld, e.g. a date) and line breaks (a:br) in order. */
function paragraphText(paragraph: XmlElement): string {
  const pieces: string[] = [];
  const visit = (node: XmlElement): void => {
    if (node.name === 't') pieces.push(node.children.filter((c): c is string => !isElement(c)).join(''));
    else if (node.name === 'br') pieces.push('\n');
    else elements(node).forEach(visit);
  };
  visit(paragraph);
  return pieces
    .join('')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n')
    .trim();
}

function tableBlocks(table: XmlElement, group: number): Block[] {
  const rows = padRows(
    elements(table, 'tr').map((row) =>
      elements(row, 'tc').map((cell) =>
        // Cells covered by a merge repeat nothing: their text belongs to the merge's first cell.
        cell.attrs.hMerge === '1' || cell.attrs.vMerge === '1'
          ? ''
          : findAll(cell, 'p')
              .map(paragraphText)
              .filter((line) => line !== '')
              .join(' '),
      ),
    ),
  );
  const first = rows[0];
  if (!first || rows.every((row) => row.every((cell) => cell === ''))) return [];
  const header = `${markdownRow(first)}\n${markdownSeparator(first.length)}`;
  return rows.map((row, i) => ({
    text: rowText(row),
    markdown: i === 0 ? header : markdownRow(row),
    group,
    header,
  }));
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]]/g, '\\$&');
}
