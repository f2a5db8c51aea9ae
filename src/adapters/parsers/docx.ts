/**
 * DOCX through mammoth: one pass to HTML, read back into text and Markdown blocks (docx-blocks.ts). A DOCX
 * has no fixed pages (Word lays them out when it renders), so the blocks are packed into pages of about
 * 3,000 characters like text files, and maxPages and pageRanges mean the same as for every other format.
 * Headers, footers and comments are not read (mammoth skips them); footnotes and endnotes come last.
 */

import mammoth from 'mammoth';
import { ParseFailure } from '../../ports/parser.js';
import { blockPages } from './block-pages.js';
import type { ContainerParser } from './container-parser.js';
import { htmlBlocks } from './docx-blocks.js';
import { noText } from './failures.js';
import { parseXmlTree } from './xml-tree.js';
import { checkZipLimits } from './zip-limits.js';

const OPTIONS = {
  // The default inlines every picture as a base64 data URI: megabytes of HTML that carry no text.
  convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
  // Never follow a linked image out of the document to the server's own files.
  externalFileAccess: false,
  ignoreEmptyParagraphs: true,
};

export const parseDocx: ContainerParser = async ({ bytes, limits, signal }) => {
  await checkZipLimits(bytes, limits, 'DOCX document');
  const html = await convert(bytes);
  if (signal.aborted) throw new ParseFailure('INTERNAL_ERROR', 'Parsing was cancelled.');
  const pages = blockPages(htmlBlocks(parseXmlTree(html)));
  if (pages.length === 0) throw noText('DOCX document');
  return { pages };
};

async function convert(bytes: Uint8Array): Promise<string> {
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return (await mammoth.convertToHtml({ buffer }, OPTIONS)).value;
  } catch (error) {
    // Past the ZIP checks, what mammoth refuses is a broken document (no main part, malformed XML).
    throw new ParseFailure(
      'CORRUPT_FILE',
      `The DOCX document could not be read: ${(error as Error).message}`,
    );
  }
}
