/**
 * Recognising an RFC 5322 message by its opening when the name does not say ".eml" (file-type has no
 * answer for e-mail, see STACK.md): the first lines must all be header fields, with at least two of the
 * fields every mail program writes.
 */

/** Header names almost every message carries; prose or a key-value file rarely opens with two of them. */
const MAIL_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'received',
  'return-path',
  'delivered-to',
  'reply-to',
  'content-type',
]);

const MIME_ONLY = new Set(['mime-version', 'content-type']);

/** RFC 5322 field name: printable ASCII except the colon, then a colon. */
const FIELD = /^([!-9;-~]+):/;

/** How many header lines to look at: enough for the distinctive ones, bounded for speed. */
const MAX_LINES = 50;

export function looksLikeEmail(text: string): boolean {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/, MAX_LINES);
  const seen = new Set<string>();
  for (const [i, line] of lines.entries()) {
    if (line === '') break;
    // Folded continuation lines start with whitespace; a message cannot start with one.
    if (/^[ \t]/.test(line) && i > 0) continue;
    const name = FIELD.exec(line)?.[1]?.toLowerCase();
    if (!name) return false;
    if (MAIL_HEADERS.has(name)) seen.add(name);
  }
  // MIME headers alone (a bare multipart entity, a .p7s) do not make a message: one addressing field must be there.
  return seen.size >= 2 && [...seen].some((name) => !MIME_ONLY.has(name));
}
