/**
 * Zip-bomb and size guards for the ZIP-based formats, run before mammoth, jszip or our own XLSX reader see
 * the file. The sizes in the central directory are the writer's claim, so each entry is also inflated once,
 * streamed and counted against its claim: an entry that declares 1 KB and inflates to 1 GB is stopped just
 * past 1 KB, and the readers only ever inflate entries proven to stay within the limits. Streaming keeps
 * the check's memory at zlib's chunk size instead of the entry's size (a 50 MB sheet used to cost 50 MB).
 */

import { createInflateRaw } from 'node:zlib';
import { ParseFailure, type ParseLimits } from '../../ports/parser.js';
import { DEFAULT_MAX_UNCOMPRESSED_BYTES, DEFAULT_MAX_ZIP_ENTRIES } from './container-parser.js';
import {
  LOCAL_HEADER,
  readZipDirectory,
  TooManyZipEntries,
  type ZipEntry,
  ZipFormatError,
} from './zip-directory.js';

class InflatesPastClaim extends Error {}

/** Inflates `data` chunk by chunk, keeping nothing, and fails as soon as the output passes `cap` bytes. */
const inflateWithin = (data: Uint8Array, cap: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let total = 0;
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > cap) inflate.destroy(new InflatesPastClaim());
    });
    inflate.on('end', () => resolve());
    inflate.on('error', reject);
    inflate.end(data);
  });

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
    await inflateWithin(data, entry.uncompressedSize);
  } catch (error) {
    if (error instanceof InflatesPastClaim) {
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
