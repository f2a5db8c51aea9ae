/**
 * Opens a password-encrypted DOCX, XLSX or PPTX: an OLE container whose EncryptionInfo stream says how the
 * EncryptedPackage stream (an 8-byte size, then the encrypted ZIP) was encrypted. The decrypted ZIP is
 * detected again from its contents and read by the normal parser, zip-bomb checks included.
 */

import { type DetectedType, ParseFailure, type ParseLimits } from '../../../ports/parser.js';
import { openCfb } from '../cfb-directory.js';
import { DEFAULT_MAX_UNCOMPRESSED_BYTES } from '../container-parser.js';
import { type Format, sniffFile } from '../detect.js';
import { agileKey, decryptAgilePackage } from './agile.js';
import { readEncryptionInfo } from './encryption-info.js';
import { corruptEncryption, passwordNeeded, wrongPassword } from './failures.js';
import { decryptStandardPackage, standardKey } from './standard.js';

export interface OpenedDocument {
  bytes: Uint8Array;
  format: Format;
  type: DetectedType;
}

const OFFICE_FORMATS = new Set<Format>(['docx', 'xlsx', 'pptx']);
const MB = 1024 * 1024;

export async function openEncryptedOffice(
  bytes: Uint8Array,
  fileName: string,
  password: string | null,
  limits: ParseLimits,
  signal: AbortSignal,
): Promise<OpenedDocument> {
  const container = openCfb(bytes);
  const infoStream = container?.stream('EncryptionInfo');
  const packageStream = container?.stream('EncryptedPackage');
  if (!infoStream || !packageStream) {
    // A damaged container, or one only named like Office: without a password, asking for one is the likely answer.
    if (!password) throw passwordNeeded();
    throw corruptEncryption('its EncryptionInfo and EncryptedPackage streams cannot be read');
  }
  const info = readEncryptionInfo(infoStream);
  if (!password) throw passwordNeeded();
  const size = declaredSize(packageStream, limits);

  let plain: Uint8Array;
  if (info.kind === 'agile') {
    const key = await agileKey(info, password, signal);
    if (!key) throw wrongPassword();
    plain = await decryptAgilePackage(info, key, packageStream, size, signal);
  } else {
    const key = await standardKey(info, password, signal);
    if (!key) throw wrongPassword();
    plain = decryptStandardPackage(info, key, packageStream, size);
  }

  const sniffed = sniffFile(plain, fileName, null);
  if (!sniffed.supported || !OFFICE_FORMATS.has(sniffed.format)) {
    throw corruptEncryption('it decrypts to something other than a DOCX, XLSX or PPTX file');
  }
  return { bytes: plain, format: sniffed.format, type: sniffed.type };
}

/** The plaintext size the package declares, proven to fit in the stream and in the unpacking limit. */
function declaredSize(stream: Uint8Array, limits: ParseLimits): number {
  if (stream.length < 8) throw corruptEncryption('its EncryptedPackage stream is cut off');
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const size = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  // Both schemes encrypt whole 16-byte AES blocks.
  if (Math.ceil(size / 16) * 16 > stream.length - 8) {
    throw corruptEncryption('its EncryptedPackage is shorter than the size it declares');
  }
  const max = limits.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  if (size > max) {
    throw new ParseFailure(
      'FILE_SIZE_TOO_LARGE',
      `The encrypted Office document decrypts to ${formatBytes(size)}; the limit is ${formatBytes(max)}.`,
    );
  }
  return size;
}

function formatBytes(bytes: number): string {
  return bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${bytes} bytes`;
}
