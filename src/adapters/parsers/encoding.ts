/**
 * Bytes to a JavaScript string for the text formats. Order of trust: a byte-order mark, the NUL pattern of
 * BOM-less UTF-16, a charset the document declares (HTML meta, XML prolog), valid UTF-8, then Windows-1252.
 */

import { emptyFile } from './failures.js';
import { decodeWindows1252 } from './windows-1252.js';

export type UnicodeEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

export interface UnicodeSniff {
  encoding: UnicodeEncoding;
  /** Length of the byte-order mark to skip (0 when found by heuristic). */
  bomLength: number;
}

export interface DecodedText {
  text: string;
  /** Name of the encoding actually used, for messages and tests. */
  encoding: string;
}

/** Encodings a document can only declare truthfully when a BOM is present, which was already checked. */
const WIDE_LABELS = /^(utf-?16|utf-?32|ucs-?2|unicode)/i;

export function sniffUnicode(bytes: Uint8Array): UnicodeSniff | null {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  // UTF-32 LE's mark starts with UTF-16 LE's, so it is checked first.
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return { encoding: 'utf-32le', bomLength: 4 };
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return { encoding: 'utf-32be', bomLength: 4 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return sniffBomlessUtf16(bytes);
}

/**
 * Mostly-ASCII UTF-16 without a BOM shows NUL in every other byte; binary data has NULs on both sides.
 * Text in other scripts without a BOM cannot be told apart and falls through to the 8-bit path.
 */
function sniffBomlessUtf16(bytes: Uint8Array): UnicodeSniff | null {
  const length = Math.min(bytes.length, 4096) & ~1;
  if (length < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < length; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = length / 2;
  if (oddZeros / pairs > 0.3 && evenZeros / pairs < 0.02) return { encoding: 'utf-16le', bomLength: 0 };
  if (evenZeros / pairs > 0.3 && oddZeros / pairs < 0.02) return { encoding: 'utf-16be', bomLength: 0 };
  return null;
}

/** Decodes a whole text document; a file of only whitespace (in any encoding) is an empty file. */
export function readTextDocument(bytes: Uint8Array, declaredCharset?: string | null): string {
  const { text } = decodeText(bytes, declaredCharset);
  if (text.trim() === '') throw emptyFile();
  return text;
}

/**
 * Decodes a whole file, or a prefix of one when `partial` is set (a multi-byte sequence cut at the end of
 * the prefix must not count as invalid UTF-8).
 */
export function decodeText(
  bytes: Uint8Array,
  declaredCharset?: string | null,
  options: { partial?: boolean } = {},
): DecodedText {
  const unicode = sniffUnicode(bytes);
  if (unicode) {
    return {
      text: decodeUnicode(bytes.subarray(unicode.bomLength), unicode.encoding),
      encoding: unicode.encoding,
    };
  }
  const declared = declaredDecoder(declaredCharset);
  if (declared?.encoding === 'windows-1252')
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  if (declared) return { text: declared.decode(bytes), encoding: declared.encoding };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, {
      stream: options.partial === true,
    });
    return { text, encoding: 'utf-8' };
  } catch {
    // Invalid UTF-8 is nearly always a legacy Western file; Windows-1252 is a superset of Latin-1's printables.
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  }
}

/** A decoder for a declared 8-bit or multi-byte charset; null for UTF-8 (validated instead) or unknown labels. */
function declaredDecoder(label: string | null | undefined): InstanceType<typeof TextDecoder> | null {
  if (!label || WIDE_LABELS.test(label)) return null;
  try {
    const decoder = new TextDecoder(label.trim());
    return decoder.encoding === 'utf-8' ? null : decoder;
  } catch {
    return null;
  }
}

function decodeUnicode(bytes: Uint8Array, encoding: UnicodeEncoding): string {
  if (encoding === 'utf-32le' || encoding === 'utf-32be') return decodeUtf32(bytes, encoding === 'utf-32le');
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
}

// The WHATWG TextDecoder has no UTF-32, so it is decoded by hand; invalid code points become U+FFFD.
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: string[] = [];
  let codePoints: number[] = [];
  for (let offset = 0; offset + 4 <= bytes.length; offset += 4) {
    const cp = view.getUint32(offset, littleEndian);
    codePoints.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    if (codePoints.length === 8192) {
      chunks.push(String.fromCodePoint(...codePoints));
      codePoints = [];
    }
  }
  chunks.push(String.fromCodePoint(...codePoints));
  return chunks.join('');
}

/** Text that is mostly control characters (or has any NUL) is binary data, whatever its name says. */
export function looksBinary(text: string): boolean {
  if (text.length === 0) return false;
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) return true;
    const whitespace = code === 9 || code === 10 || code === 12 || code === 13;
    if ((code < 32 && !whitespace) || code === 0x7f || code === 0xfffd) controls++;
  }
  return controls / text.length > 0.05;
}
