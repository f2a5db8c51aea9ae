/**
 * Decides which parser reads a file. The bytes decide first (magic numbers, then text versus binary, then
 * unmistakable markup); the file name and declared MIME type only choose among the text formats, because
 * CSV, Markdown and plain text look alike.
 */

import type { DetectedType, ParseFailure } from '../../ports/parser.js';
import { looksLikeEmail } from './eml-headers.js';
import { decodeText, looksBinary } from './encoding.js';
import { imageType, sniffImage } from './image-format.js';
import { sniffBinary } from './signatures.js';

export type Format =
  | 'pdf'
  | 'text'
  | 'markdown'
  | 'csv'
  | 'tsv'
  | 'html'
  | 'xml'
  | 'docx'
  | 'xlsx'
  | 'pptx'
  | 'eml'
  | 'image';

export type Sniffed =
  | { supported: true; format: Format; type: DetectedType }
  /**
   * `failure`, when set, is the precise reason (an encrypted Office file, a legacy format to re-save);
   * `encrypted` marks a password-encrypted Office file, which the parser opens when given the password.
   */
  | { supported: false; label: string; failure?: (fileName: string) => ParseFailure; encrypted?: true };

/** Enough to judge text versus binary and to see a document's opening markup. */
const SAMPLE_BYTES = 64 * 1024;

const TYPES: Record<Format, DetectedType> = {
  pdf: { fileType: 'PDF', mimeType: 'application/pdf' },
  text: { fileType: 'TXT', mimeType: 'text/plain' },
  markdown: { fileType: 'TXT', mimeType: 'text/markdown' },
  csv: { fileType: 'CSV', mimeType: 'text/csv' },
  tsv: { fileType: 'CSV', mimeType: 'text/tab-separated-values' },
  html: { fileType: 'HTML', mimeType: 'text/html' },
  xml: { fileType: 'XML', mimeType: 'application/xml' },
  docx: {
    fileType: 'DOCX',
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  },
  xlsx: { fileType: 'EXCEL', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  pptx: {
    fileType: 'PPTX',
    mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  },
  eml: { fileType: 'EML', mimeType: 'message/rfc822' },
  // Refined per image kind by sniffImage.
  image: { fileType: 'IMG', mimeType: 'application/octet-stream' },
};

const TEXT_EXTENSIONS: Record<string, Format> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  htm: 'html',
  html: 'html',
  xhtml: 'html',
  shtml: 'html',
  xml: 'xml',
  xsl: 'xml',
  xslt: 'xml',
  rss: 'xml',
  atom: 'xml',
  md: 'markdown',
  markdown: 'markdown',
  eml: 'eml',
};

const TEXT_MIME_TYPES: Record<string, Format> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/tab-separated-values': 'tsv',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'message/rfc822': 'eml',
};

/** Text-based formats we recognise but do not parse yet: reading them as plain text would mislead. */
const UNSUPPORTED_TEXT_EXTENSIONS: Record<string, string> = {
  mbox: 'mailbox (MBOX)',
  svg: 'SVG image',
};

const UNSUPPORTED_TEXT_MIME_TYPES: Record<string, string> = {
  'image/svg+xml': 'SVG image',
};

const PLAIN_TEXT_EXTENSIONS = new Set(['txt', 'text', 'log']);

/** Binary formats whose name is enough to call a headerless file "a broken one of these". */
const BINARY_EXTENSIONS: Record<string, Format> = { pdf: 'pdf' };

export function sniffFile(bytes: Uint8Array, fileName: string, mimeType?: string | null): Sniffed {
  const extension = extensionOf(fileName);
  const mime = mimeType?.split(';')[0]?.trim().toLowerCase() ?? '';
  const image = sniffImage(bytes);
  if (image) return { supported: true, format: 'image', type: imageType(image) };
  const binary = sniffBinary(bytes, extension);
  if (binary?.kind === 'pdf') return supported('pdf');
  if (binary?.kind === 'office') return supported(binary.format);
  if (binary) {
    const { label, failure, encrypted } = binary;
    return { supported: false, label, failure, ...(encrypted ? { encrypted } : {}) };
  }

  const sample = decodeText(bytes.subarray(0, SAMPLE_BYTES), null, { partial: bytes.length > SAMPLE_BYTES });
  if (looksBinary(sample.text)) {
    const claimed = BINARY_EXTENSIONS[extension] ?? (mime === 'application/pdf' ? 'pdf' : undefined);
    // A .pdf whose header is gone is a broken PDF; let the PDF parser say why.
    if (claimed) return supported(claimed);
    return { supported: false, label: extension ? `binary data (.${extension})` : 'binary data' };
  }

  const unsupported = UNSUPPORTED_TEXT_EXTENSIONS[extension] ?? UNSUPPORTED_TEXT_MIME_TYPES[mime];
  if (unsupported) return { supported: false, label: unsupported };
  const markup = sniffMarkup(sample.text);
  if (markup === 'svg') return { supported: false, label: 'SVG image' };
  const named = TEXT_EXTENSIONS[extension] ?? TEXT_MIME_TYPES[mime];
  // A message saved without .eml still reads as one; a .txt stays text because its name says so.
  const mail = !named && !PLAIN_TEXT_EXTENSIONS.has(extension) && looksLikeEmail(sample.text);
  return supported(markup ?? named ?? (mail ? 'eml' : 'text'));
}

/** Only openings no CSV or prose file has: an XML prolog, an HTML doctype, an <html> or <svg> root element. */
function sniffMarkup(text: string): 'html' | 'xml' | 'svg' | null {
  const head = text.trimStart().slice(0, 4096);
  const { doctype, root } = readOpening(head);
  if (doctype === 'html' || root === 'html') return 'html';
  if (root === 'svg') return 'svg';
  return /^<\?xml[\s?]/i.test(head) ? 'xml' : null;
}

/**
 * Skips the prolog, comments and whitespace (with indexOf, not a regular expression that could backtrack
 * exponentially on a run of unterminated comments) and names the doctype and the first element.
 */
function readOpening(head: string): { doctype?: string; root?: string } {
  let doctype: string | undefined;
  let i = 0;
  while (i < head.length) {
    if (/\s/.test(head[i]!)) i++;
    else if (head.startsWith('<?', i)) i = after(head, '?>', i);
    else if (head.startsWith('<!--', i)) i = after(head, '-->', i);
    else if (head.startsWith('<!', i)) {
      doctype ??= /^<!doctype\s+([a-z]+)/i.exec(head.slice(i, i + 30))?.[1]?.toLowerCase();
      i = after(head, '>', i);
    } else break;
  }
  // A namespace prefix (<h:html>) does not change what the root is.
  const root = /^<([a-z_][\w:.-]*)/i
    .exec(head.slice(i, i + 100))?.[1]
    ?.toLowerCase()
    .replace(/^.*:/, '');
  return { doctype, root };
}

function after(text: string, terminator: string, from: number): number {
  const end = text.indexOf(terminator, from);
  return end === -1 ? text.length : end + terminator.length;
}

function supported(format: Format): Sniffed {
  return { supported: true, format, type: { ...TYPES[format] } };
}

export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}
