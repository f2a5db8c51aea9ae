/**
 * The failures of encrypted Office files, worded once. None of them may carry the password: messages end up
 * in run records, webhooks and logs.
 */

import { ParseFailure } from '../../../ports/parser.js';

export const passwordNeeded = (): ParseFailure =>
  new ParseFailure(
    'PASSWORD_PROTECTED_FILE',
    'The Office document is encrypted with a password; send its password in the file settings.',
  );

export const wrongPassword = (): ParseFailure =>
  new ParseFailure('PASSWORD_PROTECTED_FILE', 'The password for this Office document is incorrect.');

/** Encryption we recognise but do not decrypt (RC4, extensible encryption, certificates, other ciphers). */
export const unsupportedEncryption = (what: string): ParseFailure =>
  new ParseFailure(
    'PASSWORD_PROTECTED_FILE',
    `The Office document is encrypted with ${what}, which Docsort cannot decrypt: remove the password and upload it again.`,
  );

export const corruptEncryption = (detail: string): ParseFailure =>
  new ParseFailure('CORRUPT_FILE', `The encrypted Office document is damaged: ${detail}.`);

export const cancelled = (): ParseFailure => new ParseFailure('INTERNAL_ERROR', 'Parsing was cancelled.');
