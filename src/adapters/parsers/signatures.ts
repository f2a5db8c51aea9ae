/**
 * Magic numbers of binary formats. PDF and Office Open XML are parsed; the others are recognised so that the
 * failure names what the file is ("PNG image") instead of calling it binary junk.
 */

import { type ContainerSniff, sniffContainer } from './office-containers.js';

export type BinarySniff = { kind: 'pdf' } | ContainerSniff;

/** The PDF spec lets the header start anywhere in the first 1024 bytes (some generators prepend junk). */
const PDF_HEADER_WINDOW = 1024;

export function sniffBinary(bytes: Uint8Array, extension: string): BinarySniff | null {
  // ZIP and OLE containers (Office files) are told apart by their directory, in office-containers.ts.
  const container = sniffContainer(bytes, extension);
  if (container) return container;
  if (hasPdfHeader(bytes)) return { kind: 'pdf' };
  const label = binaryLabel(bytes);
  return label ? { kind: 'unsupported', label } : null;
}

function hasPdfHeader(bytes: Uint8Array): boolean {
  const window = bytes.subarray(0, PDF_HEADER_WINDOW + 5);
  return Buffer.from(window.buffer, window.byteOffset, window.byteLength).includes('%PDF-', 0, 'latin1');
}

function binaryLabel(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'PNG image';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'JPEG image';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'GIF image';
  if (ascii(bytes, 0, 4) === 'II*\u0000' || ascii(bytes, 0, 4) === 'MM\u0000*') return 'TIFF image';
  // "BM" alone could start a text file; real bitmaps have four reserved zero bytes after the size.
  if (ascii(bytes, 0, 2) === 'BM' && startsWith(bytes.subarray(6), [0, 0, 0, 0])) return 'BMP image';
  if (ascii(bytes, 0, 4) === 'RIFF') return ascii(bytes, 8, 12) === 'WEBP' ? 'WebP image' : 'RIFF media file';
  if (ascii(bytes, 4, 8) === 'ftyp') return isoMediaLabel(ascii(bytes, 8, 12));
  if (ascii(bytes, 0, 5) === '{\\rtf') return 'RTF document';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip archive';
  if (startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7-Zip archive';
  if (ascii(bytes, 0, 4) === 'Rar!') return 'RAR archive';
  if (ascii(bytes, 0, 3) === 'ID3') return 'MP3 audio';
  if (ascii(bytes, 0, 4) === 'OggS') return 'Ogg media file';
  return null;
}

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
