/**
 * Zip-bomb and size guards for the ZIP-based formats, run before mammoth, exceljs or jszip see the file.
 * The sizes in the central directory are the writer's claim, so each entry is also inflated once with its
 * claim as a hard output cap (zlib's maxOutputLength): an entry that declares 1 KB and inflates to 1 GB is
 * stopped at 1 KB + 1, and the libraries only ever inflate entries proven to stay within the limits.
 */

import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { ParseFailure, type ParseLimits } from '../../ports/parser.js';
import { DEFAULT_MAX_UNCOMPRESSED_BYTES, DEFAULT_MAX_ZIP_ENTRIES } from './container-parser.js';
import {
  LOCAL_HEADER,
  readZipDirectory,
  TooManyZipEntries,
  type ZipEntry,
  ZipFormatError,
} from './zip-directory.js';

const inflateRawCapped = promisify(inflateRaw);

const MB = 1024 * 1024;

/** Returns the entries once the archive is proven within the limits; throws ParseFailure otherwise. */
export async function checkZipLimits(
  bytes: Uint8Array,
  limits: ParseLimits,
  what: string,
): Promise<ZipEntry[]> {
  const maxEntries = limits.maxZipEntries ?? DEFAULT_MAX_ZIP_ENTRIES;
  const maxBytes = limits.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  const entries = readDirectory(bytes, maxEntries, what);
  const declared = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (declared > maxBytes) throw tooLarge(what, `unpacks to ${formatBytes(declared)}`, formatBytes(maxBytes));
  if (entries.some((entry) => (entry.flags & 1) !== 0)) {
    throw new ParseFailure('PASSWORD_PROTECTED_FILE', `The ${what} is an encrypted ZIP archive.`);
  }
  for (const entry of entries) await verifyEntry(bytes, entry, what);
  return entries;
}

function readDirectory(bytes: Uint8Array, maxEntries: number, what: string): ZipEntry[] {
  try {
    return readZipDirectory(bytes, maxEntries);
  } catch (error) {
    if (error instanceof TooManyZipEntries) {
      throw new ParseFailure(
        'FILE_SIZE_TOO_LARGE',
        `The ${what} has more than ${maxEntries} entries in its ZIP container; the limit is ${maxEntries}.`,
      );
    }
    if (error instanceof ZipFormatError) throw corrupt(what, error.message);
    throw error;
  }
}

/** Inflates one entry into a buffer capped at its declared size, proving the claim (and dropping the bytes). */
async function verifyEntry(bytes: Uint8Array, entry: ZipEntry, what: string): Promise<void> {
  const data = entryData(bytes, entry, what);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize)
      throw corrupt(what, `stored entry ${entry.name} has two sizes`);
    return;
  }
  if (entry.method !== 8) throw corrupt(what, `entry ${entry.name} uses compression method ${entry.method}`);
  try {
    // maxOutputLength must be at least 1; an empty entry's deflate stream inflates to nothing anyway.
    await inflateRawCapped(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ParseFailure(
        'FILE_SIZE_TOO_LARGE',
        `The ${what} has an entry (${entry.name}) that inflates beyond the ${formatBytes(entry.uncompressedSize)} it declares.`,
      );
    }
    throw corrupt(what, `entry ${entry.name} does not inflate (${(error as Error).message})`);
  }
}

function entryData(bytes: Uint8Array, entry: ZipEntry, what: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.byteLength || view.getUint32(at, true) !== LOCAL_HEADER) {
    throw corrupt(what, `the local header of ${entry.name} is missing`);
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.byteLength) throw corrupt(what, `entry ${entry.name} is cut off`);
  return bytes.subarray(start, end);
}

const corrupt = (what: string, detail: string): ParseFailure =>
  new ParseFailure('CORRUPT_FILE', `The ${what} is not a valid ZIP container: ${detail}.`);

const tooLarge = (what: string, detail: string, limit: string): ParseFailure =>
  new ParseFailure('FILE_SIZE_TOO_LARGE', `The ${what} ${detail}; the limit is ${limit}.`);

function formatBytes(bytes: number): string {
  return bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${bytes} bytes`;
}
