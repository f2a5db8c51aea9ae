/**
 * mammoth's HTML as blocks of text and Markdown: headings (#), paragraphs, list items (- and 1., indented
 * when nested), tables as Markdown tables (merged cells padded so columns line up), bold, italics and links.
 * Images, and the "↑" links mammoth adds back from footnotes, carry no text and are dropped.
 */

import type { Block } from './block-pages.js';
import { markdownRow, markdownSeparator, padRows, rowText } from './markdown-table.js';
import { elements, isElement, type XmlElement, type XmlNode } from './xml-tree.js';

const HEADINGS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
const EMPHASIS: Record<string, string> = { strong: '**', b: '**', em: '*', i: '*', s: '~~', del: '~~' };

interface Inline {
  text: string;
  markdown: string;
}

export function htmlBlocks(root: XmlElement): Block[] {
  const blocks: Block[] = [];
  let groups = 0;
  const visit = (node: XmlNode): void => {
    if (!isElement(node)) {
      pushBlock(blocks, { text: node, markdown: escapeMarkdown(node) });
      return;
    }
    const level = HEADINGS[node.name];
    if (level) pushBlock(blocks, inline(node), `${'#'.repeat(level)} `);
    else if (node.name === 'ul' || node.name === 'ol') listBlocks(node, '', ++groups, blocks);
    else if (node.name === 'table') blocks.push(...tableBlocks(node, ++groups));
    else if (node.name === 'p' || !node.children.some(isBlockElement)) pushBlock(blocks, inline(node));
    else node.children.forEach(visit);
  };
  root.children.forEach(visit);
  return blocks;
}

/** Returns whether there was text to push. */
function pushBlock(blocks: Block[], content: Inline, prefix = '', group?: number): boolean {
  const text = tidy(content.text);
  if (text === '') return false;
  blocks.push({ text, markdown: prefix + tidy(content.markdown), group });
  return true;
}

/**
 * Items indented under their parent item's text (by the width of its marker, as CommonMark wants). Word
 * often nests a list in an item with no text of its own; that level adds no indentation.
 */
function listBlocks(list: XmlElement, indent: string, group: number, blocks: Block[]): void {
  let number = Number(list.attrs.start ?? 1) || 1;
  for (const item of elements(list, 'li')) {
    const marker = list.name === 'ol' ? `${number++}. ` : '- ';
    const own: XmlElement = { ...item, children: item.children.filter((child) => !isList(child)) };
    const pushed = pushBlock(blocks, inline(own), indent + marker, group);
    const nestedIndent = pushed ? indent + ' '.repeat(marker.length) : indent;
    for (const nested of item.children.filter(isList)) listBlocks(nested, nestedIndent, group, blocks);
  }
}

function tableBlocks(table: XmlElement, group: number): Block[] {
  const grid = tableGrid(table);
  const texts = padRows(grid.map((row) => row.map((cell) => cell.text)));
  const markdowns = padRows(grid.map((row) => row.map((cell) => cell.markdown)));
  const header = markdowns[0];
  if (!header || texts.every((row) => row.every((cell) => cell === ''))) return [];
  const headerMarkdown = `${markdownRow(header)}\n${markdownSeparator(header.length)}`;
  return texts
    .map((row, i) => ({
      text: rowText(row),
      markdown: i === 0 ? headerMarkdown : markdownRow(markdowns[i] ?? []),
      group,
      header: headerMarkdown,
    }))
    .filter((block, i) => i === 0 || block.text.replace(/[\s|]/g, '') !== '');
}

/** Cells placed on a grid: a colspan adds empty cells after it, a rowspan reserves its column below. */
function tableGrid(table: XmlElement): Inline[][] {
  const grid: Inline[][] = [];
  const reserved = new Map<number, number>();
  for (const [r, row] of tableRows(table).entries()) {
    const cells: Inline[] = [];
    grid[r] = cells;
    const take = (): void => {
      while ((reserved.get(cells.length) ?? 0) > 0) {
        reserved.set(cells.length, (reserved.get(cells.length) ?? 1) - 1);
        cells.push(EMPTY);
      }
    };
    for (const cell of elements(row).filter((c) => c.name === 'td' || c.name === 'th')) {
      take();
      const colspan = Math.min(Math.max(1, Number(cell.attrs.colspan) || 1), 100);
      const rowspan = Math.min(Math.max(1, Number(cell.attrs.rowspan) || 1), 1000);
      for (let c = 0; c < colspan; c++) {
        if (rowspan > 1) reserved.set(cells.length, rowspan - 1);
        cells.push(c === 0 ? cellContent(cell) : EMPTY);
      }
    }
    take();
  }
  return grid;
}

function tableRows(table: XmlElement): XmlElement[] {
  return elements(table).flatMap((child) =>
    child.name === 'tr'
      ? [child]
      : ['thead', 'tbody', 'tfoot'].includes(child.name)
        ? elements(child, 'tr')
        : [],
  );
}

const EMPTY: Inline = { text: '', markdown: '' };

/** A cell's content on one line: paragraphs, list items and nested tables are flattened. */
function cellContent(cell: XmlElement): Inline {
  const { text, markdown } = inline(cell);
  return { text: tidy(text.replace(/\n+/g, ' ')), markdown: tidy(markdown.replace(/\n+/g, ' ')) };
}

function inline(node: XmlElement): Inline {
  const parts = node.children.map(inlineNode);
  return { text: parts.map((p) => p.text).join(''), markdown: parts.map((p) => p.markdown).join('') };
}

function inlineNode(node: XmlNode): Inline {
  if (!isElement(node)) return { text: node, markdown: escapeMarkdown(node) };
  if (node.name === 'br') return { text: '\n', markdown: '\n' };
  if (node.name === 'img') return { text: '', markdown: '' };
  const content = inline(node);
  // Block children of an inline context (paragraphs in a list item or a cell) stay apart.
  if (isBlockElement(node)) return { text: ` ${content.text} `, markdown: ` ${content.markdown} ` };
  const marker = EMPHASIS[node.name];
  if (marker) return { text: content.text, markdown: wrap(content.markdown, marker) };
  if (node.name === 'a') {
    const href = node.attrs.href ?? '';
    if (/^#(footnote|endnote|comment)-ref-/.test(href)) return { text: '', markdown: '' };
    const label = content.markdown.trim();
    if (!href.startsWith('#') && href !== '' && label !== '')
      return { text: content.text, markdown: `[${label}](${href})` };
  }
  return content;
}

/** `**bold**` only around non-space content: "** x**" is not emphasis in Markdown. */
function wrap(markdown: string, marker: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(markdown);
  const [, lead = '', core = '', trail = ''] = match ?? [];
  return core === '' ? markdown : `${lead}${marker}${core}${marker}${trail}`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]]/g, '\\$&');
}

/** Runs of spaces collapse (mammoth keeps the document's), line breaks stay, ends are trimmed. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[^\S\n]+/g, ' ').trim())
    .join('\n')
    .trim();
}

const BLOCK_ELEMENTS = new Set([
  'p',
  'ul',
  'ol',
  'li',
  'table',
  'tr',
  'td',
  'th',
  'div',
  'blockquote',
  'pre',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
]);

function isBlockElement(node: XmlNode): boolean {
  return isElement(node) && BLOCK_ELEMENTS.has(node.name);
}

function isList(node: XmlNode): node is XmlElement {
  return isElement(node) && (node.name === 'ul' || node.name === 'ol');
}
