/**
 * E-mail (.eml) through mailparser: the headers a reader looks at (From, To, Cc, Date, Subject, and the
 * attachments' names) and the body become the text; the text part when the message has one, else its HTML
 * through html-to-text. mailparser decodes transfer encodings and charsets; a file saved as a whole in
 * UTF-16 or UTF-32 (as some Windows tools do) is turned into UTF-8 first, since MIME expects 8-bit lines.
 * Attachments are returned for the caller to store as child files, up to the count and size caps.
 */

import { convert, type HtmlToTextOptions } from 'html-to-text';
import { type AddressObject, type Attachment, type ParsedMail, simpleParser } from 'mailparser';
import { type ParsedAttachment, ParseFailure } from '../../ports/parser.js';
import { type Block, blockPages } from './block-pages.js';
import {
  type ContainerParser,
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DEFAULT_MAX_ATTACHMENTS,
} from './container-parser.js';
import { attachmentName, isSignaturePart } from './eml-attachments.js';
import { decodeText, sniffUnicode } from './encoding.js';
import { emptyFile, noText } from './failures.js';
import { normaliseText } from './text-pages.js';

const HTML_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  // html-to-text walks the tree recursively: hostile nesting must end in dropped text, not a stack overflow.
  limits: { maxDepth: 500 },
  formatters: {
    // A cell's text followed by a word break, so adjacent cells never run together ("Widget2").
    tableCell: (elem, walk, builder) => {
      walk(elem.children, builder);
      builder.addInline(' ');
    },
  },
  selectors: [
    ...['script', 'style', 'head', 'img', 'svg', 'noscript', 'template'].map((selector) => ({
      selector,
      format: 'skip',
    })),
    { selector: 'a', options: { ignoreHref: true } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    // Mail layouts are tables of tables: read them as rows of words, not as html-to-text's column layout.
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'tableCell' },
    { selector: 'th', format: 'tableCell' },
  ],
};

export const parseEml: ContainerParser = async ({ bytes, limits }) => {
  const mail = await parseMail(bytes);
  const { kept, skipped, names } = pickAttachments(
    mail.attachments,
    limits.maxAttachments ?? DEFAULT_MAX_ATTACHMENTS,
    limits.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
  );
  const blocks = [...headerBlocks(mail, names), ...bodyBlocks(body(mail))];
  const pages = blockPages(blocks);
  if (pages.length === 0) throw noText('e-mail');
  return { pages, attachments: kept, ...(skipped.length > 0 ? { skippedAttachments: skipped } : {}) };
};

async function parseMail(bytes: Uint8Array): Promise<ParsedMail> {
  const wide = sniffUnicode(bytes);
  const source =
    wide && wide.encoding !== 'utf-8'
      ? Buffer.from(decodeText(bytes).text, 'utf8')
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!/\S/.test(source.toString('latin1'))) throw emptyFile();
  try {
    // keepCidLinks: inline images stay attachments instead of being copied into the HTML as data URIs.
    return await simpleParser(source, { skipHtmlToText: true, skipTextToHtml: true, keepCidLinks: true });
  } catch (error) {
    throw new ParseFailure('CORRUPT_FILE', `The e-mail could not be read: ${(error as Error).message}`);
  }
}

function headerBlocks(mail: ParsedMail, attachmentNames: string[]): Block[] {
  // As written, zone included: mailparser puts the current time in place of a date it cannot read.
  const date = rawHeader(mail, 'date');
  const fields: [string, string][] = [
    ['From', addresses(mail.from)],
    ['To', addresses(mail.to)],
    ['Cc', addresses(mail.cc)],
    ['Date', date],
    ['Subject', mail.subject ?? ''],
    ['Attachments', attachmentNames.join(', ')],
  ];
  return fields
    .map(([name, value]) => [name, value.replace(/\s+/g, ' ').trim()] as const)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => ({ text: `${name}: ${value}`, markdown: `**${name}:** ${value}`, group: 0 }));
}

function rawHeader(mail: ParsedMail, key: string): string {
  const line = mail.headerLines.find((header) => header.key === key)?.line ?? '';
  return line.slice(line.indexOf(':') + 1);
}

function addresses(field: AddressObject | AddressObject[] | undefined): string {
  if (!field) return '';
  return (Array.isArray(field) ? field : [field]).map((address) => address.text).join(', ');
}

/** The text part; without one (HTML-only mail), the HTML's visible text. */
function body(mail: ParsedMail): string {
  if (mail.text && mail.text.trim() !== '') return mail.text;
  return mail.html ? convert(mail.html, HTML_OPTIONS) : '';
}

/** Paragraphs (separated by blank lines) as blocks, so pages break between them. */
function bodyBlocks(text: string): Block[] {
  return normaliseText(text)
    .split(/\n{2,}/)
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => ({ text: paragraph, markdown: paragraph }));
}

interface PickedAttachments {
  kept: ParsedAttachment[];
  skipped: { fileName: string; sizeBytes: number; reason: string }[];
  /** Every attachment's name, for the text: the names say a lot about a message ("invoice-0423.pdf"). */
  names: string[];
}

function pickAttachments(attachments: Attachment[], maxCount: number, maxBytes: number): PickedAttachments {
  const picked: PickedAttachments = { kept: [], skipped: [], names: [] };
  let total = 0;
  for (const [i, attachment] of attachments.entries()) {
    if (isSignaturePart(attachment.contentType)) continue;
    const fileName = attachmentName(attachment.filename, attachment.contentType, i + 1);
    const sizeBytes = attachment.content.byteLength;
    picked.names.push(fileName);
    if (picked.kept.length >= maxCount) {
      picked.skipped.push({ fileName, sizeBytes, reason: `over the limit of ${maxCount} attachments` });
    } else if (total + sizeBytes > maxBytes) {
      picked.skipped.push({ fileName, sizeBytes, reason: `over the limit of ${maxBytes} attachment bytes` });
    } else {
      total += sizeBytes;
      picked.kept.push({
        fileName,
        mimeType: attachment.contentType || null,
        bytes: ownBytes(attachment.content),
        inline: attachment.related === true || attachment.contentDisposition === 'inline',
      });
    }
  }
  return picked;
}

/**
 * Small Buffers share Node's 8 KB pool; a view of one would carry the whole pool when the document is
 * structured-cloned (to the parent process, for instance), so those are copied to a buffer of their own.
 */
function ownBytes(content: Buffer): Uint8Array {
  const view = new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
  return content.byteLength === content.buffer.byteLength ? view : view.slice();
}
