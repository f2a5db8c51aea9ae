/**
 * The image formats read through OCR, told apart by their magic numbers. HEIC and AVIF are left to
 * signatures.ts, which names them as unsupported: the libvips inside sharp cannot decode HEVC.
 */

import type { DetectedType } from '../../ports/parser.js';

export type ImageKind = 'png' | 'jpeg' | 'tiff' | 'webp' | 'bmp' | 'gif';

const MIME_TYPES: Record<ImageKind, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  tiff: 'image/tiff',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
};

export function sniffImage(bytes: Uint8Array): ImageKind | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  const head = ascii(bytes, 0, 12);
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'gif';
  if (head.startsWith('II*\u0000') || head.startsWith('MM\u0000*')) return 'tiff';
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'webp';
  // "BM" alone could start a text file; real bitmaps have four reserved zero bytes after the size.
  if (head.startsWith('BM') && startsWith(bytes.subarray(6), [0, 0, 0, 0])) return 'bmp';
  return null;
}

export function imageType(kind: ImageKind): DetectedType {
  return { fileType: 'IMG', mimeType: MIME_TYPES[kind] };
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((byte, i) => bytes[i] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}
