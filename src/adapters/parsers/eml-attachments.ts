/** Naming an e-mail's attachments as child files, and telling documents from MIME protocol parts. */

/**
 * Signature and encryption-control parts of signed or encrypted mail (RFC 1847, S/MIME, PGP/MIME) are
 * protocol data, not documents anyone sends to be read: they never become child files.
 */
const PROTOCOL_PARTS = new Set([
  'application/pgp-signature',
  'application/pgp-encrypted',
  'application/pkcs7-signature',
  'application/x-pkcs7-signature',
]);

export function isSignaturePart(contentType: string): boolean {
  return PROTOCOL_PARTS.has(contentType.toLowerCase());
}

/** For attachments without a name, so the child file's extension says what it is. */
const EXTENSIONS: Record<string, string> = {
  'message/rfc822': '.eml',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/csv': '.csv',
  'text/calendar': '.ics',
  'application/pdf': '.pdf',
  'application/zip': '.zip',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/tiff': '.tiff',
  'image/webp': '.webp',
  'image/bmp': '.bmp',
  'audio/mpeg': '.mp3',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': '.pptx',
};

const MAX_NAME_LENGTH = 200;

/** The declared file name without any folder part or control characters; a made-up one when there is none. */
export function attachmentName(declared: string | undefined, contentType: string, position: number): string {
  const base = (declared ?? '')
    .split(/[\\/]/)
    .pop()
    ?.replace(/[\p{Cc}]/gu, '')
    .trim();
  if (base && base !== '.' && base !== '..') return base.slice(-MAX_NAME_LENGTH);
  return `attachment-${position}${EXTENSIONS[contentType.toLowerCase()] ?? ''}`;
}
