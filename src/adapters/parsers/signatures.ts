/**
 * Magic numbers of binary formats. PDF is the only one we parse; the others are recognised so that the
 * failure names what the file is ("PNG image") instead of calling it binary junk.
 */

export type BinarySniff = { kind: 'pdf' } | { kind: 'unsupported'; label: string };

/** The PDF spec lets the header start anywhere in the first 1024 bytes (some generators prepend junk). */
const PDF_HEADER_WINDOW = 1024;

export function sniffBinary(bytes: Uint8Array, extension: string): BinarySniff | null {
  if (hasPdfHeader(bytes)) return { kind: 'pdf' };
  const label = binaryLabel(bytes, extension);
  return label ? { kind: 'unsupported', label } : null;
}

function hasPdfHeader(bytes: Uint8Array): boolean {
  const window = bytes.subarray(0, PDF_HEADER_WINDOW + 5);
  return Buffer.from(window.buffer, window.byteOffset, window.byteLength).includes('%PDF-', 0, 'latin1');
}

function binaryLabel(bytes: Uint8Array, extension: string): string | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'PNG image';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'JPEG image';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'GIF image';
  if (ascii(bytes, 0, 4) === 'II*\u0000' || ascii(bytes, 0, 4) === 'MM\u0000*') return 'TIFF image';
  // "BM" alone could start a text file; real bitmaps have four reserved zero bytes after the size.
  if (ascii(bytes, 0, 2) === 'BM' && startsWith(bytes.subarray(6), [0, 0, 0, 0])) return 'BMP image';
  if (ascii(bytes, 0, 4) === 'RIFF') return ascii(bytes, 8, 12) === 'WEBP' ? 'WebP image' : 'RIFF media file';
  if (ascii(bytes, 4, 8) === 'ftyp') return isoMediaLabel(ascii(bytes, 8, 12));
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    return ZIP_LABELS[extension] ?? 'ZIP archive';
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return OLE_LABELS[extension] ?? 'Microsoft Office 97-2003 file';
  }
  if (ascii(bytes, 0, 5) === '{\\rtf') return 'RTF document';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip archive';
  if (startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7-Zip archive';
  if (ascii(bytes, 0, 4) === 'Rar!') return 'RAR archive';
  if (ascii(bytes, 0, 3) === 'ID3') return 'MP3 audio';
  if (ascii(bytes, 0, 4) === 'OggS') return 'Ogg media file';
  return null;
}

/** Office Open XML, OpenDocument and EPUB are ZIP files; only the name tells them apart without unzipping. */
const ZIP_LABELS: Record<string, string> = {
  docx: 'DOCX document',
  docm: 'DOCX document',
  xlsx: 'Excel workbook',
  xlsm: 'Excel workbook',
  pptx: 'PowerPoint presentation',
  odt: 'OpenDocument text',
  ods: 'OpenDocument spreadsheet',
  odp: 'OpenDocument presentation',
  epub: 'EPUB book',
};

const OLE_LABELS: Record<string, string> = {
  doc: 'Word 97-2003 document',
  xls: 'Excel 97-2003 workbook',
  ppt: 'PowerPoint 97-2003 presentation',
  msg: 'Outlook message (MSG)',
  // Password-protected Office Open XML files are wrapped in an OLE container.
  docx: 'password-protected DOCX document',
  xlsx: 'password-protected Excel workbook',
  pptx: 'password-protected PowerPoint presentation',
};

function isoMediaLabel(brand: string): string {
  if (['heic', 'heix', 'hevc', 'mif1', 'msf1'].includes(brand)) return 'HEIC image';
  if (brand === 'avif') return 'AVIF image';
  return 'MP4/QuickTime media file';
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((byte, i) => bytes[i] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}
