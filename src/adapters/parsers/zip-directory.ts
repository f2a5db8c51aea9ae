/**
 * Reads a ZIP file's central directory without inflating anything: the entry names (to tell DOCX from XLSX
 * from PPTX by content) and the sizes each entry declares (to refuse zip bombs before a library unzips them).
 * It finds the directory the way jszip does (the last end-of-central-directory record, headers read while
 * their signature matches), so the entries checked here are the entries the libraries will read.
 */

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate; anything else no Office library reads. */
  method: number;
  /** General-purpose flags; bit 0 means the entry is encrypted. */
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export class ZipFormatError extends Error {}

export class TooManyZipEntries extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} entries`);
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
export const LOCAL_HEADER = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const EOCD_SEARCH = 22 + 0xffff;

export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** Throws ZipFormatError when the directory is unreadable, TooManyZipEntries past maxEntries. */
export function readZipDirectory(bytes: Uint8Array, maxEntries: number): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndRecord(view);
  let declaredCount = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  let expectedEnd = eocd;
  if (declaredCount === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const zip64 = readZip64End(view, eocd);
    if (zip64) ({ declaredCount, cdSize, cdOffset, expectedEnd } = zip64);
  }
  // Data prepended to the archive (a self-extractor stub) shifts every offset by the same amount.
  const shift = expectedEnd - cdSize - cdOffset;
  if (shift < 0) throw new ZipFormatError('the central directory lies outside the file');
  // Checked before reading a single header: a million-entry directory must not cost a million objects.
  if (declaredCount > maxEntries) throw new TooManyZipEntries(maxEntries);
  const entries: ZipEntry[] = [];
  let at = cdOffset + shift;
  while (at + 46 <= view.byteLength && view.getUint32(at, true) === CENTRAL_HEADER) {
    if (entries.length === maxEntries) throw new TooManyZipEntries(maxEntries);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > view.byteLength) throw new ZipFormatError('a central directory header is cut off');
    const entry: ZipEntry = {
      name: Buffer.from(bytes.buffer, bytes.byteOffset + at + 46, nameLength).toString('utf8'),
      method: view.getUint16(at + 10, true),
      flags: view.getUint16(at + 8, true),
      compressedSize: view.getUint32(at + 20, true),
      uncompressedSize: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    };
    applyZip64Extra(view, at + 46 + nameLength, extraLength, entry);
    entry.localHeaderOffset += shift;
    entries.push(entry);
    at = end;
  }
  if (entries.length === 0 && declaredCount > 0) throw new ZipFormatError('no central directory entries');
  return entries;
}

function findEndRecord(view: DataView): number {
  const stop = Math.max(0, view.byteLength - EOCD_SEARCH);
  for (let at = view.byteLength - 22; at >= stop; at--) {
    if (view.getUint32(at, true) === EOCD) return at;
  }
  throw new ZipFormatError('no end of central directory record (truncated or not a ZIP file)');
}

function readZip64End(
  view: DataView,
  eocd: number,
): { declaredCount: number; cdSize: number; cdOffset: number; expectedEnd: number } | null {
  const locator = eocd - 20;
  if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) return null;
  const record = readUint64(view, locator + 8);
  if (record + 56 > view.byteLength || view.getUint32(record, true) !== ZIP64_EOCD) {
    throw new ZipFormatError('the ZIP64 end of central directory record is missing');
  }
  return {
    declaredCount: readUint64(view, record + 32),
    cdSize: readUint64(view, record + 40),
    cdOffset: readUint64(view, record + 48),
    expectedEnd: record,
  };
}

/** ZIP64 extra field (id 1): the 64-bit values of exactly those fields whose 32-bit slot is saturated. */
function applyZip64Extra(view: DataView, start: number, length: number, entry: ZipEntry): void {
  let at = start;
  while (at + 4 <= start + length) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 1) {
      let field = at + 4;
      const next = (): number | null => {
        if (field + 8 > at + 4 + size) return null;
        const value = readUint64(view, field);
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = next() ?? entry.uncompressedSize;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize;
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next() ?? entry.localHeaderOffset;
      return;
    }
    at += 4 + size;
  }
}

/** Values past 2^53 cannot be real in a file held in memory; they saturate and fail the size checks. */
function readUint64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}
